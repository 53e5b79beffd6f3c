/** Abuse limits through a real japroxy (#4): lockout, rate limit, body, idle and busy limits. */
import { afterEach, describe, expect, test } from 'bun:test'
import { connect } from 'node:net'
import { setApiKeyRateLimit } from '../../store/keys.ts'
import { getRoute, updateRoute } from '../../store/routes.ts'
import { writeSetting } from '../../store/settings.ts'
import { getHead, rawRequest } from '../support/raw-http.ts'
import { basic, type Stack, startStack } from '../support/stack.ts'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.stop()
  stack = undefined
})

const jiraRateHeaders = [
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-fillrate',
  'x-ratelimit-interval-seconds',
]

describe('failed-key lockout', () => {
  test("locks a client IP out after the threshold, with Jira's rate-limit headers", async () => {
    stack = await startStack({
      beforeStart: (db) => {
        writeSetting(db, 'test', 'lockout.threshold', '3')
        writeSetting(db, 'test', 'lockout.durationSeconds', '120')
      },
    })
    const s = stack
    for (let i = 0; i < 3; i++) {
      const response = await s.get('/jira-prod/rest/api/2/myself', {
        headers: { authorization: basic(`wrong-${i}`) },
      })
      expect(response.status).toBe(401)
    }
    s.jira.clearReceived()
    const locked = await s.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic('wrong-again') },
    })
    expect(locked.status).toBe(429)
    for (const name of jiraRateHeaders) expect(locked.headers.get(name)).not.toBeNull()
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(100)
    expect(locked.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(s.jira.received).toHaveLength(0)
    expect(s.proxy.lockout.lockouts).toBe(1)

    // Turning the lockout off (threshold 0) lifts the lockout at once, not after its duration.
    writeSetting(s.db, 'test', 'lockout.threshold', '0')
    expect(s.proxy.reload(true)).toBe(true)
    const lifted = await s.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic('wrong-after-off') },
    })
    expect(lifted.status).toBe(401)
  })

  test('a valid key still gets in from a locked-out address (shared egress)', async () => {
    stack = await startStack({
      beforeStart: (db) => writeSetting(db, 'test', 'lockout.threshold', '3'),
    })
    const s = stack
    const statuses: number[] = []
    for (const key of ['bad-1', 'bad-2', 'bad-3', s.apiKey, 'bad-4', s.apiKey]) {
      const response = await s.get('/jira-prod/rest/api/2/myself', {
        headers: { authorization: basic(key) },
      })
      statuses.push(response.status)
      await response.arrayBuffer()
    }
    expect(statuses).toEqual([401, 401, 401, 200, 429, 200])
    expect((await s.get('/jira-prod/rest/api/2/serverInfo')).status).toBe(200)
  })
})

describe('per-key rate limit', () => {
  test("a key over its rate gets 429 with Jira's headers; other keys are unaffected", async () => {
    stack = await startStack()
    const s = stack
    setApiKeyRateLimit(s.db, 'test', 'align', { perMinute: 60, burst: 2 })
    s.proxy.reload(true)
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 3; i++) {
      last = await s.get('/jira-prod/rest/api/2/myself', {
        headers: { authorization: basic(s.apiKey) },
      })
      statuses.push(last.status)
      await last.arrayBuffer()
    }
    expect(statuses).toEqual([200, 200, 429])
    expect(last!.headers.get('x-ratelimit-limit')).toBe('2')
    expect(last!.headers.get('x-ratelimit-fillrate')).toBe('60')
    expect(last!.headers.get('x-ratelimit-interval-seconds')).toBe('60')
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const other = s.createKey('other', ['prod'])
    s.proxy.reload(true)
    expect(
      (await s.get('/jira-prod/rest/api/2/myself', { headers: { authorization: basic(other) } }))
        .status,
    ).toBe(200)
  })
})

