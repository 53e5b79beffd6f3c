/** The console's pure parts: ring buffer, traffic counters, Live filter, allow-list check (#3). */
import { describe, expect, test } from 'bun:test'
import type { Key } from 'ink'
import type { AllowEntry } from '../../store/allow-list.ts'
import type { RequestRecord } from '../../store/request-records.ts'
import { wouldGetIn } from '../../tui/allow-check.ts'
import { columnWidths, shownColumns } from '../../tui/column-widths.ts'
import { inputWindow } from '../../tui/components/InputLine.tsx'
import { answerRows } from '../../tui/components/LiveBox.tsx'
import { sparkline } from '../../tui/components/Sparkline.tsx'
import { fit, fitEnd, formatRemaining, windowStart, wrapWords } from '../../tui/format.ts'
import { fieldToFix } from '../../tui/hooks/use-form.ts'
import { type Editing, editingAtEnd, editText } from '../../tui/hooks/use-text-input.ts'
import { matchesLiveFilter, parseLiveFilter } from '../../tui/live-filter.ts'
import { RequestStats, statsBucketCount, statsBucketMs } from '../../tui/request-stats.ts'
import { RingBuffer } from '../../tui/ring-buffer.ts'
import { shownDuration } from '../../tui/route-fields.ts'
import { requestRecord as record } from './harness.tsx'

function entry(cidr: string, route?: string, note = ''): AllowEntry {
  return { id: 1, cidr, route, note, createdAt: 0 }
}

describe('RingBuffer', () => {
  test('keeps only the newest items, oldest first', () => {
    const buffer = new RingBuffer<number>(3)
    for (let i = 1; i <= 5; i++) buffer.push(i)
    expect(buffer.toArray()).toEqual([3, 4, 5])
    expect(buffer.size).toBe(3)
  })

  test('holds fewer items than its capacity in order', () => {
    const buffer = new RingBuffer<string>(4)
    buffer.push('a')
    buffer.push('b')
    expect(buffer.toArray()).toEqual(['a', 'b'])
  })
})

describe('RequestStats', () => {
  const now = 1_700_000_000_000

  test('counts requests, server errors and denials per route in the window', () => {
    const stats = new RequestStats()
    stats.add(record({ ts: now, status: 200 }))
    stats.add(record({ ts: now, status: 502 }))
    stats.add(record({ ts: now - statsBucketMs, status: 401, auth: 'denied' }))
    stats.add(record({ ts: now - statsBucketMs * statsBucketCount, status: 200 }))
    const series = stats.series('prod', now)
    expect(series.counts).toHaveLength(statsBucketCount)
    expect(series.counts.at(-1)).toBe(2)
    expect(series.counts.at(-2)).toBe(1)
    expect(series).toMatchObject({ total: 3, serverErrors: 1, denied: 1 })
  })

  test('keeps a bounded number of buckets however long it runs', () => {
    const stats = new RequestStats()
    for (let i = 0; i < 1000; i++) stats.add(record({ ts: now + i * statsBucketMs }))
    expect(stats.series('prod', now + 999 * statsBucketMs).total).toBe(statsBucketCount)
  })
})

describe('Live filter', () => {
  const cases: [string, Partial<RequestRecord>, boolean][] = [
    ['status:5xx', { status: 503 }, true],
    ['status:5xx', { status: 403 }, false],
    ['status:4', { status: 429 }, true],
    ['status:404', { status: 404 }, true],
    ['route:prod', { route: 'prod' }, true],
    ['route:prod', { route: 'test' }, false],
    ['key:abc', { keyId: 'abcdefghij' }, true],
    ['key:abc', { keyId: undefined }, false],
    ['ip:10.1.', { clientIp: '10.1.2.3' }, true],
    ['ip:10.1.', { clientIp: '110.1.2.3' }, false],
    ['ip:10.0.0.0/8', { clientIp: '10.1.2.3' }, true],
    ['ip:10.0.0.0/8', { clientIp: '110.1.2.3' }, false],
    ['ip:2001:db8::/32', { clientIp: '2001:db8:1::5' }, true],
    ['ip:10.1.2.3/8', { clientIp: '10.1.2.3' }, false],
    ['serverinfo', {}, true],
    ['ip_not_allowed', { reason: 'ip_not_allowed', status: 403 }, true],
    ['status:4xx key_unknown', { status: 401, reason: 'key_unknown' }, true],
    ['status:4xx key_unknown', { status: 401, reason: 'key_revoked' }, false],
    ['STATUS:4XX', { status: 401 }, true],
    ['Route:prod', { route: 'prod' }, true],
    // A filter with a mistake shows nothing, not everything (review: status:40 matched all).
    ['status:40', { status: 200 }, false],
    ['status:abc', { status: 200 }, false],
  ]
  for (const [text, fields, isMatch] of cases) {
    test(`"${text}" ${isMatch ? 'matches' : 'does not match'} ${JSON.stringify(fields)}`, () => {
      expect(matchesLiveFilter(record(fields), parseLiveFilter(text))).toBe(isMatch)
    })
  }

  test('reports an ip: block it cannot read', () => {
    expect(parseLiveFilter('ip:127.0.0.0/33').problems).toEqual([
      'ip:127.0.0.0/33 is not a CIDR block (like 10.0.0.0/8 or 2001:db8::/32)',
    ])
  })

  test('reports a status it cannot read instead of matching nothing silently', () => {
    expect(parseLiveFilter('status:9xx').problems).toEqual([
      'status:9xx is not a class (5xx) or a status (404)',
    ])
  })
})

