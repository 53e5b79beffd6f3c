/**
 * What link rewriting (#7) costs: a ~2 MB Jira search page streamed in 16 KiB chunks, passed
 * through untouched versus rewritten, plain and gzip. Run with `npx bun bench/link-rewrite.ts`.
 * Prints the median time per body and the throughput over a fixed number of runs.
 */
import { gzipSync } from 'node:zlib'
import { findProject } from '../src/demo/fixtures.ts'
import { IssueStore, issueJson } from '../src/demo/issue-store.ts'
import {
  compileLinkRewrite,
  createLinkRewriteStream,
  rewriteResponseLinks,
} from '../src/proxy/link-rewrite.ts'

const upstream = 'https://jira.internal.example:8443'
const rewrite = compileLinkRewrite(upstream, 'https://japroxy.example.com/jira-prod')
const chunkBytes = 16 * 1024
const warmupRuns = 5
const measuredRuns = 40

const words = ['sync', 'feature', 'epic', 'customer', 'release', 'capacity', 'risk', 'team', 'PI']

// Descriptions of pseudo-random words (fixed seed), so gzip meets text closer to real issues
// than the generated summaries alone, which compress unrealistically well.
function description(seed: number): string {
  let state = seed
  const out: string[] = []
  for (let i = 0; i < 40; i++) {
    state = (state * 1103515245 + 12345) % 2147483648
    out.push(`${words[state % words.length]}${state % 997}`)
  }
  return out.join(' ')
}

/** A search page like Jira's, of about 2 MB. */
function searchPage(): Uint8Array {
  const count = 1350
  const store = new IssueStore(count)
  const issues = store.search({ projectKey: findProject('DEMO')!.key })
  for (const issue of issues) store.update(issue, { description: description(issue.id) })
  const page = { startAt: 0, maxResults: count, total: issues.length, issues: [] as unknown[] }
  page.issues = issues.map((issue) => issueJson(issue, upstream))
  return new TextEncoder().encode(JSON.stringify(page))
}

function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.subarray(at, at + chunkBytes))
      at += chunkBytes
    },
  })
}

function upstreamResponse(bytes: Uint8Array, isGzip: boolean): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (isGzip) headers['content-encoding'] = 'gzip'
  return new Response(chunked(bytes), { headers })
}

function gunzipped(response: Response): ReadableStream<Uint8Array> {
  const gunzip = new DecompressionStream('gzip') as unknown as ReadableWritablePair<
    Uint8Array,
    Uint8Array
  >
  return response.body!.pipeThrough(gunzip)
}

type Case = { name: string; bytes: Uint8Array; run: () => Response }

async function median(run: () => Response): Promise<{ ms: number; outBytes: number }> {
  const times: number[] = []
  let outBytes = 0
  for (let i = 0; i < warmupRuns + measuredRuns; i++) {
    const started = performance.now()
    outBytes = (await run().arrayBuffer()).byteLength
    if (i >= warmupRuns) times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { ms: times[Math.floor(times.length / 2)]!, outBytes }
}

async function main(): Promise<void> {
  const plain = searchPage()
  const gz = new Uint8Array(gzipSync(plain))
  const cases: Case[] = [
    { name: 'plain, passed through', bytes: plain, run: () => upstreamResponse(plain, false) },
    {
      name: 'plain, rewritten',
      bytes: plain,
      run: () => rewriteResponseLinks(upstreamResponse(plain, false), rewrite),
    },
    { name: 'gzip, passed through', bytes: gz, run: () => upstreamResponse(gz, true) },
    {
      name: 'gzip, rewritten, sent plain (the road not taken)',
      bytes: gz,
      run: () =>
        new Response(
          gunzipped(upstreamResponse(gz, true)).pipeThrough(createLinkRewriteStream(rewrite)),
        ),
    },
    {
      name: 'gzip, rewritten (gunzip, rewrite, gzip)',
      bytes: gz,
      run: () => rewriteResponseLinks(upstreamResponse(gz, true), rewrite),
    },
  ]
  const mb = plain.length / 1e6
  console.log(
    `body: ${mb.toFixed(2)} MB JSON (${(gz.length / 1e3).toFixed(0)} kB gzip), ${chunkBytes / 1024} KiB chunks, median of ${measuredRuns}`,
  )
  for (const { name, bytes, run } of cases) {
    const { ms, outBytes } = await median(run)
    const rate = (mb / (ms / 1000)).toFixed(0)
    console.log(
      `${name.padEnd(50)} ${ms.toFixed(2).padStart(8)} ms  ${rate.padStart(6)} MB/s of JSON  in ${bytes.length} B, out ${outBytes} B`,
    )
  }
}

await main()
