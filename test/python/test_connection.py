"""
hyper.HTTPConnection and friends against the local httpbin.js: HTTP/2
multiplexing read out of order, the HTTP/1.1 fallback, forced protocols,
content decoding, trailers, push, ping, streamed uploads, errors as
exceptions carrying the C error, context managers, and the ctypes mirror
of the C structures.
"""
import ctypes
import gzip
import hashlib
import io
import json
import threading

import pytest

import hyper
from hyper import _lib
from conftest import needs_h1, needs_push


def sha(b):
    return hashlib.sha256(b).hexdigest()


# -- the ctypes mirror ----------------------------------------------------
def test_abi_table_matches_every_mirrored_member():
    assert _lib.abi_mismatches(_lib.lib) == []
    count = ctypes.c_size_t()
    _lib.lib.hyper_abi_members(ctypes.byref(count))
    members = sum(len(m._fields_) for m in _lib.MIRRORS.values())
    assert count.value == members + len(_lib.MIRRORS)   # + one sizeof row each


def test_abi_check_catches_a_wrong_mirror(monkeypatch):
    class Swapped(ctypes.Structure):  # two members in the wrong order
        _fields_ = [("max_headers", ctypes.c_size_t), ("max_line", ctypes.c_size_t),
                    ("max_head", ctypes.c_size_t), ("max_output", ctypes.c_size_t),
                    ("max_pipeline", ctypes.c_uint), ("strict_crlf", ctypes.c_int)]

    class Short(ctypes.Structure):  # members missing, so the size is wrong too
        _fields_ = [(n, t) for n, t in _lib.H1Options._fields_[:-2]]
    monkeypatch.setitem(_lib.MIRRORS, "hyper_h1_options", Swapped)
    bad = _lib.abi_mismatches(_lib.lib)
    assert any("hyper_h1_options.max_line" in b for b in bad)
    monkeypatch.setitem(_lib.MIRRORS, "hyper_h1_options", Short)
    bad = _lib.abi_mismatches(_lib.lib)
    assert any(b.startswith("sizeof hyper_h1_options") for b in bad)
    assert any("strict_crlf: missing" in b for b in bad)


def test_defaults_read_back_through_the_mirror():
    o = _lib.ConnOpts()
    _lib.lib.hyper_conn_opts_init(ctypes.byref(o))
    assert (o.secure, o.protocol, o.decompress, o.retry_on_goaway) == (-1, 0, 1, 1)
    assert (o.connect_timeout_ms, o.read_timeout_ms, o.request_timeout_ms) == (10000, 30000, -1)
    assert o.max_buffered == 16 << 20
    assert o.transport.tls == 1 and o.transport.insecure_skip_verify == 0
    assert o.h2.max_frame_size == 16384 and o.h2.connection_window_size == 2 ** 31 - 1
    assert o.h1.max_line == 8192 and o.h1.max_headers == 100


# -- HTTP/2 ----------------------------------------------------------------
def test_three_multiplexed_read_out_of_order(h2conn):
    ids = [h2conn.request("GET", "/bytes/%d?seed=%d" % (n, n)) for n in (300000, 70000, 5)]
    assert ids == [1, 3, 5]
    bodies = {}
    for i in (5, 1, 3):
        r = h2conn.get_response(i)
        assert r.stream_id == i and r.status == 200
        bodies[i] = r.read()
        assert sha(bodies[i]) == r.headers["x-sha256"][0].decode()
    assert [len(bodies[i]) for i in ids] == [300000, 70000, 5]


def test_headers_sent_exactly_never_split(h2conn):
    ua = "Mozilla/5.0 (X11; Linux x86_64, rv:1) hyper, test"
    accept = "text/html, application/json;q=0.9, */*;q=0.1"
    h2conn.request("GET", "/headers", headers={"User-Agent": ua, "Accept": accept,
                                                 "x-multi": ["one", "two, three"]})
    got = json.loads(h2conn.get_response().read())["headers"]
    assert got["user-agent"] == ua and got["accept"] == accept
    assert got["x-multi"] == "one, two, three"   # two fields, joined by node


def test_response_headers_map(h2conn):
    h2conn.request("GET", "/get")
    r = h2conn.get_response()
    assert r.headers[b"Content-Type"] == [b"application/json"]
    assert "CONTENT-TYPE" in r.headers and "x-nope" not in r.headers
    assert r.reason == "" and r.version == hyper.HTTPVersion.http20
    assert r.headers.get("x-nope") is None
    r.close()


def test_gzip_and_deflate_decoded(h2conn):
    for name, key in (("gzip", "gzipped"), ("deflate", "deflated")):
        h2conn.request("GET", "/" + name)
        r = h2conn.get_response()
        body = r.read()
        assert r.headers["content-encoding"] == [name.encode()]
        assert len(body) == int(r.headers["x-decoded-length"][0])
        assert sha(body) == r.headers["x-decoded-sha256"][0].decode()
        assert json.loads(body)[key] is True


