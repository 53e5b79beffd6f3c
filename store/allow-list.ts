/** Allow-list entries: CIDR blocks, global or for one route, each with a note. */

import { parseCidr } from './cidr.ts'
import { applyChange, type Store, StoreError, ValidationError } from './db.ts'
import { getRoute } from './routes.ts'
import { unsafeCharacter } from './unsafe-text.ts'

/** One allow-list entry; `route` undefined means global. */
export interface AllowEntry {
  id: number
  cidr: string
  route: string | undefined
  note: string
  createdAt: number
}

/**
 * Whether a canonical CIDR covers a large part of the Internet: shorter than an IPv4 /8 or an
 * IPv6 /32 (the size of a whole provider's allocation). Two /1 blocks are as open as a /0.
 */
export function isVeryBroad(cidr: string): boolean {
  const bits = Number(cidr.slice(cidr.lastIndexOf('/') + 1))
  return cidr.includes(':') ? bits < 32 : bits < 8
}

/** The rule a note (allow-list or trusted proxy) must keep, as a problem's text. */
export const noteRule = 'one line, at most 200 characters, no control or invisible characters'

/** Whether a note breaks `noteRule`: too long, or holding a control character (ESC, BEL, DEL). */
export function isBadNote(note: string): boolean {
  return note.length > 200 || unsafeCharacter.test(note)
}

/** Checks and normalises a CIDR; returns the canonical text or the problems. */
export function normaliseCidr(text: string): { cidr?: string; problems: string[] } {
  const parsed = parseCidr(text)
  if (typeof parsed === 'string') {
    return {
      problems: [
        `allowList.cidr: "${text}" ${parsed} (like 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32)`,
      ],
    }
  }
  return { cidr: parsed.text, problems: [] }
}

/** Every entry, global first. */
export function listAllowEntries(db: Store): AllowEntry[] {
  const rows = db
    .query(
      `SELECT a.id, a.cidr, r.name AS route, a.note, a.created_at AS createdAt
       FROM allow_list a LEFT JOIN routes r ON r.id = a.route_id
       ORDER BY a.route_id IS NOT NULL, r.name, a.id`,
    )
    .all() as (Omit<AllowEntry, 'route'> & { route: string | null })[]
  return rows.map((row) => ({ ...row, route: row.route ?? undefined }))
}

/** Adds an entry after validating it; global when `route` is undefined. */
export function addAllowEntry(
  db: Store,
  actor: string,
  input: { cidr: string; route?: string; note?: string },
): AllowEntry {
  const { cidr, problems } = normaliseCidr(input.cidr)
  const note = input.note ?? ''
  if (isBadNote(note)) problems.push(`allowList.note: ${noteRule}`)
  let routeId: number | null = null
  if (input.route !== undefined) {
    try {
      routeId = getRoute(db, input.route).id
    } catch (error) {
      problems.push(`allowList.route: ${(error as Error).message}`)
    }
  }
  if (
    cidr &&
    db
      .query('SELECT 1 FROM allow_list WHERE cidr = ? AND ifnull(route_id, 0) = ?')
      .get(cidr, routeId ?? 0)
  ) {
    problems.push(
      `allowList.cidr: ${cidr} is already on ` +
        `${input.route ? `route ${input.route}'s` : 'the global'} list`,
    )
  }
  if (problems.length || !cidr) throw new ValidationError(problems)
  const target = input.route ?? 'global'
  return applyChange(db, { actor, action: 'allow.add', target, detail: { cidr, note } }, () => {
    const row = db
      .query(
        `INSERT INTO allow_list (cidr, route_id, note, created_at)
         VALUES (?, ?, ?, ?) RETURNING id`,
      )
      .get(cidr, routeId, note, Date.now()) as { id: number }
    return listAllowEntries(db).find((e) => e.id === row.id)!
  })
}

/** Removes an entry by id, or by CIDR (+ route). */
export function removeAllowEntry(
  db: Store,
  actor: string,
  input: { id?: number; cidr?: string; route?: string },
): AllowEntry {
  const entries = listAllowEntries(db)
  const cidr = input.cidr === undefined ? undefined : (normaliseCidr(input.cidr).cidr ?? input.cidr)
  const entry = entries.find((e) =>
    input.id !== undefined ? e.id === input.id : e.cidr === cidr && e.route === input.route,
  )
  if (!entry) {
    throw new StoreError('no such allow-list entry', 'see `japroxy allow list` for ids and CIDRs')
  }
  const detail = { cidr: entry.cidr, note: entry.note }
  applyChange(
    db,
    { actor, action: 'allow.remove', target: entry.route ?? 'global', detail },
    () => {
      db.query('DELETE FROM allow_list WHERE id = ?').run(entry.id)
    },
  )
  return entry
}
