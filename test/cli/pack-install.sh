#!/usr/bin/env bash
# The package as its users get it (npm run test:pack; .ci/run runs it before npm test): npm pack,
# then the tarball installed into a fresh project and into a fresh global prefix. In the project the
# library is imported by name — a client reads from `modbridge serve` started from the installed
# bin — and type-checked as a TypeScript user would; from the global prefix the command runs.
# Prints "pack-install: ok" and exits 0, or names the first failed check and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "pack-install: FAILED: $*" >&2; exit 1; }

# 1. Pack (prepare builds dist/ first).
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
tarball="$work/$tarball"
[ -f "$tarball" ] || fail "npm pack wrote no tarball"
files=$(tar -tzf "$tarball")
for must in package/LICENSE package/README.md package/package.json package/dist/core/index.js package/dist/core/index.d.ts \
  package/dist/cli/main.js package/dist/proxy/monitor-page/index.html package/dist/proxy/monitor-page/app.js \
  package/dist/vectors/pdu/03-read-holding-registers.json package/dist/vectors/frames/rtu package/dist/package.json; do
  printf '%s\n' "$files" | grep -q "^$must" || fail "the tarball lacks $must"
done
for mustnot in package/test/ package/bench/ package/.ci/ package/core/ package/cli/ package/scripts/ package/tsconfig.json package/node_modules/; do
  if printf '%s\n' "$files" | grep -q "^$mustnot"; then fail "the tarball carries $mustnot"; fi
done
version=$(node -p "require('./package.json').version")

# 2. A fresh project: install the tarball, use the library and the command.
mkdir "$work/project"
cd "$work/project"
printf '{ "name": "uses-modbridge", "version": "1.0.0", "private": true, "type": "module" }\n' > package.json
npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null || fail "npm install of the tarball"
[ "$(npx --no-install modbridge --version)" = "$version" ] || fail "npx modbridge --version is not $version"

node_modules/.bin/modbridge serve --listen tcp://127.0.0.1:0 > serve.log 2>&1 &
serve_pid=$!
for _ in $(seq 200); do grep -q 'serving tcp://' serve.log && break; sleep 0.05; done
target=$(grep -o 'tcp://[0-9.:]*' serve.log | head -n 1)
[ -n "$target" ] || fail "modbridge serve did not start: $(cat serve.log)"

cat > use.mjs <<'EOF'
import { connectClient, ModbusExceptionError, PayloadBuilder, PayloadDecoder } from 'modbridge'
const client = connectClient(process.argv[2], { timeout: 2000 })
await client.writeRegisters(1, 100, new PayloadBuilder({ wordOrder: 'little' }).addFloat32(-2.5).toRegisters())
const registers = await client.readHoldingRegisters(1, 100, 2)
const value = PayloadDecoder.fromRegisters(registers, { wordOrder: 'little' }).float32()
if (value !== -2.5) throw new RangeError(`read back ${value}, not -2.5`)
try {
  await client.readHoldingRegisters(1, 9999, 5)
  throw new RangeError('reading past the table gave no exception')
} catch (err) {
  if (!(err instanceof ModbusExceptionError) || err.exceptionCode !== 2) throw err
}
await client.close()
try {
  await import('modbridge/dist/core/errors.js')
  throw new RangeError('a path outside the exports map was importable')
} catch (err) {
  if (err.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err
}
console.log('library ok')
EOF
[ "$(node use.mjs "$target")" = "library ok" ] || fail "the library in a fresh project"

cat > use-types.ts <<'EOF'
import { connectClient, PayloadDecoder, type ModbusClient, type PayloadOrder } from 'modbridge'
const order: PayloadOrder = { byteOrder: 'big', wordOrder: 'little' }
const client: ModbusClient = connectClient('tcp://127.0.0.1:5020')
export async function temperature(): Promise<number> {
  return PayloadDecoder.fromRegisters(await client.readInputRegisters(1, 0, 2), order).float32()
}
EOF
node "$root/node_modules/typescript/bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 \
  --typeRoots "$root/node_modules/@types" --types node use-types.ts || fail "the declaration files in a TypeScript project"

out=$(node_modules/.bin/modbridge read holding --target "$target" --address 100 --quantity 1 --type float32 --swap) || fail "the installed command's read"
[ "$out" = "$(printf '100\t-2.5')" ] || fail "the installed command read '$out'"

# 3. A fresh global prefix (npm install -g).
npm install -g --prefix "$work/global" --no-audit --no-fund --loglevel=error "$tarball" >/dev/null || fail "npm install -g of the tarball"
[ "$("$work/global/bin/modbridge" --version)" = "$version" ] || fail "the global modbridge --version"
"$work/global/bin/modbridge" --help | grep -q 'modbridge repl' || fail "the global modbridge --help"
out=$("$work/global/bin/modbridge" read holding --target "$target" --address 100 --quantity 2 --format csv) || fail "the global command's read"
[ "$out" = "$(printf '100,101\n0,49184')" ] || fail "the global command read '$out'"
if "$work/global/bin/modbridge" raed holding 2> err.txt; then fail "a typo exited 0"; fi
grep -q 'did you mean read' err.txt || fail "no did-you-mean from the global command"

echo "pack-install: ok ($(basename "$tarball"), $(printf '%s\n' "$files" | wc -l) files)"
