/**
 * Finding the processes that have a store open (restore refuses while one does), through /proc.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'

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
  // By the file itself (device and inode), not its name: a serve started on a hard link or a
  // symlink to the store holds it just the same.
  const files = new Set(
    ['', '-wal', '-shm'].flatMap((suffix) => {
      const id = fileId(`${target}${suffix}`)
      return id ? [id] : []
    }),
  )
  const holders: StoreHolder[] = []
  for (const entry of readdirSync(procDir)) {
    const pid = Number(entry)
    if (!/^\d+$/.test(entry) || pid === process.pid) continue
    const isHolding = (() => {
      try {
        const fds = readdirSync(`${procDir}/${entry}/fd`)
        return fds.some((fd) => files.has(fileId(`${procDir}/${entry}/fd/${fd}`) ?? ''))
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

/** `dev:ino` of the file `path` leads to, or undefined when there is none. */
function fileId(path: string): string | undefined {
  try {
    const { dev, ino } = statSync(path)
    return `${dev}:${ino}`
  } catch {
    return undefined
  }
}
