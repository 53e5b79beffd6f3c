/**
 * `japroxy check ROUTE`: what Jira Align's "Test Now" would find, tried from the host step by
 * step (DNS, TCP, TLS, serverInfo, the service credential, and optionally one request through
 * the running japroxy), so that a failure names the layer that broke and what to do.
 */

import type { Route } from '../../store/routes.ts'
import { normalisePin } from '../proxy/snapshot.ts'
import { credentialStep, type FetchTls, serverInfoStep, throughStep } from './check-jira.ts'
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

/** Pushes `step`; when it failed, also pushes `later` as skipped. Returns whether it passed. */
function record(report: CheckReport, step: StepResult, later: string[]): boolean {
  report.steps.push(step)
  if (step.verdict !== 'fail') return true
  report.steps.push(...skipped(later, `${step.step} failed`))
  return false
}

async function tlsPart(
  input: CheckInput,
  url: URL,
  address: string,
  port: number,
): Promise<StepResult> {
  if (url.protocol !== 'https:')
    return result('TLS', 'skip', 'plain http upstream: no TLS to check')
  const pin = input.route.upstreamPin ? normalisePin(input.route.upstreamPin) : undefined
  return tlsStep({ address, port, host: url.hostname, ca: input.upstreamCa, pin }, input.timeoutMs)
}

async function upstreamSteps(input: CheckInput, report: CheckReport): Promise<void> {
  const url = new URL(input.route.upstreamUrl)
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  const upstream = input.route.upstreamUrl.replace(/\/+$/, '')
  const dns = await dnsStep(url.hostname, input.lookup)
  if (!record(report, dns.step, ['TCP', 'TLS', 'serverInfo', 'credential']) || !dns.address) return
  const tcp = await tcpStep(dns.address, port, input.timeoutMs)
  if (!record(report, tcp, ['TLS', 'serverInfo', 'credential'])) return
  const tls = await tlsPart(input, url, dns.address, port)
  if (!record(report, tls, ['serverInfo', 'credential'])) return
  const info = await serverInfoStep(upstream, fetchTls(input), input.timeoutMs)
  if (!record(report, info, ['credential'])) return
  report.steps.push(await credentialPart(input, upstream, report))
}

async function credentialPart(
  input: CheckInput,
  upstream: string,
  report: CheckReport,
): Promise<StepResult> {
  if (!input.credential) {
    const skip = input.credentialSkip ?? { verdict: 'skip', detail: 'not tried' }
    return result('credential', skip.verdict, skip.detail, skip.hint)
  }
  const { authorization, user } = input.credential
  const tls = fetchTls(input)
  const outcome = await credentialStep(
    input.route.name,
    upstream,
    authorization,
    user,
    tls,
    input.timeoutMs,
  )
  report.rejection = outcome.rejection
  return outcome.step
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
