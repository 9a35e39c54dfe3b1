/**
 * The live monitor: an HTTP server with a plain HTML page and a module script (no build step),
 * a WebSocket feed of snapshots at /feed, /snapshot as JSON, and /metrics for Prometheus.
 *
 * The monitor shares the gateway's process, so nothing a client sends may hurt it: every socket
 * has an 'error' listener, requests for a foreign Host and upgrades from a foreign Origin are
 * refused (monitor-guard.ts), the feed accepts no messages worth the name, and a client that
 * stops reading is dropped before its queue grows without bound.
 *
 * Bound beyond loopback it can require a bearer token (monitor-auth.ts) and serve HTTPS, with a
 * client certificate required when a CA is given (Node's tls refuses other clients).
 */
import { readFileSync } from 'node:fs'
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import type { TlsOptions } from 'node:tls'
import { WebSocketServer, type WebSocket } from 'ws'
import { TransportError } from '../core/index.ts'
import { tlsServerOptions, type TlsSettings } from '../core/transport/tls-settings.ts'
import type { Gateway } from './gateway.ts'
import { renderMetrics } from './metrics.ts'
import { createTokenCheck, exposureWarning } from './monitor-auth.ts'
import { createAccessCheck, type AccessPolicy } from './monitor-guard.ts'
import { GatewayStats } from './stats.ts'

/** Options of {@link startMonitor}; the allow-lists are described on {@link AccessPolicy}. */
export interface MonitorOptions extends AccessPolicy {
  /** A feed client with more than this many bytes still queued is terminated instead of sent another snapshot. Default 1 MiB. */
  maxBufferedBytes?: number
  /** The largest message a feed client may send, in bytes; a larger one closes it with 1009. Default 1 KiB. */
  maxPayload?: number
  /** Told once when the monitor is bound to a non-loopback address. Default: one line on stderr. */
  onWarning?: (message: string) => void
}

/** Where the monitor listens, and what it requires (the `monitor` of a gateway configuration). */
export interface MonitorAt {
  host: string
  port: number
  /** Every request must carry this bearer token. */
  token?: string
  /** Serve HTTPS with this certificate and key; with `ca`, require a client certificate signed by it. */
  tls?: TlsSettings
}

/** What a monitor has refused or dropped since it started. */
export interface MonitorCounters {
  /** WebSocket upgrades refused: 403 for a foreign Host or Origin, 404 for a path other than /feed. */
  refusedUpgrades: number
  /** Plain HTTP requests refused with 403 for a foreign Host. */
  refusedRequests: number
  /** Requests and upgrades refused with 401 for a missing or wrong token. */
  unauthorized: number
  /** Feed clients terminated because their queue passed `maxBufferedBytes`. */
  droppedSlowClients: number
  /** Errors on the server, an HTTP connection or a feed client (malformed frames, resets), all handled. */
  socketErrors: number
}

/** A running monitor. */
export interface Monitor {
  url: string
  stats: GatewayStats
  /** Live counters, updated in place. */
  counters: MonitorCounters
  close(): Promise<void>
}

/** Default of {@link MonitorOptions.maxBufferedBytes}. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024
/** Default of {@link MonitorOptions.maxPayload}: the page never sends, so anything beyond a close frame is hostile. */
export const DEFAULT_MAX_PAYLOAD = 1024

const PAGE_DIR = new URL('./monitor-page/', import.meta.url)
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
}

function warnOnStderr(message: string): void {
  process.stderr.write(`modbridge: warning: ${message}\n`)
}

/** Writes a whole HTTP error response on a raw socket, then closes it. */
function answerAndClose(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) return void socket.destroy()
  const body = `${text}\n`
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

function listenError(err: NodeJS.ErrnoException, where: string): TransportError {
  const why = err.code === 'EADDRINUSE' ? 'the address is in use (EADDRINUSE)' : err.code === 'EACCES' ? 'binding it is not permitted (EACCES)' : `${err.message}`
  return new TransportError(`the monitor cannot listen on ${where}: ${why}`, { cause: err })
}

/** HTTPS options, files read now: a client certificate required (and checked by Node's tls) when there is a CA. */
function httpsOptions(tls: TlsSettings, where: string): TlsOptions {
  const options = tlsServerOptions({ ...tls, mutual: tls.ca !== undefined }, `the monitor on ${where}`)
  return { ...options, rejectUnauthorized: options.requestCert === true }
}

/**
 * Starts the monitor for `gateway` on host:port (port 0 picks one), with the token and TLS of
 * `at`. Snapshots are pushed every `intervalMs`. Rejects with a TransportError naming the address
 * when it cannot listen (EADDRINUSE, EACCES), or an ArgumentError when its certificate cannot be read.
 */
