/** The version and commit, stamped in by build.ts; `dev` when run from source. */
declare const JAPROXY_VERSION: string | undefined
declare const JAPROXY_COMMIT: string | undefined

const number = typeof JAPROXY_VERSION === 'string' ? JAPROXY_VERSION : '0.1.0-dev'
const commit = typeof JAPROXY_COMMIT === 'string' ? JAPROXY_COMMIT : 'source'

/** This build's version. */
export const version = { number, commit, text: `japroxy ${number} (${commit})` }
