/**
 * Measures the parts of a multipart/form-data body (RFC 7578) while it streams past, keeping
 * only a delimiter's worth of bytes between chunks, so a large attachment is never held.
 */

/** One part of a multipart body: its form name, file name and content size in bytes. */
export interface MultipartPart {
  name: string
  filename: string | undefined
  contentType: string | undefined
  size: number
}

type SizerState = 'preamble' | 'content' | 'afterDelimiter' | 'headers' | 'done'

interface OpenPart {
  name: string
  filename: string | undefined
  contentType: string | undefined
  start: number
}

// A part head longer than this is not a form upload; stop measuring rather than buffer it.
const maxPartHeadBytes = 16 * 1024

/** Returns the boundary of a multipart/form-data Content-Type, or undefined for other types. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

/** Streaming measurer of multipart parts; feed it chunks with push(), then call finish(). */
export class MultipartSizer {
  private readonly delimiter: Buffer
  // A virtual CRLF in front makes the first delimiter look like every later one.
  private pending = Buffer.from('\r\n')
  private offset = -2
  private state: SizerState = 'preamble'
  private current: OpenPart | undefined
  private readonly parts: MultipartPart[] = []

  /** Creates a sizer for the given boundary. */
  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1')
  }

  /** Creates a sizer when the Content-Type is multipart/form-data with a boundary. */
  static forContentType(contentType: string | undefined): MultipartSizer | undefined {
    const boundary = multipartBoundary(contentType)
    return boundary ? new MultipartSizer(boundary) : undefined
  }

  /** Feeds the next body chunk. */
  push(chunk: Uint8Array): void {
    if (this.state === 'done') return
    this.pending = Buffer.concat([this.pending, chunk])
    // Every step consumes bytes or moves the state on, so this ends; the cap is a safety net.
    const maxSteps = this.pending.length + 8
    for (let steps = 0; steps < maxSteps && this.step(); steps++) {}
  }

  /** Returns the parts that were closed by a delimiter; a truncated last part is left out. */
  finish(): MultipartPart[] {
    return [...this.parts]
  }

  private step(): boolean {
    if (this.state === 'afterDelimiter') return this.readDelimiterEnd()
    if (this.state === 'headers') return this.readPartHead()
    if (this.state === 'done') return false
    return this.seekDelimiter()
  }

  private seekDelimiter(): boolean {
    const at = this.pending.indexOf(this.delimiter)
    if (at < 0) {
      this.drop(Math.max(0, this.pending.length - (this.delimiter.length - 1)))
      return false
    }
    if (this.current) {
      const { start, ...part } = this.current
      this.parts.push({ ...part, size: this.offset + at - start })
      this.current = undefined
    }
    this.drop(at + this.delimiter.length)
    this.state = 'afterDelimiter'
    return true
  }

  private readDelimiterEnd(): boolean {
    if (this.pending.length < 2) return false
    if (this.pending.toString('latin1', 0, 2) === '--') return this.stop()
    // Transport padding may sit between the boundary and its CRLF (RFC 2046 section 5.1.1).
    const lineEnd = this.pending.indexOf('\r\n')
    if (lineEnd < 0) return this.pending.length > maxPartHeadBytes ? this.stop() : false
    this.drop(lineEnd + 2)
    this.state = 'headers'
    return true
  }

  private readPartHead(): boolean {
    const isHeadEmpty = this.pending.toString('latin1', 0, 2) === '\r\n'
    const end = isHeadEmpty ? 0 : this.pending.indexOf('\r\n\r\n')
    if (this.pending.length < 2 || end < 0) {
      return this.pending.length > maxPartHeadBytes ? this.stop() : false
    }
    const head = this.pending.toString('utf8', 0, end)
    const headLength = isHeadEmpty ? 2 : end + 4
    this.current = { ...parsePartHead(head), start: this.offset + headLength }
    this.drop(headLength)
    this.state = 'content'
    return true
  }

  private drop(count: number): void {
    this.pending = this.pending.subarray(count)
    this.offset += count
  }

  private stop(): boolean {
    this.state = 'done'
    this.pending = Buffer.alloc(0)
    return false
  }
}

function parsePartHead(head: string): Omit<OpenPart, 'start'> {
  const lines = head.split('\r\n')
  const disposition = headerValue(lines, 'content-disposition') ?? ''
  const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? ''
  const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1]
  return { name, filename, contentType: headerValue(lines, 'content-type') }
}

function headerValue(lines: string[], name: string): string | undefined {
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) {
      return line.slice(colon + 1).trim()
    }
  }
  return undefined
}
