/** `japroxy setting list|set|reset`: lockout, limits and record retention. */
import type { Command } from 'commander'
import {
  readSettings,
  resetSetting,
  settingDefinitions,
  writeSetting,
} from '../../../store/settings.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, table } from '../output.ts'
import { run } from '../run.ts'

/** Registers `setting list`, `setting set` and `setting reset`. */
export function register(setting: Command): void {
  setting
    .command('list')
    .description('list every setting with its value and default')
    .action(
      run((_options: object, command: Command) => {
        const values = readSettings(openForCommand(command.optsWithGlobals<GlobalOptions>()))
        table(
          ['NAME', 'VALUE', 'DEFAULT', 'WHAT IT DOES'],
          settingDefinitions.map((d) => [
            d.name,
            String(values[d.name]),
            String(d.defaultValue),
            d.description + (d.isRestartNeeded ? ' (applies at the next start)' : ''),
          ]),
        )
      }),
    )
  setting
    .command('set')
    .arguments('<name> <value>')
    .description(
      'change a setting (a running serve applies it within a second, the two marked so ' +
        'at its next start)',
    )
    .action(
      run((name: string, value: string, _options: object, command: Command) => {
        writeSetting(
          openForCommand(command.optsWithGlobals<GlobalOptions>()),
          actor('cli'),
          name,
          value,
        )
        const isRestartNeeded = settingDefinitions.find((d) => d.name === name)?.isRestartNeeded
        say(
          isRestartNeeded
            ? `${name} = ${value} (a running serve applies it when it restarts: ` +
                'systemctl restart japroxy)'
            : `${name} = ${value}`,
        )
      }),
    )
  setting
    .command('reset')
    .argument('<name>')
    .description('put a setting back to its default')
    .action(
      run((name: string, _options: object, command: Command) => {
        resetSetting(openForCommand(command.optsWithGlobals<GlobalOptions>()), actor('cli'), name)
        say(`${name} reset to its default`)
      }),
    )
}
