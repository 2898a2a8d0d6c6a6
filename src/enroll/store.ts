/**
 * Per-digit prototypes from the user's enrollment takes, stored as versioned JSON tied to the
 * model that embedded them (embeddings of another model live in another space and are useless).
 * Writes are atomic (temp file + rename) so a crash never leaves half a file; a file that cannot
 * be used is reported with a typed error and never rewritten behind the user's back.
 */
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../atomicWrite';
import { OutputTargetError, PrototypeStoreError } from '../errors';
import type { StringHead, UserHead } from '../model/types';
import { MAX_TAKES } from '../shared/constants';

export const STORE_FORMAT = 'digit-dictation-prototypes';
/** Largest store read: ten digits × three takes × a few thousand dimensions, with room to spare. */
const MAX_STORE_BYTES = 16 * 1024 * 1024;
/**
 * Version 2 adds the adapted head (enroll/adapt.ts), version 3 the string head
 * (enroll/stringAdapt.ts); older files (without them) are still read.
 */
export const STORE_VERSION = 3;
const READABLE_VERSIONS: readonly unknown[] = [1, 2, 3];
/** The string model's classes: ten digits and the blank. */
const STRING_CLASSES = 11;

export interface DigitPrototype {
  /** The embeddings of the takes (L2-normalised). */
  takes: number[][];
  /** Normalised mean of the takes. */
  prototype: number[];
  /** Mean pairwise cosine between takes (1 = identical); null with a single take. */
  quality: number | null;
}

/** The adapted head as stored, learned from the takes the prototypes hold. */
interface HeadFile {
  scale: number;
  /** One row per digit, embeddingDim values each. */
  weights: number[][];
  bias: number[];
  verifierShift: number[];
}

/** The string head as stored, learned from the same takes for string model `modelId`. */
interface StringHeadFile {
  modelId: string;
  /** One row per class (ten digits and the blank), STRING_CLASSES values each. */
  weights: number[][];
  bias: number[];
}

interface StoreFile {
  format: typeof STORE_FORMAT;
  version: number;
  modelId: string;
  embeddingDim: number;
  updatedAt: string;
  digits: Record<string, DigitPrototype>;
  head?: HeadFile;
  stringHead?: StringHeadFile;
}

export class PrototypeStore {
  private readonly digits = new Map<number, DigitPrototype>();
  private adapted: UserHead | undefined;
  private adaptedStrings: StringHead | undefined;

  constructor(
    readonly modelId: string,
    readonly embeddingDim: number,
  ) {}

