/** Options shared by `route add` and `route set`, and turning them into route fields. */
import { type Command, Option } from 'commander'
import type { RouteFields } from '../../../store/routes.ts'
import { collect, parseDuration } from '../parse.ts'

/** The route options as commander parses them. */
export interface RouteOptions {
  basePath?: string
  upstream?: string
  publicUrl?: string
  caFile?: string
  headerTimeout?: number
  anonymous?: string[]
  noAnonymous?: boolean
  profile?: 'jira-align' | 'none'
  rule?: string[]
  allowPlainHttp?: boolean
  pin?: string
  rewriteLinks?: boolean
}

/** Adds the route options to a command. */
export function addRouteOptions(command: Command): Command {
  return command
    .option('--base-path <path>', 'public base path, e.g. /jira-prod')
    .option('--upstream <url>', 'private Jira URL, e.g. https://jira.internal:8443')
    .option('--public-url <url>', 'how clients reach japroxy, e.g. https://japroxy.example.com')
    .option('--ca-file <file>', 'PEM file of the CA that signed the upstream certificate')
    .option(
      '--header-timeout <duration>',
      'wait for Jira response headers (bodies have no limit)',
      parseDuration,
    )
    .option('--anonymous <"METHOD /path">', 'request forwarded without a key (repeatable)', collect)
    .addOption(
      new Option('--profile <name>', 'built-in endpoint profile').choices(['jira-align', 'none']),
    )
    .option(
      '--rule <"allow|deny METHODS PATTERN">',
      'custom endpoint rule, before the profile (repeatable)',
      collect,
    )
    .option('--pin <sha256>', 'SHA-256 fingerprint the upstream certificate must have')
    .option('--allow-plain-http', 'allow an http:// upstream that is not on loopback')
    .option(
      '--rewrite-links',
      'rewrite Jira links in JSON bodies to the public URL (default; needs --public-url)',
    )
    .option('--no-rewrite-links', 'leave Jira links in JSON bodies as Jira wrote them')
}

/** Applies the given options over `base`. */
export function applyRouteOptions(base: RouteFields, options: RouteOptions): RouteFields {
  return {
    ...base,
    basePath: options.basePath ?? base.basePath,
    upstreamUrl: options.upstream ?? base.upstreamUrl,
    publicUrl: options.publicUrl ?? base.publicUrl,
    upstreamCaFile: options.caFile ?? base.upstreamCaFile,
    upstreamPin: options.pin ?? base.upstreamPin,
    isPlainHttpAllowed: options.allowPlainHttp ?? base.isPlainHttpAllowed,
    rewriteLinks: options.rewriteLinks ?? base.rewriteLinks,
    headerTimeoutMs: options.headerTimeout ?? base.headerTimeoutMs,
    anonymousPaths: options.anonymous ?? base.anonymousPaths,
    policy: {
      profile: options.profile ?? base.policy.profile,
      rules: options.rule ?? base.policy.rules,
    },
  }
}
