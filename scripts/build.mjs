// The package build (npm run build; npm runs it as `prepare`, so on `npm install` in a clone and
// before `npm pack` / `npm publish`): tsc compiles core, cli, proxy and conformance into dist/ with
// declaration files, then the files the compiled code reads at run time beside itself are copied.
// Plain JavaScript with no dependencies, so it runs wherever npm does.
import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

rmSync(dist, { recursive: true, force: true })
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc')
const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
if (built.status !== 0) {
  process.stderr.write(`build: tsc failed (exit ${built.status ?? built.signal})\n`)
  process.exit(1)
}

// Read at run time through import.meta.url: the monitor page (proxy/monitor.ts) and the golden
// vectors the conformance runner replays (vectors/loader.ts).
cpSync(join(root, 'proxy', 'monitor-page'), join(dist, 'proxy', 'monitor-page'), { recursive: true })
for (const dir of ['pdu', 'frames', 'payload']) {
  cpSync(join(root, 'vectors', dir), join(dist, 'vectors', dir), { recursive: true, filter: (src) => statSync(src).isDirectory() || src.endsWith('.json') })
}
cpSync(join(root, 'vectors', 'schema.json'), join(dist, 'vectors', 'schema.json'))
// The device-file schema for editors and other tools (the code validates with the same schema from device-schema.ts).
cpSync(join(root, 'core', 'simulator', 'device-file.schema.json'), join(dist, 'core', 'simulator', 'device-file.schema.json'))

// The code reads the version from the package.json one level above its folder (cli/version.ts and
// conformance/runner.ts: `new URL('../package.json', import.meta.url)`). In dist/ that is this file;
// "type": "module" keeps dist/ ES modules.
mkdirSync(dist, { recursive: true })
writeFileSync(join(dist, 'package.json'), JSON.stringify({ name: `${pkg.name}-dist`, version: pkg.version, private: true, type: 'module' }, null, 2) + '\n')
chmodSync(join(dist, 'cli', 'main.js'), 0o755)