  /**
   * Reads a store. Errors (all PrototypeStoreError): PROTOTYPES_NOT_FOUND, PROTOTYPES_CORRUPT,
   * PROTOTYPES_VERSION, PROTOTYPES_OTHER_MODEL. The file is only read, never modified.
   */
  static load(path: string, modelId: string, embeddingDim?: number): PrototypeStore {
    let text: string;
    try {
      const st = statSync(path);
      // A FIFO or device would block or never end; a store of ten digits is a few tens of KB.
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
      if (st.size > MAX_STORE_BYTES)
        throw Object.assign(new Error('too large'), { code: `${st.size} bytes, too large for a prototype file` });
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new PrototypeStoreError(
        code === 'ENOENT' ? 'PROTOTYPES_NOT_FOUND' : 'PROTOTYPES_UNREADABLE',
        `${path}: cannot read the enrollment file (${code ?? (err as Error).message}); enroll your voice to create it`,
        { cause: err },
      );
    }
    const corrupt = (why: string, cause?: unknown) =>
      new PrototypeStoreError(
        'PROTOTYPES_CORRUPT',
        `${path}: enrollment file is damaged (${why}); it was left as is — delete it or enroll again to replace it`,
        { cause },
      );
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw corrupt('not valid JSON', err);
    }
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!isObject(data) || data.format !== STORE_FORMAT) throw corrupt('not a Digit Dictation prototype file');
    if (!READABLE_VERSIONS.includes(data.version)) {
      throw new PrototypeStoreError(
        'PROTOTYPES_VERSION',
        `${path}: enrollment file has version ${String(JSON.stringify(data.version)).slice(0, 40)}, this version reads ${READABLE_VERSIONS.join(' and ')}; enroll again`,
      );
    }
    if (typeof data.modelId !== 'string') throw corrupt('no model id');
    if (data.modelId !== modelId) {
      throw new PrototypeStoreError(
        'PROTOTYPES_OTHER_MODEL',
        `${path}: enrollment was made with model ${data.modelId.slice(0, 64)}, the current model is ${modelId}; enroll again for this model (the base model is used meanwhile)`,
      );
    }
    const dim = data.embeddingDim;
    if (!(typeof dim === 'number' && Number.isInteger(dim) && dim > 0) || (embeddingDim !== undefined && dim !== embeddingDim)) {
      throw corrupt(`embedding size ${String(JSON.stringify(dim)).slice(0, 40)} does not match the model's ${embeddingDim}`);
    }
    if (!isObject(data.digits)) throw corrupt('"digits" is not an object of digit → takes');
    const store = new PrototypeStore(modelId, dim);
    for (const [key, entry] of Object.entries(data.digits)) {
      // Exactly "0"–"9": "" or " 7" or "07" would read as a digit through Number().
      if (!/^[0-9]$/.test(key)) throw corrupt(`${JSON.stringify(key.slice(0, 20))} is not a digit 0–9`);
      const digit = Number(key);
      if (!isObject(entry)) throw corrupt(`digit ${digit} is not an object`);
      const takes = entry.takes;
      if (!Array.isArray(takes) || takes.length === 0 || takes.length > MAX_TAKES)
        throw corrupt(`digit ${digit} has ${Array.isArray(takes) ? takes.length : 'no list of'} takes (1–${MAX_TAKES} expected)`);
      takes.forEach((t, i) => {
        const why = vectorProblem(t, dim);
        if (why) throw corrupt(`digit ${digit} take ${i + 1}: ${why}`);
      });
      if (entry.prototype !== undefined) {
        const why = vectorProblem(entry.prototype, dim);
        if (why) throw corrupt(`digit ${digit} prototype: ${why}`);
      }
      if (
        entry.quality !== undefined &&
        entry.quality !== null &&
        !(typeof entry.quality === 'number' && entry.quality >= -1.001 && entry.quality <= 1.001)
      )
        throw corrupt(`digit ${digit} quality is not a cosine`);
      store.setTakes(
        digit,
        (takes as number[][]).map((t) => Float32Array.from(t)),
      );
    }
    if (store.enrolled().length === 0) {
      throw new PrototypeStoreError('PROTOTYPES_EMPTY', `${path}: no digit is enrolled in this file; enroll your voice to use it`);
    }
    if (data.head !== undefined) {
      const why = headProblem(data.head, dim);
      if (why) throw corrupt(`the adapted head ${why}`);
      const h = data.head as HeadFile;
      store.setHead({
        scale: h.scale,
        weights: Float32Array.from(h.weights.flat()),
        bias: Float32Array.from(h.bias),
        verifierShift: Float32Array.from(h.verifierShift),
      });
    }
    if (data.stringHead !== undefined) {
      const why = stringHeadProblem(data.stringHead);
      if (why) throw corrupt(`the string head ${why}`);
      const h = data.stringHead as StringHeadFile;
      store.setStringHead({ modelId: h.modelId, weights: Float32Array.from(h.weights.flat()), bias: Float32Array.from(h.bias) });
    }
    return store;
  }

  /** The string head adapted to these takes (enroll/stringAdapt.ts), if one was learned. */
  get stringHead(): StringHead | undefined {
    return this.adaptedStrings;
  }

  /** Installs the string head learned from the current takes; changing any take removes it again. */
  setStringHead(head: StringHead | undefined): void {
    if (
      head &&
      (head.weights.length !== STRING_CLASSES * STRING_CLASSES ||
        head.bias.length !== STRING_CLASSES ||
        typeof head.modelId !== 'string' ||
        firstNonFinite(head.weights) >= 0 ||
        firstNonFinite(head.bias) >= 0)
    ) {
      throw new RangeError(`string head is not ${STRING_CLASSES} × ${STRING_CLASSES} finite values with a model id`);
    }
    this.adaptedStrings = head;
  }

  /** The head adapted to these takes (enroll/adapt.ts), if one was learned. */
  get head(): UserHead | undefined {
    return this.adapted;
  }

  /** Installs the head learned from the current takes; changing any take removes it again. */
  setHead(head: UserHead | undefined): void {
    if (
      head &&
      (head.weights.length !== 10 * this.embeddingDim ||
        head.bias.length !== 10 ||
        head.verifierShift.length !== 10 ||
        !Number.isFinite(head.scale) ||
        firstNonFinite(head.weights) >= 0 ||
        firstNonFinite(head.bias) >= 0 ||
        firstNonFinite(head.verifierShift) >= 0)
    ) {
      throw new RangeError(`adapted head does not fit ${this.embeddingDim}-value embeddings or is not finite`);
    }
    this.adapted = head;
  }

  /** Replaces a digit's takes (at most MAX_TAKES, the latest kept) and recomputes its prototype. */
  setTakes(digit: number, embeddings: Float32Array[]): DigitPrototype {
    if (!(Number.isInteger(digit) && digit >= 0 && digit <= 9)) throw new RangeError(`not a digit: ${digit}`);
    const kept = embeddings.slice(-MAX_TAKES);
    if (kept.length === 0) throw new RangeError(`digit ${digit}: no takes`);
    for (const e of kept) {
      // A broken model or damaged audio; storing it would replace good prototypes with nulls.
      if (e.length !== this.embeddingDim || firstNonFinite(e) >= 0 || !(norm(e) > 0)) {
        throw new PrototypeStoreError(
          'ENROLL_BAD_EMBEDDING',
          `digit ${digit}: the take's embedding is unusable (${e.length} values, expected ${this.embeddingDim}${firstNonFinite(e) >= 0 ? '; not finite' : !(norm(e) > 0) ? '; all zero' : ''}); the enrollment was not changed`,
        );
      }
    }
    const takes = kept.map(normalise);
    // A head learned from other takes would no longer describe this enrollment.
    this.adapted = undefined;
    this.adaptedStrings = undefined;
    const entry: DigitPrototype = {
      takes: takes.map((t) => Array.from(t)),
      prototype: Array.from(normalise(mean(takes))),
      quality: pairwiseQuality(takes),
    };
    this.digits.set(digit, entry);
    return entry;
  }

  /** Adds one take, dropping the oldest beyond MAX_TAKES. */
  addTake(digit: number, embedding: Float32Array): DigitPrototype {
    const old = this.digits.get(digit)?.takes.map((t) => Float32Array.from(t)) ?? [];
    return this.setTakes(digit, [...old, embedding]);
  }

  remove(digit: number): void {
    this.digits.delete(digit);
    this.adapted = undefined;
    this.adaptedStrings = undefined;
  }

  get(digit: number): DigitPrototype | undefined {
    return this.digits.get(digit);
  }

  /** Enrolled digits, ascending. */
  enrolled(): number[] {
    return [...this.digits.keys()].sort((a, b) => a - b);
  }

  get isComplete(): boolean {
    return this.digits.size === 10;
  }

  /** Prototype vectors indexed by digit (undefined where not enrolled), for the prototype head. */
  prototypes(): Array<Float32Array | undefined> {
    return Array.from({ length: 10 }, (_, d) => {
      const p = this.digits.get(d);
      return p ? Float32Array.from(p.prototype) : undefined;
    });
  }

  toJSON(): StoreFile {
    const digits: Record<string, DigitPrototype> = {};
    for (const d of this.enrolled()) digits[String(d)] = this.digits.get(d)!;
    const h = this.adapted;
    const sh = this.adaptedStrings;
    const dim = this.embeddingDim;
    return {
      format: STORE_FORMAT,
      version: STORE_VERSION,
      modelId: this.modelId,
      embeddingDim: dim,
      updatedAt: new Date().toISOString(),
      digits,
      ...(h && {
        head: {
          scale: h.scale,
          weights: Array.from({ length: 10 }, (_, d) => Array.from(h.weights.subarray(d * dim, (d + 1) * dim))),
          bias: Array.from(h.bias),
          verifierShift: Array.from(h.verifierShift),
        },
      }),
      ...(sh && {
        stringHead: {
          modelId: sh.modelId,
          weights: Array.from({ length: STRING_CLASSES }, (_, k) =>
            Array.from(sh.weights.subarray(k * STRING_CLASSES, (k + 1) * STRING_CLASSES)),
          ),
          bias: Array.from(sh.bias),
        },
      }),
    };
  }

  /** Writes atomically (see writeFileAtomic): a crash never leaves a half-written store. */
  save(path: string): void {
    try {
      writeFileAtomic(path, JSON.stringify(this.toJSON(), null, 1), 0o600);
    } catch (err) {
      if (err instanceof OutputTargetError) throw err;
      throw new PrototypeStoreError('PROTOTYPES_WRITE_FAILED', `${path}: cannot write the enrollment file (${(err as Error).message})`, {
        cause: err,
      });
    }
  }
}

