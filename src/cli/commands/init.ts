/** `japroxy init`: creates the store and its master key file. */
import type { Command } from 'commander'
import { initStore } from '../../../store/init.ts'
import { sodiumReady } from '../../../store/seal.ts'
import { actor, type GlobalOptions, masterKeyPath, storePath } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** Registers `init`. */
export function register(program: Command): void {
  program
    .command('init')
    .description('create the store and the master key file (refuses to overwrite either)')
    .action(
      run(async (_options: object, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions>()
        await sodiumReady()
        const dbPath = storePath(options)
        const keyPath = masterKeyPath(options)
        initStore(dbPath, keyPath, actor('cli')).close()
        say(
          `created store      ${dbPath}`,
          `created master key ${keyPath} (mode 0600)`,
          '',
          'Keep the master key file safe and separate from backups of the store: it is the only',
          'thing that can unseal the Jira credentials. Next: japroxy route add NAME ...',
        )
      }),
    )
}
