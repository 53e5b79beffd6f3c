/** The command line: one commander command per file under commands/. */
import { Command, InvalidArgumentError } from 'commander'
import { version } from '../version.ts'
import * as allowAdd from './commands/allow-add.ts'
import * as allowList from './commands/allow-list.ts'
import * as allowRemove from './commands/allow-remove.ts'
import * as backup from './commands/backup.ts'
import * as check from './commands/check.ts'
import * as credentialList from './commands/credential-list.ts'
import * as credentialSet from './commands/credential-set.ts'
import * as demo from './commands/demo.ts'
import * as exportCommand from './commands/export.ts'
import * as importCommand from './commands/import.ts'
import * as init from './commands/init.ts'
import * as keyCreate from './commands/key-create.ts'
import * as keyExpire from './commands/key-expire.ts'
import * as keyImport from './commands/key-import.ts'
import * as keyLimit from './commands/key-limit.ts'
import * as keyList from './commands/key-list.ts'
import * as keyRevoke from './commands/key-revoke.ts'
import * as log from './commands/log.ts'
import * as restore from './commands/restore.ts'
import * as routeAdd from './commands/route-add.ts'
import * as routeExplain from './commands/route-explain.ts'
import * as routeList from './commands/route-list.ts'
import * as routeRemove from './commands/route-remove.ts'
import * as routeResume from './commands/route-resume.ts'
import * as routeSet from './commands/route-set.ts'
import * as serve from './commands/serve.ts'
import * as setting from './commands/setting.ts'
import * as systemd from './commands/systemd.ts'
import * as trusted from './commands/trusted.ts'
import * as tui from './commands/tui.ts'
import { collect } from './parse.ts'

/** Builds the whole command tree. */
export function buildProgram(): Command {
  const program = new Command('japroxy')
    .description('Security gateway between Jira Align and an on-premises Jira Data Center')
    .version(version.text, '-V, --version')
    .option('--db <path>', 'the store file (default $JAPROXY_DB, else /var/lib/japroxy/japroxy.db)')
    .option(
      '--master-key <path>',
      'the master key file (default beside the store, or the systemd credential)',
    )
    .showHelpAfterError('(add --help for usage)')
    .enablePositionalOptions(false)
  init.register(program)
  const route = program.command('route').description('routes: base path → Jira upstream')
  for (const command of [routeAdd, routeList, routeSet, routeRemove, routeExplain, routeResume])
    command.register(route)
  const credential = program
    .command('credential')
    .description('the Jira service credential of a route')
  for (const command of [credentialSet, credentialList]) command.register(credential)
  const key = program.command('key').description('API keys Jira Align presents')
  for (const command of [keyCreate, keyImport, keyList, keyRevoke, keyExpire, keyLimit])
    command.register(key)
  const allow = program.command('allow').description('the IP allow-list')
  for (const command of [allowAdd, allowList, allowRemove]) command.register(allow)
  trusted.register(
    program.command('trusted').description('proxies whose X-Forwarded-For is believed'),
  )
  setting.register(program.command('setting').description('lockout, limits and record retention'))
  for (const command of [log, serve, demo, tui]) command.register(program)
  // Operations (#5): install, run, back up, move settings, test the connection.
  for (const command of [check, systemd, backup, restore, exportCommand, importCommand])
    command.register(program)
  addStoreOptions(program)
  refuseRepeats(program)
  return program
}

/**
 * A single-value option given twice (`--upstream A --upstream B`) is refused rather than the
 * last one silently winning; the repeatable ones (`--rule`, `--route`...) collect as before.
 */
function refuseRepeats(command: Command): void {
  for (const option of command.options) {
    if (!option.required && !option.optional) continue
    if (option.variadic || option.parseArg === collect) continue
    const parse = option.parseArg
    let isGiven = false
    option.argParser((value: string, previous: unknown) => {
      if (isGiven) throw new InvalidArgumentError(`${option.long} was given twice; give it once`)
      isGiven = true
      return parse ? parse(value, previous) : value
    })
  }
  for (const child of command.commands) refuseRepeats(child)
}

/** Lets `--db` and `--master-key` stand anywhere on the line, after the command too. */
function addStoreOptions(command: Command): void {
  for (const child of command.commands) {
    if (child.commands.length > 0) addStoreOptions(child)
    else if (child.name() !== 'demo') {
      child
        .option('--db <path>', 'the store file')
        .option('--master-key <path>', 'the master key file')
    }
  }
}