def test_decode_content_false_gives_the_coded_body(h2conn):
    h2conn.request("GET", "/gzip")
    r = h2conn.get_response()
    raw = r.read(decode_content=False)
    assert raw[:2] == b"\x1f\x8b"
    assert sha(gzip.decompress(raw)) == r.headers["x-decoded-sha256"][0].decode()


def test_read_amt_and_read_chunked(h2conn):
    n = 200003
    h2conn.request("GET", "/bytes/%d" % n)
    r = h2conn.get_response()
    parts = []
    while True:
        p = r.read(7000)
        if not p:
            break
        assert len(p) == 7000 or len(p) == n % 7000
        parts.append(p)
    assert sha(b"".join(parts)) == r.headers["x-sha256"][0].decode()
    h2conn.request("GET", "/bytes/%d" % n)
    r = h2conn.get_response()
    chunks = list(r.read_chunked())
    assert len(chunks) > 1 and all(len(c) <= 16384 for c in chunks)
    assert sha(b"".join(chunks)) == r.headers["x-sha256"][0].decode()
    assert r.read() == b""


def test_trailers(h2conn):
    h2conn.request("GET", "/trailers")
    r = h2conn.get_response()
    t = r.trailers          # reads the body first
    assert t["x-trailer-one"] == [b"1"]
    assert r.read() == b"trailers follow\n"
    assert t["x-body-sha256"] == [sha(b"trailers follow\n").encode()]


def test_streamed_uploads(h2conn):
    pieces = [bytes([i]) * 50000 for i in range(10)]
    h2conn.request("POST", "/post?digest=1", body=iter(pieces))
    got = json.loads(h2conn.get_response().read())
    assert got == {"length": 500000, "sha256": sha(b"".join(pieces))}
    data = b"x" * 300001
    h2conn.request("PUT", "/post?digest=1", body=io.BytesIO(data),
                   headers={"content-length": str(len(data))})
    assert json.loads(h2conn.get_response().read())["sha256"] == sha(data)


def test_ping(h2conn):
    rtt = h2conn.ping()
    assert isinstance(rtt, float) and 0 < rtt < 5


@needs_push
def test_push(server):
    c = hyper.HTTPConnection("localhost", server.tls, secure=True, ca_file=server.ca,
                             enable_push=True)
    sid = c.request("GET", "/push")
    pushes = c.get_pushes(capture_all=True)
    assert sorted(p.path for p in pushes) == [b"/pushed/a", b"/pushed/b"]
    for p in pushes:
        assert p.method == b"GET" and p.parent_stream_id == sid
        assert p.promised_stream_id % 2 == 0
        assert p.request_headers["x-push-name"] == [p.path[-1:]]
        r = p.get_response()
        assert r.read() == b"pushed " + p.path[-1:] + b"\n"
    assert c.get_response(sid).read() == b"pushed 2\n"
    assert c.get_pushes(sid) == []      # each promise is returned once
    # Cancelling one: the other still arrives.
    sid = c.request("GET", "/push")
    first, second = c.get_pushes(capture_all=True)
    first.cancel()
    assert second.get_response().read().startswith(b"pushed ")
    with pytest.raises(hyper.HyperError) as e:
        first.get_response()
    assert e.value.name == "HYPER_ENOTFOUND"
    c._free()


def test_push_disabled_by_default(h2conn):
    sid = h2conn.request("GET", "/push")
    assert h2conn.get_pushes(capture_all=True) == []
    assert h2conn.get_response(sid).read() == b"pushed 0\n"


def test_http20connection_prior_knowledge_cleartext(server):
    c = hyper.HTTP20Connection("localhost:%d" % server.h2c)
    assert c.secure is False
    assert c.request("GET", "/get") == 1
    assert json.loads(c.get_response(1).read())["protocol"] == "h2"


# -- HTTP/1.1 ----------------------------------------------------------------
@needs_h1
def test_fallback_to_http11(server):
    c = hyper.HTTPConnection("localhost", server.h1tls, secure=True, ca_file=server.ca)
    ids = [c.request("GET", "/get?n=%d" % i) for i in range(3)]
    assert ids == [None, None, None] and c.protocol == "http/1.1"
    for i in range(3):
        r = c.get_response()
        assert r.stream_id is None and r.reason == "OK"
        assert r.version == hyper.HTTPVersion.http11
        got = json.loads(r.read())
        assert got["args"] == {"n": str(i)} and got["protocol"] == "http/1.1"
    with pytest.raises(hyper.NotSupportedError) as e:
        c.ping()
    assert e.value.name == "HYPER_ECONN_UNSUPPORTED"


@needs_h1
def test_http11connection_on_an_h2_port(server):
    c = hyper.HTTP11Connection("localhost", server.tls, secure=True, ca_file=server.ca)
    assert c.request("GET", "/gzip") is None
    r = c.get_response()
    assert json.loads(r.read())["gzipped"] is True
    assert c.protocol == "http/1.1"


