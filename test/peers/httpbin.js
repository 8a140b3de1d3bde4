// httpbin.js — a small httpbin-like test server on node's built-in modules
// (http2, https, http; no npm package). Used by the wire tests of src/conn/.
//
// Usage:
//   node test/peers/httpbin.js --cert FILE --key FILE
//        [--tls PORT] [--h2c PORT] [--h1tls PORT] [--h1 PORT]
// Each port given is opened on 127.0.0.1 only (PORT 0: the system picks a
// free one; an option left out: that listener is not started):
//   --tls    TLS, ALPN h2 and http/1.1 (http2.createSecureServer, allowHTTP1)
//   --h2c    cleartext HTTP/2 with prior knowledge (http2.createServer)
//   --h1tls  TLS, HTTP/1.1 only (https.createServer, no ALPN h2)
//   --h1     cleartext HTTP/1.1 (ignores Upgrade: h2c, answers in HTTP/1.1)
// When every listener is up it prints one line on stdout:
//   READY tls=P h2c=P h1tls=P h1=P      (0 for a listener not started)
// and runs until SIGTERM / SIGINT.
//
// Routes (the same on every listener; GET unless said):
//   /get           JSON {method, url, args, headers, protocol}: the request echoed
//   /headers       JSON {headers}
//   /ip            JSON {origin}
//   /post          any method: echoes the request body (same content-type),
//                  with x-body-length and x-body-sha256 (hex) of what came;
//                  /post?digest=1 answers JSON {length, sha256} instead.
//                  Bodies above 80 MiB are refused with 413.
//   /gzip /deflate JSON {gzipped|deflated: true, headers}, encoded, with
//                  content-encoding, and x-decoded-length / x-decoded-sha256
//                  of the JSON before encoding; ?pad=N (N <= 1 MiB) adds a
//                  member "pad" of N "x" (a body that decodes to far more
//                  octets than it has)
//   /bytes/N       N octets (N <= 64 MiB) from the xorshift32 generator below,
//                  seed 1 or ?seed=S; x-sha256 is the hex SHA-256 of the body
//   /stream/N      N JSON lines ({"id": i, ...}\n), written one at a time
//   /status/N      status N (100 < N < 600), empty body for 204/304, else "status N"
//   /trailers      body "trailers follow\n" then trailers x-trailer-one: 1 and
//                  x-body-sha256 (chunked on HTTP/1.1)
//   /push          HTTP/2 with push allowed: promises /pushed/a and /pushed/b
//                  (bodies "pushed a\n", "pushed b\n") before the response;
//                  the body says "pushed 2\n" or "pushed 0\n"
//   /pushed/X      the pushed resources, also fetchable directly
//   /delay/S       answers after S seconds (decimal, at most 30)
//   /goaway        HTTP/2: sends GOAWAY(NO_ERROR, last stream id = this stream)
//                  at once and answers 200 "goaway" after 200 ms; streams with
//                  a higher id on that session are left unanswered (they were
//                  not processed, as the GOAWAY says). HTTP/1.1: answers with
//                  Connection: close.
//   /drop          sends the response head, then destroys the connection
//   /              a small HTML page (text/html; charset=utf-8), as the
//                  quickstart's homepage
//   /redirect/N    302 to /redirect/N-1, /redirect/1 to /get (N <= 20)
//   /redirect-to   ?url=U[&status_code=S]: S (default 302) to U
//   /cookies       JSON {cookies}: the Cookie header parsed
//   /cookies/set   ?name=value...: one Set-Cookie (Path=/) per pair, then
//                  302 to /cookies
//   (the last five added by the Python bindings, engineer R)
//   anything else  404
//
// Pseudo-random bytes (/bytes): x = seed (0 taken as 1); for each 4-octet
// word: x ^= x << 13; x ^= x >>> 17; x ^= x << 5 (32-bit); the word is x,
// little-endian. The last word is cut to what N needs.
'use strict';
const http2 = require('http2');
const https = require('https');
const http = require('http');
const fs = require('fs');
const zlib = require('zlib');
const crypto = require('crypto');

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_POST = 80 * 1024 * 1024;

