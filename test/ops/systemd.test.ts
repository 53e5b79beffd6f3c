/**
 * `japroxy systemd`: the unit passes `systemd-analyze verify`, and its `systemd-analyze
 * security` exposure level is the one the README records (issue #5).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cli } from '../support/cli.ts'

const analyze = Bun.which('systemd-analyze')
if (!analyze)
  console.warn('systemd-analyze is missing (apt-get install systemd): unit checks skipped')

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'japroxy-unit-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Writes the unit for `args` (with a binary that exists, as verify wants) and returns its path. */
function unit(name: string, args: string[] = []): { path: string; text: string } {
  const result = cli(['systemd', '--binary', process.execPath, ...args])
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  const path = join(dir, `${name}.service`)
  writeFileSync(path, result.stdout)
  return { path, text: result.stdout }
}

function exposure(path: string): string {
  const result = Bun.spawnSync([analyze!, 'security', '--offline=true', path])
  const match = /Overall exposure level for .*: (\d+\.\d) (\w+)/.exec(result.stdout.toString())
  if (!match) throw new Error(`no exposure level in: ${result.stdout}${result.stderr}`)
  return `${match[1]} ${match[2]}`
}

describe('the unit', () => {
  test('runs serve as its own user, with the store in StateDirectory and secrets as credentials', () => {
    const { text } = unit('plain')
    const lines = text.split('\n')
    for (const line of [
      'User=japroxy',
      'StateDirectory=japroxy',
      'LoadCredential=master.key:/etc/japroxy/master.key',
      'LoadCredential=tls.key:/etc/japroxy/tls.key',
      'ProtectSystem=strict',
      'NoNewPrivileges=yes',
      'Restart=on-failure',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'CapabilityBoundingSet=',
      'AmbientCapabilities=',
      // No core dumps: one would hold the master key and the unsealed credentials.
      'LimitCORE=0',
    ]) {
      expect(lines).toContain(line)
    }
    expect(lines).toContain(
      `ExecStart=${process.execPath} serve --listen 0.0.0.0:8443 --tls-cert %d/tls.crt --tls-key %d/tls.key --admin-listen 127.0.0.1:8444 --shutdown-timeout 30s`,
    )
    expect(text).not.toContain('CAP_NET_BIND_SERVICE')
  })

  test('adds CAP_NET_BIND_SERVICE, and only that, for a port below 1024', () => {
    const { text } = unit('low', ['--listen', '0.0.0.0:443'])
    expect(text).toContain('\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\n')
    expect(text).toContain('\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n')
    expect(text).not.toContain('PrivateUsers=yes')
  })

  test('--workers runs serve with its workers and lets it stop them itself', () => {
    const { text } = unit('workers', ['--workers', '2'])
    const execStart = text.split('\n').find((line) => line.startsWith('ExecStart='))
    expect(execStart).toEndWith(' --workers 2')
    expect(text).toContain('\nKillMode=mixed\n')
    expect(unit('one').text).not.toContain('--workers')
    const bad = cli(['systemd', '--binary', process.execPath, '--workers', 'two'])
    expect(bad.code).not.toBe(0)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toContain('"two" is not a whole number from 1 to 64')
  })

  test('refuses a relative binary path and a bad user name, listing both', () => {
    const result = cli(['systemd', '--binary', 'japroxy', '--user', 'Root User'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('systemd.binary: "japroxy" must be an absolute path')
    expect(result.stderr).toContain('systemd.user: "Root User" is not a valid user name')
  })
})

describe.skipIf(!analyze)('systemd-analyze', () => {
  test('verify accepts the unit', () => {
    for (const [name, args] of [
      ['verify-plain', []],
      ['verify-low', ['--listen', '[::]:443']],
      ['verify-http', ['--no-tls', '--admin-listen', 'off']],
      ['verify-workers', ['--workers', '4']],
    ] as const) {
      const { path } = unit(name, [...args])
      const result = Bun.spawnSync([analyze!, 'verify', path])
      expect(result.stderr.toString()).toBe('')
      expect(result.exitCode).toBe(0)
    }
  })

  test('the exposure levels are the ones the README records', () => {
    const readme = readFileSync(join(import.meta.dir, '..', '..', 'README.md'), 'utf8')
    const high = exposure(unit('score-high').path)
    const low = exposure(unit('score-low', ['--listen', '0.0.0.0:443']).path)
    const recorded = (port: string) =>
      new RegExp(`\\*\\*(\\d\\.\\d \\w+)\\*\\* \\(port ${port}`).exec(readme)?.[1]
    expect(recorded('8443')).toBe(high)
    expect(recorded('443')).toBe(low)
    expect(Number(low.split(' ')[0])).toBeLessThan(2)
  })
})
