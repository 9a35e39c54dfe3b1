/**
 * The live monitor: an HTTP server with a plain HTML page and a module script (no build step),
 * a WebSocket feed of snapshots at /feed, /snapshot as JSON, and /metrics for Prometheus.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { WebSocketServer } from 'ws'
import type { Gateway } from './gateway.ts'
import { renderMetrics } from './metrics.ts'
import { GatewayStats } from './stats.ts'

/** A running monitor. */
export interface Monitor {
  url: string
  stats: GatewayStats
  close(): Promise<void>
}

const PAGE_DIR = new URL('./monitor-page/', import.meta.url)
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
}

/** Starts the monitor for `gateway` on host:port (port 0 picks one). Snapshots are pushed every `intervalMs`. */
export async function startMonitor(gateway: Gateway, at: { host: string; port: number }, intervalMs = 500): Promise<Monitor> {
  const stats = new GatewayStats(gateway)
  const assets = new Map(Object.entries(ASSETS).map(([path, a]) => [path, { body: readFileSync(new URL(a.file, PAGE_DIR)), type: a.type }]))
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(renderMetrics(stats.snapshot()))
    } else if (path === '/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats.snapshot()))
    } else if (assets.has(path)) {
      const a = assets.get(path)!
      res.writeHead(200, { 'content-type': a.type, 'cache-control': 'no-store' }).end(a.body)
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
  })
  const wss = new WebSocketServer({ server, path: '/feed' })
  wss.on('connection', (ws) => ws.send(JSON.stringify(stats.snapshot())))
  const timer = setInterval(() => {
    if (wss.clients.size === 0) return
    const text = JSON.stringify(stats.snapshot())
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(text)
  }, intervalMs)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(at.port, at.host, () => resolve())
  })
  const port = (server.address() as { port: number }).port
  const host = at.host.includes(':') ? `[${at.host}]` : at.host
  return {
    url: `http://${host}:${port}/`,
    stats,
    async close() {
      clearInterval(timer)
      stats.close()
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