function parseArgs(argv) {
  const o = {};
  for (let i = 2; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      process.stderr.write('usage: httpbin.js --cert F --key F [--tls P] [--h2c P] [--h1tls P] [--h1 P]\n');
      process.exit(2);
    }
    o[argv[i].slice(2)] = argv[i + 1];
  }
  return o;
}

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

let bytesCache = { key: '', buf: null };
function pseudoRandom(n, seed) {
  const key = n + '/' + seed;
  if (bytesCache.key === key) return bytesCache.buf;
  const words = new Uint32Array(Math.ceil(n / 4));
  let x = (seed >>> 0) || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  // Uint32Array is host order; make it little-endian explicitly.
  const buf = Buffer.alloc(words.length * 4);
  for (let i = 0; i < words.length; i++) buf.writeUInt32LE(words[i], i * 4);
  const out = buf.subarray(0, n);
  bytesCache = { key, buf: out, sha: sha256(out) };
  return out;
}

function requestHeaders(req) {
  const h = {};
  for (const [k, v] of Object.entries(req.headers)) h[k] = v;
  return h;
}

function parsedUrl(req) {
  return new URL(req.url, 'http://localhost');
}

function sendJson(res, status, obj, extra) {
  const body = Buffer.from(JSON.stringify(obj, null, 1) + '\n');
  res.writeHead(status, Object.assign({ 'content-type': 'application/json',
                                        'content-length': body.length }, extra || {}));
  res.end(body);
}

function protocolOf(req) {
  return req.httpVersion === '2.0' ? 'h2' : 'http/' + req.httpVersion;
}

function collectBody(req, cb) {
  const parts = [];
  let len = 0, tooBig = false;
  req.on('data', (d) => {
    len += d.length;
    if (len > MAX_POST) tooBig = true;
    else parts.push(d);
  });
  req.on('end', () => cb(tooBig ? null : Buffer.concat(parts, len)));
}

function routePost(req, res, url) {
  collectBody(req, (body) => {
    if (body === null) return sendJson(res, 413, { error: 'body too large' });
    const digest = sha256(body);
    if (url.searchParams.get('digest')) {
      return sendJson(res, 200, { length: body.length, sha256: digest });
    }
    res.writeHead(200, { 'content-type': req.headers['content-type'] || 'application/octet-stream',
                         'content-length': body.length,
                         'x-body-length': String(body.length), 'x-body-sha256': digest });
    res.end(body);
  });
}

function routeEncoded(req, res, name, url) {
  const obj = { headers: requestHeaders(req), method: req.method };
  obj[name === 'gzip' ? 'gzipped' : 'deflated'] = true;
  const pad = Number(url.searchParams.get('pad') || '0');
  if (pad > 0 && pad <= (1 << 20)) obj.pad = 'x'.repeat(pad);
  const plain = Buffer.from(JSON.stringify(obj, null, 1) + '\n');
  const coded = name === 'gzip' ? zlib.gzipSync(plain) : zlib.deflateSync(plain);
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': name,
                       'content-length': coded.length,
                       'x-decoded-length': String(plain.length),
                       'x-decoded-sha256': sha256(plain) });
  res.end(coded);
}

