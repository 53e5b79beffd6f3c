/**
 * Records what reached the Jira stand-in exactly as it arrived, and reads request bodies as a
 * stream: hashed as they pass, only the first 64 KiB kept, so uploads of any size fit.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { type MultipartPart, MultipartSizer } from './multipart.ts'

/** One request as the stand-in received it. */
export interface ReceivedRequest {
  method: string
  /** Path and query exactly as received (raw, not re-encoded). */
  url: string
  /** Every header as received, names lower-cased, repeated ones kept. */
  headers: [string, string][]
  bodyLength: number
  /** Hex SHA-256 of the whole body. */
  bodySha256: string
  /** UTF-8 of the first 64 KiB of the body. */
  bodyText: string
}

/** A request body after it has been read to the end. */
export interface ConsumedBody {
  length: number
  sha256: string
  /** UTF-8 of the first `keptBodyBytes` bytes. */
  text: string
  /** Sizes of the parts of a multipart/form-data body; empty for other bodies. */
  parts: MultipartPart[]
}

/** How many leading body bytes are kept for assertions and JSON parsing. */
export const keptBodyBytes = 64 * 1024

const emptySha256 = createHash('sha256').digest('hex')

/** Returns every header of a request as received: names lower-cased, repeats kept, in order. */
export function headerPairs(req: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = []
  const raw = req.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!.toLowerCase(), raw[i + 1]!])
  return pairs
}

/** Builds the record of a request from its head; the body fields are filled in later. */
export function captureHead(req: IncomingMessage): ReceivedRequest {
  return {
    method: req.method ?? '',
    url: req.url ?? '',
    headers: headerPairs(req),
    bodyLength: 0,
    bodySha256: emptySha256,
    bodyText: '',
  }
}

/** Reads the whole body, fills in the record's body fields and returns the result. */
export async function consumeBody(
  req: IncomingMessage,
  record: ReceivedRequest,
): Promise<ConsumedBody> {
  const hash = createHash('sha256')
  const kept: Uint8Array[] = []
  const sizer = MultipartSizer.forContentType(req.headers['content-type'])
  let length = 0
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    hash.update(chunk)
    // Copied, so a large chunk is not kept alive by a small view into it.
    if (length < keptBodyBytes) kept.push(Buffer.from(chunk.subarray(0, keptBodyBytes - length)))
    length += chunk.byteLength
    sizer?.push(chunk)
  }
  const text = Buffer.concat(kept).toString('utf8')
  const body = { length, sha256: hash.digest('hex'), text, parts: sizer?.finish() ?? [] }
  record.bodyLength = body.length
  record.bodySha256 = body.sha256
  record.bodyText = body.text
  return body
}
