/**
 * `japroxy route set NAME`: changes a route's settings; only the options given change. Rules
 * and anonymous paths given here are added to the route's lists (`--remove-*` and `--clear-*`
 * take them away), and the resulting lists are printed so nothing changes unseen.
 */
import type { Command } from 'commander'
import { isCredentialStale } from '../../../store/credentials.ts'
import { getRoute, type RouteFields, updateRoute } from '../../../store/routes.ts'
import { parseRule } from '../../proxy/endpoint-policy.ts'
import { actor, type GlobalOptions, openForCommand } from '../context.ts'
import { say, UserError, warn } from '../output.ts'
import { collect } from '../parse.ts'
import { run } from '../run.ts'
import { addRouteOptions, applyRouteOptions, type RouteOptions } from './route-options.ts'

interface SetOptions extends RouteOptions {
  clearPublicUrl?: boolean
  clearCaFile?: boolean
  clearRules?: boolean
  clearAnonymous?: boolean
  clearPin?: boolean
  removeRule?: string[]
  removeAnonymous?: string[]
}

/** The rule as stored (canonical spacing and method case), so removal finds it. */
function canonicalRule(text: string): string {
  const rule = parseRule(text)
  return typeof rule === 'string' ? text.trim() : rule.text
}

function without(list: readonly string[], removed: readonly string[], what: string): string[] {
  for (const item of removed) {
    if (!list.includes(item))
      throw new UserError(`the route has no ${what} "${item}"`, 'see `japroxy route list --json`')
  }
  return list.filter((item) => !removed.includes(item))
}

function merged(list: readonly string[], added: readonly string[] | undefined): string[] {
  return [...new Set([...list, ...(added ?? [])])]
}

/** The route's fields after this command's options. */
function nextFields(current: RouteFields, options: SetOptions): RouteFields {
  const base = {
    ...current,
    anonymousPaths: options.clearAnonymous ? [] : current.anonymousPaths,
    policy: { ...current.policy, rules: options.clearRules ? [] : current.policy.rules },
  }
  const fields = applyRouteOptions(base, {
    ...options,
    anonymous: merged(base.anonymousPaths, options.anonymous),
    rule: merged(base.policy.rules, options.rule?.map(canonicalRule)),
  })
  fields.policy.rules = without(
    fields.policy.rules,
    (options.removeRule ?? []).map(canonicalRule),
    'rule',
  )
  fields.anonymousPaths = without(
    fields.anonymousPaths,
    options.removeAnonymous ?? [],
    'anonymous path',
  )
  if (options.clearPublicUrl) fields.publicUrl = undefined
  if (options.clearCaFile) fields.upstreamCaFile = undefined
  if (options.clearPin) fields.upstreamPin = undefined
  return fields
}

// A value and the option that removes it: given together, one of them would be dropped unseen.
const clearPairs: [keyof SetOptions, keyof SetOptions, string][] = [
  ['clearPublicUrl', 'publicUrl', 'public-url'],
  ['clearCaFile', 'caFile', 'ca-file'],
  ['clearPin', 'pin', 'pin'],
]

/** Refuses a `route set` that would change nothing, or that gives a value and clears it. */
function checkGiven(options: SetOptions, command: Command): void {
  const isGiven = (name: string) => command.getOptionValueSource(name) === 'cli'
  const store = new Set(['db', 'masterKey'])
  const given = command.options.map((o) => o.attributeName()).filter((n) => !store.has(n))
  if (!given.some(isGiven)) {
    throw new UserError('nothing to change (give at least one option; see --help)')
  }
  for (const [clear, value, flag] of clearPairs) {
    if (options[clear] && options[value] !== undefined) {
      throw new UserError(`--clear-${flag} and --${flag} contradict each other; give one of them`)
    }
  }
}

/** Registers `route set`. */
export function register(route: Command): void {
  addRouteOptions(route.command('set').argument('<name>', 'route name'))
    .description('change a route; --rule and --anonymous add to its lists')
    .option('--remove-rule <rule>', 'remove a custom endpoint rule (repeatable)', collect)
    .option('--remove-anonymous <"METHOD /path">', 'remove an anonymous path (repeatable)', collect)
    .option('--clear-public-url', 'remove the public URL')
    .option('--clear-ca-file', 'use no private CA')
    .option('--clear-rules', 'remove every custom endpoint rule')
    .option('--clear-anonymous', 'forward no request without a key')
    .option('--clear-pin', 'stop pinning the upstream certificate')
    .action(
      run((name: string, options: SetOptions, command: Command) => {
        checkGiven(options, command)
        const db = openForCommand(command.optsWithGlobals<GlobalOptions>())
        const before = getRoute(db, name)
        const updated = updateRoute(db, actor('cli'), nextFields(before, options))
        const list = (items: readonly string[]) =>
          items.length ? items.map((i) => `  ${i}`) : ['  (none)']
        say(
          `updated route ${name}`,
          `custom rules (checked before the ${updated.policy.profile} profile):`,
          ...list(updated.policy.rules),
          'anonymous paths:',
          ...list(updated.anonymousPaths),
        )
        if (isCredentialStale(db, updated)) {
          warn(
            `warning: the credential of route ${name} was set for another upstream (or CA ` +
              `file, pin) and is not sent; set it again: japroxy credential set ${name}`,
          )
        } else if (isCredentialStale(db, before)) {
          say(`the credential of route ${name} matches its upstream again and is sent`)
        }
      }),
    )
}
