"""
hyper.contrib -- HTTP20Adapter, a requests transport adapter on hyper.

    >>> import requests
    >>> from hyper.contrib import HTTP20Adapter
    >>> s = requests.Session()
    >>> s.mount('https://example.org', HTTP20Adapter())
    >>> r = s.get('https://example.org/get')

Implementation notes: one hyper connection per origin (scheme, host, port)
and TLS settings (verify, cert), pooled and reused by every request; the C
connection opens a new network connection by itself after a GOAWAY or a
close, and a connection that failed is dropped from the pool. requests'
arguments map onto ours: verify (True: $REQUESTS_CA_BUNDLE as requests
resolves it, else the system bundle; a file or folder of CAs; False:
no verification), cert (file, or (cert, key), or (cert, key, password) as
HTTPie gives), timeout (seconds or (connect, read): our connect and idle
read timeouts), stream (the body stays in the C library until read through
Response.raw). The Response is built as requests' own HTTPAdapter builds
it, so cookies, redirects (history), elapsed, encoding and iter_content
behave the same. Proxies are not supported and are ignored.
"""
import http.client
import os
import threading
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from ..connection import HTTPConnection
from ..errors import (HyperError, HyperTimeoutError, TLSError, HyperConnectionError,
                      ContentDecodingError)

_DECODABLE = {"gzip", "deflate", "identity"}


def _timeouts(timeout):
    if timeout is None:
        return None, None
    if isinstance(timeout, tuple):
        return timeout
    if hasattr(timeout, "connect_timeout"):  # urllib3 Timeout
        return timeout.connect_timeout, timeout.read_timeout
    return timeout, timeout


def _map_error(e, request, connecting):
    """requests' exception for one of ours."""
    if isinstance(e, HyperTimeoutError):
        cls = requests.exceptions.ConnectTimeout if connecting else \
            requests.exceptions.ReadTimeout
    elif isinstance(e, TLSError):
        cls = requests.exceptions.SSLError
    elif isinstance(e, ContentDecodingError):
        cls = requests.exceptions.ContentDecodingError
    else:
        cls = requests.exceptions.ConnectionError
    err = cls(e, request=request)
    err.hyper_error = e
    return err


class _Original:
    """What requests and HTTPie read from raw._original_response: the
    header message (cookies), the HTTP version, status and reason."""

    def __init__(self, resp, pairs):
        self.msg = http.client.HTTPMessage()
        for n, v in pairs:
            self.msg[n.decode("latin-1")] = v.decode("latin-1")
        self.version = 20 if resp.version.value == "HTTP/2" else 11
        self.status = resp.status
        self.reason = resp.reason


class HyperRaw:
    """Response.raw: a file-like view of the body, with the parts of
    urllib3's HTTPResponse that requests uses (read, stream, close,
    release_conn, _original_response)."""

    def __init__(self, resp, request):
        self._resp = resp
        self._request = request
        self.status = resp.status
        self.reason = resp.reason
        self.version = 20 if resp.version.value == "HTTP/2" else 11
        self._original_response = _Original(resp, resp.headers.items())
        self.headers = resp.headers
        self.decode_content = True

    def read(self, amt=None, decode_content=None, cache_content=False):
        if decode_content is None:
            decode_content = self.decode_content
        try:
            return self._resp.read(amt, decode_content=decode_content)
        except HyperError as e:
            raise _map_error(e, self._request, False) from e
        except ValueError:
            return b""   # read after close, as urllib3 gives

    def stream(self, amt=2 ** 16, decode_content=None):
        while True:
            data = self.read(amt, decode_content=decode_content)
            if not data:
                break
            yield data

    def readable(self):
        return True

    @property
    def closed(self):
        return self._resp.closed

    @property
    def trailers(self):
        return self._resp.trailers

    def close(self):
        self._resp.close()

    def release_conn(self):
        # The stream stays with the connection until the body is read;
        # freeing it here would cancel a body requests has not read yet.
        pass