function routeBytes(req, res, n, url) {
  if (!(n >= 0 && n <= MAX_BYTES)) return sendJson(res, 400, { error: 'N out of range' });
  const seed = Number(url.searchParams.get('seed') || '1');
  const buf = pseudoRandom(n, seed);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n,
                       'x-sha256': bytesCache.sha });
  // Write in pieces, honouring backpressure, so a slow reader is not flooded.
  let off = 0;
  const step = 256 * 1024;
  const pump = () => {
    while (off < n) {
      const piece = buf.subarray(off, Math.min(n, off + step));
      off += piece.length;
      if (!res.write(piece)) return res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function routeStream(req, res, n, url) {
  if (!(n >= 0 && n <= 1000)) return sendJson(res, 400, { error: 'N out of range' });
  res.writeHead(200, { 'content-type': 'application/json' });
  let i = 0;
  const next = () => {
    if (i >= n) return res.end();
    res.write(JSON.stringify({ id: i, url: url.pathname }) + '\n');
    i++;
    setImmediate(next);
  };
  next();
}

function routeTrailers(req, res) {
  const body = Buffer.from('trailers follow\n');
  const trailers = { 'x-trailer-one': '1', 'x-body-sha256': sha256(body) };
  if (req.httpVersion === '2.0') {
    // The compat API sends trailers queued with addTrailers at end().
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.addTrailers(trailers);
    res.end(body);
  } else {
    res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-trailer-one, x-body-sha256' });
    res.write(body);
    res.addTrailers(trailers);
    res.end();
  }
}

function pushedBody(name) {
  return Buffer.from('pushed ' + name + '\n');
}

function routePush(req, res) {
  const names = ['a', 'b'];
  const canPush = req.httpVersion === '2.0' && req.stream && req.stream.pushAllowed;
  if (!canPush) {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('pushed 0\n');
  }
  let pending = names.length;
  const finish = () => {
    if (--pending > 0) return;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('pushed ' + names.length + '\n');
  };
  for (const name of names) {
    res.createPushResponse({ ':path': '/pushed/' + name, 'x-push-name': name }, (err, pres) => {
      if (err) return finish();
      const b = pushedBody(name);
      pres.on('error', () => {});
      pres.stream.on('error', () => {});
      pres.writeHead(200, { 'content-type': 'text/plain', 'content-length': b.length });
      pres.end(b);
      finish();
    });
  }
}

function routeGoaway(req, res) {
  if (req.httpVersion === '2.0') {
    const session = req.stream.session;
    session.hyperGoawayLast = req.stream.id;
    session.goaway(http2.constants.NGHTTP2_NO_ERROR, req.stream.id);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('goaway\n');
    }, 200);
  } else {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end('goaway\n');
  }
}

function routeDrop(req, res) {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 });
  res.write('partial');
  setTimeout(() => {
    if (req.httpVersion === '2.0') req.stream.session.destroy();
    else req.socket.destroy();
  }, 50);
}

const HOME = '<!DOCTYPE html>\n<html><head><title>httpbin.js</title></head>\n' +
  '<body><p>httpbin.js: a small httpbin-like test server for hyper.</p></body></html>\n';

