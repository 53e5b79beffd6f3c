/** `japroxy backup FILE`: a consistent copy of the live store, checked, mode 0600. */
import type { Command } from 'commander'
import { backupStore } from '../../../store/backup.ts'
import { type GlobalOptions, masterKeyPath, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** Registers `backup`. */
export function register(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'where the copy goes (must not exist yet)')
    .description('copy the store consistently, even while serve runs (restore: japroxy restore)')
    .action(
      run((file: string, _options: object, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>()
        const db = openForCommand(globals)
        const summary = backupStore(db, file)
        db.close()
        say(
          `backed up ${db.filename} to ${summary.path} (${summary.bytes} bytes, mode 0600)`,
          `checked: schema ${summary.schema}, ${summary.routes} routes, ${summary.keys} keys, ${summary.records} request records`,
          `The master key is not in the backup; keep ${masterKeyPath(globals)} safe on its own.`,
        )
      }),
    )
}
