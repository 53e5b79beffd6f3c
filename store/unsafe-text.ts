/**
 * Characters no stored free text may hold: controls a terminal acts on (C0, DEL, C1), and the
 * invisible ones that change how a line reads (bidi overrides and isolates, zero-width marks,
 * line and paragraph separators): `office ‮0/0.0.0.0 wolla` can look like `allow 0.0.0.0/0`.
 */

// The invisible ones, as a regular-expression range: zero-width marks, bidi marks, overrides
// and isolates, word joiners, line and paragraph separators, the byte-order mark.
const invisible = '\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff'

/** Any character stored text may not hold. */
export const unsafeCharacter = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f${invisible}]`)

/** Every character a terminal must not be sent raw: `unsafeCharacter` less tab and line feed. */
export const unprintableCharacters = new RegExp(
  `[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f${invisible}]`,
  'g',
)

/** A character as a JSON-style escape (`\u202e`). */
export function escapedCharacter(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/** The first unsafe character in `text`, escaped, or undefined. */
export function firstUnsafeCharacter(text: string | undefined): string | undefined {
  const found = text === undefined ? null : unsafeCharacter.exec(text)
  return found ? escapedCharacter(found[0]) : undefined
}
