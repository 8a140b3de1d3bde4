"""
hyper.response -- a response collected from a connection.

Implementation notes: the status, reason and header fields are copied into
Python objects when the response is collected; the body stays in the C
library (decoded there) and is read through hyper_response_read or, one
received piece at a time, hyper_response_read_chunk. Every call takes the
connection's lock, since a C connection and its responses are used by one
thread at a time. Freeing the response (close(), or garbage collection)
cancels a body not read to its end (RST_STREAM CANCEL on HTTP/2).
"""
import ctypes
import enum

from . import _lib
from .errors import error
from .headers import HTTPHeaderMap

lib = _lib.lib
READ_PIECE = 256 * 1024


class HTTPVersion(enum.Enum):
    http11 = "HTTP/1.1"
    http20 = "HTTP/2"


class HTTPResponse:
    """A response: .status, .reason, .headers, .trailers, .read(),
    .read_chunked(), .close(); usable as a context manager."""

    def __init__(self, conn, ptr, protocol):
        self._conn = conn
        self._lock = conn._lock
        self._r = ptr
        self.status = lib.hyper_response_status(ptr)
        self.reason = (lib.hyper_response_reason(ptr) or b"").decode("latin-1")
        rid = lib.hyper_response_id(ptr)
        self.stream_id = rid if rid > 0 else None
        self.version = HTTPVersion.http20 if protocol == "h2" else HTTPVersion.http11
        self.headers = HTTPHeaderMap(_lib.headers_to_list(lib.hyper_response_headers(ptr)))
        self._buffer = bytearray()   # body read ahead (trailers, capture_all)
        self._mode = None            # "read" or "chunked": the C API forbids mixing
        self._started = False
        self._eof = False
        self._trailers = None

    # -- internals --------------------------------------------------------
    def _ptr(self):
        if not self._r:
            raise ValueError("I/O operation on a closed response")
        return self._r

    def _start(self, decode_content, mode):
        if not self._started:
            self._started = True
            if not decode_content:
                rc = lib.hyper_response_set_decompress(self._ptr(), 0)
                if rc < 0:
                    raise error(rc, what="set_decompress")
        if self._mode is None:
            self._mode = mode

    def _at_eof(self):
        self._eof = True
        t = lib.hyper_response_trailers(self._r)
        self._trailers = HTTPHeaderMap(_lib.headers_to_list(t))

    def _read_into(self, ba, off, want):
        """One C read into ba[off:off+want]; 0 at the end of the body."""
        view = (ctypes.c_char * want).from_buffer(ba, off)
        n = lib.hyper_response_read(self._ptr(), view, want)
        del view
        if n < 0:
            raise error(n, what="read")
        if n == 0:
            self._at_eof()
        return n

    def _read_c(self, amt):
        """Up to amt octets (all when amt is None) from the C side."""
        if self._eof:
            return b""
        if self._mode == "chunked":
            parts = []
            while (amt is None or sum(map(len, parts)) < amt):
                piece = self._next_chunk()
                if piece is None:
                    break
                parts.append(piece)
            data = b"".join(parts)
            if amt is not None and len(data) > amt:
                self._buffer[0:0] = data[amt:]
                data = data[:amt]
            return data
        if amt is None:
            out = bytearray()
            scratch = bytearray(READ_PIECE)
            while True:
                n = self._read_into(scratch, 0, READ_PIECE)
                if n == 0:
                    return bytes(out)
                out += memoryview(scratch)[:n]
        out = bytearray(amt)
        got = 0
        while got < amt:
            n = self._read_into(out, got, amt - got)
            if n == 0:
                break
            got += n
        del out[got:]
        return bytes(out)

    def _next_chunk(self):
        p = ctypes.c_void_p()
        n = lib.hyper_response_read_chunk(self._ptr(), ctypes.byref(p))
        if n < 0:
            raise error(n, what="read_chunk")
        if n == 0:
            self._at_eof()
            return None
        return ctypes.string_at(p, n)

    def _prefetch(self):
        """Reads the rest of the body into memory (for trailers and for
        get_pushes(capture_all=True)); read() then serves it."""
        with self._lock:
            if self._r and not self._eof:
                self._start(True, self._mode or "read")
                self._buffer += self._read_c(None)

    # -- public -----------------------------------------------------------
    def read(self, amt=None, decode_content=True):
        """Reads amt octets of the body (all of it when amt is None), fewer
        only at its end; b'' once it is exhausted. Bodies are decoded
        (gzip, deflate) unless decode_content is False on the first read."""
        with self._lock:
            self._start(decode_content, "read")
            if amt is not None and amt < 0:
                amt = None
            if self._buffer:
                if amt is None:
                    data = bytes(self._buffer) + self._read_c(None)
                    self._buffer.clear()
                    return data
                data = bytes(self._buffer[:amt])
                del self._buffer[:amt]
                if len(data) < amt:
                    data += self._read_c(amt - len(data))
                return data
            return self._read_c(amt)

    def read_chunked(self, decode_content=True):
        """Yields the body piece by piece as it arrived (one DATA frame, or
        one HTTP/1.1 read), decoded unless decode_content is False."""
        with self._lock:
            self._start(decode_content, "chunked")
        while True:
            with self._lock:
                if self._buffer:
                    data = bytes(self._buffer)
                    self._buffer.clear()
                elif self._eof or not self._r:
                    return
                elif self._mode == "read":
                    data = self._read_c(READ_PIECE)
                    if not data:
                        return
                else:
                    data = self._next_chunk()
                    if data is None:
                        return
            yield data

    @property
    def trailers(self):
        """Trailer fields (an HTTPHeaderMap, empty when none came). Reading
        this reads the rest of the body into memory first."""
        if not self._eof:
            self._prefetch()
        return self._trailers if self._trailers is not None else HTTPHeaderMap()

    @property
    def closed(self):
        return self._r is None

    def fileno(self):
        raise OSError("a hyper response has no file descriptor")

    def close(self):
        """Frees the response; a body not read to its end is cancelled."""
        with self._lock:
            if self._r:
                lib.hyper_response_free(self._r)
                self._r = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return "<HTTPResponse %s %s (%s)>" % (self.status, self.reason, self.version.value)


HTTP20Response = HTTPResponse
HTTP11Response = HTTPResponse
