/**
 * Writes a run's four report files into one folder.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConformanceReport } from '../report.ts'
import { renderHtml } from './html.ts'
import { renderJson } from './json.ts'
import { renderJunit } from './junit.ts'
import { renderMarkdown } from './markdown.ts'

/** The file names a run writes, by format. */
export const REPORT_FILES = {
  json: 'report.json',
  junit: 'junit.xml',
  html: 'index.html',
  markdown: 'summary.md',
} as const

/**
 * Creates `outDir` (and its parents) when missing, writes report.json, junit.xml, index.html and
 * summary.md into it, overwriting earlier files, and returns their paths in that order. Every
 * file is rendered before any is written, so a rendering error leaves the folder as it was.
 */
export async function writeReports(report: ConformanceReport, outDir: string): Promise<string[]> {
  const files: [string, string][] = [
    [REPORT_FILES.json, renderJson(report)],
    [REPORT_FILES.junit, renderJunit(report)],
    [REPORT_FILES.html, renderHtml(report)],
    [REPORT_FILES.markdown, renderMarkdown(report)],
  ]
  await mkdir(outDir, { recursive: true })
  const paths = files.map(([name]) => join(outDir, name))
  await Promise.all(files.map(([, text], i) => writeFile(paths[i], text, 'utf8')))
  return paths
}
