/** Default values for every setting, in one place (STYLE.md). */

/** Where `serve` listens when `--listen` is not given: loopback only. */
export const defaultListen = '127.0.0.1:8443'

/** The store file when neither `--db` nor `JAPROXY_DB` is given. */
export const defaultStateDir = '/var/lib/japroxy'

/** Name of the store file inside the state directory. */
export const storeFileName = 'japroxy.db'

/** Name of the master key file beside the store (or in `$CREDENTIALS_DIRECTORY`). */
export const masterKeyFileName = 'master.key'

/** How long `serve` waits for the upstream's response headers; bodies have no limit. */
export const defaultHeaderTimeoutMs = 60_000

/** Requests Jira Align makes without a key: its health check. */
export const defaultAnonymousPaths: readonly string[] = ['GET /rest/api/2/serverInfo']

/** The endpoint profile a new route gets. */
export const defaultProfile = 'jira-align'

/** How often `serve` looks for admin changes in the store. */
export const reloadPollMs = 250

/** Request records are written in batches this often or at this size, whichever comes first. */
export const recordFlushMs = 200
export const recordBatchMax = 1000

/** Request records written per turn of the event loop (a transaction each). */
export const recordChunkRows = 256

/** Request records waiting for the store beyond this many are dropped (and counted). */
export const recordQueueMax = 20_000

/** The realm in `WWW-Authenticate` on a 401. */
export const authRealm = 'japroxy'

/** How many request records `japroxy log` shows by default. */
export const defaultLogLimit = 50

/** Where `serve` answers /healthz, /readyz and /metrics: loopback, apart from the proxy. */
export const defaultAdminListen = '127.0.0.1:8444'

/** How long requests in flight may take to finish when `serve` is stopped. */
export const defaultShutdownGrace = '30s'
