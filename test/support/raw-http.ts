/**
 * Raw HTTP/1.1 over a socket, for requests fetch would normalise or refuse to send (dot
 * segments, `;`, repeated headers, bad bytes).
 */
import { connect } from 'node:net'

/** A parsed raw response. */
export interface RawResponse {
  status: number
  headers: string
  body: string
}

/** Sends `head` (request line + headers, without the blank line) and reads until close. */
export function rawRequest(
  port: number,
  head: string,
  body = '',
  timeoutMs = 5000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('raw request timed out'))
    }, timeoutMs)
    socket.on('connect', () => socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`))
    socket.on('data', (chunk) => chunks.push(Buffer.from(chunk)))
    socket.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const [headers = '', ...rest] = text.split('\r\n\r\n')
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(headers)?.[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
      })
    })
  })
}

/** A GET request head for `target` with extra header lines. */
export function getHead(target: string, ...headers: string[]): string {
  return [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headers].join('\r\n')
}
