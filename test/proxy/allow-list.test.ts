/** The compiled allow-list: IPv4, IPv6, mapped addresses, most specific match (issue #2). */
import { describe, expect, test } from 'bun:test'
import { compileAllowList } from '../../src/proxy/allow-list.ts'

const entries = [
  { cidr: '10.0.0.0/8', scope: 'global', note: 'office' },
  { cidr: '10.1.0.0/16', scope: 'prod', note: 'team' },
  { cidr: '203.0.113.7', scope: 'global', note: 'align 1' },
  { cidr: '2001:db8::/32', scope: 'global', note: 'v6' },
]
const matcher = compileAllowList(entries)

describe('compileAllowList', () => {
  test.each([
    ['10.2.3.4', '10.0.0.0/8'],
    ['10.1.2.3', '10.1.0.0/16'],
    ['203.0.113.7', '203.0.113.7/32'],
    ['::ffff:203.0.113.7', '203.0.113.7/32'],
    ['2001:db8:1::5', '2001:db8::/32'],
  ])('lets %s in by %s', (ip, cidr) => {
    expect(matcher.match(ip)?.cidr).toBe(cidr)
  })

  test.each(['11.0.0.1', '203.0.113.8', '2001:db9::1', '::1', 'not-an-ip', ''])(
    'keeps %p out',
    (ip) => {
      expect(matcher.match(ip)).toBeUndefined()
    },
  )

  test('an empty list lets nobody in', () => {
    expect(compileAllowList([]).match('127.0.0.1')).toBeUndefined()
  })

  test('0.0.0.0/0 and ::/0 must be written out to allow everyone', () => {
    const open = compileAllowList([{ cidr: '0.0.0.0/0', scope: 'global', note: '' }])
    expect(open.match('8.8.8.8')).toBeDefined()
    expect(open.match('2001:db8::1')).toBeUndefined()
  })
})
