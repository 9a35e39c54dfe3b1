#!/usr/bin/env node
// The development launcher: runs the TypeScript sources through tsx, with no build (the tests use it).
// The installed `modbridge` command is the compiled dist/cli/main.js (npm run build).
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
