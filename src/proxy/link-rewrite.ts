/**
 * Link rewriting in JSON response bodies (#7). Jira writes absolute links (`self`, `baseUrl`,
 * avatar and attachment URLs) with its own address, which is the private one; clients that
 * follow them would bypass japroxy or fail. On routes with the option on, a JSON string that
 * starts with the upstream's origin + base path gets the route's public URL + base path instead.
 *
 * The body streams through a TransformStream that keeps back only the few bytes that could be
 * the start of a link split across chunks. A gzip or deflate body is decompressed, rewritten and
 * compressed again with the same coding: Jira Align reaches japroxy over the internet, where
 * JSON shrinks 5–20× compressed, so forwarding it uncompressed would cost far more than the CPU
 * (measured by bench/link-rewrite.ts). Other codings pass untouched.
 */

/** A compiled rewrite: the bytes looked for and the bytes put in their place. */
export interface LinkRewrite {
  /** `"` + upstream origin + base path. */
  from: Buffer
  /** `"` + public origin + the route's base path. */
  to: Buffer
}

const quote = 0x22

// A link's prefix ends at a path, query or fragment, or at the end of the string, so that
// `https://jira.internal` never matches inside `https://jira.internal.example` or `…:84431`.
const boundaryBytes = new Set([0x2f /* / */, 0x3f /* ? */, 0x23 /* # */, quote])

const empty = Buffer.alloc(0)

/** Compiles a rewrite from the upstream prefix to the public prefix (both without trailing /). */
export function compileLinkRewrite(upstreamPrefix: string, publicPrefix: string): LinkRewrite {
  return { from: Buffer.from(`"${upstreamPrefix}`), to: Buffer.from(`"${publicPrefix}`) }
}

/** Whether a Content-Type names JSON, the only bodies that are rewritten. */
export function isJsonType(contentType: string | null): boolean {
  return contentType !== null && /^application\/json\s*(;|$)/i.test(contentType)
}

/** A stream that rewrites every link in the bytes passing through, across chunk borders. */
export function createLinkRewriteStream(
  rewrite: LinkRewrite,
): TransformStream<Uint8Array, Uint8Array> {
  let carry: Buffer = empty
  return new TransformStream({
    transform(chunk, controller) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : asBuffer(chunk)
      const result = rewriteChunk(buf, rewrite)
      carry = result.carry
      if (result.out.length) controller.enqueue(result.out)
    },
    flush(controller) {
      if (carry.length) controller.enqueue(carry)
    },
  })
}

/** Rewrites one buffer; returns what can be sent and what must wait for the next chunk. */
export function rewriteChunk(buf: Buffer, rewrite: LinkRewrite): { out: Buffer; carry: Buffer } {
  const { from, to } = rewrite
  const pieces: Buffer[] = []
  let sent = 0
  let held = -1
  for (let at = buf.indexOf(from); at >= 0; at = buf.indexOf(from, at + 1)) {
    const end = at + from.length
    if (end >= buf.length) {
      // The byte after the prefix has not arrived yet: it decides whether this is a link.
      held = at
      break
    }
    if (!boundaryBytes.has(buf[end]!)) continue
    pieces.push(buf.subarray(sent, at), to)
    sent = end
  }
  if (held < 0) held = partialStart(buf, sent, from)
  if (pieces.length === 0 && held === buf.length) return { out: buf, carry: empty }
  pieces.push(buf.subarray(sent, held))
  // Copied, so the held bytes do not keep the whole chunk alive.
  return { out: Buffer.concat(pieces), carry: Buffer.from(buf.subarray(held)) }
}

// Where a tail that could begin the prefix starts (it can only begin at its one `"`), or the
// buffer's length when no such tail exists.
function partialStart(buf: Buffer, sent: number, from: Buffer): number {
  const at = buf.lastIndexOf(quote)
  if (at < sent || at <= buf.length - from.length) return buf.length
  const tail = buf.subarray(at)
  return tail.equals(from.subarray(0, tail.length)) ? at : buf.length
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
}

type Coding = 'gzip' | 'deflate'

// The (de)compression streams are typed as taking any BufferSource; Uint8Array is one.
function asBytePair(
  stream: CompressionStream | DecompressionStream,
): ReadableWritablePair<Uint8Array, Uint8Array> {
  return stream as unknown as ReadableWritablePair<Uint8Array, Uint8Array>
}

// `x-gzip` is gzip (RFC 9110 §8.4.1.3); a list of codings or an unknown one is not touched.
function codingOf(contentEncoding: string | null): Coding | 'identity' | undefined {
  const value = contentEncoding?.trim().toLowerCase() ?? ''
  if (value === '' || value === 'identity') return 'identity'
  if (value === 'gzip' || value === 'x-gzip') return 'gzip'
  if (value === 'deflate') return 'deflate'
  return undefined
}

/**
 * Returns a response whose JSON body has its links rewritten, or the response itself when its
 * coding is one japroxy does not decode. Content-Length goes (the length changes); the ETag
 * stays, because Jira's ETags name the version and travel back to Jira in `If-Match`,
 * where a changed or weakened tag would fail the strong comparison (RFC 9110 §13.1.1). As a
 * gateway japroxy is the origin server for its clients (RFC 9110 §3.7), so Jira's
 * `no-transform` binds the caches after it, not japroxy.
 */
export function rewriteResponseLinks(response: Response, rewrite: LinkRewrite): Response {
  const coding = codingOf(response.headers.get('content-encoding'))
  if (!response.body || coding === undefined) return response
  let body: ReadableStream<Uint8Array> = response.body
  if (coding !== 'identity') body = body.pipeThrough(asBytePair(new DecompressionStream(coding)))
  body = body.pipeThrough(createLinkRewriteStream(rewrite))
  if (coding !== 'identity') body = body.pipeThrough(asBytePair(new CompressionStream(coding)))
  const headers = response.headers
  headers.delete('content-length')
  return new Response(body, { status: response.status, statusText: response.statusText, headers })
}