@needs_h1
def test_http11_streamed_upload_is_chunked(server):
    c = hyper.HTTPConnection("localhost:%d" % server.h1)
    data = [b"abc" * 1000] * 7
    assert c.request("POST", "/post?digest=1", body=(d for d in data)) is None
    assert json.loads(c.get_response().read())["sha256"] == sha(b"".join(data))


def test_http20connection_refuses_http11_only_server(server):
    c = hyper.HTTP20Connection("localhost", server.h1tls, secure=True, ca_file=server.ca)
    with pytest.raises(hyper.HyperError) as e:
        c.request("GET", "/get")
    # node's HTTP/1.1-only server answers the h2-only ALPN offer with an
    # alert; a server ignoring ALPN would give HYPER_ECONN_NO_H2 instead.
    assert e.value.name in ("HYPER_ETLS_ALPN", "HYPER_ECONN_NO_H2")
    assert e.value.code in (-166, -183)


# -- errors ------------------------------------------------------------------
def test_untrusted_certificate(server):
    c = hyper.HTTPConnection("localhost", server.tls, secure=True)
    with pytest.raises(hyper.TLSError) as e:
        c.request("GET", "/")
    assert e.value.name == "HYPER_ETLS_UNTRUSTED" and e.value.code == -161
    assert e.value.message and "localhost" in e.value.detail


def test_verify_false_accepts_it(server):
    c = hyper.HTTPConnection("localhost", server.tls, secure=True, verify=False)
    c.request("GET", "/get")
    assert c.get_response().status == 200


def test_connection_refused(server):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()   # nothing listens there now
    c = hyper.HTTPConnection("127.0.0.1", port, secure=False)
    with pytest.raises(hyper.HyperConnectionError) as e:
        c.connect()
    assert e.value.name == "HYPER_ECONNECT"
    assert isinstance(e.value, ConnectionError)


def test_read_timeout(server):
    c = hyper.HTTPConnection("localhost", server.tls, secure=True, ca_file=server.ca,
                             timeout=0.3)
    c.request("GET", "/delay/3")
    with pytest.raises(hyper.HyperTimeoutError) as e:
        c.get_response()
    assert e.value.name == "HYPER_ETIMEOUT"
    c._free()


def test_unknown_stream_and_bad_arguments(h2conn):
    h2conn.connect()
    with pytest.raises(hyper.HyperError) as e:
        h2conn.get_response(99)
    assert e.value.name == "HYPER_ENOTFOUND"
    with pytest.raises(TypeError):
        h2conn.request("GET", "/get", headers={"x": object()})
    with pytest.raises(ValueError):
        hyper.HTTPConnection("localhost", ssl_context=object())


def test_stream_reset_by_server_is_an_error(h2conn):
    h2conn.request("GET", "/drop")
    r = h2conn.get_response()
    with pytest.raises(hyper.HyperError) as e:
        r.read()
    assert e.value.code < 0 and e.value.name.startswith("HYPER_E")


# -- lifetime ----------------------------------------------------------------
def test_context_managers_and_reopen(server):
    with hyper.HTTPConnection("localhost", server.tls, secure=True, ca_file=server.ca) as c:
        assert c.request("GET", "/get") == 1
        with c.get_response() as r:
            assert r.status == 200
        assert r.closed
        with pytest.raises(ValueError):
            r.read()
    assert c.protocol is None           # closed by the with block
    assert c.request("GET", "/get") > 1   # opens again; ids keep growing
    assert c.get_response().status == 200
    c._free()


def test_threads_share_one_connection(h2conn):
    errors, results = [], []

    def work(seed):
        try:
            for _ in range(5):
                sid = h2conn.request("GET", "/bytes/20000?seed=%d" % seed)
                r = h2conn.get_response(sid)
                results.append(sha(r.read()) == r.headers["x-sha256"][0].decode())
        except Exception as e:  # reported below
            errors.append(e)
    ts = [threading.Thread(target=work, args=(i + 1,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert errors == [] and results == [True] * 20


def test_client_certificate_options_reach_the_library(server):
    d = server.certdir
    c = hyper.HTTPConnection("localhost", server.tls, secure=True, ca_file=server.ca,
                             cert=(d + "/client.crt", d + "/client.key"),
                             cert_password=open(d + "/client.pass").read())
    c.request("GET", "/get")   # the server does not ask for it, but it loads
    assert c.get_response().status == 200
    bad = hyper.HTTPConnection("localhost", server.tls, secure=True, ca_file=server.ca,
                               cert=(d + "/client.crt", d + "/client.key"),
                               cert_password="wrong")
    with pytest.raises(hyper.TLSError) as e:
        bad.connect()
    assert e.value.name == "HYPER_ETLS_CLIENT_CERT"
