"""
hyper -- HTTP/2 for Python on the hyper C library (libhyper.so via ctypes).

    >>> from hyper import HTTPConnection
    >>> c = HTTPConnection('example.org')
    >>> c.request('GET', '/')
    >>> resp = c.get_response()
    >>> resp.headers['content-type']
    [b'text/html; charset=utf-8']
"""
from .connection import (HTTPConnection, HTTP20Connection, HTTP11Connection,
                         HTTPPush, HTTP20Push)
from .response import HTTPResponse, HTTP20Response, HTTP11Response, HTTPVersion
from .headers import HTTPHeaderMap
from .errors import (HyperError, HyperTimeoutError, TLSError, HyperConnectionError,
                     ProtocolError, StreamResetError, ContentDecodingError,
                     NotSupportedError, InvalidArgumentError)
from . import tls

__version__ = "0.1.0"
__all__ = ["HTTPConnection", "HTTP20Connection", "HTTP11Connection", "HTTPPush",
           "HTTP20Push", "HTTPResponse", "HTTP20Response", "HTTP11Response",
           "HTTPVersion", "HTTPHeaderMap", "HyperError", "HyperTimeoutError",
           "TLSError", "HyperConnectionError", "ProtocolError", "StreamResetError",
           "ContentDecodingError", "NotSupportedError", "InvalidArgumentError", "tls"]