describe('size, idle and load limits', () => {
  test('headers over 16 KiB get 431 and the proxy keeps serving', async () => {
    stack = await startStack()
    const s = stack
    for (const size of [17_000, 1_000_000]) {
      const response = await rawRequest(
        s.proxy.port,
        getHead('/jira-prod/rest/api/2/myself', `X-Big: ${'a'.repeat(size)}`),
      )
      expect(response.status).toBe(431)
    }
    expect(
      (await s.get('/jira-prod/rest/api/2/myself', { headers: { authorization: basic(s.apiKey) } }))
        .status,
    ).toBe(200)
  })

  test('a chunked body that outgrows limits.maxBodyBytes gets 413 and is logged as 413', async () => {
    stack = await startStack({
      beforeStart: (db) => writeSetting(db, 'test', 'limits.maxBodyBytes', '100000'),
    })
    const s = stack
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 300_000) return controller.close()
        sent += 50_000
        controller.enqueue(new Uint8Array(50_000))
      },
    })
    const response = await s.get('/jira-prod/rest/api/2/demo/upload', {
      method: 'POST',
      headers: { authorization: basic(s.apiKey) },
      body,
    })
    expect(response.status).toBe(413)
    await Bun.sleep(100)
    const lines = s.logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request')
    expect(lines.at(-1)).toMatchObject({ status: 413, reason: 'body_too_large' })
  })

  test('a body over limits.maxBodyBytes gets 413 and does not reach Jira', async () => {
    stack = await startStack({
      beforeStart: (db) => writeSetting(db, 'test', 'limits.maxBodyBytes', '100000'),
    })
    const s = stack
    s.jira.clearReceived()
    const response = await s.get('/jira-prod/rest/api/2/demo/upload', {
      method: 'POST',
      headers: { authorization: basic(s.apiKey) },
      body: new Uint8Array(200_000),
    })
    expect(response.status).toBe(413)
    expect(s.jira.received).toHaveLength(0)
  })

  test('a client dripping its request head byte by byte is closed (slow headers)', async () => {
    stack = await startStack()
    const port = stack.proxy.port
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const started = Date.now()
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /jira-prod/ HTTP/1.1\r\n'))
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 500)
      socket.on('data', () => {})
      socket.on('close', () => {
        clearInterval(drip)
        resolve(Date.now() - started)
      })
      socket.on('error', () => {})
      setTimeout(() => {
        clearInterval(drip)
        socket.destroy()
        reject(new Error('still connected after 25 s'))
      }, 25_000)
    })
    expect(closedAfter).toBeLessThan(25_000)
  }, 30_000)

  // Once the head is complete, limits.idleSeconds applies until the key has passed.
  test('a client that stalls after its head is disconnected after limits.idleSeconds', async () => {
    stack = await startStack({
      beforeStart: (db) => writeSetting(db, 'test', 'limits.idleSeconds', '1'),
    })
    const port = stack.proxy.port
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const started = Date.now()
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          'POST /jira-prod/rest/api/2/issue HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{',
        ),
      )
      socket.on('data', () => {})
      socket.on('close', () => resolve(Date.now() - started))
      socket.on('error', reject)
      setTimeout(() => {
        socket.destroy()
        reject(new Error('still connected after 8 s'))
      }, 8000)
    })
    expect(closedAfter).toBeLessThan(8000)
  }, 15_000)

  test('a slow upstream answer is not cut by the idle limit once the key has passed', async () => {
    stack = await startStack({
      beforeStart: (db) => writeSetting(db, 'test', 'limits.idleSeconds', '1'),
    })
    const response = await stack.get('/jira-prod/rest/api/2/demo/slow?ms=2500', {
      headers: { authorization: basic(stack.apiKey) },
    })
    expect(response.status).toBe(200)
  }, 15_000)

  test('a kept-alive connection is closed after limits.idleSeconds, also after a keyed request', async () => {
    stack = await startStack({
      beforeStart: (db) => writeSetting(db, 'test', 'limits.idleSeconds', '2'),
    })
    const port = stack.proxy.port
    const head = `GET /jira-prod/rest/api/2/myself HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic(stack.apiKey)}\r\n\r\n`
    const outcome = await new Promise<{ answer: string; idleFor: number }>((resolve, reject) => {
      let answer = ''
      let answeredAt = 0
      const socket = connect(port, '127.0.0.1', () => socket.write(head))
      socket.on('data', (chunk) => {
        answer += chunk
        answeredAt ||= Date.now()
      })
      socket.on('close', () => resolve({ answer, idleFor: Date.now() - answeredAt }))
      socket.on('error', reject)
      // Before the fix the connection stayed open for good once a key had passed.
      setTimeout(() => {
        socket.destroy()
        reject(new Error('the kept-alive connection was still open after 12 s'))
      }, 12_000)
    })
    expect(outcome.answer).toStartWith('HTTP/1.1 200')
    expect(outcome.idleFor).toBeLessThan(10_000)
  }, 20_000)

  test("a keyed client that stalls its body is answered 504 at the route's header timeout", async () => {
    stack = await startStack({
      beforeStart: (db) => {
        writeSetting(db, 'test', 'limits.idleSeconds', '1')
        updateRoute(db, 'test', { ...getRoute(db, 'prod'), headerTimeoutMs: 1000 })
      },
    })
    const head = [
      'POST /jira-prod/rest/api/2/search HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: ${basic(stack.apiKey)}`,
      'Content-Type: application/json',
      'Content-Length: 100',
    ].join('\r\n')
    const started = Date.now()
    const answer = await new Promise<string>((resolve, reject) => {
      let text = ''
      const socket = connect(stack!.proxy.port, '127.0.0.1', () => socket.write(`${head}\r\n\r\n{`))
      socket.on('data', (chunk) => {
        text += chunk
      })
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
      setTimeout(() => {
        socket.destroy()
        resolve(text)
      }, 8000)
    })
    expect(answer).toStartWith('HTTP/1.1 504')
    expect(Date.now() - started).toBeLessThan(6000)
  }, 15_000)

  test('beyond limits.maxInFlight requests get 503 with Retry-After', async () => {
    stack = await startStack({
      beforeStart: (db) => writeSetting(db, 'test', 'limits.maxInFlight', '1'),
    })
    const s = stack
    const hung = s.get('/jira-prod/rest/api/2/demo/slow?ms=1500', {
      headers: { authorization: basic(s.apiKey) },
    })
    await Bun.sleep(200)
    const busy = await s.get('/jira-prod/rest/api/2/myself', {
      headers: { authorization: basic(s.apiKey) },
    })
    expect(busy.status).toBe(503)
    expect(busy.headers.get('retry-after')).toBe('1')
    expect((await hung).status).toBe(200)
    expect(
      (await s.get('/jira-prod/rest/api/2/myself', { headers: { authorization: basic(s.apiKey) } }))
        .status,
    ).toBe(200)
  })
})
