#!/usr/bin/env node
// The `modbridge` command: runs the TypeScript CLI through tsx, with no build step.
import { register } from 'tsx/esm/api'

register()
await import('./main.ts')