class HTTP20Adapter(BaseAdapter):
    """A requests transport adapter that sends every request through
    hyper (HTTP/2 when the server speaks it, HTTP/1.1 otherwise).
    Keyword arguments are passed on to HTTPConnection (e.g. enable_push,
    decompress, user_agent)."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.connections = {}
        self._conn_kwargs = kwargs
        self._lock = threading.Lock()

    def get_connection(self, host, port, scheme, cert=None, verify=True,
                       proxy=None, timeout=None):
        """The pooled connection for this origin and TLS settings."""
        secure = scheme == "https"
        if port is None:
            port = 443 if secure else 80
        if isinstance(cert, (list, tuple)):
            cert = tuple(cert)
        key = (scheme, host, port, verify, cert)
        with self._lock:
            conn = self.connections.get(key)
            if conn is None:
                kw = dict(self._conn_kwargs)
                if secure:
                    if verify is False:
                        kw["verify"] = False
                    elif isinstance(verify, str):
                        kw["ca_path" if os.path.isdir(verify) else "ca_file"] = verify
                    if cert:
                        if isinstance(cert, tuple):
                            kw["cert"] = (cert[0], cert[1] or cert[0])
                            if len(cert) > 2 and cert[2]:
                                kw["cert_password"] = cert[2]
                        else:
                            kw["cert"] = cert
                conn = HTTPConnection(host, port, secure=secure, **kw)
                self.connections[key] = conn
            return conn

    def _drop(self, conn):
        with self._lock:
            for k, v in list(self.connections.items()):
                if v is conn:
                    del self.connections[k]
        conn.close()

    @staticmethod
    def _headers(request):
        pairs = []
        for name, value in request.headers.items():
            if value is None:
                continue
            lname = name.lower()
            if lname == "accept-encoding" and value == requests.utils.DEFAULT_ACCEPT_ENCODING:
                tokens = [t.strip() for t in value.split(",")]
                if not set(t.split(";")[0] for t in tokens) <= _DECODABLE:
                    value = "gzip, deflate"   # requests' default offered codings we do not decode
            pairs.append((name, value))   # sent exactly as given: never split
        return pairs

    def send(self, request, stream=False, timeout=None, verify=True, cert=None,
             proxies=None):
        url = urlsplit(request.url)
        conn = self.get_connection(url.hostname, url.port, url.scheme, cert=cert,
                                   verify=verify)
        connect_t, read_t = _timeouts(timeout)
        conn.set_timeouts(connect=connect_t if connect_t is not None else 10,
                          read=read_t)
        connecting = True
        try:
            conn.connect()
            connecting = False
            sid = conn.request(request.method, request.path_url, body=request.body,
                               headers=self._headers(request))
            resp = conn.get_response(sid)
        except HyperError as e:
            if isinstance(e, HyperConnectionError) or connecting:
                self._drop(conn)
            raise _map_error(e, request, connecting) from e
        return self.build_response(request, resp)

    def build_response(self, request, resp):
        response = requests.Response()
        response.status_code = resp.status
        reason = resp.reason
        if not reason:
            try:
                reason = HTTPStatus(resp.status).phrase
            except ValueError:
                reason = ""
        response.reason = reason
        headers = CaseInsensitiveDict()
        for name in resp.headers:
            values = resp.headers[name]
            headers[name.decode("latin-1")] = ", ".join(v.decode("latin-1") for v in values)
        response.headers = headers
        response.encoding = get_encoding_from_headers(headers)
        response.raw = HyperRaw(resp, request)
        response.url = request.url.decode("utf-8") if isinstance(request.url, bytes) \
            else request.url
        response.request = request
        response.connection = self
        extract_cookies_to_jar(response.cookies, request, response.raw)
        return response

    def close(self):
        with self._lock:
            conns = list(self.connections.values())
            self.connections.clear()
        for c in conns:
            c.close()
