/**
 * The network steps of `japroxy check`: DNS, TCP and TLS, each on its own so that a failure
 * says which layer broke. TLS reads the peer certificate itself (node:tls), so the report
 * shows the chain, whether the name matches and how many days are left.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, Socket } from 'node:net'
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from 'node:tls'
import { errorCode, result, type StepResult } from './check-types.ts'

/** Resolves a host name to addresses (injectable, so tests never ask a real resolver). */
export type Lookup = (host: string) => Promise<string[]>

/** The system resolver. */
export const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true })).map((a) => a.address)

/** Certificates closer than this to expiry are a warning. */
export const expiryWarningDays = 30
const dayMs = 86_400_000

/** Step DNS: the upstream host must resolve (an address literal needs no lookup). */
export async function dnsStep(
  host: string,
  lookup: Lookup,
): Promise<{ step: StepResult; address?: string }> {
  const bare = host.replace(/^\[|\]$/g, '')
  if (isIP(bare))
    return { step: result('DNS', 'ok', `${bare} is an address; nothing to resolve`), address: bare }
  try {
    const addresses = await lookup(bare)
    if (addresses.length === 0) throw Object.assign(new Error('no addresses'), { code: 'ENODATA' })
    const step = result('DNS', 'ok', `${bare} → ${addresses.join(', ')}`)
    return { step, address: addresses[0] }
  } catch (error) {
    return {
      step: result(
        'DNS',
        'fail',
        `cannot resolve ${bare} (${errorCode(error)})`,
        "check the upstream host name and this host's resolver (/etc/resolv.conf)",
      ),
    }
  }
}

/** Step TCP: something must accept a connection on the upstream's address and port. */
export function tcpStep(address: string, port: number, timeoutMs: number): Promise<StepResult> {
  const started = performance.now()
  const where = `${address.includes(':') ? `[${address}]` : address}:${port}`
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (step: StepResult) => {
      socket.destroy()
      resolve(step)
    }
    socket.setTimeout(timeoutMs, () =>
      done(
        result(
          'TCP',
          'fail',
          `${where}: no answer within ${timeoutMs} ms`,
          'a firewall may drop the traffic; check the route from this host to Jira',
        ),
      ),
    )
    socket.once('error', (error) => {
      const code = errorCode(error)
      const hint =
        code === 'ECONNREFUSED'
          ? 'nothing listens there: is Jira running, and is the port right?'
          : 'check the network path from this host to Jira'
      done(result('TCP', 'fail', `${where}: ${code}`, hint))
    })
    socket.connect(port, address, () =>
      done(
        result('TCP', 'ok', `${where} connected in ${Math.round(performance.now() - started)} ms`),
      ),
    )
  })
}

type ChainLink = PeerCertificate & { issuerCertificate?: ChainLink }

function commonName(cert: PeerCertificate): string {
  const cn = cert.subject?.CN
  return (Array.isArray(cn) ? cn[0] : cn) ?? '(no CN)'
}

function chainText(cert: ChainLink): string {
  const names: string[] = []
  let current: ChainLink | undefined = cert
  for (let i = 0; current && i < 6; i++) {
    names.push(commonName(current))
    const issuer: ChainLink | undefined = current.issuerCertificate
    if (!issuer || issuer === current || issuer.fingerprint256 === current.fingerprint256) break
    current = issuer
  }
  return names.join(' ← ')
}

/** What the TLS step needs to know about the upstream. */
export interface TlsTarget {
  address: string
  port: number
  host: string
  ca: string | undefined
  /** Normalised SHA-256 fingerprint the certificate must have, when pinned. */
  pin: string | undefined
}

function judgeCertificate(
  target: TlsTarget,
  cert: PeerCertificate,
  isTrusted: boolean,
  trustError: string | undefined,
): StepResult {
  const chain = chainText(cert)
  const days = Math.floor((Date.parse(cert.valid_to) - Date.now()) / dayMs)
  const nameError = checkServerIdentity(target.host.replace(/^\[|\]$/g, ''), cert)
  const expiry = `expires ${new Date(cert.valid_to).toISOString().slice(0, 10)} (${days} days)`
  const trust = target.ca ? "the route's CA file" : 'the system CAs'
  if (target.pin && cert.fingerprint256 !== target.pin) {
    return result(
      'TLS',
      'fail',
      `${chain}: fingerprint ${cert.fingerprint256} is not the pinned one`,
      'the certificate changed: check it, then update the pin (japroxy route set --pin)',
    )
  }
  if (days < 0)
    return result('TLS', 'fail', `${chain}: ${expiry}: expired`, "renew Jira's certificate")
  if (nameError)
    return result(
      'TLS',
      'fail',
      `${chain}: not valid for ${target.host}`,
      'use the name on the certificate in the upstream URL, or reissue the certificate',
    )
  if (!isTrusted && !target.pin) {
    return result(
      'TLS',
      'fail',
      `${chain}: not trusted by ${trust} (${trustError})`,
      "give the CA that signed Jira's certificate: japroxy route set NAME --ca-file FILE",
    )
  }
  const how = target.pin ? 'pinned fingerprint matches' : `trusted by ${trust}`
  const verdict = days < expiryWarningDays ? 'warn' : 'ok'
  const hint = verdict === 'warn' ? "renew Jira's certificate soon" : undefined
  return result('TLS', verdict, `${chain}: ${how}; name ok; ${expiry}`, hint)
}

/** Step TLS: the handshake, the chain, the host name and the days until expiry. */
export function tlsStep(target: TlsTarget, timeoutMs: number): Promise<StepResult> {
  const servername = isIP(target.host.replace(/^\[|\]$/g, '')) ? undefined : target.host
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: target.address,
      port: target.port,
      servername,
      ca: target.ca,
      rejectUnauthorized: false,
    })
    const done = (step: StepResult) => {
      socket.destroy()
      resolve(step)
    }
    socket.setTimeout(timeoutMs, () =>
      done(
        result(
          'TLS',
          'fail',
          `no TLS handshake within ${timeoutMs} ms`,
          'is the upstream really https on that port?',
        ),
      ),
    )
    socket.once('error', (error) =>
      done(
        result(
          'TLS',
          'fail',
          `handshake failed (${errorCode(error)})`,
          'is the upstream really https on that port?',
        ),
      ),
    )
    socket.once('secureConnect', () => {
      const error = socket.authorizationError
      done(
        judgeCertificate(
          target,
          socket.getPeerCertificate(true),
          socket.authorized,
          error ? String(error) : undefined,
        ),
      )
    })
  })
}
