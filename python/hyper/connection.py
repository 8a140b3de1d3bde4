"""
hyper.connection -- HTTPConnection, HTTP20Connection, HTTP11Connection.

Implementation notes: one Python object wraps one C hyper_conn (section 10
of include/hyper.h). The C connection is opened at the first request (or at
connect()), like Python hyper's; after close() or a GOAWAY the C library
opens a new network connection by itself at the next request. Request ids
are the C ids: the stream id on HTTP/2, None for HTTP/1.1 (C returns 0).
Header values are passed to C one field per value, byte for byte: a value
is never split on commas. A body that is not bytes/str (a file or an
iterable of bytes) is streamed with hyper_request_start/_send. A lock
serialises every C call on the connection and its responses, since the C
object is single-threaded.
"""
import ctypes
import threading
from urllib.parse import urlsplit

from . import _lib, tls
from .errors import error
from .headers import HTTPHeaderMap, to_bytes
from .response import HTTPResponse

lib = _lib.lib
UPLOAD_PIECE = 64 * 1024


def _split_host(host, port):
    """'example.com:8443' / '[::1]:443' -> (host, port) when port is None."""
    if port is not None or not host:
        return host, port
    if host.startswith("["):
        end = host.find("]")
        if end > 0:
            rest = host[end + 1:]
            return host[1:end], int(rest[1:]) if rest.startswith(":") else None
    if host.count(":") == 1:
        name, _, p = host.partition(":")
        return name, int(p)
    return host, None


def _timeout_ms(t):
    if t is None:
        return None
    return -1 if t < 0 else int(t * 1000)


def _header_pairs(headers):
    if headers is None:
        return []
    pairs = []
    if isinstance(headers, HTTPHeaderMap):
        items = headers.items()
    elif hasattr(headers, "items"):
        items = list(headers.items())
    else:
        items = list(headers)
    for k, v in items:
        for one in (v if isinstance(v, (list, tuple)) else [v]):
            pairs.append((to_bytes(k, "name"), to_bytes(one, "value")))
    return pairs


def _path_of(url):
    url = url.decode("ascii") if isinstance(url, bytes) else url
    if "://" in url:
        parts = urlsplit(url)
        url = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    return url or "/"


class HTTPPush:
    """A response the server pushed (HTTP/2): the promised request's
    .method, .scheme, .authority, .path, .request_headers; get_response()
    collects it, cancel() refuses it."""

    def __init__(self, conn, parent, promised_id):
        self._conn = conn
        self.parent_stream_id = parent
        self.promised_stream_id = promised_id
        fields = _lib.headers_to_list(lib.hyper_conn_push_request(conn._c, promised_id))
        pseudo = dict((n, v) for n, v in fields if n.startswith(b":"))
        self.method = pseudo.get(b":method")
        self.scheme = pseudo.get(b":scheme")
        self.authority = pseudo.get(b":authority")
        self.path = pseudo.get(b":path")
        self.request_headers = HTTPHeaderMap([(n, v) for n, v in fields
                                              if not n.startswith(b":")])

    def get_response(self):
        return self._conn.get_response(self.promised_stream_id)

    def cancel(self):
        with self._conn._lock:
            rc = lib.hyper_conn_push_cancel(self._conn._c, self.promised_stream_id)
        if rc < 0:
            raise error(rc, what="push cancel")

    def __repr__(self):
        return "<HTTPPush %r promised on stream %d>" % (self.path, self.parent_stream_id)


HTTP20Push = HTTPPush