describe('wouldGetIn', () => {
  const entries = [
    entry('10.0.0.0/8', undefined, 'office'),
    entry('203.0.113.0/24', 'prod', 'Jira Align'),
  ]

  test('names the entry that let the address in, per route', () => {
    expect(wouldGetIn(entries, ['prod', 'test'], '203.0.113.7')).toEqual([
      {
        route: 'prod',
        isAllowed: true,
        text: 'route prod: allowed by 203.0.113.0/24 (prod, "Jira Align")',
      },
      { route: 'test', isAllowed: false, text: 'route test: refused with 403 (no entry matches)' },
    ])
  })

  test('judges IPv4-mapped IPv6 addresses as IPv4, as serve does', () => {
    const [answer] = wouldGetIn(entries, ['test'], '::ffff:10.1.2.3') as { text: string }[]
    expect(answer?.text).toBe('route test: allowed by 10.0.0.0/8 (global, "office")')
  })

  test('says an empty allow-list lets nobody in', () => {
    expect(wouldGetIn([], ['prod'], '::1')).toEqual([
      {
        route: 'prod',
        isAllowed: false,
        text: 'route prod: refused with 403 (the allow-list is empty)',
      },
    ])
  })

  test('says when the text is not an address', () => {
    expect(wouldGetIn(entries, ['prod'], '10.0.0.300')).toBe(
      '"10.0.0.300" is not an IPv4 or IPv6 address',
    )
  })
})

describe('formatting', () => {
  test('shows a duration in the unit it was most likely typed in', () => {
    expect([60_000, 120_000, 1500, 3_600_000, 90_000, 250].map(shownDuration)).toEqual([
      '1m',
      '2m',
      '1500ms',
      '1h',
      '90s',
      '250ms',
    ])
  })

  test('fits text to a width from either end', () => {
    expect(fit('abcdef', 4)).toBe('abc…')
    expect(fit('ab', 4)).toBe('ab  ')
    expect(fitEnd('/rest/api/2/issue/A-1', 10)).toBe('…issue/A-1')
  })

  test('keeps the selected row inside the window', () => {
    expect(windowStart(100, 0, 10)).toBe(0)
    expect(windowStart(100, 50, 10)).toBe(45)
    expect(windowStart(100, 99, 10)).toBe(90)
    expect(windowStart(5, 4, 10)).toBe(0)
  })

  test('draws a sparkline scaled to the largest count', () => {
    expect(sparkline([0, 1, 4, 8])).toBe('·▁▄█')
    expect(sparkline([0, 0])).toBe('··')
  })
})

describe('editing a line', () => {
  // Only the fields a test sets are true; the rest of Ink's Key is false.
  const key = (set: Record<string, boolean> = {}) => set as unknown as Key
  const apply = (start: Editing, ...steps: [string, Record<string, boolean>?][]) =>
    steps.reduce((state, [input, set]) => editText(state, input, key(set)) ?? state, start)
  const shown = ({ chars, cursor }: Editing) =>
    `${chars.slice(0, cursor).join('')}|${chars.slice(cursor).join('')}`

  test('types at the cursor, wherever it was moved', () => {
    const state = apply(
      editingAtEnd('acd'),
      ['', { leftArrow: true }],
      ['', { leftArrow: true }],
      ['b'],
      ['', { end: true }],
      ['e'],
      ['a', { ctrl: true }],
      ['>'],
    )
    expect(shown(state)).toBe('>|abcde')
  })

  test('Backspace removes before the cursor, Delete under it, and neither runs off an end', () => {
    expect(
      shown(apply(editingAtEnd('abc'), ['', { leftArrow: true }], ['', { backspace: true }])),
    ).toBe('a|c')
    expect(shown(apply(editingAtEnd('abc'), ['', { home: true }], ['', { delete: true }]))).toBe(
      '|bc',
    )
    expect(editText(editingAtEnd('abc'), '', key({ delete: true }))).toBeUndefined()
    expect(editText({ chars: ['a'], cursor: 0 }, '', key({ backspace: true }))).toBeUndefined()
    expect(shown(apply(editingAtEnd('ab'), ['', { rightArrow: true }]))).toBe('ab|')
  })

  test('keeps an emoji whole, and a paste on one line without control characters', () => {
    expect(shown(apply(editingAtEnd('a😀'), ['', { backspace: true }]))).toBe('a|')
    expect(shown(apply(editingAtEnd(''), ['x\ny\u0007z']))).toBe('x yz|')
    expect(shown(apply(editingAtEnd('abc'), ['u', { ctrl: true }]))).toBe('|')
  })

  test('shows the part of a long value around the cursor, marking cut sides', () => {
    const chars = [...'abcdefghij']
    const line = (cursor: number, width: number) => {
      const { before, under, after } = inputWindow(chars, cursor, width)
      return `${before}[${under}]${after}`
    }
    expect(line(10, 20)).toBe('abcdefghij[ ]')
    expect(line(10, 6)).toBe('…ghij[ ]')
    expect(line(0, 6)).toBe('[a]bcde…')
    expect(line(5, 6)).toBe('…cde[f]…')
    for (let cursor = 0; cursor <= chars.length; cursor++) {
      expect(line(cursor, 6).length).toBeLessThanOrEqual(6 + 2)
    }
  })
})

