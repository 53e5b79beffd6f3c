/** How guessable a key made elsewhere is, judged before it is imported; never echoes the key. */

/** Imported keys need at least this many characters. */
export const minImportedKeyLength = 32

// Fewer different characters than this is not random. A random 32-char hex key has 14 on
// average; 10 refused 1 in about 300 of them (one of the benchmark harness's 1,000 keys), 8
// refuses about 1 in 100,000.
const minDistinctCharacters = 8

// What a key must be worth by its length and the kinds of characters it uses.
const minEstimatedBits = 128

// Printable ASCII split into kinds, with how many characters each kind has.
const characterKinds: readonly [RegExp, number][] = [
  [/[a-z]/, 26],
  [/[A-Z]/, 26],
  [/[0-9]/, 10],
  [/[^a-zA-Z0-9]/, 32],
]

/** The length of the shortest unit that, repeated, spells `text` (its own length if none). */
export function smallestPeriod(text: string): number {
  // Knuth-Morris-Pratt: border[i] is the longest proper prefix of text[0..i] that is also its suffix.
  const border = new Array<number>(text.length).fill(0)
  for (let i = 1, k = 0; i < text.length; i++) {
    while (k > 0 && text[i] !== text[k]) k = border[k - 1]!
    if (text[i] === text[k]) k++
    border[i] = k
  }
  return text.length - (border[text.length - 1] ?? 0)
}

// A repeat of this many characters or more counts as one character in `freshLength`.
const minRepeat = 4

// Only so much of a key is searched for repeats (bounding the time a huge line costs); the rest
// counts for nothing, so a key must be strong within it.
const maxAnalysed = 512

/**
 * How many characters of `text` are new: a run that copies an earlier part of at least
 * `minRepeat` characters counts as one (greedy, as LZ77 parses), and so does a run of at least
 * `minRepeat` consecutive characters (`abcd`, `6789`, `zyxw`). `abcdabcdabcd12` counts 4.
 */
export function freshLength(text: string): number {
  const sample = text.slice(0, maxAnalysed)
  let fresh = 0
  for (let i = 0; i < sample.length; fresh++) {
    let longest = sequenceLength(sample, i)
    for (let j = 0; j < i; j++) {
      let n = 0
      while (i + n < sample.length && sample[j + n] === sample[i + n]) n++
      longest = Math.max(longest, n)
    }
    i += longest >= minRepeat ? longest : 1
  }
  return fresh
}

/** How long the run of consecutive characters (up or down by one) starting at `i` is. */
function sequenceLength(text: string, i: number): number {
  const step = text.charCodeAt(i + 1) - text.charCodeAt(i)
  if (step !== 1 && step !== -1) return 1
  let n = 2
  while (i + n < text.length && text.charCodeAt(i + n) - text.charCodeAt(i + n - 1) === step) n++
  return n
}

/** Bits in `length` characters drawn from every kind `text` uses: a generous upper bound. */
function estimatedBits(text: string, length: number): number {
  const alphabet = characterKinds
    .filter(([kind]) => kind.test(text))
    .reduce((sum, [, size]) => sum + size, 0)
  return length * Math.log2(alphabet)
}

/** Why `apiKey` is too weak to be unguessable, or undefined when it is fine. */
export function keyStrengthProblem(apiKey: string): string | undefined {
  if (!/^[\x21-\x7e]+$/.test(apiKey)) return 'has spaces or characters outside printable ASCII'
  if (apiKey.length < minImportedKeyLength) {
    return `is shorter than ${minImportedKeyLength} characters`
  }
  // A key that repeats a unit is worth no more than the unit.
  const period = smallestPeriod(apiKey)
  if (period * 2 <= apiKey.length) return 'repeats a shorter part (like abcabc…)'
  if (new Set(apiKey).size < minDistinctCharacters) {
    return `uses fewer than ${minDistinctCharacters} different characters`
  }
  if (estimatedBits(apiKey, freshLength(apiKey)) < minEstimatedBits) {
    return (
      `is worth under ${minEstimatedBits} bits by its length and kinds of characters; ` +
      'use a longer or more varied one'
    )
  }
  return undefined
}
