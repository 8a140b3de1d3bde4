"""
hyper.tls -- TLS defaults for connections that do not name their own.

cert_loc     the CA bundle connections trust when given no ca_file/verify
             (Python hyper's module attribute of the same name). None: the
             file named by $SSL_CERT_FILE if set (as Python's ssl module
             does), else the system bundle the C library uses
             (/etc/ssl/certs/ca-certificates.crt).
SECURE_PORTS the ports on which HTTPConnection(host) uses TLS when `secure`
             is not given. Python hyper: 443 only; a test server on another
             port can be added here so code written for a public host runs
             unchanged against it.
"""
import os

cert_loc = None
SECURE_PORTS = {443}


def default_ca_file():
    if cert_loc:
        return cert_loc
    return os.environ.get("SSL_CERT_FILE") or None
