/** The store: init, sealing, keys stored as hashes, validation that writes nothing (issue #2). */
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listAudit } from '../../store/audit.ts'
import { listCredentials, setCredential, unsealCredentials } from '../../store/credentials.ts'
import { configVersion, openStore, type Store, type ValidationError } from '../../store/db.ts'
import { initStore } from '../../store/init.ts'
import { freshLength, smallestPeriod } from '../../store/key-strength.ts'
import {
  createApiKey,
  generateApiKey,
  hashApiKey,
  importedKeyProblem,
  listApiKeys,
  loadKeyGrants,
} from '../../store/keys.ts'
import { migrations } from '../../store/migrations/index.ts'
import { addRoute, listRoutes, newRouteFields } from '../../store/routes.ts'
import {
  generateMasterKey,
  readMasterKeyFile,
  sodiumReady,
  writeMasterKeyFile,
} from '../../store/seal.ts'

let dir: string
let db: Store
const dbPath = () => join(dir, 'japroxy.db')
const keyPath = () => join(dir, 'master.key')

beforeAll(sodiumReady)
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'japroxy-store-'))
  db = initStore(dbPath(), keyPath(), 'tester')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('init', () => {
  test('creates a WAL store with every migration and a master key file of mode 0600', () => {
    expect((db.query('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe(
      'wal',
    )
    expect((db.query('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(
      migrations.length,
    )
    expect(statSync(keyPath()).mode & 0o777).toBe(0o600)
    expect(readMasterKeyFile(keyPath()).secretKey).toHaveLength(32)
  })

  test('refuses to overwrite an existing store or master key', () => {
    expect(() => initStore(dbPath(), join(dir, 'other.key'), 'tester')).toThrow(/already exists/)
    expect(() => initStore(join(dir, 'other.db'), keyPath(), 'tester')).toThrow(/already exists/)
  })

  test('a master key file readable by others is refused', () => {
    const path = join(dir, 'loose.key')
    writeMasterKeyFile(path, generateMasterKey())
    Bun.spawnSync(['chmod', '644', path])
    expect(() => readMasterKeyFile(path)).toThrow(/readable by other users/)
  })

  test('a file that is not a master key is refused', () => {
    const path = join(dir, 'junk.key')
    writeFileSync(path, 'hello', { mode: 0o600 })
    expect(() => readMasterKeyFile(path)).toThrow(/not a japroxy master key/)
  })

  // Security review: the store was created with the umask's mode and only then chmod'ed 0600.
  test('the store, its -wal and -shm are 0600 even under umask 000', () => {
    const path = join(dir, 'umask0.db')
    const old = process.umask(0)
    let store: Store | undefined
    try {
      store = initStore(path, join(dir, 'umask0.key'), 'tester')
      store.query("INSERT INTO meta (name, value) VALUES ('x', 'y')").run()
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 })
      }
    } finally {
      process.umask(old)
      store?.close()
    }
  })

  test('init refuses a symlink at the store path and creates nothing where it points', () => {
    const pointedAt = join(dir, 'elsewhere.db')
    const link = join(dir, 'link.db')
    symlinkSync(pointedAt, link)
    expect(() => initStore(link, join(dir, 'link.key'), 'tester')).toThrow(/already exists/)
    expect(existsSync(pointedAt)).toBe(false)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(existsSync(join(dir, 'link.key'))).toBe(false)
  })

  test('opening a corrupt store names the file', () => {
    const path = join(dir, 'corrupt.db')
    writeFileSync(path, 'this is not sqlite at all, just text that goes on for a while'.repeat(100))
    expect(() => openStore(path)).toThrow(/corrupt\.db/)
  })
})

describe('API keys', () => {
  test('carry 256 random bits after a readable keyId, and only the hash is stored', () => {
    addRoute(
      db,
      'tester',
      newRouteFields({ name: 'prod', basePath: '/p', upstreamUrl: 'http://127.0.0.1:1' }),
    )
    const { apiKey, key } = createApiKey(db, 'tester', { name: 'align', routes: ['prod'] })
    expect(apiKey).toMatch(new RegExp(`^jpx_${key.keyId}_[A-Za-z0-9_-]{43}$`))
    expect(Buffer.from(apiKey.slice(`jpx_${key.keyId}_`.length), 'base64url')).toHaveLength(32)
    expect(loadKeyGrants(db)[0]!.hash).toBe(hashApiKey(apiKey))
    db.run('PRAGMA wal_checkpoint(FULL)')
    expect(readFileSync(dbPath()).toString('latin1')).not.toContain(apiKey)
    expect(JSON.stringify(listApiKeys(db))).not.toContain(apiKey)
  })

  test('two keys never collide', () => {
    addRoute(
      db,
      'tester',
      newRouteFields({ name: 'prod', basePath: '/p', upstreamUrl: 'http://127.0.0.1:1' }),
    )
    const a = createApiKey(db, 'tester', { name: 'a', routes: ['prod'] })
    const b = createApiKey(db, 'tester', { name: 'b', routes: ['prod'] })
    expect(a.apiKey).not.toBe(b.apiKey)
    expect(a.key.keyId).not.toBe(b.key.keyId)
  })
})

describe('imported keys', () => {
  test('random-looking keys of 128 bits or more are accepted', () => {
    for (const key of [
      generateApiKey().apiKey,
      '35318bcd0b1ceb84714a87fa6b477a2b', // openssl rand -hex 16
      'Ttl5ISDiEl7ICPssa0cX4kfjj2dnKyHZ3KUOE4H4Qhw', // 32 random bytes, base64url
      'fEJqRJQ25yY18de8bmWer8UOslhz0rfh',
      // Random hex with only 9 different characters: one in about 300 such keys has so few.
      '911874f72c876fc1f12f29816828c6f8',
    ]) {
      expect({ key, problem: importedKeyProblem(key) }).toEqual({ key, problem: undefined })
    }
  })

  test('a repeat or a run of consecutive characters counts once: period and fresh length', () => {
    expect(smallestPeriod('Password1Password1Password1Passw')).toBe(9)
    expect(smallestPeriod('abcabd')).toBe(6)
    expect(freshLength('abcdabcdabcd12')).toBe(4)
    expect(freshLength('Abcdefghijklmnopqrstuvwxyz0123456789XYZ')).toBe(6)
    expect(freshLength('a'.repeat(10_000))).toBeLessThan(10)
  })
})

describe('credentials', () => {
  test('are sealed: the store holds no clear password and only the master key unseals it', () => {
    addRoute(
      db,
      'tester',
      newRouteFields({ name: 'prod', basePath: '/p', upstreamUrl: 'http://127.0.0.1:1' }),
    )
    setCredential(db, 'tester', 'prod', {
      kind: 'basic',
      username: 'svc',
      password: 'hunter2-very-secret',
    })
    db.run('PRAGMA wal_checkpoint(FULL)')
    const raw = readFileSync(dbPath()).toString('latin1')
    expect(raw).not.toContain('hunter2-very-secret')
    expect(raw).not.toContain(btoa('svc:hunter2-very-secret'))
    const { headers } = unsealCredentials(db, readMasterKeyFile(keyPath()))
    expect([...headers.values()]).toEqual([`Basic ${btoa('svc:hunter2-very-secret')}`])
    expect(() => unsealCredentials(db, generateMasterKey())).toThrow(/does not open/)
    expect(listCredentials(db)).toMatchObject([{ route: 'prod', kind: 'basic', setBy: 'tester' }])
    expect(JSON.stringify(listAudit(db))).not.toContain('hunter2')
  })

  test('a token becomes a Bearer header', () => {
    addRoute(
      db,
      'tester',
      newRouteFields({ name: 'prod', basePath: '/p', upstreamUrl: 'http://127.0.0.1:1' }),
    )
    setCredential(db, 'tester', 'prod', { kind: 'bearer', token: 'NjQ0-pat-token' })
    expect([...unsealCredentials(db, readMasterKeyFile(keyPath())).headers.values()]).toEqual([
      'Bearer NjQ0-pat-token',
    ])
  })
})

describe('validation', () => {
  test('a bad route lists every problem and writes nothing', () => {
    const before = configVersion(db)
    const audits = listAudit(db).length
    let problems: string[] = []
    try {
      addRoute(
        db,
        'tester',
        newRouteFields({
          name: 'Bad Name',
          basePath: 'no-slash',
          upstreamUrl: 'ftp://x',
          headerTimeoutMs: 5,
          anonymousPaths: ['serverInfo'],
          policy: { profile: 'jira-align', rules: ['permit everything'] },
        }),
      )
    } catch (error) {
      problems = (error as ValidationError).problems
    }
    expect(problems).toHaveLength(6)
    expect(problems.join('\n')).toContain('routes.Bad Name.basePath')
    expect(configVersion(db)).toBe(before)
    expect(listAudit(db)).toHaveLength(audits)
  })

  test('anonymous paths are exact: a pattern is refused, not taken literally', () => {
    const fields = newRouteFields({
      name: 'anon',
      basePath: '/anon',
      upstreamUrl: 'http://127.0.0.1:9',
      anonymousPaths: ['GET /rest/api/2/**'],
    })
    expect(() => addRoute(db, 'tester', fields)).toThrow(/has a pattern; anonymous paths are exact/)
  })

  test('plain http to a non-loopback upstream needs an explicit allowance', () => {
    const fields = newRouteFields({
      name: 'far',
      basePath: '/far',
      upstreamUrl: 'http://jira.internal',
    })
    expect(() => addRoute(db, 'tester', fields)).toThrow(/plain http/)
    expect(addRoute(db, 'tester', fields, { isPlainHttpAllowed: true }).name).toBe('far')
  })

  test('a user or password in a URL is refused and never repeated in the message', () => {
    for (const [field, text] of [
      ['upstreamUrl', 'http://svc:UPPW@127.0.0.1:9'],
      ['upstreamUrl', 'htp://svc:UPPW@127.0.0.1:9'],
      ['publicUrl', 'https://u:PUBPW@japroxy.example.com'],
      ['publicUrl', 'https://:PUBPW@japroxy.example.com'],
      ['publicUrl', 'ftp://u:PUBPW@japroxy.example.com'],
    ] as const) {
      const fields = newRouteFields({
        name: 'pw',
        basePath: '/pw',
        upstreamUrl: 'http://127.0.0.1:9',
      })
      const problems = (() => {
        try {
          addRoute(db, 'tester', { ...fields, [field]: text })
          return []
        } catch (error) {
          return (error as ValidationError).problems
        }
      })()
      expect(problems.join('\n')).toContain(`routes.pw.${field}`)
      expect(problems.join('\n')).not.toContain('PW')
    }
    expect(listRoutes(db).map((r) => r.name)).not.toContain('pw')
  })

  test('every change writes an audit record with who and what', () => {
    addRoute(
      db,
      'tester',
      newRouteFields({ name: 'prod', basePath: '/p', upstreamUrl: 'http://127.0.0.1:1' }),
    )
    expect(listAudit(db)[0]).toMatchObject({ actor: 'tester', action: 'route.add', target: 'prod' })
  })
})
