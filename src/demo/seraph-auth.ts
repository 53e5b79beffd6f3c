/**
 * Authentication the way Jira Data Center's Seraph filter does it: Basic with a failed-login
 * counter that turns into a CAPTCHA demand, personal access tokens as Bearer, and anonymous
 * access when no Authorization header is sent at all.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { jiraError, type Reply } from './reply.ts'

/** A Jira user the stand-in knows. */
export interface StandInUser {
  username: string
  password: string
  displayName?: string
}

/** A personal access token and the user it authenticates as. */
export interface StandInToken {
  token: string
  username: string
}

/** Everything authentication needs: the accounts and the per-username failed-login counts. */
export interface AuthDirectory {
  users: StandInUser[]
  tokens: StandInToken[]
  captchaAfter: number
  failedLogins: Map<string, number>
  loginUrl: string
}

/** The outcome: a user name (undefined for anonymous) or the reply that refuses the request. */
export type AuthOutcome =
  | { isDenied: false; username: string | undefined }
  | { isDenied: true; reply: Reply }

const anonymous: AuthOutcome = { isDenied: false, username: undefined }

/** Decides who sends a request from its Authorization header, counting failed Basic logins. */
export function authenticate(authorization: string | undefined, dir: AuthDirectory): AuthOutcome {
  if (authorization === undefined) return anonymous
  const space = authorization.indexOf(' ')
  const scheme = authorization.slice(0, space < 0 ? undefined : space).toLowerCase()
  const credentials = space < 0 ? '' : authorization.slice(space + 1).trim()
  if (scheme === 'basic') return authenticateBasic(credentials, dir)
  if (scheme === 'bearer') return authenticateBearer(credentials, dir)
  // Seraph leaves schemes it does not know to later filters: the request stays anonymous.
  return anonymous
}

function authenticateBasic(credentials: string, dir: AuthDirectory): AuthOutcome {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return loginFailed('Basic credentials are malformed.')
  const username = decoded.slice(0, colon)
  const password = decoded.slice(colon + 1)
  if ((dir.failedLogins.get(username) ?? 0) >= dir.captchaAfter) return captchaDemanded(dir)
  const user = dir.users.find((candidate) => candidate.username === username)
  // Compare even for an unknown user so the answer takes as long either way.
  const isMatch = secretsEqual(password, user?.password ?? '') && user !== undefined
  if (!isMatch) {
    dir.failedLogins.set(username, (dir.failedLogins.get(username) ?? 0) + 1)
    return loginFailed('Login failed: the user name or password is wrong.')
  }
  dir.failedLogins.delete(username)
  return { isDenied: false, username }
}

function authenticateBearer(token: string, dir: AuthDirectory): AuthOutcome {
  let username: string | undefined
  for (const candidate of dir.tokens) {
    if (secretsEqual(token, candidate.token)) username = candidate.username
  }
  if (username === undefined) return loginFailed('The personal access token is not valid.')
  return { isDenied: false, username }
}

function loginFailed(message: string): AuthOutcome {
  const headers = {
    'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED',
    'X-AUSERNAME': 'anonymous',
    'WWW-Authenticate': 'Basic realm="protected-area"',
  }
  return { isDenied: true, reply: jiraError(401, [message], {}, headers) }
}

function captchaDemanded(dir: AuthDirectory): AuthOutcome {
  const headers = {
    'X-Seraph-LoginReason': 'AUTHENTICATION_DENIED',
    'X-Authentication-Denied-Reason': `CAPTCHA_CHALLENGE; login-url=${dir.loginUrl}`,
    'X-AUSERNAME': 'anonymous',
  }
  const message = 'CAPTCHA_CHALLENGE: too many failed logins; sign in through the web page first.'
  return { isDenied: true, reply: jiraError(403, [message], {}, headers) }
}

function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}