/** Unit length within float32 rounding (takes are stored normalised). */
const UNIT_TOLERANCE = 1e-3;

/** Why `v` is not a finite unit vector of `dim` numbers, or undefined. */
function vectorProblem(v: unknown, dim: number): string | undefined {
  if (!Array.isArray(v) || v.length !== dim) return `not ${dim} numbers`;
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) return 'holds a value that is not a finite number';
  const n = norm(v as number[]);
  if (!(Math.abs(n - 1) <= UNIT_TOLERANCE)) return `length ${n.toPrecision(3)}, not a unit vector`;
  return undefined;
}

/** Whether `v` is an array of `n` finite numbers (as read from JSON). */
function finite(v: unknown, n: number): boolean {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Why a stored head does not fit `dim`-value embeddings, or undefined. */
function headProblem(h: unknown, dim: number): string | undefined {
  if (typeof h !== 'object' || h === null) return 'is not an object';
  const { scale, weights, bias, verifierShift } = h as Record<string, unknown>;
  if (!(typeof scale === 'number' && Number.isFinite(scale))) return 'has no finite scale';
  if (!Array.isArray(weights) || weights.length !== 10 || !weights.every((r) => finite(r, dim)))
    return `does not fit ${dim}-value embeddings (10 rows of ${dim} finite numbers expected)`;
  if (!finite(bias, 10)) return 'has no 10 finite biases';
  if (!finite(verifierShift, 10) || !(verifierShift as number[]).every((x) => x >= 0)) return 'has no 10 verifier shifts ≥ 0';
  return undefined;
}

function stringHeadProblem(h: unknown): string | undefined {
  if (typeof h !== 'object' || h === null) return 'is not an object';
  const { modelId, weights, bias } = h as Record<string, unknown>;
  if (typeof modelId !== 'string' || modelId.length === 0) return 'names no string model';
  if (!Array.isArray(weights) || weights.length !== STRING_CLASSES || !weights.every((r) => finite(r, STRING_CLASSES)))
    return `is not ${STRING_CLASSES} rows of ${STRING_CLASSES} finite numbers`;
  if (!finite(bias, STRING_CLASSES)) return `has no ${STRING_CLASSES} finite biases`;
  return undefined;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function firstNonFinite(v: ArrayLike<number>): number {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return i;
  return -1;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

function mean(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs[0].length);
  for (const v of vs) for (let i = 0; i < v.length; i++) out[i] += v[i] / vs.length;
  return out;
}

/** Mean cosine between every two of the takes (1 = identical); null with fewer than two. */
export function pairwiseQuality(vs: Float32Array[]): number | null {
  if (vs.length < 2) return null;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < vs.length; i++) {
    for (let j = i + 1; j < vs.length; j++) {
      sum += cosine(vs[i], vs[j]);
      n++;
    }
  }
  return sum / n;
}
