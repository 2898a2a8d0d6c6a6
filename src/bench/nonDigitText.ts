/**
 * The benchmark's non-digit material (held out: the verifier's training data in verifierData.ts
 * uses other voices, words and sentences, and checks that it does).
 */
export const BENCH_SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Please remember to save the file before closing the editor.',
  'We will meet in the library after lunch.',
  'This function returns a promise that resolves when the stream ends.',
  'Could you open the settings and change the theme?',
  'The weather has been unusually warm this week.',
  'She sells sea shells by the sea shore.',
  'Compile the project and run the tests again.',
  'I think the bug is somewhere in the parser.',
  'Let us refactor this module into smaller pieces.',
  'The meeting has been moved to the afternoon.',
  'Add a comment explaining why this threshold was chosen.',
  'My keyboard is making a strange clicking noise.',
  'Good morning, how are you doing today?',
  'The cache should be cleared when the configuration changes.',
  'He walked slowly along the river bank.',
  'Turn left at the next corner and keep going.',
  'The coffee machine in the kitchen is broken again.',
  'Remember the milk, the bread and the cheese.',
  'Our users want a darker colour scheme.',
  'Merge the branch once the review is done.',
  'The cat sat quietly by the window.',
  'Import the module at the top of the file.',
  'Where did I leave my glasses?',
  'This sentence has nothing to do with numbers.',
  'Wait a moment, I need to check something.',
  'Undo that change and try a different approach.',
  'The server responded with an error message.',
  'Scroll down to the bottom of the page.',
  'Let me think about it for a while.',
];
export const BENCH_WORDS = [
  'hello', 'yes', 'stop', 'cancel', 'delete', 'enter', 'okay', 'next', 'back', 'undo', 'save', 'open', 'close', 'start',
  'pause', 'right', 'left', 'up', 'down', 'maybe', 'thanks', 'please', 'what', 'again', 'comma', 'period', 'space', 'select', 'copy', 'paste',
];
export const BENCH_VOICES = ['en-us', 'en-gb', 'en-us+f3', 'en-gb-scotland', 'en-029'];
