#!/usr/bin/python3
"""
python_adapter_bench.py -- requests/s through hyper's requests adapter
(hyper.contrib.HTTP20Adapter, HTTP/2 over TLS) against plain requests
(urllib3, HTTP/1.1 keep-alive over TLS), same local server (test/peers/
httpbin.js, started here on free ports, stopped by pid), same session
pattern: sequential GET /get, each body read and JSON-decoded.

Also shown for reference: the adapter to the HTTP/1.1-only port, and
hyper's own HTTPConnection with 10 requests in flight on one HTTP/2
connection (what the adapter cannot do: requests is one-at-a-time).

Usage: /usr/bin/python3 bench/python_adapter_bench.py [SECONDS_PER_CASE]
       (default 2; HYPER_LIBRARY as for the package; run from the repo root
       or anywhere: paths are found from this file)
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "python"))
sys.path.insert(0, os.path.join(ROOT, "python"))
for k in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(k, None)

import peers  # noqa: E402
import requests  # noqa: E402
import hyper  # noqa: E402
from hyper.contrib import HTTP20Adapter  # noqa: E402


def rate(fn, seconds):
    fn()  # warm up: connection, TLS handshake
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        n += fn()
    return n / (time.perf_counter() - t0)


def session_case(url, ca, adapter):
    s = requests.Session()
    if adapter:
        s.mount("https://", HTTP20Adapter())

    def one():
        r = s.get(url, verify=ca)
        r.json()
        return 1
    return one, s


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    certs = peers.make_certs()
    srv = peers.Httpbin(certs)
    try:
        tls = "https://localhost:%d/get" % srv.tls
        h1 = "https://localhost:%d/get" % srv.h1tls
        cases = []
        one, s = session_case(tls, srv.ca, True)
        cases.append(("requests + HTTP20Adapter (hyper, h2)", rate(one, seconds)))
        proto = s.get(tls, verify=srv.ca).json()["protocol"]
        one, s2 = session_case(tls, srv.ca, False)
        cases.append(("plain requests (urllib3, http/1.1)", rate(one, seconds)))
        proto2 = s2.get(tls, verify=srv.ca).json()["protocol"]
        one, _ = session_case(h1, srv.ca, True)
        cases.append(("requests + HTTP20Adapter to an http/1.1-only port", rate(one, seconds)))
        c = hyper.HTTPConnection("localhost", srv.tls, secure=True, ca_file=srv.ca)

        def ten():
            ids = [c.request("GET", "/get") for _ in range(10)]
            for i in ids:
                c.get_response(i).read()
            return 10
        cases.append(("hyper.HTTPConnection, 10 in flight (h2)", rate(ten, seconds)))
        assert proto == "h2" and proto2 == "http/1.1", (proto, proto2)
        print("python adapter bench: sequential GET /get over TLS on 127.0.0.1, "
              "%.1f s per case" % seconds)
        for name, r in cases:
            print("  %-52s %8.0f req/s" % (name, r))
        print("  adapter / plain requests: %.2fx" % (cases[0][1] / cases[1][1]))
    finally:
        srv.stop()
        peers.remove_certs(certs)


if __name__ == "__main__":
    main()
