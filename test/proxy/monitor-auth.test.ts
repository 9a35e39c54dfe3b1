/**
 * The monitor's authentication: a bearer token (header, cookie after one ?token= visit, never
 * without), HTTPS, and client certificates refused by Node's tls when they are not from the CA.
 */
import { readFileSync } from 'node:fs'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { WebSocket } from 'ws'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { createTokenCheck, exposureWarning, TOKEN_COOKIE } from '../../proxy/monitor-auth.ts'
import { startMonitor, type Monitor } from '../../proxy/monitor.ts'
import { makeTestCerts, type CertPair, type TestCerts } from '../helpers/certs.ts'
import { waitFor } from '../helpers/wait.ts'

const TOKEN = 'c0ffee00c0ffee00c0ffee00'

// ---
const unit = suite('monitor token check: header, cookie, ?token=; constant-time compare')
const check = createTokenCheck(TOKEN)

unit('Authorization: Bearer, the cookie, or ?token= carry the token; nothing or a wrong one is refused', () => {
  assert.is(check.refusal({ url: '/snapshot', headers: { authorization: `Bearer ${TOKEN}` } }), undefined)
  assert.is(check.refusal({ url: '/', headers: { cookie: `theme=dark; ${TOKEN_COOKIE}=${TOKEN}` } }), undefined)
  assert.is(check.refusal({ url: `/?token=${TOKEN}`, headers: {} }), undefined)
  assert.match(check.refusal({ url: '/', headers: {} }) ?? '', 'a bearer token is required')
  assert.match(check.refusal({ url: '/', headers: { authorization: `Bearer ${TOKEN}x` } }) ?? '', 'not this monitor\'s')
  assert.match(check.refusal({ url: '/', headers: { authorization: `Basic ${TOKEN}` } }) ?? '', 'required')
  assert.match(check.refusal({ url: '/?token=', headers: {} }) ?? '', 'not this monitor\'s')
})

unit('hostile: a cookie with malformed %-escapes is a wrong token, never a throw (the check runs inside the HTTP handler)', () => {
  assert.match(check.refusal({ url: '/', headers: { cookie: `${TOKEN_COOKIE}=%E0%A4%A` } }) ?? '', 'not this monitor\'s')
  assert.is(check.refusal({ url: '/', headers: { authorization: `Bearer ${TOKEN}`, cookie: `${TOKEN_COOKIE}=%zz` } }), undefined)
  assert.is(check.cookieFor({ url: `/?token=${TOKEN}`, headers: { cookie: `${TOKEN_COOKIE}=%zz` } }, false), `${TOKEN_COOKIE}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`)
})

unit('a page visit with ?token= is answered with an HttpOnly, SameSite=Strict cookie (Secure over HTTPS), once', () => {
  assert.is(check.cookieFor({ url: `/?token=${TOKEN}`, headers: {} }, true), `${TOKEN_COOKIE}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/; Secure`)
  assert.is(check.cookieFor({ url: `/?token=${TOKEN}`, headers: {} }, false), `${TOKEN_COOKIE}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`)
  assert.is(check.cookieFor({ url: `/?token=${TOKEN}`, headers: { cookie: `${TOKEN_COOKIE}=${TOKEN}` } }, true), undefined, 'already set')
  assert.is(check.cookieFor({ url: '/?token=wrong-token-wrong', headers: {} }, true), undefined, 'never for a wrong token')
})

unit('warnings: beyond loopback without authentication, or with a token over plain HTTP; none on loopback', () => {
  assert.match(exposureWarning({ host: '0.0.0.0' }, 'http://0.0.0.0:8020/') ?? '', 'has no authentication')
  assert.match(exposureWarning({ host: '10.0.0.2', token: TOKEN }, 'http://10.0.0.2:8020/') ?? '', 'takes its token over plain HTTP')
  assert.is(exposureWarning({ host: '10.0.0.2', token: TOKEN, tls: { cert: 'c', key: 'k' } }, 'https://10.0.0.2:8020/'), undefined)
  assert.is(exposureWarning({ host: '::', tls: { cert: 'c', key: 'k', ca: 'ca' } }, 'https://[::]:8020/'), undefined)
  assert.is(exposureWarning({ host: '127.0.0.1' }, 'http://127.0.0.1:8020/'), undefined)
})
unit.run()

// ---
const live = suite('monitor with a token and with client certificates, on 127.0.0.1')
let certs: TestCerts
let gateway: Gateway
let tokenMonitor: Monitor, certMonitor: Monitor
const warnings: string[] = []
const sockets: WebSocket[] = []

