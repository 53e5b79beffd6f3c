import { describe, expect, test } from 'bun:test'
import { MultipartSizer, multipartBoundary } from '../../src/demo/multipart.ts'

const boundary = 'XyZ-123'

function body(parts: { head: string; content: string }[]): Buffer {
  const pieces = parts.map((part) => `--${boundary}\r\n${part.head}\r\n\r\n${part.content}\r\n`)
  return Buffer.from(`preamble\r\n${pieces.join('')}--${boundary}--\r\n`, 'latin1')
}

function measure(data: Buffer, chunkSize: number) {
  const sizer = new MultipartSizer(boundary)
  for (let at = 0; at < data.length; at += chunkSize) sizer.push(data.subarray(at, at + chunkSize))
  return sizer.finish()
}

describe('MultipartSizer', () => {
  // Almost-delimiters inside the content must not end the part.
  const fileContent = `line\r\n--${boundary.slice(0, 4)}\r\n-${boundary}`
  const data = body([
    { head: 'Content-Disposition: form-data; name="comment"', content: 'hello' },
    {
      head: 'Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain',
      content: fileContent,
    },
  ])

  test('measures every part the same whatever the chunk size', () => {
    const expected = [
      { name: 'comment', filename: undefined, contentType: undefined, size: 5 },
      { name: 'file', filename: 'a.txt', contentType: 'text/plain', size: fileContent.length },
    ]
    for (let chunkSize = 1; chunkSize <= data.length; chunkSize++) {
      expect(measure(data, chunkSize)).toEqual(expected)
    }
  })

  test('leaves out a part that the body ends in the middle of', () => {
    const cut = data.subarray(0, data.indexOf('line') + 2)
    expect(measure(cut, 7).map((part) => part.name)).toEqual(['comment'])
  })

  test('reads the boundary from a multipart/form-data Content-Type only', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${boundary}`)).toBe(boundary)
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b')
    expect(multipartBoundary('application/json')).toBeUndefined()
    expect(multipartBoundary('multipart/form-data')).toBeUndefined()
  })
})
