/**
 * Builds japroxy into single binaries: `dist/japroxy` for this machine, and with `--all` also
 * `dist/japroxy-linux-x64` and `dist/japroxy-linux-arm64`. Minified, bytecode, ESM; Ink is
 * loaded lazily by `japroxy tui`, so other commands start fast.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import type { BunPlugin } from 'bun'
import packageJson from './package.json'

// Ink imports react-devtools-core only when DEV is set; the compiler still wants to resolve it.
const stubDevtools: BunPlugin = {
  name: 'stub-react-devtools-core',
  setup(build) {
    build.onResolve({ filter: /^react-devtools-core$/ }, () => ({
      path: 'react-devtools-core',
      namespace: 'stub',
    }))
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export default { initialize() {}, connectToDevTools() {} }',
      loader: 'js',
    }))
  },
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

const targets: [string, Bun.Build.CompileTarget | undefined][] = [['dist/japroxy', undefined]]
if (process.argv.includes('--all')) {
  targets.push(
    ['dist/japroxy-linux-x64', 'bun-linux-x64'],
    ['dist/japroxy-linux-arm64', 'bun-linux-arm64'],
  )
}

mkdirSync('dist', { recursive: true })
const define = {
  JAPROXY_VERSION: JSON.stringify(packageJson.version),
  JAPROXY_COMMIT: JSON.stringify(commit()),
  'process.env.DEV': JSON.stringify('false'),
  // React's production build: the development one costs the TUI CPU for checks nobody reads.
  'process.env.NODE_ENV': JSON.stringify('production'),
}
for (const [outfile, target] of targets) {
  const result = await Bun.build({
    entrypoints: ['src/main.ts'],
    compile: target ? { outfile, target } : { outfile },
    minify: true,
    bytecode: true,
    format: 'esm',
    define,
    plugins: [stubDevtools],
  })
  if (!result.success) {
    for (const log of result.logs) console.error(log)
    process.exit(1)
  }
  console.log(`built ${outfile}`)
}