live.before(async () => {
  certs = makeTestCerts()
  gateway = new Gateway(validateConfig({ listen: [], buses: { a: { address: 'rtu:///dev/null-modbridge' } }, routes: [{ units: 1, bus: 'a' }] }))
  tokenMonitor = await startMonitor(gateway, { host: '127.0.0.1', port: 0, token: TOKEN }, 50, { onWarning: (m) => warnings.push(m) })
  certMonitor = await startMonitor(gateway, { host: '127.0.0.1', port: 0, tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca } }, 50, { onWarning: (m) => warnings.push(m) })
})
live.after(async () => {
  for (const ws of sockets) ws.terminate()
  await tokenMonitor.close()
  await certMonitor.close()
  await gateway.close()
  certs.remove()
})

function get(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage & { body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve(Object.assign(res, { body })))
    })
      .on('error', reject)
      .end()
  })
}

function getTls(url: string, who?: CertPair): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca: readFileSync(certs.ca), ...(who ? { cert: readFileSync(who.cert), key: readFileSync(who.key) } : {}) }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

live('without the token every path is 401 with WWW-Authenticate: Bearer; with it, 200', async () => {
  for (const path of ['', 'snapshot', 'metrics', 'app.js']) {
    const res = await get(`${tokenMonitor.url}${path}`)
    assert.is(res.statusCode, 401, path)
    assert.is(res.headers['www-authenticate'], 'Bearer realm="modbridge monitor"')
  }
  const ok = await get(`${tokenMonitor.url}snapshot`, { authorization: `Bearer ${TOKEN}` })
  assert.is(ok.statusCode, 200)
  assert.ok(JSON.parse(ok.body).buses, 'the snapshot')
  assert.is((await get(`${tokenMonitor.url}metrics`, { authorization: 'Bearer not-the-token-at-all' })).statusCode, 401)
  assert.ok(tokenMonitor.counters.unauthorized >= 5)
  assert.equal(warnings, [], 'loopback: nothing to warn about')
})

live('hostile: a malformed cookie on a page request and on the feed upgrade is answered 401, and the monitor keeps serving', async () => {
  const cookie = `${TOKEN_COOKIE}=%E0%A4%A`
  const res = await get(`${tokenMonitor.url}snapshot`, { cookie })
  assert.is(res.statusCode, 401)
  assert.match(res.body, 'not this monitor\'s')
  const ws = new WebSocket(tokenMonitor.url.replace('http', 'ws') + 'feed', { headers: { cookie } })
  sockets.push(ws)
  const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0)).on('error', () => {}))
  assert.is(status, 401)
  assert.is((await get(`${tokenMonitor.url}snapshot`, { authorization: `Bearer ${TOKEN}` })).statusCode, 200, 'still serving')
})

live('a browser visit with ?token= gets the cookie, and the page\'s feed opens with it; without it the feed is refused 401', async () => {
  const page = await get(`${tokenMonitor.url}?token=${TOKEN}`)
  assert.is(page.statusCode, 200)
  const cookie = String(page.headers['set-cookie']).split(';')[0]
  assert.is(cookie, `${TOKEN_COOKIE}=${TOKEN}`)
  assert.is((await get(`${tokenMonitor.url}app.js`, { cookie })).statusCode, 200)
  const feedUrl = tokenMonitor.url.replace('http', 'ws') + 'feed'
  const refused = new WebSocket(feedUrl)
  sockets.push(refused)
  const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('error', () => {}))
  assert.is(status, 401)
  const ws = new WebSocket(feedUrl, { headers: { cookie } })
  sockets.push(ws)
  let snapshot: { buses?: unknown } | undefined
  ws.on('message', (m) => (snapshot = JSON.parse(String(m))))
  await waitFor(() => snapshot, 'a snapshot over the authenticated feed')
  assert.ok(snapshot!.buses)
})

live('HTTPS with a CA: a client certificate from the CA is served; none, or one from another CA, is refused by the handshake', async () => {
  assert.match(certMonitor.url, /^https:\/\/127\.0\.0\.1:\d+\/$/)
  assert.is(await getTls(`${certMonitor.url}snapshot`, certs.operator), 200)
  for (const who of [undefined, certs.foreign, certs.expired]) {
    try {
      await getTls(`${certMonitor.url}snapshot`, who)
      assert.unreachable(`served ${who?.cert ?? 'no certificate'}`)
    } catch (err) {
      assert.not.instance(err, assert.Assertion)
    }
  }
  await waitFor(() => certMonitor.counters.socketErrors >= 1, 'the refused handshakes to be counted')
})
live.run()
