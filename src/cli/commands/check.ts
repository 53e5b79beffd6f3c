/** `japroxy check ROUTE`: Jira Align's "Test Now", from the host, step by step. */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { listBreakers, tripBreaker } from '../../../store/breakers.ts'
import { storePublicKey, unsealCredentials } from '../../../store/credentials.ts'
import { type Store, StoreError } from '../../../store/db.ts'
import { getRoute, isLoopbackHost, type Route } from '../../../store/routes.ts'
import { sodiumReady } from '../../../store/seal.ts'
import { type CheckInput, formatReport, runCheck } from '../../ops/check.ts'
import { systemLookup } from '../../ops/check-network.ts'
import { actor, type GlobalOptions, masterKeyPath, openForCommand } from '../context.ts'
import { say, UserError, warn } from '../output.ts'
import { parseDuration, parsedOption } from '../parse.ts'
import { run } from '../run.ts'
import { readSecret } from '../secret-input.ts'
import { loadMasterKey } from './serve.ts'

interface CheckOptions {
  through?: string
  throughCa?: string
  timeout: number
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new UserError(`cannot read ${what} ${path}: ${(error as Error).message}`)
  }
}

/** The Basic user name inside an Authorization value (never the password). */
function basicUser(authorization: string): string {
  if (!authorization.startsWith('Basic ')) return ''
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8')
  return decoded.slice(0, Math.max(0, decoded.indexOf(':')))
}

/** Unseals the route's credential, or says why the credential step cannot run. */
async function credentialFor(
  db: Store,
  route: Route,
  globals: GlobalOptions,
): Promise<Pick<CheckInput, 'credential' | 'credentialSkip'>> {
  const breaker = listBreakers(db).find((b) => b.routeId === route.id)
  if (breaker) {
    const why = `Jira rejected it before (${breaker.reason})`
    const detail = `not tried: ${why} and japroxy stopped sending it`
    return {
      credentialSkip: {
        verdict: 'fail',
        detail,
        hint:
          `japroxy credential set ${route.name}, or japroxy route resume ${route.name} once ` +
          'it is fixed in Jira',
      },
    }
  }
  await sodiumReady()
  let authorization: string | undefined
  let isStale = false
  try {
    const masterKey = loadMasterKey(masterKeyPath(globals), storePublicKey(db))
    const unsealed = unsealCredentials(db, masterKey)
    authorization = unsealed.headers.get(route.id)
    isStale = unsealed.stale.has(route.id)
  } catch (error) {
    if (!(error instanceof StoreError)) throw error
    return {
      credentialSkip: {
        verdict: 'skip',
        detail: `cannot unseal it: ${error.message}`,
        hint: 'run as root with --master-key /etc/japroxy/master.key',
      },
    }
  }
  if (!authorization) {
    return {
      credentialSkip: {
        verdict: 'fail',
        detail: isStale
          ? 'it was set for another upstream URL, CA file, pin or plain-http allowance'
          : 'no credential set',
        hint: `japroxy credential set ${route.name} --user NAME`,
      },
    }
  }
  return { credential: { authorization, user: basicUser(authorization) } }
}

async function throughFor(options: CheckOptions): Promise<CheckInput['through']> {
  if (!options.through) return undefined
  if (!URL.canParse(options.through))
    throw new UserError(
      `--through "${options.through}" is not a URL (like https://japroxy.example.com)`,
    )
  const target = new URL(options.through)
  if (target.protocol === 'http:' && !isLoopbackHost(target.hostname.replace(/^\[|\]$/g, ''))) {
    throw new UserError(
      `--through ${target.origin} is plain http to another host: ` +
        'the key would cross the network in clear',
      'use the https URL serve listens on (or a loopback address on this host)',
    )
  }
  const apiKey = (await readSecret('API key (as Jira Align sends it): ')).trim()
  if (!apiKey) throw new UserError('no API key given', 'pipe it on stdin or type it at the prompt')
  const ca = options.throughCa ? readPem(options.throughCa, 'the CA file') : undefined
  return { url: options.through, apiKey, ca }
}

/** Registers `check`. */
export function register(program: Command): void {
  program
    .command('check')
    .argument('<route>', 'route name')
    .description("test a route like Jira Align's Test Now: DNS, TCP, TLS, serverInfo, credential")
    .option(
      '--through <url>',
      'also send one request through serve at this URL (key read from stdin)',
    )
    .option('--through-ca <file>', "PEM CA that signed serve's certificate, for --through")
    .addOption(
      parsedOption('--timeout <duration>', 'how long each step may take', parseDuration, '10s'),
    )
    .action(
      run(async (name: string, options: CheckOptions, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>()
        const db = openForCommand(globals)
        const route = getRoute(db, name)
        const upstreamCa = route.upstreamCaFile
          ? readPem(route.upstreamCaFile, 'the upstream CA file')
          : undefined
        const input: CheckInput = {
          route,
          ...(await credentialFor(db, route, globals)),
          through: await throughFor(options),
          lookup: systemLookup,
          timeoutMs: options.timeout,
          upstreamCa,
        }
        const report = await runCheck(input)
        say(...formatReport(route, report))
        if (report.rejection) {
          tripBreaker(db, actor('cli'), route.id, report.rejection)
          warn(
            'japroxy stops sending this credential (so Jira locks nothing) until: ' +
              `japroxy credential set ${route.name}`,
          )
        }
        if (report.steps.some((s) => s.verdict === 'fail')) process.exitCode = 1
      }),
    )
}
