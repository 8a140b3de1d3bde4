// tls_server.js — TLS test servers for test/tls/test_tls.c, on node's
// built-in `tls` module (no npm packages). One process serves several
// servers, each on its own free port of 127.0.0.1 (or ::1).
//
// Usage: node tls_server.js CERTDIR SPEC...
//   SPEC = name:cert[:option...]   cert is a base name in CERTDIR (server,
//   wrong, expired, ...: see test/peers/make-certs.sh); options:
//     alpn=a+b     ALPN protocols in the server's order of preference
//                  (default none: the server ignores ALPN)
//     mtls         require a client certificate signed by client-ca.crt
//     tls11        offer TLS 1.0/1.1 only (a client asking for 1.2 fails)
//     key=base     key file base name (default: the cert's)
//     v6           listen on ::1 instead of 127.0.0.1
//     bye          say the first line, then end the connection
// Prints "NAME PORT" per server, then "ready", on stdout. Each accepted
// connection first gets one line "alpn=<protocol|none> client=<CN|->\n",
// then everything it sends is echoed back (option bye: the server ends the
// connection with close_notify right after that line instead). Stops on
// SIGTERM, or by itself when its parent (the test) is gone.
'use strict';
const tls = require('tls');
const fs = require('fs');
const path = require('path');

const [dir, ...specs] = process.argv.slice(2);
const read = (f) => fs.readFileSync(path.join(dir, f));
const servers = [];

function start(spec) {
  const [name, cert, ...opts] = spec.split(':');
  const o = { cert: read(cert + '.crt'), key: read(cert + '.key') };
  let host = '127.0.0.1';
  for (const opt of opts) {
    if (opt.startsWith('alpn=')) o.ALPNProtocols = opt.slice(5).split('+');
    else if (opt.startsWith('key=')) o.key = read(opt.slice(4) + '.key');
    else if (opt === 'bye') o.bye = true;
    else if (opt === 'mtls') {
      o.requestCert = true;
      o.rejectUnauthorized = true;
      o.ca = read('client-ca.crt');
    } else if (opt === 'tls11') {
      o.minVersion = 'TLSv1';
      o.maxVersion = 'TLSv1.1';
      o.ciphers = 'DEFAULT@SECLEVEL=0';
    } else if (opt === 'v6') host = '::1';
    else throw new Error('unknown option ' + opt);
  }
  const srv = tls.createServer(o, (sock) => {
    const peer = sock.getPeerCertificate();
    const cn = peer && peer.subject ? peer.subject.CN : '-';
    const hello = `alpn=${sock.alpnProtocol || 'none'} client=${cn}\n`;
    if (o.bye) return sock.end(hello);
    sock.write(hello);
    sock.on('data', (d) => sock.write(d));
    sock.on('error', () => {});
  });
  srv.on('tlsClientError', () => {});
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, () => {
      servers.push(srv);
      resolve(`${name} ${srv.address().port}`);
    });
  });
}

Promise.all(specs.map(start)).then((lines) => {
  process.stdout.write(lines.join('\n') + '\nready\n');
}, (err) => {
  process.stdout.write(`error ${err.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500);
