/** `japroxy backup FILE`: a consistent copy of the live store, checked, mode 0600. */
import type { Command } from 'commander'
import { type BackupSummary, backupStore } from '../../../store/backup.ts'
import { type GlobalOptions, masterKeyPath, openForCommand } from '../context.ts'
import { say } from '../output.ts'
import { run } from '../run.ts'

/** What the check of a backup found, in one line (backup and restore both print it). */
export function checkedLine(summary: BackupSummary): string {
  const { schema, routes, keys, records } = summary
  return `checked: schema ${schema}, ${routes} routes, ${keys} keys, ${records} request records`
}

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
          checkedLine(summary),
          `The master key is not in the backup; keep ${masterKeyPath(globals)} safe on its own.`,
        )
      }),
    )
}
