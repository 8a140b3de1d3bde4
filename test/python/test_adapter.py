"""
hyper.contrib.HTTP20Adapter mounted on a requests Session, against the
local httpbin.js: GET, POST (form, JSON, generator), a 64 MiB streaming
download, cookies, redirects (history), timeouts, TLS settings, pooling
and re-opening after GOAWAY or close.
"""
import hashlib

import pytest
import requests

from hyper.contrib import HTTP20Adapter
from conftest import needs_h1


@pytest.fixture
def session(server):
    s = requests.Session()
    s.verify = server.ca
    a = HTTP20Adapter()
    s.mount("https://localhost:%d" % server.tls, a)
    s.hyper_adapter = a
    s.base = "https://localhost:%d" % server.tls
    yield s
    s.close()


def test_get(session):
    r = session.get(session.base + "/get?a=1", headers={"X-Test": "v, w"})
    assert r.status_code == 200 and r.reason == "OK" and r.ok
    j = r.json()
    assert j["protocol"] == "h2" and j["args"] == {"a": "1"}
    assert j["headers"]["x-test"] == "v, w"
    assert j["headers"]["user-agent"].startswith("python-requests/")
    assert r.headers["Content-Type"] == "application/json"
    assert r.url == session.base + "/get?a=1"
    assert r.elapsed.total_seconds() > 0 and r.history == []
    assert r.raw.version == 20


def test_post_form_and_json_and_generator(session):
    r = session.post(session.base + "/post", data={"a": "1", "b": "x y&z"})
    assert r.text == "a=1&b=x+y%26z"
    assert r.headers["content-type"] == "application/x-www-form-urlencoded"
    r = session.post(session.base + "/post", json={"k": [1, "two", None]})
    assert r.json() == {"k": [1, "two", None]}
    assert r.headers["content-type"] == "application/json"
    chunks = [b"%05d" % i for i in range(2000)]
    r = session.post(session.base + "/post?digest=1", data=iter(chunks))
    assert r.json() == {"length": 10000, "sha256": hashlib.sha256(b"".join(chunks)).hexdigest()}


def test_streaming_download_64mib(session):
    n = 64 * 1024 * 1024
    r = session.get(session.base + "/bytes/%d" % n, stream=True)
    assert r.status_code == 200 and not r._content_consumed
    h, got = hashlib.sha256(), 0
    for chunk in r.iter_content(chunk_size=1 << 16):
        h.update(chunk)
        got += len(chunk)
    assert got == n and h.hexdigest() == r.headers["x-sha256"]


def test_gzip_is_decoded(session):
    r = session.get(session.base + "/gzip")
    assert r.json()["gzipped"] is True
    assert hashlib.sha256(r.content).hexdigest() == r.headers["x-decoded-sha256"]


def test_cookies(session):
    r = session.get(session.base + "/cookies/set?flavour=oat&n=2")
    assert r.status_code == 200 and r.url == session.base + "/cookies"
    assert [h.status_code for h in r.history] == [302]
    assert r.history[0].cookies.get_dict() == {"flavour": "oat", "n": "2"}
    assert session.cookies.get_dict() == {"flavour": "oat", "n": "2"}
    assert r.json()["cookies"] == {"flavour": "oat", "n": "2"}   # sent back
    r = session.get(session.base + "/cookies", cookies={"extra": "1"})
    assert r.json()["cookies"] == {"flavour": "oat", "n": "2", "extra": "1"}


def test_redirects(session):
    r = session.get(session.base + "/redirect/3")
    assert r.url == session.base + "/get" and r.json()["protocol"] == "h2"
    assert [h.status_code for h in r.history] == [302, 302, 302]
    assert r.history[0].url == session.base + "/redirect/3"
    r = session.get(session.base + "/redirect/2", allow_redirects=False)
    assert r.status_code == 302 and r.is_redirect
    assert r.headers["location"] == "/redirect/1"
    r = session.post(session.base + "/redirect-to?url=/get&status_code=307", data=b"x")
    assert r.json()["method"] == "POST"      # 307 keeps the method


def test_timeout(session):
    with pytest.raises(requests.exceptions.ReadTimeout) as e:
        session.get(session.base + "/delay/3", timeout=0.3)
    assert e.value.hyper_error.name == "HYPER_ETIMEOUT"
    r = session.get(session.base + "/delay/0.1", timeout=(2, 2))
    assert r.json() == {"delayed": 0.1}
    assert len(session.hyper_adapter.connections) == 1   # still pooled


def test_tls_errors_and_verify_false(server):
    s = requests.Session()
    s.mount("https://", HTTP20Adapter())
    url = "https://localhost:%d/get" % server.tls
    with pytest.raises(requests.exceptions.SSLError) as e:
        s.get(url)
    assert e.value.hyper_error.name == "HYPER_ETLS_UNTRUSTED"
    assert s.get(url, verify=False).json()["protocol"] == "h2"
    assert s.get(url, verify=server.certdir + "/ca.crt").status_code == 200


def test_connection_error(session):
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    s = requests.Session()
    s.mount("https://", HTTP20Adapter())
    with pytest.raises(requests.exceptions.ConnectionError):
        s.get("https://127.0.0.1:%d/" % port, timeout=2)


def test_pooled_and_reopened_after_goaway_and_close(session):
    a = session.hyper_adapter
    for _ in range(3):
        assert session.get(session.base + "/get").status_code == 200
    assert len(a.connections) == 1
    conn = next(iter(a.connections.values()))
    assert session.get(session.base + "/goaway").text == "goaway\n"
    assert session.get(session.base + "/get").json()["protocol"] == "h2"
    conn.close()
    assert session.get(session.base + "/get").status_code == 200
    assert next(iter(a.connections.values())) is conn and len(a.connections) == 1


@needs_h1
def test_http11_origin_through_the_adapter(server):
    s = requests.Session()
    s.mount("https://", HTTP20Adapter())
    r = s.get("https://localhost:%d/get" % server.h1tls, verify=server.ca)
    assert r.json()["protocol"] == "http/1.1" and r.raw.version == 11
    assert r.reason == "OK"


def test_cert_tuple_is_mapped(server):
    d = server.certdir
    s = requests.Session()
    s.mount("https://", HTTP20Adapter())
    url = "https://localhost:%d/get" % server.tls
    ok = (d + "/client.crt", d + "/client-plain.key")
    assert s.get(url, verify=server.ca, cert=ok).status_code == 200
    with pytest.raises(requests.exceptions.SSLError) as e:
        s.get(url, verify=server.ca, cert=(d + "/client.crt", d + "/nope.key"))
    assert e.value.hyper_error.name == "HYPER_ETLS_CLIENT_CERT"
