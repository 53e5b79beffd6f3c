/**
 * `japroxy check ROUTE`: what Jira Align's "Test Now" would find, tried from the host step by
 * step (DNS, TCP, TLS, serverInfo, the service credential, and optionally one request through
 * the running japroxy), so that a failure names the layer that broke and what to do.
 */
import { normalisePin } from '../proxy/snapshot.ts'
import type { Route } from '../../store/routes.ts'
import { type FetchTls, credentialStep, serverInfoStep, throughStep } from './check-jira.ts'
import { dnsStep, type Lookup, tcpStep, tlsStep } from './check-network.ts'
import { result, type StepResult } from './check-types.ts'

/** What a check needs; the caller unseals the credential and reads the key. */
export interface CheckInput {
  route: Route
  /** The credential's Authorization value and its user name, when it could be unsealed. */
  credential?: { authorization: string; user: string }
  /** Why the credential cannot be tried (no master key, none set, breaker tripped). */
  credentialSkip?: { verdict: 'fail' | 'skip'; detail: string; hint?: string }
  through?: { url: string; apiKey: string; ca?: string }
  lookup: Lookup
  timeoutMs: number
  upstreamCa?: string
}

/** Every step's result, and the rejection reason when Jira refused the credential. */
export interface CheckReport {
  steps: StepResult[]
  rejection?: string
}

function fetchTls(input: CheckInput): FetchTls {
  const pin = input.route.upstreamPin ? normalisePin(input.route.upstreamPin) : undefined
  if (!input.upstreamCa && !pin) return undefined
  const tls: NonNullable<FetchTls> = {}
  if (input.upstreamCa) tls.ca = input.upstreamCa
  if (pin) {
    tls.checkServerIdentity = (_host, cert) =>
      cert.fingerprint256 === pin ? undefined : new Error('certificate does not match the pin')
  }
  return tls
}

function skipped(steps: string[], why: string): StepResult[] {
  return steps.map((step) => result(step, 'skip', why))
}

async function upstreamSteps(input: CheckInput, report: CheckReport): Promise<void> {
  const url = new URL(input.route.upstreamUrl)
  const isTls = url.protocol === 'https:'
  const port = Number(url.port) || (isTls ? 443 : 80)
  const upstream = input.route.upstreamUrl.replace(/\/+$/, '')
  const later = ['TCP', 'TLS', 'serverInfo', 'credential']
  const dns = await dnsStep(url.hostname, input.lookup)
  report.steps.push(dns.step)
  if (!dns.address) return void report.steps.push(...skipped(later, 'DNS failed'))
  const tcp = await tcpStep(dns.address, port, input.timeoutMs)
  report.steps.push(tcp)
  if (tcp.verdict === 'fail')
    return void report.steps.push(...skipped(later.slice(1), 'TCP failed'))
  if (isTls) {
    const pin = input.route.upstreamPin ? normalisePin(input.route.upstreamPin) : undefined
    const target = { address: dns.address, port, host: url.hostname, ca: input.upstreamCa, pin }
    const tls = await tlsStep(target, input.timeoutMs)
    report.steps.push(tls)
    if (tls.verdict === 'fail')
      return void report.steps.push(...skipped(later.slice(2), 'TLS failed'))
  } else report.steps.push(result('TLS', 'skip', 'plain http upstream: no TLS to check'))
  const info = await serverInfoStep(upstream, fetchTls(input), input.timeoutMs)
  report.steps.push(info)
  if (info.verdict === 'fail')
    return void report.steps.push(result('credential', 'skip', "Jira's REST API did not answer"))
  await credentialPart(input, upstream, report)
}

async function credentialPart(
  input: CheckInput,
  upstream: string,
  report: CheckReport,
): Promise<void> {
  if (!input.credential) {
    const skip = input.credentialSkip ?? { verdict: 'skip', detail: 'not tried' }
    return void report.steps.push(result('credential', skip.verdict, skip.detail, skip.hint))
  }
  const { authorization, user } = input.credential
  const outcome = await credentialStep(
    input.route.name,
    upstream,
    authorization,
    user,
    fetchTls(input),
    input.timeoutMs,
  )
  report.steps.push(outcome.step)
  report.rejection = outcome.rejection
}

/** Runs every step of the check. */
export async function runCheck(input: CheckInput): Promise<CheckReport> {
  const report: CheckReport = { steps: [] }
  await upstreamSteps(input, report)
  if (!input.through) {
    report.steps.push(
      result(
        'through japroxy',
        'skip',
        'add --through URL (the key is read from stdin) to send one request through serve',
      ),
    )
    return report
  }
  const { url, apiKey, ca } = input.through
  report.steps.push(
    await throughStep(url, input.route.basePath, apiKey, ca ? { ca } : undefined, input.timeoutMs),
  )
  return report
}

const labels: Record<StepResult['verdict'], string> = {
  ok: 'ok',
  warn: 'warn',
  fail: 'FAIL',
  skip: 'skip',
}

/** The report as lines: one per step, its hint below it, and the verdict. */
export function formatReport(route: Route, report: CheckReport): string[] {
  const lines = [`japroxy check ${route.name}: ${route.basePath} → ${route.upstreamUrl}`]
  for (const step of report.steps) {
    lines.push(`  ${labels[step.verdict].padEnd(5)} ${step.step.padEnd(16)} ${step.detail}`)
    if (step.hint) lines.push(`  ${' '.repeat(23)}→ ${step.hint}`)
  }
  const failed = report.steps.filter((s) => s.verdict === 'fail').map((s) => s.step)
  const warned = report.steps.filter((s) => s.verdict === 'warn').length
  if (failed.length) lines.push(`verdict: FAILED (${failed.join(', ')})`)
  else lines.push(warned ? `verdict: passed with ${warned} warning(s)` : 'verdict: passed')
  return lines
}
