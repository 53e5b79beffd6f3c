/** Runs the japroxy command line from source, as a user would, and captures what it printed. */
import { Database } from 'bun:sqlite'
import { join } from 'node:path'

/** What a command printed and its exit code. */
export interface CliResult {
  stdout: string
  stderr: string
  code: number
}

const root = join(import.meta.dir, '..', '..')

/** Runs `japroxy ARGS` (from source, or the compiled binary when `binary` is given). */
export function cli(
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; binary?: string } = {},
): CliResult {
  const command = options.binary
    ? [options.binary, ...args]
    : [process.execPath, join(root, 'src/main.ts'), ...args]
  const result = Bun.spawnSync(command, {
    cwd: root,
    stdin: options.stdin === undefined ? 'ignore' : new TextEncoder().encode(options.stdin),
    env: { ...process.env, JAPROXY_DB: '', ...options.env },
  })
  return {
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
    code: result.exitCode ?? -1,
  }
}

/** `cli` bound to one store file, and how many audit records that store holds. */
export interface StoreCli {
  run(args: string[], stdin?: string): CliResult
  /** A refused command must leave this as it was. */
  auditCount(): number
}

/** Runs commands on the store at `dbPath()` (read when called: tests create it in a hook). */
export function storeCli(dbPath: () => string): StoreCli {
  return {
    run: (args, stdin) => cli([...args, '--db', dbPath()], { stdin }),
    auditCount() {
      const handle = new Database(dbPath(), { readonly: true })
      try {
        return (handle.query('SELECT count(*) AS n FROM audit').get() as { n: number }).n
      } finally {
        handle.close()
      }
    },
  }
}
