/**
 * Reads a capture back with the real tshark (Debian's wireshark-common), as an operator would:
 * one record per packet with the fields asked for. Not a test file: the capture tests import it.
 */
import { execFile } from 'node:child_process'

/** One packet: field name → value ('' when absent; several occurrences joined with '|'). */
export type Fields = Record<string, string>

/** The fields every capture test reads, besides its own. */
export const COMMON_FIELDS = [
  'frame.number',
  'frame.interface_name',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.comment',
  'modbus.func_code',
  'modbus.exception_code',
  'modbus.request_frame',
  'mbtcp.trans_id',
  'mbtcp.unit_id',
  'mbrtu.unit_id',
  'tcp.analysis.flags',
  '_ws.expert.severity',
] as const

/** The option that makes tshark tell RTU queries from responses in a modbridge capture. */
export const RTU_PORT_OPTION = ['-o', 'mbrtu.tcp.port:8502']

/** Runs tshark on `file` and returns its packets; rejects with tshark's message when it cannot read the file. */
export function tsharkFields(file: string, extra: string[] = [], fields: readonly string[] = COMMON_FIELDS): Promise<Fields[]> {
  const args = ['-r', file, ...extra, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|', ...fields.flatMap((f) => ['-e', f])]
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`tshark ${args.join(' ')} failed: ${stderr.replace(/Running as user .*\n?/, '')}`))
      const rows = stdout.split('\n').filter((l) => l.length > 0)
      resolve(rows.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i], v]))))
    })
  })
}

/** Runs tshark with `args` and resolves with its exit code and output (never rejects). */
export function tshark(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('tshark', args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0, stdout, stderr })
    })
  })
}
