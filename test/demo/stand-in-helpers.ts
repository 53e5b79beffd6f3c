/**
 * Helpers shared by the Jira stand-in tests: credentials, a raw HTTP/1.1 exchange for what
 * fetch cannot send (repeated headers, unnormalised paths) and a bounded wait.
 */
import { connect } from 'node:net'

/** The default service account of the stand-in. */
export const service = { username: 'jira-svc', password: 'demo-service-password' }

/** Builds a Basic Authorization header value. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** The Authorization header of the default service account. */
export const serviceAuth = basic(service.username, service.password)

/** Sends raw request bytes to 127.0.0.1:port and resolves with the whole raw response. */
export function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(Buffer.from(chunk)))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
}

/** Polls a condition every few milliseconds; throws if it is still false after `limitMs`. */
export async function waitFor(condition: () => boolean, limitMs = 2000): Promise<void> {
  const stepMs = 5
  for (let waited = 0; waited < limitMs; waited += stepMs) {
    if (condition()) return
    await Bun.sleep(stepMs)
  }
  throw new Error(`condition still false after ${limitMs} ms`)
}
