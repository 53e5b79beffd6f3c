/**
 * `japroxy demo`: the whole product on loopback with nothing to set up. Starts the Jira
 * stand-in and `serve` with a throwaway store, a route, a credential, a key and an allow-list
 * entry, proves both a good and a refused request, prints curl commands, then shows each
 * request as it passes until Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { addAllowEntry } from '../../../store/allow-list.ts'
import { setCredential } from '../../../store/credentials.ts'
import { initStore } from '../../../store/init.ts'
import { createApiKey } from '../../../store/keys.ts'
import { addRoute, getRoute, newRouteFields, updateRoute } from '../../../store/routes.ts'
import { readMasterKeyFile, sodiumReady } from '../../../store/seal.ts'
import { startJiraStandIn } from '../../demo/jira-stand-in.ts'
import { createLogger } from '../../log/logger.ts'
import { startProxy } from '../../proxy/server.ts'
import { say, UserError, warn } from '../output.ts'
import { parsedOption, parseListen } from '../parse.ts'
import { run } from '../run.ts'

interface DemoOptions {
  listen: { hostname: string; port: number }
  check?: boolean
  jiraOnly?: boolean
}

const actor = 'demo'

function describe(line: Record<string, unknown>): string {
  const key = line.keyId ? ` key ${line.keyId}` : ''
  const reason = line.reason ? ` (${line.reason})` : ''
  const took = `in ${line.durationMs} ms from ${line.clientIp}`
  return `  ${line.method} ${line.path} → ${line.status}${reason} ${took}${key}`
}

/** Registers `demo`. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('run japroxy against a built-in Jira stand-in, with a throwaway store')
    .addOption(
      parsedOption(
        '--listen <host:port>',
        'where the demo proxy listens',
        parseListen,
        '127.0.0.1:8088',
      ),
    )
    .option('--check', 'make the two example requests, report, and exit (0 when both behave)')
    .option('--jira-only', 'run only the Jira stand-in (on --listen) to set japroxy up by hand')
    .action(
      run((options: DemoOptions) => (options.jiraOnly ? runStandIn(options) : runDemo(options))),
    )
}

async function runDemo(options: DemoOptions): Promise<void> {
  await sodiumReady()
  const dir = mkdtempSync(join(tmpdir(), 'japroxy-demo-'))
  const servicePassword = crypto.randomUUID()
  const jira = await startJiraStandIn({
    users: [{ username: 'jira-svc', password: servicePassword }],
  })
  const db = initStore(join(dir, 'japroxy.db'), join(dir, 'master.key'), actor)
  addRoute(db, actor, newRouteFields({ name: 'demo', basePath: '/jira', upstreamUrl: jira.url }))
  setCredential(db, actor, 'demo', {
    kind: 'basic',
    username: 'jira-svc',
    password: servicePassword,
  })
  const { apiKey, key } = createApiKey(db, actor, { name: 'jira-align-demo', routes: ['demo'] })
  addAllowEntry(db, actor, { cidr: '127.0.0.1/32', note: 'demo: loopback' })
  addAllowEntry(db, actor, { cidr: '::1/128', note: 'demo: loopback' })
  const logger = createLogger('warn', (line) => process.stderr.write(line))
  const start = (listen: DemoOptions['listen']) =>
    startProxy({
      ...listen,
      db,
      masterKey: readMasterKeyFile(join(dir, 'master.key')),
      logger,
      onRequest: (line) => say(describe(line)),
    })
  let proxy: ReturnType<typeof startProxy>
  try {
    proxy = start(options.listen)
  } catch {
    warn(`port ${options.listen.port} is taken; using a free one instead`)
    proxy = start({ ...options.listen, port: 0 })
  }
  const cleanup = async () => {
    await proxy.stop()
    await jira.stop()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
  // With a public URL the links in Jira's JSON point at japroxy, not at the private stand-in.
  updateRoute(db, actor, { ...getRoute(db, 'demo'), publicUrl: proxy.url })
  proxy.reload(true)
  const base = `${proxy.url}/jira`
  say(
    'japroxy demo: a Jira stand-in and japroxy, both on loopback, with a throwaway store.',
    '',
    `  Jira stand-in (private upstream)  ${jira.url}`,
    `  japroxy (what Jira Align calls)   ${base}`,
    `  an API key for route demo (keyId ${key.keyId}; shown once, only its hash is stored):`,
    `    ${apiKey}`,
    '',
    'Try it in another terminal:',
    '  # 200: Jira answers, as its service account (Jira never sees this key)',
    `  curl -u 'jira-align:${apiKey}' ${base}/rest/api/2/myself`,
    '  # 401 from japroxy: a bad key never reaches Jira',
    `  curl -i -u 'jira-align:not-a-key' ${base}/rest/api/2/myself`,
    '  # the anonymous health check Jira Align makes',
    `  curl ${base}/rest/api/2/serverInfo`,
    '  # 403: the endpoint policy keeps Jira administration out of reach',
    `  curl -i -u 'jira-align:${apiKey}' '${base}/rest/api/2/group?groupname=jira-administrators'`,
    '',
    'Checking both now:',
  )
  const isOk = await selfCheck(base, apiKey, jira.received.length)
  if (options.check) {
    await cleanup()
    if (!isOk) throw new Error('demo check failed')
    say('demo check passed')
    return
  }
  say(
    '',
    'Each request through japroxy is shown below. Ctrl-C stops the demo and deletes its store.',
  )
  const stop = async () => {
    await cleanup()
    say('', 'Demo stopped; its throwaway store is deleted.')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())

  async function selfCheck(url: string, goodKey: string, _seen: number): Promise<boolean> {
    const basic = (key: string) => `Basic ${Buffer.from(`jira-align:${key}`).toString('base64')}`
    const good = await fetch(`${url}/rest/api/2/myself`, {
      headers: { authorization: basic(goodKey) },
    })
    const body = (await good.json()) as { name?: string; self?: string }
    const bad = await fetch(`${url}/rest/api/2/myself`, {
      headers: { authorization: basic('not-a-key') },
    })
    await bad.text()
    const isGood = good.status === 200 && body.name === 'jira-svc'
    const isBad = bad.status === 401
    const isLinked = body.self?.startsWith(url) === true
    say(
      `  ${isGood ? 'ok  ' : 'FAIL'} good key → ${good.status},` +
        ` Jira answered as ${body.name ?? '?'}`,
      `  ${isBad ? 'ok  ' : 'FAIL'} bad key  → ${bad.status}, refused by japroxy`,
      `  ${isLinked ? 'ok  ' : 'FAIL'} links in Jira's answer point at japroxy: ` +
        `${body.self ?? '?'}`,
    )
    if (!isGood || !isBad || !isLinked)
      warn('the demo did not behave as expected; see the lines above')
    return isGood && isBad && isLinked
  }
}

/** Runs the Jira stand-in alone, with a throwaway service account, until Ctrl-C. */
async function runStandIn(options: DemoOptions): Promise<void> {
  const password = `demo-${crypto.randomUUID()}`
  const { hostname, port } = options.listen
  const jira = await startJiraStandIn({
    hostname,
    port,
    users: [{ username: 'jira-svc', password }],
  }).catch((error: { code?: string }) => {
    if (error?.code !== 'EADDRINUSE') throw error
    throw new UserError(
      `cannot listen on ${hostname}:${port}: the port is in use`,
      'stop the other process or choose another --listen',
    )
  })
  say(
    `Jira stand-in listening on ${jira.url} (Ctrl-C stops it).`,
    'Its service account, for `japroxy credential set ROUTE --user jira-svc`:',
    '  user      jira-svc',
    `  password  ${password}   (a throwaway for this run only)`,
    '',
    'Set japroxy up against it, in another terminal (from a clone, `npm run build` first and',
    'use dist/japroxy for japroxy):',
    '  export JAPROXY_DB=$(mktemp -d)/japroxy.db      # a throwaway store and master key',
    '  japroxy init',
    `  japroxy route add demo --base-path /jira --upstream ${jira.url} \\`,
    '      --public-url http://127.0.0.1:8443',
    `  printf '%s' '${password}' | japroxy credential set demo --user jira-svc`,
    '  japroxy allow add 127.0.0.1',
    '  japroxy key create align --route demo        # prints the API key once',
    '  japroxy serve --listen 127.0.0.1:8443         # admin: --admin-listen (127.0.0.1:8444)',
    '  curl -u align:API_KEY http://127.0.0.1:8443/jira/rest/api/2/myself',
  )
  const stop = async () => {
    await jira.stop()
    say('', 'Jira stand-in stopped.')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}
