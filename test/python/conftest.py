"""
conftest.py -- fixtures of the Python binding tests (run with Debian's
/usr/bin/python3 -m pytest test/python from the repository root; `make test`
runs them through test/python/test_python.c).

The library under test is $HYPER_LIBRARY, else build/libhyper.so. The CA
environment variables of the machine (REQUESTS_CA_BUNDLE, SSL_CERT_FILE,
...) are cleared for every test so that only what a test sets is trusted.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

sys.path.insert(0, os.path.join(peers.ROOT, "python"))
if not os.environ.get("HYPER_LIBRARY"):
    os.environ["HYPER_LIBRARY"] = os.path.join(peers.ROOT, "build", "libhyper.so")
# Absolute, for the subprocesses (HTTPie) that run elsewhere.
os.environ["HYPER_LIBRARY"] = os.path.abspath(os.environ["HYPER_LIBRARY"])

# Under `make asan` the ASan runtime was preloaded into this python3 by
# test_python.c; the servers and tools started from here must not get it
# (HYPER_TEST_PRELOAD keeps it for the subprocesses that load libhyper).
os.environ.pop("LD_PRELOAD", None)
PRELOAD = os.environ.get("HYPER_TEST_PRELOAD")

# Profile switches of the library build (set by test_python.c from the
# compile-time configuration, include/hyper_config.h).
NO_H1 = bool(os.environ.get("HYPER_TEST_NO_H1"))
NO_PUSH = bool(os.environ.get("HYPER_TEST_NO_PUSH"))
needs_h1 = pytest.mark.skipif(NO_H1, reason="library built without HTTP/1.1")
needs_push = pytest.mark.skipif(NO_PUSH, reason="library built without server push")

CA_ENV = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")


@pytest.fixture(scope="session")
def certs():
    d = peers.make_certs()
    yield d
    peers.remove_certs(d)


@pytest.fixture(scope="session")
def server(certs):
    s = peers.Httpbin(certs)
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for k in CA_ENV:
        monkeypatch.delenv(k, raising=False)
    import hyper.tls
    monkeypatch.setattr(hyper.tls, "cert_loc", None)
    monkeypatch.setattr(hyper.tls, "SECURE_PORTS", {443})


@pytest.fixture
def ca(server):
    return server.ca


@pytest.fixture
def h2conn(server):
    import hyper
    c = hyper.HTTPConnection("localhost", server.tls, secure=True, ca_file=server.ca)
    yield c
    c._free()
