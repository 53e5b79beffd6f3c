/** `japroxy tui`: the admin console (Ink is loaded only here, so other commands start fast). */
import type { Command } from 'commander'
import { type GlobalOptions, storePath } from '../context.ts'
import { UserError } from '../output.ts'
import { run } from '../run.ts'

/** Registers `tui`. */
export function register(program: Command): void {
  program
    .command('tui')
    .description('open the terminal admin console')
    .action(
      run(async (_options: object, command: Command) => {
        if (!process.stdin.isTTY || !process.stdout.isTTY) {
          throw new UserError(
            'japroxy tui needs a terminal (stdin and stdout must be a TTY)',
            'use the admin commands (japroxy --help) in scripts',
          )
        }
        const { startTui } = await import('../../../tui/start.tsx')
        await startTui(storePath(command.optsWithGlobals<GlobalOptions>()))
      }),
    )
}
