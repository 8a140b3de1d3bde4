"""
hyper.contrib.httpie -- an HTTPie transport plugin: with this package
installed, `http https://...` goes through hyper (HTTP/2 when the server
speaks it). Registered under the entry point group
httpie.plugins.transport.v1 (see python/pyproject.toml and python/README.md).
"""
from httpie.plugins import TransportPlugin

from . import HTTP20Adapter


class HyperTransportPlugin(TransportPlugin):
    name = "hyper HTTP/2 transport"
    description = "HTTP/2 (and HTTP/1.1) over the hyper C library"
    prefix = "https://"

    def get_adapter(self):
        return HTTP20Adapter()
