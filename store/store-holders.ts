/**
 * Finding the processes that have a store open (restore refuses while one does), through /proc.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'

/** A process that has a store file open. */
export interface StoreHolder {
  pid: number
  command: string
}

/**
 * The other processes that have the store at `target` (or its WAL) open, found in /proc. Only
 * processes this user may inspect are seen: root sees all, the service user its own.
 */
export function storeHolders(target: string, procDir = '/proc'): StoreHolder[] {
  if (!existsSync(target)) return []
  const real = realpathSync(target)
  const files = new Set([real, `${real}-wal`, `${real}-shm`])
  const holders: StoreHolder[] = []
  for (const entry of readdirSync(procDir)) {
    const pid = Number(entry)
    if (!/^\d+$/.test(entry) || pid === process.pid) continue
    const isHolding = (() => {
      try {
        const fds = readdirSync(`${procDir}/${entry}/fd`)
        return fds.some((fd) => files.has(readlinkOrEmpty(`${procDir}/${entry}/fd/${fd}`)))
      } catch {
        return false // gone, or another user's
      }
    })()
    if (!isHolding) continue
    let command = ''
    try {
      command = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim()
    } catch {}
    holders.push({ pid, command })
  }
  return holders
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path)
  } catch {
    return ''
  }
}
