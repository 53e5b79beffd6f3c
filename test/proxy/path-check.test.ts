/** The canonical-path check: what Tomcat could read differently is refused (issue #2). */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { pathProblem } from '../../src/proxy/path-check.ts'

describe('pathProblem', () => {
  test.each([
    '',
    '/',
    '/rest/api/2/issue/DEMO-1',
    '/rest/api/2/search',
    '/rest/api/2/issue/DEMO-1/',
    '/rest/api/2/user/picker',
    '/rest/api/2/project/%C3%BC',
    "/rest/api/2/x/a:b@c!$&'()*+,=",
    '/rest/api/2/file%20name',
  ])('accepts the canonical path %p', (path) => {
    expect(pathProblem(path)).toBeUndefined()
  })

  test.each([
    ['/rest//api', '//'],
    ['/rest/./api', 'dot segment'],
    ['/rest/../api', 'dot segment'],
    ['/rest/api/..', 'dot segment'],
    ['/rest/api;jsessionid=x/2', 'must be percent-encoded'],
    ['/rest/..;/admin', 'must be percent-encoded'],
    ['/rest/%2e%2e/admin', 'lower-case'],
    ['/rest/%2E%2E/admin', 'must be written plainly'],
    ['/rest/%2F/admin', 'encodes "/"'],
    ['/rest/%5C/admin', 'encodes "\\"'],
    ['/rest/%3B/admin', 'encodes ";"'],
    ['/rest/%3F/admin', 'encodes "?"'],
    ['/rest/%23/admin', 'encodes "#"'],
    ['/rest/%00/admin', 'control character'],
    ['/rest/%0A/admin', 'control character'],
    ['/rest/%25/admin', 'encodes "%"'],
    ['/rest/%41dmin', 'must be written plainly'],
    ['/rest/%zz', 'invalid percent-encoding'],
    ['/rest/%4', 'invalid percent-encoding'],
    ['/rest/%C0%AE%C0%AE/admin', 'not valid UTF-8'],
    ['/rest/%C3', 'not valid UTF-8'],
    ['/rest/ü', 'must be percent-encoded'],
    ['/rest/a b', 'must be percent-encoded'],
    ['/rest/a\\b', 'must be percent-encoded'],
    ['rest', 'must start with /'],
  ])('refuses %p (%s)', (path, problem) => {
    expect(pathProblem(path)).toContain(problem)
  })
})

/**
 * A reference normaliser: what Tomcat-like decoding could turn a path into (decode needlessly
 * encoded characters, upper-case escapes, drop `;` parameters, turn `\` into `/`, collapse `//`,
 * resolve dot segments, raw or encoded).
 */
function normalise(path: string): string {
  let result = path.replace(/%([0-9A-Fa-f]{2})/g, (whole, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return /[A-Za-z0-9\-._~]/.test(char) ? char : whole.toUpperCase()
  })
  result = result
    .replace(/;[^/]*/g, '')
    .replaceAll('\\', '/')
    .replace(/\/{2,}/g, '/')
  const output: string[] = []
  for (const segment of result.split('/')) {
    if (segment === '.') continue
    if (segment === '..') output.pop()
    else output.push(segment)
  }
  return output.join('/')
}

describe('property: the canonical-path check', () => {
  const piece = fc.constantFrom(
    '/',
    '.',
    '..',
    '%',
    '%2e',
    '%2E',
    '%2f',
    '%2F',
    '%41',
    '%c3%bc',
    '%C3%BC',
    ';',
    'a',
    'rest',
    '\\',
    '%5C',
    '%00',
    '~',
    '-',
    'ü',
    '%ZZ',
    '%3b',
    '//',
  )
  const pathArb = fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`)

  test('never accepts a path whose normalised form differs from itself', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        if (pathProblem(path) === undefined) expect(normalise(path)).toBe(path)
      }),
      { numRuns: 5000 },
    )
  })

  test('accepts every plain path built from unreserved segments', () => {
    const segment = fc
      .stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,8}$/)
      .filter((s) => s !== '.' && s !== '..')
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        expect(pathProblem(`/${segments.join('/')}`)).toBeUndefined()
      }),
    )
  })
})
