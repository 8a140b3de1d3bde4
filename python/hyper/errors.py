"""
hyper.errors -- every failure of the C library as a Python exception.

Each exception carries the C error: .code (the negative enum hyper_error),
.name ("HYPER_ETIMEOUT"), .message (hyper_strerror's line) and, when the
library gave one, .detail (e.g. the TLS verification text). The class
follows the error's family, so callers can catch broad kinds (timeouts, TLS,
connection trouble, protocol errors) without knowing codes. The names of
Python hyper's exceptions are kept as aliases.
"""
import socket

from . import _lib


class HyperError(Exception):
    """Base class: a call into libhyper failed."""

    def __init__(self, code, detail=None, what=None):
        self.code = code
        self.name = _lib.strerror_name(code)
        self.message = _lib.strerror(code)
        self.detail = detail or None
        self.what = what
        text = "%s: %s" % (self.name, self.message)
        if self.detail:
            text += " (%s)" % self.detail
        if what:
            text = "%s: %s" % (what, text)
        super().__init__(text)


class InvalidArgumentError(HyperError, ValueError):
    """HYPER_EINVAL and similar: the call itself was wrong."""


class HyperTimeoutError(HyperError, socket.timeout):
    """HYPER_ETIMEOUT (nothing arrived in time), HYPER_ECONN_DEADLINE."""


class TLSError(HyperError):
    """HYPER_ETLS_*: handshake or certificate verification failed."""


class HyperConnectionError(HyperError, ConnectionError):
    """DNS, connect, reset, closed: the network connection failed."""


class ProtocolError(HyperError):
    """The server broke HTTP/2 or HTTP/1.1 framing rules (HPACK, frames,
    session, HTTP/1.1 syntax)."""


class StreamResetError(ProtocolError):
    """HYPER_EH2_STREAM_RESET: the server reset this stream."""


class ContentDecodingError(HyperError):
    """HYPER_ECONTENT_*: a gzip/deflate body could not be decoded."""


class NotSupportedError(HyperError):
    """HYPER_ECONN_UNSUPPORTED: not possible on this protocol (PING or push
    over HTTP/1.1)."""


# Python hyper's names.
HTTP20Error = ProtocolError
SocketError = HyperConnectionError
ConnectionResetError = HyperConnectionError


def _class_for(code):
    if code in (-2, -3):
        return InvalidArgumentError
    if code in (-150, -182):
        return HyperTimeoutError
    if code == -86:
        return StreamResetError
    if code == -186:
        return NotSupportedError
    if -179 <= code <= -160:
        return TLSError
    if -159 <= code <= -150 or code in (-180, -181, -183, -87, -93):
        return HyperConnectionError
    if -149 <= code <= -130:
        return ContentDecodingError
    if -129 <= code <= -20:
        return ProtocolError
    return HyperError


def error(code, detail=None, what=None):
    """The exception object for a negative hyper_error code."""
    return _class_for(code)(code, detail, what)
