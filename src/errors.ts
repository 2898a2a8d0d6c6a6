/** Errors a user can act on: a stable `code` for programs, a message for people. */
export class DigitDictationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class AudioFormatError extends DigitDictationError {}
export class ModelMismatchError extends DigitDictationError {}
export class ModelLoadError extends DigitDictationError {}
export class DatasetError extends DigitDictationError {}
export class PrototypeStoreError extends DigitDictationError {}
export class MicrophoneError extends DigitDictationError {}
export class OutputTargetError extends DigitDictationError {}
export class OptionError extends DigitDictationError {}
export class TrainingError extends DigitDictationError {}
