// Test server for test/h1/test_wire_node.c: node's built-in http and net
// modules only. Usage: node test/h1/server.js PORT
// Listens on 127.0.0.1:PORT (HTTP/1.1) and on a free port for a raw
// server that answers with a close-delimited body, then prints
// "READY <raw-port>" on stdout. Routes:
//   /n/<i>     "hello <i>" with Content-Length; X-Conn names the connection
//   /chunked   chunked body with trailers X-Body-Len and X-Crc32
//   /gzip      gzip body (Content-Encoding: gzip), X-Raw-Len and X-Raw-Crc32
//              describe the compressed bytes as sent
//   /gzip-chunked  2000 lines "row <i> <i*i mod 9973>" gzipped by a zlib
//              stream, sent chunked in the 512-octet pieces it yields
//   /deflate, /deflate-raw  Content-Encoding: deflate, zlib-wrapped (RFC 1950)
//              and raw (RFC 1951) as some servers send it
//   /early     103 Early Hints (a Link list of two, X-Hint), then 200
//   /upload    (PUT, Expect: 100-continue) node answers 100 Continue by
//              itself; the reply is "<length> <crc32>" of the body received
//   /204, /304 empty responses with those statuses
'use strict';
const http = require('http');
const net = require('net');
const zlib = require('zlib');

const port = Number(process.argv[2]);
const GZIP_TEXT = 'gzip test line\n'.repeat(200);
let connections = 0;

function chunked(res) {
  const pieces = ['first piece;', 'second, longer piece;', 'x'.repeat(3000), 'end'];
  const body = pieces.join('');
  res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'X-Body-Len, X-Crc32' });
  for (const p of pieces) res.write(p);
  res.addTrailers({ 'X-Body-Len': String(Buffer.byteLength(body)),
                    'X-Crc32': String(zlib.crc32(body)) });
  res.end();
}

function gzip(res) {
  const raw = zlib.gzipSync(Buffer.from(GZIP_TEXT));
  res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': raw.length,
                       'X-Raw-Len': String(raw.length), 'X-Raw-Crc32': String(zlib.crc32(raw)) });
  res.end(raw);
}

function gzipChunked(res) {
  res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' });
  const z = zlib.createGzip({ chunkSize: 512 });
  z.on('data', (d) => res.write(d));
  z.on('end', () => res.end());
  for (let i = 0; i < 2000; i++) z.write(`row ${i} ${(i * i) % 9973}\n`);
  z.end();
}

function deflate(res, raw) {
  const body = raw ? zlib.deflateRawSync(Buffer.from(GZIP_TEXT))
                   : zlib.deflateSync(Buffer.from(GZIP_TEXT));
  res.writeHead(200, { 'Content-Encoding': 'deflate', 'Content-Length': body.length });
  res.end(body);
}

function upload(req, res) {
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    const body = Buffer.concat(parts);
    const reply = body.length + ' ' + zlib.crc32(body);
    res.writeHead(200, { 'Content-Length': reply.length });
    res.end(reply);
  });
}

const routes = {
  '/chunked': (req, res) => chunked(res),
  '/gzip': (req, res) => gzip(res),
  '/gzip-chunked': (req, res) => gzipChunked(res),
  '/deflate': (req, res) => deflate(res, false),
  '/deflate-raw': (req, res) => deflate(res, true),
  '/upload': upload,
  '/early': (req, res) => {
    res.writeEarlyHints({ link: ['</style.css>; rel=preload; as=style',
                                 '</app.js>; rel=preload; as=script'],
                          'x-hint': 'early' });
    res.writeHead(200, { 'Content-Length': 10 });
    res.end('early body');
  },
};

const server = http.createServer((req, res) => {
  const m = /^\/n\/(\d+)$/.exec(req.url);
  if (m) {
    const body = 'hello ' + m[1];
    res.writeHead(200, { 'Content-Length': Buffer.byteLength(body), 'X-Conn': req.socket.connId });
    res.end(req.method === 'HEAD' ? undefined : body);
  } else if (routes[req.url]) {
    routes[req.url](req, res);
  } else if (req.url === '/204') {
    res.writeHead(204, { 'X-Empty': 'yes' });
    res.end();
  } else if (req.url === '/304') {
    res.writeHead(304, { ETag: '"v1"' });
    res.end();
  } else {
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  }
});
server.on('connection', (sock) => { sock.connId = String(++connections); });
server.keepAliveTimeout = 30000;

// A server that frames nothing: the body ends when the connection closes.
const raw = net.createServer((sock) => {
  let seen = '';
  sock.on('data', (d) => {
    seen += d.toString('latin1');
    if (seen.includes('\r\n\r\n')) {
      sock.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n' +
               'close-delimited body\n'.repeat(50));
      seen = '';
    }
  });
  sock.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => {
  raw.listen(0, '127.0.0.1', () => {
    process.stdout.write('READY ' + raw.address().port + '\n');
  });
});
process.on('SIGTERM', () => process.exit(0));
