/** Runs the japroxy command line from source, as a user would, and captures what it printed. */
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
