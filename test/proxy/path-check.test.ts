/** The canonical-path check: what Tomcat could read differently is refused (issue #2). */
import { describe, expect, test } from 'bun:test'
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
