/**
 * Runs `japroxy ARGS` from source without blocking this process, for commands that talk to
 * servers (the Jira stand-in, a proxy) running inside the test itself.
 */
import { join } from 'node:path'
import type { CliResult } from '../support/cli.ts'

const root = join(import.meta.dir, '..', '..')

/** Runs the command line and resolves with what it printed and its exit code. */
export async function cliAsync(
  args: string[],
  options: { stdin?: string } = {},
): Promise<CliResult> {
  const child = Bun.spawn([process.execPath, join(root, 'src/main.ts'), ...args], {
    cwd: root,
    stdin: options.stdin === undefined ? 'ignore' : new TextEncoder().encode(options.stdin),
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, JAPROXY_DB: '' },
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { stdout, stderr, code }
}
