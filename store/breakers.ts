/**
 * The service-credential breaker: when Jira rejects a route's credential, `serve` stops
 * sending it (so a wrong password cannot lock the Jira service account) until the credential
 * is replaced or the admin resumes the route. Kept in the store so every process sees it.
 */
import { applyChange, type Store } from './db.ts'
import { getRoute } from './routes.ts'

/** A tripped breaker. */
export interface Breaker {
  routeId: number
  route: string
  trippedAt: number
  reason: string
}

/** Every tripped breaker. */
export function listBreakers(db: Store): Breaker[] {
  return db
    .query(`SELECT b.route_id AS routeId, r.name AS route, b.tripped_at AS trippedAt, b.reason
      FROM route_breakers b JOIN routes r ON r.id = b.route_id ORDER BY r.name`)
    .all() as Breaker[]
}

/** Trips a route's breaker (idempotent). */
export function tripBreaker(db: Store, actor: string, routeId: number, reason: string): void {
  const route = db.query('SELECT name FROM routes WHERE id = ?').get(routeId) as {
    name: string
  } | null
  if (!route) return
  applyChange(db, { actor, action: 'breaker.trip', target: route.name, detail: { reason } }, () => {
    db.query(
      'INSERT OR IGNORE INTO route_breakers (route_id, tripped_at, reason) VALUES (?, ?, ?)',
    ).run(routeId, Date.now(), reason)
  })
}

/** Clears a route's breaker: the admin says the credential is good again. */
export function resumeRoute(db: Store, actor: string, name: string): boolean {
  const route = getRoute(db, name)
  // Nothing to clear: no change, so no audit record either.
  if (!db.query('SELECT 1 FROM route_breakers WHERE route_id = ?').get(route.id)) return false
  return applyChange(db, { actor, action: 'route.resume', target: name }, () => {
    return db.query('DELETE FROM route_breakers WHERE route_id = ?').run(route.id).changes > 0
  })
}
