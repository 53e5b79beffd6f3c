/** Client IP with trusted proxies: X-Forwarded-For read right to left past trusted hops (#4). */
import { describe, expect, test } from 'bun:test'
import { compileAllowList } from '../../src/proxy/allow-list.ts'
import { normaliseRemoteAddr, resolveClientIp } from '../../src/proxy/client-ip.ts'

const trusted = (...cidrs: string[]) =>
  compileAllowList(cidrs.map((cidr) => ({ cidr, scope: 'trusted', note: '' })))
const lb = trusted('10.0.0.0/8', 'fd00::/8')

describe('resolveClientIp', () => {
  test.each([
    [
      'no trusted proxies: the peer, whatever the header says',
      '10.0.0.5',
      '1.2.3.4',
      undefined,
      '10.0.0.5',
    ],
    ['untrusted peer: the header is ignored', '192.0.2.9', '1.2.3.4', lb, '192.0.2.9'],
    ['trusted peer, no header', '10.0.0.5', null, lb, '10.0.0.5'],
    ['trusted peer, one hop', '10.0.0.5', '203.0.113.7', lb, '203.0.113.7'],
    [
      'trusted peer, two hops: the rightmost untrusted wins',
      '10.0.0.5',
      '1.1.1.1, 203.0.113.7',
      lb,
      '203.0.113.7',
    ],
    [
      'three hops through two trusted proxies',
      '10.0.0.5',
      '6.6.6.6, 203.0.113.7, 10.9.9.9',
      lb,
      '203.0.113.7',
    ],
    [
      'four hops, client spoofs a trusted address on the left',
      '10.0.0.5',
      '10.1.1.1, 6.6.6.6, 203.0.113.7, 10.2.2.2',
      lb,
      '203.0.113.7',
    ],
    ['every hop trusted: the leftmost', '10.0.0.5', '10.1.1.1, 10.2.2.2', lb, '10.1.1.1'],
    [
      'garbage hop: the last trusted hop, never the garbage',
      '10.0.0.5',
      'evil, 10.2.2.2',
      lb,
      '10.2.2.2',
    ],
    ['garbage rightmost: the peer', '10.0.0.5', '203.0.113.7, not-an-ip', lb, '10.0.0.5'],
    ['IPv4-mapped hop is unwrapped', '10.0.0.5', '::ffff:203.0.113.7', lb, '203.0.113.7'],
    ['IPv6 trusted peer and client', 'fd00::1', '2001:db8::7', lb, '2001:db8::7'],
    ['empty header entries are garbage', '10.0.0.5', ', ', lb, '10.0.0.5'],
  ] as const)('%s', (_name, peer, header, set, expected) => {
    expect(resolveClientIp(peer, header, set)).toBe(expected)
  })

  test('the dual-stack wrapper is removed from the peer', () => {
    expect(normaliseRemoteAddr('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(normaliseRemoteAddr('::1')).toBe('::1')
  })
})
