import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { NUMERIC_SIZES, READ_DEVICE_ID_CODES } from '../../core/index.ts'
import { IDENTIFY_CODES } from '../../cli/client-commands.ts'
import { VALUE_TYPES } from '../../cli/value-type-names.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8')
const pkg = JSON.parse(read('package.json'))
const build = JSON.parse(read('tsconfig.build.json').replace(/^\s*\/\/.*$/gm, ''))

/** dist/X.js → X.ts: where a published file comes from under the build's rootDir and outDir. */
function sourceOf(published: string): string {
  assert.ok(published.startsWith(`./${build.compilerOptions.outDir}/`), `${published} is under outDir`)
  return published.replace(`./${build.compilerOptions.outDir}/`, '').replace(/\.d\.ts$|\.js$/, '.ts')
}

const test = suite('the package: exports, bin, files, licence, build')

test('the exports map offers the public API (core/index.ts) with its types, and package.json', () => {
  assert.equal(Object.keys(pkg.exports).sort(), ['.', './package.json'])
  assert.is(pkg.exports['.'].types, pkg.types)
  assert.is(pkg.exports['.'].default, pkg.main)
  assert.is(Object.keys(pkg.exports['.'])[0], 'types', 'types first, as TypeScript requires')
  assert.is(sourceOf(pkg.types), 'core/index.ts')
  assert.is(sourceOf(pkg.main), 'core/index.ts')
})

test('the bin runs the compiled command, which carries a shebang', () => {
  assert.is(sourceOf(`./${pkg.bin.modbridge}`), 'cli/main.ts')
  assert.ok(read('cli/main.ts').startsWith('#!/usr/bin/env node\n'))
})

test('the build covers what the package runs, and the build runs before packing', () => {
  for (const dir of ['core', 'cli', 'proxy', 'conformance']) assert.ok(build.include.includes(dir), dir)
  assert.is(build.compilerOptions.rewriteRelativeImportExtensions, true)
  assert.is(build.compilerOptions.declaration, true)
  assert.is(pkg.scripts.prepare, 'npm run build')
  assert.match(pkg.scripts.build, 'scripts/build.mjs')
  const [major, minor] = (JSON.parse(read('node_modules/typescript/package.json')).version as string).split('.').map(Number)
  assert.ok(major > 5 || (major === 5 && minor >= 7), 'rewriteRelativeImportExtensions needs TypeScript 5.7 or later')
})

test('files is an allow-list of dist; a licence file matches the licence field; engines name Node 20', () => {
  assert.equal(pkg.files.filter((f: string) => !f.startsWith('!')), ['dist'])
  assert.is(pkg.license, 'MIT')
  assert.match(read('LICENSE'), /^MIT License\n/)
  assert.is(pkg.engines.node, '>=20')
  assert.is(pkg.type, 'module')
})

test('tsx is for development only: not a dependency of the installed package', () => {
  assert.not.ok('tsx' in pkg.dependencies)
  assert.ok('tsx' in pkg.devDependencies)
})

test('every file read beside the code at run time is one the build copies into dist/', () => {
  const readers: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = `${dir}/${name}`
      if (statSync(join(ROOT, path)).isDirectory()) walk(path)
      else if (path.endsWith('.ts') && /new URL\('\.[^']*', import\.meta\.url\)/.test(read(path))) readers.push(path)
    }
  }
  for (const dir of ['core', 'cli', 'proxy', 'conformance']) walk(dir)
  walk('vectors')
  const script = read('scripts/build.mjs')
  // What each reader reads, and the line of the build that puts it in dist/.
  const copied: Record<string, RegExp> = {
    'proxy/monitor.ts': /'proxy', 'monitor-page'/,
    'vectors/loader.ts': /for \(const dir of \['pdu', 'frames', 'payload'\]\)/,
    'conformance/runner.ts': /writeFileSync\(join\(dist, 'package\.json'\)/,
    'cli/version.ts': /writeFileSync\(join\(dist, 'package\.json'\)/,
  }
  assert.equal(readers.filter((r) => !r.startsWith('vectors/tools/')).sort(), Object.keys(copied).sort(), 'a new run-time file read needs a copy step in scripts/build.mjs')
  for (const [reader, step] of Object.entries(copied)) assert.match(script, step, reader)
  for (const dir of ['pdu', 'frames', 'payload']) assert.ok(existsSync(join(ROOT, 'vectors', dir)), dir)
})

test('the command line\'s lists match core: identify categories, numeric value types', () => {
  assert.equal([...IDENTIFY_CODES], Object.keys(READ_DEVICE_ID_CODES))
  for (const t of VALUE_TYPES) if (!['string', 'bcd', 'hex', 'bits'].includes(t)) assert.ok(t in NUMERIC_SIZES, t)
})
test.run()
