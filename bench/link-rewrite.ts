/**
 * What link rewriting (#7) costs: a ~2 MB Jira search page streamed in 16 KiB chunks, passed
 * through untouched versus rewritten, plain and gzip. Run with `npx bun bench/link-rewrite.ts`.
 * Prints the median time per body and the throughput over a fixed number of runs.
 */
import { gzipSync } from 'node:zlib'
import { findProject } from '../src/demo/fixtures.ts'
import { IssueStore, issueJson } from '../src/demo/issue-store.ts'
import { compileLinkRewrite, rewriteResponseLinks } from '../src/proxy/link-rewrite.ts'

const upstream = 'https://jira.internal.example:8443'
const rewrite = compileLinkRewrite(upstream, 'https://japroxy.example.com/jira-prod')
const chunkBytes = 16 * 1024
const warmupRuns = 5
const measuredRuns = 40

/** A search page like Jira's, grown until it is about 2 MB. */
function searchPage(): Uint8Array {
  const store = new IssueStore(1400)
  const issues = store.search({ projectKey: findProject('DEMO')!.key })
  const page = { startAt: 0, maxResults: 1400, total: issues.length, issues: [] as unknown[] }
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
      `${name.padEnd(42)} ${ms.toFixed(2).padStart(8)} ms  ${rate.padStart(6)} MB/s of JSON  in ${bytes.length} B, out ${outBytes} B`,
    )
  }
}

await main()