class HTTPConnection:
    """A connection to one origin, HTTP/2 when the server agrees (ALPN over
    TLS), HTTP/1.1 otherwise.

    host, port   'host', 'host:port' or '[v6]:port'; port defaults to 443
    secure       TLS; None: when the port is in hyper.tls.SECURE_PORTS (443)
    enable_push  accept server push (HTTP/2)
    Keyword-only extras (ours): ca_file, ca_path (trusted CAs; default
    hyper.tls.cert_loc / $SSL_CERT_FILE / the system bundle), verify=False
    (accept any certificate: tests only), cert (client certificate file, or
    a (cert, key) pair), cert_password, server_name, timeout (seconds, or a
    (connect, read) pair; None: the C defaults 10 s / 30 s),
    request_timeout (total per request), decompress (default True),
    user_agent.
    Python hyper's window_manager, ssl_context and proxies are not
    supported (an ssl_context or proxy raises ValueError).
    """
    _protocol = _lib.PROTO_AUTO

    def __init__(self, host, port=None, secure=None, window_manager=None,
                 enable_push=False, ssl_context=None, proxy_host=None,
                 proxy_port=None, force_proto=None, *, ca_file=None, ca_path=None,
                 verify=True, cert=None, cert_password=None, server_name=None,
                 timeout=None, request_timeout=None, decompress=True,
                 user_agent=None, **kwargs):
        if ssl_context is not None:
            raise ValueError("ssl_context is not supported: pass ca_file=, cert=, verify=")
        if proxy_host is not None:
            raise ValueError("proxies are not supported")
        if kwargs:
            raise TypeError("unexpected arguments: %s" % ", ".join(sorted(kwargs)))
        host, port = _split_host(host, port)
        self.host = host
        self.port = 443 if port is None else int(port)
        self.secure = (self.port in tls.SECURE_PORTS) if secure is None else bool(secure)
        if force_proto in ("h2", "HTTP/2"):
            self._protocol = _lib.PROTO_H2
        elif force_proto in ("http/1.1", "HTTP/1.1"):
            self._protocol = _lib.PROTO_HTTP1
        self.enable_push = bool(enable_push)
        self._lock = threading.RLock()
        self._c = None
        self._recent = None
        self._captured = {}  # id -> response collected by get_pushes(capture_all)
        if isinstance(timeout, tuple):
            connect_t, read_t = timeout
        else:
            connect_t = read_t = timeout
        self._opts = _lib.ConnOpts()
        lib.hyper_conn_opts_init(ctypes.byref(self._opts))
        o = self._opts
        self._keep = []  # bytes the options point to
        o.secure = 1 if self.secure else 0
        o.protocol = self._protocol
        o.enable_push = 1 if self.enable_push else 0
        o.decompress = 1 if decompress else 0
        if _timeout_ms(connect_t) is not None:
            o.connect_timeout_ms = _timeout_ms(connect_t)
        if _timeout_ms(read_t) is not None:
            o.read_timeout_ms = _timeout_ms(read_t)
        if request_timeout is not None:
            o.request_timeout_ms = _timeout_ms(request_timeout)
        if user_agent is not None:
            o.user_agent = self._cstr(user_agent)
        if ca_file is None and ca_path is None:
            ca_file = tls.default_ca_file()
        t = o.transport
        if ca_file:
            t.ca_file = self._cstr(ca_file)
        if ca_path:
            t.ca_path = self._cstr(ca_path)
        if not verify:
            t.insecure_skip_verify = 1
        if cert:
            cfile, kfile = (cert if isinstance(cert, (tuple, list)) else (cert, cert))
            t.client_cert_file = self._cstr(cfile)
            t.client_key_file = self._cstr(kfile)
        if cert_password:
            t.client_key_password = self._cstr(cert_password)
        if server_name:
            t.server_name = self._cstr(server_name)

    def _cstr(self, s):
        b = s.encode() if isinstance(s, str) else bytes(s)
        if b"\0" in b:
            raise ValueError("NUL in a string option")
        self._keep.append(b)
        return b

    # -- connection -------------------------------------------------------
    def connect(self):
        """Opens the network connection now (DNS, TCP, TLS + ALPN), so
        failures show here; request() does it when needed."""
        with self._lock:
            if self._c:
                return
            err = ctypes.c_int(0)
            detail = ctypes.create_string_buffer(_lib.DETAIL_MAX)
            c = lib.hyper_conn_open_detail(self.host.encode("idna" if not self.host.isascii()
                                                            else "ascii"),
                                           self.port, ctypes.byref(self._opts),
                                           ctypes.byref(err), detail, _lib.DETAIL_MAX)
            if not c:
                raise error(err.value, detail.value.decode("utf-8", "replace"),
                            what="connect to %s:%d" % (self.host, self.port))
            self._c = c

    @property
    def protocol(self):
        """'h2' or 'http/1.1' (None before connecting / after close)."""
        with self._lock:
            if not self._c:
                return None
            p = lib.hyper_conn_protocol(self._c)
            return p.decode() if p else None

    def set_timeouts(self, connect=None, read=None, request=None):
        """Changes the timeouts (seconds; None: no limit) from now on."""
        with self._lock:
            o = self._opts
            o.connect_timeout_ms = _timeout_ms(connect) if connect is not None else -1
            o.read_timeout_ms = _timeout_ms(read) if read is not None else -1
            o.request_timeout_ms = _timeout_ms(request) if request is not None else -1
            if self._c:
                lib.hyper_conn_set_timeouts(self._c, o.connect_timeout_ms,
                                            o.read_timeout_ms, o.request_timeout_ms)

    def _fail(self, what):
        return error(lib.hyper_conn_last_error(self._c), what=what)

    # -- requests ---------------------------------------------------------
    def request(self, method, url, body=None, headers=None):
        """Starts a request; returns the HTTP/2 stream id, or None on
        HTTP/1.1. body: bytes, str (UTF-8), a file object or an iterable of
        bytes (streamed). headers: dict (a list value gives one field per
        element), HTTPHeaderMap or (name, value) pairs."""
        m = to_bytes(method, "name")
        path = to_bytes(_path_of(url), "name")
        pairs = _header_pairs(headers)
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif isinstance(body, (bytearray, memoryview)):
            body = bytes(body)
        with self._lock:
            self.connect()
            if body is not None and not isinstance(body, bytes):
                rid = self._request_streamed(m, path, pairs, body)
            else:
                arr = (_lib.HpackField * max(1, len(pairs)))()
                for i, (k, v) in enumerate(pairs):
                    arr[i].name = ctypes.cast(ctypes.c_char_p(k), ctypes.c_void_p)
                    arr[i].name_len = len(k)
                    arr[i].value = ctypes.cast(ctypes.c_char_p(v), ctypes.c_void_p)
                    arr[i].value_len = len(v)
                rid = lib.hyper_request(self._c, m, path, arr if pairs else None,
                                        len(pairs), body, len(body) if body else 0)
                del arr
                if rid < 0:
                    raise error(rid, what="%s %s" % (method, _path_of(url)))
            self._recent = rid if rid > 0 else None
            return self._recent

    def _request_streamed(self, m, path, pairs, body):
        def check(rc, what):
            if rc < 0:
                raise error(rc, what=what)
            return rc
        check(lib.hyper_request_start(self._c, m, path), "request_start")
        for k, v in pairs:
            check(lib.hyper_request_header(self._c, k, len(k), v, len(v)), "request_header")
        rid = check(lib.hyper_request_end_headers(self._c, 0), "request_end_headers")
        if hasattr(body, "read"):
            pieces = iter(lambda: body.read(UPLOAD_PIECE), b"")
        else:
            pieces = iter(body)
        for piece in pieces:
            if isinstance(piece, str):
                piece = piece.encode("utf-8")
            piece = bytes(piece)
            if piece:
                check(lib.hyper_request_send(self._c, rid, piece, len(piece), 0), "send")
        check(lib.hyper_request_send(self._c, rid, None, 0, 1), "send")
        return rid

    def get_response(self, stream_id=None):
        """Waits for the response to request stream_id (None: the oldest not
        yet collected) and returns it once its head has arrived."""
        with self._lock:
            if stream_id in self._captured:
                return self._captured.pop(stream_id)
            if not self._c:
                raise error(-6, what="get_response: nothing was requested")
            r = lib.hyper_get_response(self._c, stream_id or 0)
            if not r:
                raise self._fail("get_response(%s)" % stream_id)
            return HTTPResponse(self, r, self.protocol)

    # -- HTTP/2 extras ----------------------------------------------------
    def get_pushes(self, stream_id=None, capture_all=False):
        """The pushes promised on stream_id (None: the latest request) that
        were not returned before, as HTTPPush objects. capture_all: first
        receive that stream's whole response (its body stays readable), so
        that every promise is known."""
        with self._lock:
            sid = self._recent if stream_id is None else stream_id
            if sid is None:
                return []
            if capture_all:
                resp = self._captured.get(sid)
                if resp is None:
                    resp = self.get_response(sid)
                    self._captured[sid] = resp
                resp._prefetch()
            pushes = []
            while True:
                pid = lib.hyper_conn_next_push(self._c, sid)
                if pid < 0:
                    raise error(pid, what="get_pushes")
                if pid == 0:
                    return pushes
                pushes.append(HTTPPush(self, sid, pid))

    def ping(self, opaque_data=None):
        """Sends a PING and waits for its ACK (HTTP/2); returns the round
        trip in seconds. (opaque_data is accepted for Python hyper's
        signature; the C library picks the payload.)"""
        with self._lock:
            self.connect()
            rtt = ctypes.c_uint64()
            rc = lib.hyper_conn_ping(self._c, ctypes.byref(rtt))
            if rc < 0:
                raise error(rc, what="ping")
            return rtt.value / 1e6

    # -- lifetime ---------------------------------------------------------
    def close(self, error_code=None):
        """Closes the network connection (GOAWAY on HTTP/2). The object
        stays usable: the next request opens a new connection."""
        with self._lock:
            if self._c:
                lib.hyper_conn_close(self._c)

    def _free(self):
        with self._lock:
            for r in self._captured.values():
                r.close()
            self._captured.clear()
            if self._c:
                lib.hyper_conn_free(self._c)
                self._c = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self._free()
        except Exception:
            pass

    def __repr__(self):
        return "<%s %s:%d secure=%s protocol=%s>" % (type(self).__name__, self.host,
                                                    self.port, self.secure, self.protocol)


class HTTP20Connection(HTTPConnection):
    """HTTP/2 only: ALPN offers only h2 over TLS (HYPER_ECONN_NO_H2 if the
    server declines), prior knowledge over cleartext."""
    _protocol = _lib.PROTO_H2


class HTTP11Connection(HTTPConnection):
    """HTTP/1.1 only; request() always returns None."""
    _protocol = _lib.PROTO_HTTP1
