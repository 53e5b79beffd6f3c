/**
 * Settings: named, typed values with defaults, validated when written. `serve` reads them into
 * its snapshot; listener settings (`limits.*`) apply at the next start.
 */
import { applyChange, type Store, StoreError, ValidationError } from './db.ts'

/** One setting's definition. */
export interface SettingDefinition {
  name: string
  description: string
  defaultValue: number
  min: number
  max: number
  /** Whether a running `serve` applies it only after a restart. */
  isRestartNeeded?: boolean
}

/** Every setting japroxy knows. */
export const settingDefinitions: readonly SettingDefinition[] = [
  {
    name: 'lockout.threshold',
    description: 'failed key attempts from one client IP before it is locked out (0 = never)',
    defaultValue: 10,
    min: 0,
    max: 1_000_000,
  },
  {
    name: 'lockout.windowSeconds',
    description: 'window in which failed attempts are counted',
    defaultValue: 60,
    min: 1,
    max: 86_400,
  },
  {
    name: 'lockout.durationSeconds',
    description: 'how long a locked-out client IP gets 429',
    defaultValue: 300,
    min: 1,
    max: 86_400,
  },
  {
    name: 'limits.maxBodyBytes',
    description: 'largest request body accepted (413 beyond)',
    defaultValue: 2 * 1024 ** 3,
    min: 1024,
    max: 64 * 1024 ** 3,
    isRestartNeeded: true,
  },
  {
    name: 'limits.maxInFlight',
    description: 'requests handled at once; more get 503',
    defaultValue: 1024,
    min: 1,
    max: 1_000_000,
  },
  {
    name: 'limits.idleSeconds',
    description: 'a client connection idle this long is closed (not while Jira is thinking)',
    defaultValue: 30,
    min: 1,
    max: 255,
    isRestartNeeded: true,
  },
  {
    name: 'records.retentionDays',
    description: 'request records older than this are pruned',
    defaultValue: 30,
    min: 1,
    max: 3650,
  },
  {
    name: 'records.maxRows',
    description: 'request records kept: serve prunes down to this many every minute',
    defaultValue: 1_000_000,
    min: 1000,
    max: 100_000_000,
  },
]

const byName = new Map(settingDefinitions.map((d) => [d.name, d]))

/** Current value of every setting (stored or default). */
export type Settings = Record<string, number>

/** Reads every setting, defaults filled in. */
export function readSettings(db: Store): Settings {
  const settings: Settings = {}
  for (const d of settingDefinitions) settings[d.name] = d.defaultValue
  const rows = db.query('SELECT name, value FROM settings').all() as {
    name: string
    value: string
  }[]
  for (const row of rows) if (byName.has(row.name)) settings[row.name] = Number(row.value)
  return settings
}

/** Checks a setting's new value; returns every problem. */
export function validateSetting(name: string, value: string): string[] {
  const definition = byName.get(name)
  if (!definition) {
    return [
      `settings.${name}: no such setting` +
        ` (known: ${settingDefinitions.map((d) => d.name).join(', ')})`,
    ]
  }
  const number = Number(value)
  if (!/^\d+$/.test(value) || number < definition.min || number > definition.max) {
    return [`settings.${name}: must be a whole number from ${definition.min} to ${definition.max}`]
  }
  return []
}

/** Writes one setting after validating it. */
export function writeSetting(db: Store, actor: string, name: string, value: string): void {
  const problems = validateSetting(name, value)
  if (problems.length) throw new ValidationError(problems)
  applyChange(
    db,
    { actor, action: 'setting.set', target: name, detail: { value: Number(value) } },
    () => {
      db.query(
        `INSERT INTO settings (name, value) VALUES (?, ?)
         ON CONFLICT(name) DO UPDATE SET value = excluded.value`,
      ).run(name, value)
    },
  )
}

/** Resets one setting to its default. */
export function resetSetting(db: Store, actor: string, name: string): void {
  if (!byName.has(name))
    throw new StoreError(`no such setting: ${name}`, 'see `japroxy setting list`')
  applyChange(db, { actor, action: 'setting.reset', target: name }, () => {
    db.query('DELETE FROM settings WHERE name = ?').run(name)
  })
}
