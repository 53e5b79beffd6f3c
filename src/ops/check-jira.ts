/**
 * The HTTP steps of `japroxy check`: Jira's anonymous serverInfo, the service credential on
 * `/rest/api/2/myself`, and optionally one request through the running japroxy with a key.
 * They read Jira's answers the way `serve` does (X-Seraph-LoginReason, the CAPTCHA header).
 */
import { credentialRejection } from '../proxy/response.ts'
import { errorCode, result, type StepResult } from './check-types.ts'

/** TLS settings for fetch (a private CA, a pinned fingerprint). */
export type FetchTls =
  | {
      ca?: string
      checkServerIdentity?: (host: string, cert: { fingerprint256: string }) => Error | undefined
    }
  | undefined

async function get(
  url: string,
  headers: Record<string, string>,
  tls: FetchTls,
  timeoutMs: number,
): Promise<Response> {
  return fetch(url, {
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
    tls,
  } as RequestInit)
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    return (await response.json()) as Record<string, unknown>
  } catch {
    return {}
  }
}

/** Step serverInfo: Jira answers its anonymous version call at the upstream URL. */
export async function serverInfoStep(
  upstream: string,
  tls: FetchTls,
  timeoutMs: number,
): Promise<StepResult> {
  try {
    const response = await get(
      `${upstream}/rest/api/2/serverInfo`,
      { accept: 'application/json' },
      tls,
      timeoutMs,
    )
    const info = await readJson(response)
    if (response.status !== 200 || typeof info.version !== 'string') {
      return result(
        'serverInfo',
        'fail',
        `answered ${response.status}, not Jira's serverInfo`,
        "check the upstream URL, including Jira's context path (like https://jira.internal/jira)",
      )
    }
    const kind = typeof info.deploymentType === 'string' ? ` ${info.deploymentType}` : ''
    return result(
      'serverInfo',
      'ok',
      `Jira${kind} ${info.version}${info.serverTitle ? ` "${info.serverTitle}"` : ''}`,
    )
  } catch (error) {
    return result(
      'serverInfo',
      'fail',
      `no answer (${errorCode(error)})`,
      'see the DNS, TCP and TLS steps above',
    )
  }
}

/** What the credential step found; `rejection` is set when Jira refused the credential. */
export interface CredentialOutcome {
  step: StepResult
  rejection?: string
}

function rejected(route: string, user: string, reason: string): CredentialOutcome {
  const account = user ? `the account ${user}` : 'the service account'
  if (reason.includes('CAPTCHA')) {
    return {
      rejection: reason,
      step: result(
        'credential',
        'fail',
        `Jira demands a CAPTCHA for ${account} after failed logins`,
        `sign in once as ${user || 'that account'} in a browser (or ask a Jira admin to reset ` +
          `it), then japroxy route resume ${route}`,
      ),
    }
  }
  return {
    rejection: reason,
    step: result(
      'credential',
      'fail',
      `Jira refused ${account} (${reason}); each try counts a failed login`,
      `set the right secret: japroxy credential set ${route} ` +
        (user ? `--user ${user}` : '--token'),
    ),
  }
}

/** Step credential: `/rest/api/2/myself` with the unsealed service credential. */
export async function credentialStep(
  route: string,
  upstream: string,
  authorization: string,
  user: string,
  tls: FetchTls,
  timeoutMs: number,
): Promise<CredentialOutcome> {
  try {
    const response = await get(
      `${upstream}/rest/api/2/myself`,
      { accept: 'application/json', authorization },
      tls,
      timeoutMs,
    )
    const reason =
      credentialRejection(response, false) ?? (response.status === 401 ? '401' : undefined)
    if (reason) {
      void response.body?.cancel()
      return rejected(route, user, reason)
    }
    const me = await readJson(response)
    if (response.status !== 200 || typeof me.name !== 'string') {
      return {
        step: result(
          'credential',
          'fail',
          `myself answered ${response.status}`,
          "check that the account may use Jira's REST API",
        ),
      }
    }
    const display =
      typeof me.displayName === 'string' && me.displayName !== me.name ? ` (${me.displayName})` : ''
    return {
      step: result('credential', 'ok', `Jira accepts it: authenticated as ${me.name}${display}`),
    }
  } catch (error) {
    return {
      step: result('credential', 'fail', `no answer (${errorCode(error)})`, 'see the steps above'),
    }
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/\s*\(request [^)]*\)$/, '').slice(0, 200)
}

/** Step through japroxy: one request with an API key, as Jira Align's Test Now sends it. */
export async function throughStep(
  proxyUrl: string,
  basePath: string,
  apiKey: string,
  tls: FetchTls,
  timeoutMs: number,
): Promise<StepResult> {
  const url = `${proxyUrl.replace(/\/+$/, '')}${basePath}/rest/api/2/myself`
  const authorization = `Basic ${Buffer.from(`japroxy-check:${apiKey}`).toString('base64')}`
  try {
    const response = await get(url, { accept: 'application/json', authorization }, tls, timeoutMs)
    if (response.status === 200) {
      const me = await readJson(response)
      return result('through japroxy', 'ok', `${url} answered 200 as ${String(me.name ?? '?')}`)
    }
    const text = firstLine(await response.text())
    const hint =
      response.status === 401
        ? 'check the key (japroxy key list shows its keyId and status)'
        : response.status === 403
          ? "check the allow-list, the key's routes and the endpoint policy (japroxy route explain)"
          : "see serve's log line for this request"
    return result('through japroxy', 'fail', `${url} answered ${response.status}: ${text}`, hint)
  } catch (error) {
    return result(
      'through japroxy',
      'fail',
      `cannot reach ${url} (${errorCode(error)})`,
      'is serve running and listening at that URL?',
    )
  }
}
