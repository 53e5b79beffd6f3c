/**
 * A tiny upstream for the large-body benchmark (`bench/run.sh large`): `GET /rest/api/2/blob/N`
 * streams N bytes, `POST` or `PUT` anywhere reads the whole body and answers with its length.
 * Only the benchmark's service account gets in, so a proxy that does not swap the credential
 * fails instead of producing a number. Run with `npx bun bench/large-upstream.ts PORT`.
 */
const port = Number(process.argv[2] ?? 18180)
const serviceAuthorization = `Basic ${btoa('jira-svc:bench-svc-secret')}`
const chunk = new Uint8Array(256 * 1024).fill(0x61)

/** A body of `total` bytes, made of one reused chunk, streamed with backpressure. */
function blob(total: number): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      const size = Math.min(chunk.length, total - sent)
      if (size <= 0) {
        controller.close()
        return
      }
      controller.enqueue(size === chunk.length ? chunk : chunk.subarray(0, size))
      sent += size
    },
  })
}

/** Reads a request body to its end; returns how many bytes came. */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<number> {
  let bytes = 0
  if (!body) return bytes
  for await (const part of body) bytes += part.length
  return bytes
}

Bun.serve({
  hostname: '127.0.0.1',
  port,
  maxRequestBodySize: 4 * 1024 ** 3,
  idleTimeout: 120,
  async fetch(req) {
    if (req.headers.get('authorization') !== serviceAuthorization) {
      return new Response('bad service credentials\n', { status: 401 })
    }
    const path = new URL(req.url).pathname
    if (req.method === 'GET' && path.startsWith('/rest/api/2/blob/')) {
      const total = Number(path.slice('/rest/api/2/blob/'.length))
      return new Response(blob(total), {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(total) },
      })
    }
    const bytes = await drain(req.body)
    return Response.json({ bytes })
  },
})
console.log(`large-body upstream on http://127.0.0.1:${port}`)
