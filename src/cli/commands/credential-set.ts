/** `japroxy credential set ROUTE`: seals the Jira service account's credential for a route. */
import type { Command } from 'commander'
import {
  type CredentialSecret,
  setCredential,
  verifySealingKey,
} from '../../../store/credentials.ts'
import { sodiumReady } from '../../../store/seal.ts'
import { actor, type GlobalOptions, masterKeyPath, openForCommand } from '../context.ts'
import { say, UserError, warn } from '../output.ts'
import { run } from '../run.ts'
import { readSecret } from '../secret-input.ts'

interface CredentialOptions {
  user?: string
  token?: boolean
}

/** Registers `credential set`. */
export function register(credential: Command): void {
  credential
    .command('set')
    .argument('<route>', 'route name')
    .description('set the Jira credential for a route; the secret is read from a prompt or stdin')
    .option('--user <name>', 'Jira user; the password is read from the prompt or stdin (Basic)')
    .option('--token', 'a personal access token is read from the prompt or stdin (Bearer)')
    .action(
      run(async (route: string, options: CredentialOptions, command: Command) => {
        if (Boolean(options.user) === Boolean(options.token)) {
          throw new UserError(
            'give either --user NAME (password) or --token (personal access token)',
            'the secret itself is never an argument: type it at the prompt or pipe it on stdin',
          )
        }
        const globals = command.optsWithGlobals<GlobalOptions>()
        const db = openForCommand(globals)
        await sodiumReady()
        // Before the secret is asked for: a replaced public key refuses here, having read nothing.
        const isVerified = verifySealingKey(db, masterKeyPath(globals))
        const secretText = await readSecret(
          options.token ? 'Personal access token: ' : `Password for ${options.user}: `,
        )
        const secret: CredentialSecret = options.token
          ? { kind: 'bearer', token: secretText }
          : { kind: 'basic', username: options.user!, password: secretText }
        setCredential(db, actor('cli'), route, secret)
        if (!isVerified) {
          warn(
            "warning: the store's public key was not checked against the master key (it is " +
              'not readable here); run as root to have it checked',
          )
        }
        say(
          `sealed the ${secret.kind === 'basic' ? `password of ${options.user}` : 'token'}` +
            ` for route ${route}`,
        )
      }),
    )
}
