/**
 * The live monitor: an HTTP server with a plain HTML page and module scripts (no build step), the
 * uPlot chart library served from its installed package (the page loads nothing from another host,
 * so it works on an air-gapped plant network), a WebSocket feed at /feed, /snapshot and /trends as
 * JSON, and /metrics for Prometheus.
 *
 * The feed sends a client the whole trend history (15 minutes, trends.ts) and every kept frame once,
 * on connect; after that each message carries the figures of the moment, the frames that are new
 * since the last message, and the trend seconds closed since then — never the whole history again.
 *
 * The monitor shares the gateway's process, so nothing a client sends may hurt it: every socket
 * has an 'error' listener, requests for a foreign Host and upgrades from a foreign Origin are
 * refused (monitor-guard.ts), the feed accepts no messages worth the name, and a client that
 * stops reading is dropped before its queue grows without bound.
 *
 * Bound beyond loopback it can require a bearer token (monitor-auth.ts) and serve HTTPS, with a
 * client certificate required when a CA is given (Node's tls refuses other clients).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import type { TlsOptions } from 'node:tls'
import { WebSocketServer, type WebSocket } from 'ws'
import { TransportError } from '../core/index.ts'
import { tlsServerOptions, type TlsSettings } from '../core/transport/tls-settings.ts'
import type { Gateway } from './gateway.ts'
import { GatewayMetrics } from './metrics.ts'
import { createTokenCheck, exposureWarning } from './monitor-auth.ts'
import { createAccessCheck, type AccessPolicy } from './monitor-guard.ts'
import { GatewayStats, type Snapshot } from './stats.ts'
import type { TrendBlock } from './trends.ts'

/** Options of {@link startMonitor}; the allow-lists are described on {@link AccessPolicy}. */
export interface MonitorOptions extends AccessPolicy {
  /** A feed client with more than this many bytes still queued is terminated instead of sent another snapshot. Default 1 MiB. */
  maxBufferedBytes?: number
  /** The largest message a feed client may send, in bytes; a larger one closes it with 1009. Default 1 KiB. */
  maxPayload?: number
  /** Told once when the monitor is bound to a non-loopback address. Default: one line on stderr. */
  onWarning?: (message: string) => void
  /** Units with a trend of their own; more units are counted in the tables without one. Default 64 (trends.ts). */
  maxTrendUnits?: number
}

/** One message on the feed: the figures of the moment, with what the reader has not had of frames and trends. */
export interface FeedMessage extends Snapshot {
  /** True on a connection's first message: `frames` holds every kept frame and `trends` the whole history. */
  history: boolean
  /** The trend seconds closed since the previous message (absent when none); a reader drops seconds it already has. */
  trends?: TrendBlock
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
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
}
/** The chart library, from the installed `uplot` package (resolved the same from sources and from dist/). */
const VENDOR: Record<string, string> = {
  '/vendor/uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  '/vendor/uPlot.min.css': 'uplot/dist/uPlot.min.css',
}
/**
 * Everything the page needs comes from this server; scripts only from files (uPlot needs no eval),
 * styles only from files and the CSSOM, and the feed from this origin.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

type Asset = { body: Buffer; type: string }

/** The page's files by path ('/' is index.html), and uPlot's; a missing uPlot is a warning: the tables still work. */
function loadAssets(warn: (message: string) => void): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const file of readdirSync(PAGE_DIR)) {
    const type = TYPES[file.slice(file.lastIndexOf('.') + 1)]
    if (type) assets.set(file === 'index.html' ? '/' : `/${file}`, { body: readFileSync(new URL(file, PAGE_DIR)), type })
  }
  const require = createRequire(import.meta.url)
  for (const [path, id] of Object.entries(VENDOR)) {
    try {
      assets.set(path, { body: readFileSync(require.resolve(id)), type: TYPES[path.slice(path.lastIndexOf('.') + 1)] })
    } catch (err) {
      warn(`the monitor page has no charts: ${id} cannot be read (${(err as Error).message.split('\n')[0]}); is the uplot package installed?`)
      break
    }
  }
  return assets
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
  const warn = options.onWarning ?? warnOnStderr
  const assets = loadAssets(warn)
  const stats = new GatewayStats(gateway, undefined, { maxUnits: options.maxTrendUnits })
  const metrics = new GatewayMetrics(gateway)
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
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY)
    res.setHeader('x-content-type-options', 'nosniff')
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/metrics') {
      metrics.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${err.message}\n`),
      )
    } else if (path === '/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats.snapshot()))
    } else if (path === '/trends') {
      stats.trends.tick(Date.now())
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats.trends.history()))
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

  // The history message is sent once and may itself pass the bound (many buses and units): a client
  // is given its size on top of the bound, so a slow link is not dropped for taking it in.
  const historyBytes = new WeakMap<WebSocket, number>()
  const push = (ws: WebSocket, text: string) => {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > maxBufferedBytes + (historyBytes.get(ws) ?? 0)) {
      counters.droppedSlowClients++
      ws.terminate()
    } else ws.send(text)
  }
  wss.on('connection', (ws) => {
    ws.on('error', countError)
    ws.on('message', () => ws.close(1003, 'the monitor feed is read-only'))
    const first = JSON.stringify({ ...stats.snapshot(), history: true, trends: stats.trends.history() } satisfies FeedMessage)
    historyBytes.set(ws, Buffer.byteLength(first))
    push(ws, first)
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
    metrics.close()
    wss.close()
    throw err
  }
  // After listening the server can still fail to accept (EMFILE): count it, never throw.
  server.on('error', countError)
  // What every client has had: the newest trend second and frame sent. A client that joins later got
  // everything up to its connection in its first message, and drops what it gets twice.
  let sentSecond = -Infinity
  let sentFrame = 0
  const timer = setInterval(() => {
    const newest = stats.trends.tick(Date.now()) ?? -Infinity
    if (wss.clients.size > 0) {
      const message: FeedMessage = { ...stats.snapshot(1000, false), frames: stats.framesAfter(sentFrame), history: false }
      if (newest > sentSecond) message.trends = stats.trends.since(sentSecond)
      const text = JSON.stringify(message)
      for (const c of wss.clients) push(c, text)
    }
    sentSecond = newest
    sentFrame = stats.newestFrame
  }, intervalMs)

  const port = (server.address() as { port: number }).port
  const url = `${secure ? 'https' : 'http'}://${host}:${port}/`
  const warning = exposureWarning(at, url)
  if (warning) warn(warning)
  return {
    url,
    stats,
    counters,
    async close() {
      clearInterval(timer)
      stats.close()
      metrics.close()
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