describe('after the store refuses a form', () => {
  const spec = {
    title: 'a user and a password',
    fields: [
      { name: 'username', label: 'User', check: (v: string) => (v ? undefined : 'empty') },
      { name: 'password', label: 'Password', isMasked: true },
    ],
    submit: () => '',
  }

  test('goes back to the field at fault, never simply the first', () => {
    expect(fieldToFix(spec, { username: 'svc', password: 'x' }, ['credential.password: bad'])).toBe(
      1,
    )
    expect(fieldToFix(spec, { username: '', password: 'x' }, ['credential.password: bad'])).toBe(0)
    expect(fieldToFix(spec, { username: 'svc', password: 'x' }, ['database is locked'])).toBe(0)
  })
})

describe('wrapWords', () => {
  test('wraps at spaces, splits a word longer than a line, and ends a cut text in …', () => {
    expect(wrapWords('the API key is the only check left', 12, 3)).toEqual([
      'the API key',
      'is the only',
      'check left',
    ])
    expect(wrapWords('jpx_abcdefghij_rest', 8, 3)).toEqual(['jpx_abcd', 'efghij_r', 'est'])
    expect(wrapWords('one two three four five six', 7, 2)).toEqual(['one two', 'three …'])
    expect(wrapWords('', 10, 3)).toEqual([])
  })
})

describe('columnWidths', () => {
  const columns = [
    { width: 10 },
    { width: 12, min: 8, grow: 'content' as const },
    { width: 20, min: 10, grow: 'rest' as const },
    { width: 7, hideBelow: 50 },
  ]

  test('keeps the usual widths when they just fit', () => {
    expect(columnWidths(columns, [10, 5, 5, 7], 52)).toEqual([10, 12, 20, 7])
  })

  test('shrinks the column with the most to spare first, never below its minimum', () => {
    expect(columnWidths(columns, [10, 5, 5, 7], 46)).toEqual([10, 12, 14, 7])
    expect(columnWidths(columns, [10, 5, 5, 7], 38)).toEqual([10, 8, 10, 7])
  })

  test('gives spare cells to cut cells in turn, then what is left to the rest column', () => {
    expect(columnWidths(columns, [10, 30, 24, 7], 62)).toEqual([10, 18, 24, 7])
    expect(columnWidths(columns, [10, 14, 5, 7], 80)).toEqual([10, 14, 46, 7])
  })

  test('leaves out a column below its width', () => {
    expect(shownColumns(columns, 49)).toEqual([0, 1, 2])
    expect(shownColumns(columns, 50)).toEqual([0, 1, 2, 3])
  })
})

describe('answerRows', () => {
  const lines = [
    { text: 'first line of the answer' },
    { text: '  an indented line that is long' },
    { text: '  → refused' },
  ]

  test('wraps long lines keeping their indent when there is room', () => {
    expect(answerRows(lines, 24).map((l) => l.text)).toEqual([
      'first line of the',
      'answer',
      '  an indented line',
      '  that is long',
      '  → refused',
    ])
  })

  test('gives each line one row when short of rows, then wraps the last ones', () => {
    expect(answerRows(lines, 24, 5 + 4).map((l) => l.text)).toEqual([
      'first line of the a…',
      '  an indented line',
      '  that is long',
      '  → refused',
    ])
  })

  test('keeps the last line and says how many were left out when shorter still', () => {
    expect(answerRows(lines, 24, 5 + 2).map((l) => l.text)).toEqual([
      '  an indented line …',
      '  → refused',
    ])
    const many = Array.from({ length: 9 }, (_, i) => ({ text: `line ${i}` }))
    expect(answerRows(many, 24, 5 + 4).map((l) => l.text)).toEqual([
      'line 0',
      'line 1',
      '… 6 more lines',
      'line 8',
    ])
  })
})

describe('formatRemaining', () => {
  const second = 1000
  const minute = 60 * second
  const hour = 60 * minute
  const day = 24 * hour

  test('shows two units so that a just-made 3-day key does not read as 2 days', () => {
    expect(formatRemaining(3 * day - second)).toBe('2d 23h')
    expect(formatRemaining(3 * day + minute)).toBe('3d')
    expect(formatRemaining(5 * hour + 10 * minute)).toBe('5h 10m')
    expect(formatRemaining(12 * minute + 5 * second)).toBe('12m 5s')
    expect(formatRemaining(40 * second)).toBe('40s')
    expect(formatRemaining(0)).toBe('0s')
  })
})