function routeHome(req, res) {
  const body = Buffer.from(HOME);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

function redirect(res, status, location, extra) {
  const st = status >= 300 && status < 400 ? status : 302;
  res.writeHead(st, Object.assign({ location, 'content-type': 'text/plain',
                                    'content-length': 0 }, extra || {}));
  res.end();
}

function parseCookies(header) {
  const out = {};
  for (const part of (header || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function handler(req, res) {
  req.on('error', () => {});
  res.on('error', () => {});
  if (req.stream) {
    req.stream.on('error', () => {});
    const s = req.stream.session;
    if (s.hyperGoawayLast !== undefined && req.stream.id > s.hyperGoawayLast) {
      return; // not processed: the GOAWAY told the client so
    }
  }
  const url = parsedUrl(req);
  const p = url.pathname;
  let m;
  if (p === '/get' || p === '/anything') {
    return sendJson(res, 200, { method: req.method, url: req.url,
                                args: Object.fromEntries(url.searchParams),
                                headers: requestHeaders(req), protocol: protocolOf(req) });
  }
  if (p === '/headers') return sendJson(res, 200, { headers: requestHeaders(req) });
  if (p === '/ip') return sendJson(res, 200, { origin: req.socket.remoteAddress });
  if (p === '/post') return routePost(req, res, url);
  if (p === '/gzip') return routeEncoded(req, res, 'gzip', url);
  if (p === '/deflate') return routeEncoded(req, res, 'deflate', url);
  if ((m = /^\/bytes\/(\d+)$/.exec(p))) return routeBytes(req, res, Number(m[1]), url);
  if ((m = /^\/stream\/(\d+)$/.exec(p))) return routeStream(req, res, Number(m[1]), url);
  if ((m = /^\/status\/(\d+)$/.exec(p))) {
    const st = Number(m[1]);
    if (st <= 100 || st >= 600) return sendJson(res, 400, { error: 'bad status' });
    res.writeHead(st, { 'content-type': 'text/plain' });
    return res.end(st === 204 || st === 304 ? undefined : 'status ' + st + '\n');
  }
  if (p === '/trailers') return routeTrailers(req, res);
  if (p === '/push') return routePush(req, res);
  if ((m = /^\/pushed\/([a-z])$/.exec(p))) {
    const b = pushedBody(m[1]);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': b.length });
    return res.end(b);
  }
  if ((m = /^\/delay\/(\d+(?:\.\d+)?)$/.exec(p))) {
    const s = Math.min(30, Number(m[1]));
    const t = setTimeout(() => sendJson(res, 200, { delayed: s }), s * 1000);
    res.on('close', () => clearTimeout(t));
    return undefined;
  }
  if (p === '/goaway') return routeGoaway(req, res);
  if (p === '/drop') return routeDrop(req, res);
  if (p === '/') return routeHome(req, res);
  if ((m = /^\/redirect\/(\d+)$/.exec(p))) {
    const n = Math.min(20, Number(m[1]));
    return redirect(res, 302, n <= 1 ? '/get' : '/redirect/' + (n - 1));
  }
  if (p === '/redirect-to') {
    return redirect(res, Number(url.searchParams.get('status_code') || '302'),
                    url.searchParams.get('url') || '/get');
  }
  if (p === '/cookies') return sendJson(res, 200, { cookies: parseCookies(req.headers.cookie) });
  if (p === '/cookies/set') {
    const set = [];
    for (const [k, v] of url.searchParams) set.push(k + '=' + v + '; Path=/');
    return redirect(res, 302, '/cookies', { 'set-cookie': set });
  }
  return sendJson(res, 404, { error: 'not found', path: p });
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '127.0.0.1', () => resolve(server.address().port));
  });
}

function quiet(server) {
  server.on('sessionError', () => {});
  server.on('clientError', (err, sock) => { if (sock && sock.destroy) sock.destroy(); });
  server.on('tlsClientError', () => {});
  return server;
}

async function main() {
  const o = parseArgs(process.argv);
  const tlsOpts = () => ({ key: fs.readFileSync(o.key), cert: fs.readFileSync(o.cert) });
  const ports = { tls: 0, h2c: 0, h1tls: 0, h1: 0 };
  const h2settings = { maxConcurrentStreams: 1000 };
  if (o.tls !== undefined) {
    const s = quiet(http2.createSecureServer(Object.assign(tlsOpts(), { allowHTTP1: true,
                                                                  settings: h2settings }), handler));
    ports.tls = await listen(s, o.tls);
  }
  if (o.h2c !== undefined) {
    ports.h2c = await listen(quiet(http2.createServer({ settings: h2settings }, handler)), o.h2c);
  }
  if (o.h1tls !== undefined) {
    const s = quiet(https.createServer(Object.assign(tlsOpts(), { ALPNProtocols: ['http/1.1'] }),
                                      handler));
    s.keepAliveTimeout = 30000;
    ports.h1tls = await listen(s, o.h1tls);
  }
  if (o.h1 !== undefined) {
    const s = quiet(http.createServer(handler));
    s.keepAliveTimeout = 30000;
    ports.h1 = await listen(s, o.h1);
  }
  process.stdout.write(`READY tls=${ports.tls} h2c=${ports.h2c} h1tls=${ports.h1tls} h1=${ports.h1}\n`);
}

process.on('SIGTERM', () => process.exit(0));
process.on('uncaughtException', (e) => process.stderr.write('httpbin.js: ' + e.stack + '\n'));
process.on('SIGINT', () => process.exit(0));
main().catch((e) => { process.stderr.write('httpbin.js: ' + e.message + '\n'); process.exit(1); });
