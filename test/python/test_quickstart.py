"""
The seed's quickstart (../shared/seed/quickstart.txt), every `>>>` line run
as written in one interpreter namespace, with only the host changed from
http2bin.org to the local server. Setup outside the seed's lines: the test
CA is trusted the documented ways (hyper.tls.cert_loc, Python hyper's
module attribute; REQUESTS_CA_BUNDLE for requests) and the server's TLS
port is declared secure in hyper.tls.SECURE_PORTS (Python hyper used TLS on
443 only, which a test server cannot bind).
"""
import contextlib
import io
import json
import os

import pytest

import hyper
import hyper.tls
from conftest import needs_h1

SEED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "seed",
                    "quickstart.txt")

# The seed's interactive lines, in its three sessions (a copy, checked
# against the seed itself when it is present).
SESSIONS = [
    ["from hyper import HTTPConnection",
     "c = HTTPConnection('http2bin.org')",
     "c.request('GET', '/')",
     "resp = c.get_response()",
     "resp.headers['content-type']",
     "resp.headers",
     "resp.status",
     "body = resp.read()"],
    ["from hyper import HTTPConnection",
     "c = HTTPConnection('http2bin.org')",
     "first = c.request('GET', '/get', headers={'key': 'value'})",
     "second = c.request('POST', '/post', body=b'hello')",
     "third = c.request('GET', '/ip')",
     "second_response = c.get_response(second)",
     "first_response = c.get_response(first)",
     "third_response = c.get_response(third)"],
    ["import requests",
     "from hyper.contrib import HTTP20Adapter",
     "s = requests.Session()",
     "s.mount('https://http2bin.org', HTTP20Adapter())",
     "r = s.get('https://http2bin.org/get')",
     "print(r.status_code)"],
]


def run_session(lines, host):
    """Runs each line as the interactive interpreter does ('single' mode:
    expression values are displayed). Returns the namespace and, per line,
    what it displayed or printed."""
    ns, shown = {}, []
    for line in lines:
        line = line.replace("http2bin.org", host)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(line, "<quickstart>", "single"), ns)
        shown.append(out.getvalue())
    return ns, shown


def test_copy_matches_seed():
    if not os.path.exists(SEED):
        pytest.skip("seed not present at %s" % SEED)
    with open(SEED, encoding="utf-8") as f:
        lines = [ln[4:].rstrip("\n") for ln in f if ln.startswith(">>> ")]
    assert lines == [ln for s in SESSIONS for ln in s]


@pytest.fixture
def tls_host(server, monkeypatch):
    monkeypatch.setattr(hyper.tls, "cert_loc", server.ca)
    monkeypatch.setattr(hyper.tls, "SECURE_PORTS", {443, server.tls, server.h1tls})
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca)
    return "localhost:%d" % server.tls


def check_first_session(ns, shown):
    assert shown[4] == "[b'text/html; charset=utf-8']\n"
    assert shown[5].startswith("HTTPHeaderMap([(b'content-type', b'text/html; charset=utf-8')")
    assert shown[6] == "200\n"
    assert ns["body"].startswith(b"<!DOCTYPE html>\n")
    assert ns["resp"].headers["content-type"] == [b"text/html; charset=utf-8"]


def test_first_request_h2(tls_host):
    ns, shown = run_session(SESSIONS[0], tls_host)
    assert shown[2] == "1\n"          # HTTP/2: the stream id is displayed
    assert ns["c"].protocol == "h2"
    check_first_session(ns, shown)


@needs_h1
def test_first_request_fallback_h1_tls(server, tls_host):
    ns, shown = run_session(SESSIONS[0], "localhost:%d" % server.h1tls)
    assert shown[2] == ""             # HTTP/1.1: request() returned None
    assert ns["c"].protocol == "http/1.1"
    check_first_session(ns, shown)


@needs_h1
def test_first_request_cleartext_no_setup(server):
    # Without any setup: a port other than 443 is cleartext, as in Python
    # hyper, and the server speaks HTTP/1.1 there.
    ns, shown = run_session(SESSIONS[0], "localhost:%d" % server.h1)
    # The first cleartext request carries the h2c upgrade offer (when the
    # library has it), so it gets id 1 in case the server switches; this
    # one does not, and the response comes in HTTP/1.1.
    assert shown[2] in ("", "1\n")
    assert ns["c"].secure is False and ns["c"].protocol == "http/1.1"
    assert ns["c"].request("GET", "/get") is None
    check_first_session(ns, shown)


def test_multiplexed(tls_host):
    ns, shown = run_session(SESSIONS[1], tls_host)
    assert (ns["first"], ns["second"], ns["third"]) == (1, 3, 5)
    assert ns["second_response"].read() == b"hello"
    got = json.loads(ns["first_response"].read())
    assert got["url"] == "/get" and got["headers"]["key"] == "value"
    assert got["protocol"] == "h2"
    assert json.loads(ns["third_response"].read())["origin"] == "127.0.0.1"
    assert [r.stream_id for r in (ns["first_response"], ns["second_response"],
                                  ns["third_response"])] == [1, 3, 5]


def test_requests_integration(tls_host):
    ns, shown = run_session(SESSIONS[2], tls_host)
    assert shown[-1] == "200\n"
    assert ns["r"].json()["protocol"] == "h2"
    assert isinstance(ns["s"].get_adapter("https://%s/" % tls_host),
                      ns["HTTP20Adapter"])
