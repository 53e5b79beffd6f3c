/**
 * Characters no stored free text may hold: controls a terminal acts on (C0, DEL, C1), and the
 * invisible ones that change how a line reads (bidi overrides and isolates, zero-width marks,
 * line and paragraph separators): `office ‮0/0.0.0.0 wolla` can look like `allow 0.0.0.0/0`.
 */
export const unsafeCharacter =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/

/** The first unsafe character in `text`, as a JSON-style escape (`\u202e`), or undefined. */
export function firstUnsafeCharacter(text: string | undefined): string | undefined {
  const found = text === undefined ? null : unsafeCharacter.exec(text)
  return found ? `\\u${found[0].charCodeAt(0).toString(16).padStart(4, '0')}` : undefined
}
