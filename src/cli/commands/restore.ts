/** `japroxy restore FILE`: puts a checked backup in place of the store (serve stopped first). */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { assertFileName, inspectBackup, restoreStore } from '../../../store/backup.ts'
import { StoreError } from '../../../store/db.ts'
import { encodePublicKey, readMasterKeyFile, sodiumReady } from '../../../store/seal.ts'
import { storeHolders } from '../../../store/store-holders.ts'
import { type GlobalOptions, masterKeyPath, storePath } from '../context.ts'
import { say, warn } from '../output.ts'
import { run } from '../run.ts'
import { checkedLine } from './backup.ts'

/** Says whether the master key beside the store can unseal the backup's credentials. */
function keyVerdict(keyPath: string, publicKey: string): { isOk: boolean; text: string } {
  if (!existsSync(keyPath)) {
    return {
      isOk: false,
      text: `no master key at ${keyPath}: put the one matching this backup there`,
    }
  }
  try {
    const isMatch = encodePublicKey(readMasterKeyFile(keyPath).publicKey) === publicKey
    return isMatch
      ? { isOk: true, text: `the master key ${keyPath} matches this backup` }
      : {
          isOk: false,
          text:
            `the master key ${keyPath} does not match this backup: ` +
            'serve will refuse to start with it',
        }
  } catch (error) {
    return { isOk: false, text: `cannot check the master key: ${(error as Error).message}` }
  }
}

/** Registers `restore`. */
export function register(program: Command): void {
  program
    .command('restore')
    .argument('<file>', 'a backup written by `japroxy backup`')
    .description('replace the store with a backup; stop serve first (the old store is kept)')
    .option('--replace', 'replace an existing store (it is renamed aside, not deleted)')
    .action(
      run(async (file: string, options: { replace?: boolean }, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>()
        assertFileName(file, 'the backup')
        const target = storePath(globals)
        inspectBackup(file)
        if (existsSync(target) && !options.replace) {
          throw new StoreError(
            `a store already exists at ${target}`,
            'stop serve, then run again with --replace (the old store is renamed aside)',
          )
        }
        // A serve (or a TUI) still on the old file would go on with it, unnoticed by anyone.
        const holders = storeHolders(target)
        if (holders.length > 0) {
          const names = holders.map((h) => `${h.pid} (${h.command.slice(0, 60) || '?'})`)
          throw new StoreError(
            `the store ${target} is open in process ${names.join(', ')}`,
            'stop serve (systemctl stop japroxy) and close japroxy tui, then run restore again',
          )
        }
        await sodiumReady()
        const { summary, replaced } = restoreStore(file, target)
        say(`restored ${file} to ${target}`, checkedLine(summary))
        if (replaced) say(`the store it replaced is now ${replaced}`)
        const verdict = keyVerdict(masterKeyPath(globals), summary.publicKey)
        if (verdict.isOk) say(verdict.text)
        else warn(`warning: ${verdict.text}`)
        say('Start serve again (systemctl start japroxy) and check /readyz.')
      }),
    )
}