export async function startMonitor(gateway: Gateway, at: MonitorAt, intervalMs = 500, options: MonitorOptions = {}): Promise<Monitor> {
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
  const counters: MonitorCounters = { refusedUpgrades: 0, refusedRequests: 0, unauthorized: 0, droppedSlowClients: 0, socketErrors: 0 }
  const token = at.token === undefined ? undefined : createTokenCheck(at.token)
  const secure = at.tls !== undefined
  const host = at.host.includes(':') ? `[${at.host}]` : at.host
  // Read before anything is started, so an unreadable certificate leaves nothing running.
  const https = at.tls ? httpsOptions(at.tls, `${host}:${at.port}`) : undefined
  const countError = () => void counters.socketErrors++
  const access = createAccessCheck(at.host, options)
  const assets = new Map(Object.entries(ASSETS).map(([path, a]) => [path, { body: readFileSync(new URL(a.file, PAGE_DIR)), type: a.type }]))
  const stats = new GatewayStats(gateway)
  /** Connections with a response in progress: a 400 written on them would corrupt it. */
  const responding = new WeakSet<Duplex>()

  const unauthorized = (req: IncomingMessage) => token?.refusal(req)
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket
    responding.add(socket)
    res.once('close', () => responding.delete(socket))
    const refusal = access.hostRefusal(req)
    if (refusal) {
      counters.refusedRequests++
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`forbidden: ${refusal}\n`)
      return
    }
    const denied = unauthorized(req)
    if (denied) {
      counters.unauthorized++
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="modbridge monitor"', connection: 'close' }).end(`unauthorized: ${denied}\n`)
      return
    }
    const cookie = token?.cookieFor(req, secure)
    if (cookie) res.setHeader('set-cookie', cookie)
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(renderMetrics(stats.snapshot()))
    } else if (path === '/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats.snapshot()))
    } else if (assets.has(path)) {
      const a = assets.get(path)!
      res.writeHead(200, { 'content-type': a.type, 'cache-control': 'no-store' }).end(a.body)
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
  }
  const server: Server = https ? createHttpsServer(https, handler) : createServer(handler)
  // HTTPS: a failed handshake (no client certificate, an untrusted one) is Node's refusal; counted.
  if (https) server.on('tlsClientError', countError)
  server.on('clientError', (_err, socket: Duplex) => {
    countError()
    if (responding.has(socket)) socket.destroy()
    else answerAndClose(socket, 400, 'bad request')
  })

  // noServer: the upgrade is checked here, before ws sees it, and ws never re-emits server errors.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD, perMessageDeflate: false })
  wss.on('error', countError)
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    socket.on('error', countError)
    const path = (req.url ?? '/').split('?')[0]
    const refusal = access.hostRefusal(req) ?? (path === '/feed' ? access.originRefusal(req) : undefined)
    if (refusal || path !== '/feed') {
      counters.refusedUpgrades++
      return refusal ? answerAndClose(socket, 403, `forbidden: ${refusal}`) : answerAndClose(socket, 404, 'not found')
    }
    const denied = unauthorized(req)
    if (denied) {
      counters.refusedUpgrades++
      counters.unauthorized++
      return answerAndClose(socket, 401, `unauthorized: ${denied}`)
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  const push = (ws: WebSocket, text: string) => {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > maxBufferedBytes) {
      counters.droppedSlowClients++
      ws.terminate()
    } else ws.send(text)
  }
  wss.on('connection', (ws) => {
    ws.on('error', countError)
    ws.on('message', () => ws.close(1003, 'the monitor feed is read-only'))
    push(ws, JSON.stringify(stats.snapshot()))
  })

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: NodeJS.ErrnoException) => reject(listenError(err, `${host}:${at.port}`))
      server.once('error', fail)
      server.listen(at.port, at.host, () => {
        server.off('error', fail)
        resolve()
      })
    })
  } catch (err) {
    stats.close()
    wss.close()
    throw err
  }
  // After listening the server can still fail to accept (EMFILE): count it, never throw.
  server.on('error', countError)
  const timer = setInterval(() => {
    if (wss.clients.size === 0) return
    const text = JSON.stringify(stats.snapshot())
    for (const c of wss.clients) push(c, text)
  }, intervalMs)

  const port = (server.address() as { port: number }).port
  const url = `${secure ? 'https' : 'http'}://${host}:${port}/`
  const warn = options.onWarning ?? warnOnStderr
  const warning = exposureWarning(at, url)
  if (warning) warn(warning)
  return {
    url,
    stats,
    counters,
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
