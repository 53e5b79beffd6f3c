/**
 * A client that leaves while Jira has not answered cancels the upstream request at once (logged
 * as 499), long before the header timeout; issue 6 replaced AbortSignal.any with a listener.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { basic, type Stack, startStack, within } from '../support/stack.ts'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack.stop()
})

function clientGoneLines(): Record<string, unknown>[] {
  return stack.logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request' && line.reason === 'client_gone')
}

test('a client that leaves during the header wait cancels the upstream request (499 in the log)', async () => {
  const client = new AbortController()
  const started = Date.now()
  const request = stack
    .get('/jira-prod/rest/api/2/demo/hang', {
      headers: { authorization: basic(stack.apiKey) },
      signal: client.signal,
    })
    .catch((error: unknown) => error)
  await Bun.sleep(300)
  client.abort()
  await request
  await within(3000, () => clientGoneLines().length > 0)
  const [line] = clientGoneLines()
  expect(line).toMatchObject({ status: 499, path: '/jira-prod/rest/api/2/demo/hang' })
  // The route's header timeout is 60 s: the upstream request ended because the client left.
  expect(Date.now() - started).toBeLessThan(5000)
})
