"""
peers.py -- the local test server for the Python tests and the benchmark:
node test/peers/httpbin.js (engineer J's httpbin-like server) with the same
command line as test/util/peer.c, on ports the system picks (port 0), on
127.0.0.1 only, stopped by its pid. Certificates come from
test/peers/make-certs.sh in a fresh temporary folder.
"""
import ctypes
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _die_with_parent():
    # The server must not outlive a test run that was killed (Linux only).
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def make_certs():
    """A fresh folder with the test PKI (ca.crt, server.crt, ...)."""
    d = tempfile.mkdtemp(prefix="hyper-pytest-")
    subprocess.run(["sh", os.path.join(ROOT, "test/peers/make-certs.sh"), d],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=60, cwd=ROOT)
    return d


def remove_certs(d):
    if d and os.path.basename(d).startswith("hyper-pytest-"):
        shutil.rmtree(d, ignore_errors=True)


class Httpbin:
    """The running server: .tls (ALPN h2 + http/1.1), .h2c (prior
    knowledge), .h1tls (HTTP/1.1-only TLS), .h1 (cleartext HTTP/1.1)."""

    def __init__(self, certdir, timeout=15):
        self.certdir = certdir
        self.ca = os.path.join(certdir, "ca.crt")
        argv = ["node", os.path.join(ROOT, "test/peers/httpbin.js"),
                "--cert", os.path.join(certdir, "server.crt"),
                "--key", os.path.join(certdir, "server.key"),
                "--tls", "0", "--h2c", "0", "--h1tls", "0", "--h1", "0"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     cwd=ROOT, preexec_fn=_die_with_parent)
        line = b""
        deadline = time.monotonic() + timeout
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                break
            ch = os.read(self.proc.stdout.fileno(), 1)
            if not ch:
                break
            line += ch
        fields = dict(kv.split("=") for kv in line.decode().split()[1:]) \
            if line.startswith(b"READY ") else None
        if not fields:
            self.stop()
            raise RuntimeError("httpbin.js did not start (line %r)" % line)
        self.tls, self.h2c = int(fields["tls"]), int(fields["h2c"])
        self.h1tls, self.h1 = int(fields["h1tls"]), int(fields["h1"])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
