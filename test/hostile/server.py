#!/usr/bin/python3
"""server.py -- the hostile server of test/hostile (issue 5).

Usage (run with /usr/bin/python3, which has Debian's python3-hyperframe and
python3-hpack):
    server.py SCENARIO [--port N] [--tls CERTDIR] [--deadline SECONDS]
    server.py --list

Listens on 127.0.0.1:N (N = 0: a free port), prints "READY <port>", serves
ONE connection with the scenario (HTTP/2 ones from scenarios_h2.py, h1_*
from scenarios_h1.py), keeps reading until the client closes, then prints
one line "RESULT <json>" (what the client sent: GOAWAY and RST_STREAM codes,
requests, counts; see peer_conn.Conn.report) and exits. With --tls it
speaks TLS with CERTDIR/server.crt and server.key (test/peers/make-certs.sh),
offering ALPN "h2" (or "http/1.1" for h1_* scenarios). Everything is
bounded by --deadline (default 30 s): the process exits by itself.
"""
import argparse
import json
import os
import socket
import ssl
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import scenarios_h1  # noqa: E402
import scenarios_h2  # noqa: E402
from peer_conn import Abort, Conn  # noqa: E402


def lookup(name):
    if name in scenarios_h2.SCENARIOS:
        return scenarios_h2.SCENARIOS[name], False
    if name in scenarios_h1.SCENARIOS:
        return scenarios_h1.SCENARIOS[name], True
    return None, False


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", metavar="CERTDIR")
    ap.add_argument("--deadline", type=float, default=30.0)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for n in sorted(list(scenarios_h2.SCENARIOS) + list(scenarios_h1.SCENARIOS)):
            out(n)
        return 0
    fn, h1 = lookup(a.scenario)
    if fn is None:
        sys.stderr.write("server.py: unknown scenario %r\n" % a.scenario)
        return 2
    deadline = time.monotonic() + a.deadline

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.scenario in scenarios_h2.SMALL_RCVBUF:
        # Set before accept so the advertised TCP window stays small.
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(4)
    out("READY %d" % ls.getsockname()[1])

    result = {"scenario": a.scenario, "tls": bool(a.tls), "accepted": False}
    ls.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        sock, _ = ls.accept()
    except socket.timeout:
        result["server_error"] = "no connection"
        out("RESULT " + json.dumps(result))
        return 1
    ls.close()  # one connection per scenario: a reconnect is refused
    result["accepted"] = True
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(a.tls, "server.crt"), os.path.join(a.tls, "server.key"))
        ctx.set_alpn_protocols(["http/1.1"] if h1 else ["h2"])
        sock.settimeout(5)
        try:
            sock = ctx.wrap_socket(sock, server_side=True)
            result["alpn"] = sock.selected_alpn_protocol()
        except (ssl.SSLError, OSError) as e:
            result["server_error"] = "handshake: %s" % e
            out("RESULT " + json.dumps(result))
            return 1
    c = Conn(sock, deadline, h1=h1)
    try:
        fn(c)
    except Abort as e:
        result["aborted"] = str(e)
    except Exception:
        result["server_error"] = traceback.format_exc()
    try:
        c.drain(max(0.0, deadline - time.monotonic()))
    except Exception:
        pass
    result.update(c.report())
    c.close(notify=False)
    out("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
