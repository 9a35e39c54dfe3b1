/**
 * The package version, for --version: from the package.json one folder above this file's folder
 * (the repository's own, or in the built package the one the build writes into dist/).
 */
import { readFileSync } from 'node:fs'

/** The version string of the modbridge package. */
export function readVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
}
