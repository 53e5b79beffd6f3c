/** Link rewriting in JSON bodies: what is rewritten, across chunk borders, compressed (#7). */
import { describe, expect, test } from 'bun:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import {
  compileLinkRewrite,
  createLinkRewriteStream,
  isJsonType,
  rewriteResponseLinks,
} from '../../src/proxy/link-rewrite.ts'

const upstream = 'http://jira.internal:8443'
const publicPrefix = 'https://japroxy.example.com/jira-prod'
const rewrite = compileLinkRewrite(upstream, publicPrefix)

/** Streams `text` through the rewriter in the given chunk sizes and returns the result. */
async function throughStream(text: string, sizes: number[] = []): Promise<string> {
  const bytes = new TextEncoder().encode(text)
  const chunks: Uint8Array[] = []
  let at = 0
  for (const size of sizes) {
    if (at >= bytes.length) break
    chunks.push(bytes.slice(at, at + size))
    at += size
  }
  if (at < bytes.length) chunks.push(bytes.slice(at))
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
  return new Response(source.pipeThrough(createLinkRewriteStream(rewrite))).text()
}

/** What the rewrite must produce, written the slow and obvious way. */
function expected(text: string): string {
  return text.replace(/"http:\/\/jira\.internal:8443(?=[/?#"])/g, `"${publicPrefix}`)
}

describe('what is rewritten', () => {
  test.each([
    ['a self link', '{"self":"http://jira.internal:8443/rest/api/2/issue/1"}'],
    ['the bare origin', '{"baseUrl":"http://jira.internal:8443"}'],
    ['a query right after the origin', '{"u":"http://jira.internal:8443?x=1"}'],
    ['a fragment right after the origin', '{"u":"http://jira.internal:8443#top"}'],
    ['links in an array', '["http://jira.internal:8443/a","http://jira.internal:8443/b"]'],
  ])('rewrites %s', async (_name, body) => {
    const out = await throughStream(body)
    expect(out).toBe(expected(body))
    expect(out).not.toContain(upstream)
  })

  test.each([
    ['a longer host', '{"u":"http://jira.internal:8443.evil.example/x"}'],
    ['a longer port', '{"u":"http://jira.internal:84431/x"}'],
    ['a link inside free text', '{"description":"see http://jira.internal:8443/browse/DEMO-1"}'],
    ['another scheme', '{"u":"https://jira.internal:8443/x"}'],
    ['nothing like a link', '{"summary":"plain","n":1}'],
  ])('leaves %s as it is', async (_name, body) => {
    expect(await throughStream(body)).toBe(body)
  })

  test('with an upstream base path, only links below it are rewritten', async () => {
    const based = compileLinkRewrite('http://up/jira', 'https://pub/j')
    const body = '["http://up/jira/rest","http://up/jira","http://up/jiraX","http://up/other"]'
    const source = new Response(body).body!.pipeThrough(createLinkRewriteStream(based))
    expect(await new Response(source).text()).toBe(
      '["https://pub/j/rest","https://pub/j","http://up/jiraX","http://up/other"]',
    )
  })
})

describe('chunk borders', () => {
  const body = JSON.stringify({
    self: `${upstream}/rest/api/2/issue/10000`,
    fields: {
      status: { self: `${upstream}/rest/api/2/status/3`, iconUrl: `${upstream}/images/x.png` },
      note: `"${upstream}:8443`,
      avatarUrls: { '48x48': `${upstream}/secure/projectavatar?avatarId=1` },
    },
    tail: `${upstream}`,
  })

  test('a link split at any byte is still rewritten exactly once', async () => {
    for (let split = 1; split < body.length; split++) {
      expect(await throughStream(body, [split])).toBe(expected(body))
    }
  })

  test('one byte per chunk gives the same body', async () => {
    expect(await throughStream(body, Array(body.length).fill(1))).toBe(expected(body))
  })

  test('any chunking of any mix of links and text gives the reference result', async () => {
    const piece = fc.constantFrom(
      `"${upstream}/x"`,
      `"${upstream}"`,
      `"${upstream}:1"`,
      `"${upstream.slice(0, 12)}`,
      '"',
      'text ',
      '/',
      'é',
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }),
        async (pieces, sizes) => {
          const text = pieces.join('')
          expect(await throughStream(text, sizes)).toBe(expected(text))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('responses', () => {
  const body = JSON.stringify({ self: `${upstream}/rest/api/2/myself`, pad: 'x'.repeat(4000) })

  function upstreamResponse(bytes: Uint8Array, headers: Record<string, string>): Response {
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
    })
  }

  test('a gzip body is rewritten and sent gzip again, without Content-Length, ETag kept', async () => {
    const gz = gzipSync(body)
    const response = rewriteResponseLinks(
      upstreamResponse(gz, {
        'content-encoding': 'gzip',
        'content-length': String(gz.length),
        etag: '"10000-3"',
      }),
      rewrite,
    )
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect(response.headers.get('content-length')).toBeNull()
    expect(response.headers.get('etag')).toBe('"10000-3"')
    const out = gunzipSync(new Uint8Array(await response.arrayBuffer())).toString()
    expect(out).toBe(expected(body))
  })

  test('a body in a coding japroxy does not decode passes untouched', async () => {
    const bytes = new TextEncoder().encode(body)
    const original = upstreamResponse(bytes, {
      'content-encoding': 'br',
      'content-length': String(bytes.length),
    })
    const response = rewriteResponseLinks(original, rewrite)
    expect(response).toBe(original)
    expect(response.headers.get('content-length')).toBe(String(bytes.length))
  })

  test.each([
    ['application/json', true],
    ['application/json;charset=UTF-8', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/jsonp', false],
    ['text/html', false],
    [null, false],
  ])('Content-Type %p is JSON: %p', (type, isJson) => {
    expect(isJsonType(type)).toBe(isJson)
  })
})
