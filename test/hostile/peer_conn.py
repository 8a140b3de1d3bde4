"""peer_conn.py -- one accepted client connection of the hostile server.

Implementation notes: single-threaded on purpose (an OpenSSL object must not
be read and written from two threads at once). Every send and every wait
runs one select() loop that also reads whatever the client sent, so a
client that answers while we flood it never deadlocks us, unless a scenario
turns reading off (`reading = False`) to play a server that stops reading.
What the client sends is parsed with hyperframe (frames) and hpack (its
request header blocks), an implementation independent of hyper's own, and
summarised in `report()`: the GOAWAY and RST_STREAM codes hyper sent are
what the C test asserts. Every wait is bounded by the scenario's deadline.
"""
import select
import socket
import ssl
import struct
import time

import hpack
from hyperframe import frame as hf

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


class Abort(Exception):
    """The client went away (or the deadline passed) while we were sending."""


def raw_frame(ftype, flags, sid, payload=b"", length=None):
    """A frame built by hand, for the ones hyperframe refuses to serialise
    (stream id on SETTINGS, bad lengths, ...). length overrides the header's
    length field without changing the payload."""
    n = len(payload) if length is None else length
    return struct.pack(">I", n)[1:] + struct.pack(">BBI", ftype, flags, sid & 0x7FFFFFFF) + payload


class Conn:
    def __init__(self, sock, deadline, h1=False, log=None):
        self.sock = sock
        self.deadline = deadline
        self.h1 = h1
        self.log = log or (lambda *a: None)
        self.is_tls = isinstance(sock, ssl.SSLSocket)
        sock.setblocking(False)
        self.reading = True
        self.auto_ack_settings = True
        self.auto_ack_ping = True
        self.inbuf = bytearray()
        self.out_auto = bytearray()  # ACKs we owe, sent before the next bytes
        self.eof = False
        self.reset = False
        self.preface = None          # True/False once 24 octets arrived (h2)
        self.enc = hpack.Encoder()
        self.dec = hpack.Decoder()
        self.block = None            # (sid, bytearray, end_stream) being collected
        self.requests = []           # [(sid, {name: value}, end_stream)]
        self.h1_requests = []        # request heads (h1)
        self.goaway = []             # [[last_stream_id, code, debug]]
        self.rst = []                # [[sid, code]]
        self.settings = []           # client SETTINGS payloads (dicts)
        self.settings_acks = 0
        self.pings = 0
        self.window_updates = []     # [[sid, increment]]
        self.data = {}               # sid -> octets received
        self.counts = {}
        self.errors = []             # problems with what the client sent
        self.bytes_in = 0

    # ---- reading ---------------------------------------------------------
    def _read_some(self):
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
            return
        except ssl.SSLError as e:
            self.errors.append("tls: %s" % e)
            self.eof = True
            return
        except (ConnectionResetError, OSError):
            self.eof = True
            self.reset = True
            return
        if not data:
            self.eof = True
            return
        self.bytes_in += len(data)
        self.inbuf += data
        if self.h1:
            self._parse_h1()
        else:
            self._parse_h2()

    def _parse_h1(self):
        while True:
            i = self.inbuf.find(b"\r\n\r\n")
            if i < 0:
                return
            head = bytes(self.inbuf[:i]).decode("latin-1")
            del self.inbuf[: i + 4]
            self.h1_requests.append(head.split("\r\n")[0])

    def _parse_h2(self):
        buf = self.inbuf
        if self.preface is None:
            if len(buf) < len(PREFACE):
                return
            self.preface = bytes(buf[: len(PREFACE)]) == PREFACE
            if not self.preface:
                self.errors.append("bad client preface")
                return
            del buf[: len(PREFACE)]
        if not self.preface:
            return
        while len(buf) >= 9:
            length = int.from_bytes(buf[0:3], "big")
            if len(buf) < 9 + length:
                return
            header = memoryview(bytes(buf[:9]))
            body = memoryview(bytes(buf[9 : 9 + length]))
            del buf[: 9 + length]
            try:
                f, _ = hf.Frame.parse_frame_header(header)
                f.parse_body(body)
            except hf.UnknownFrameError as e:
                self.errors.append("client sent unknown frame type %r" % e)
                continue
            except Exception as e:  # hyperframe refused what we sent
                self.errors.append("client frame: %s: %s" % (type(e).__name__, e))
                continue
            self._on_frame(f)

    def _on_frame(self, f):
        name = type(f).__name__.replace("Frame", "").upper()
        self.counts[name] = self.counts.get(name, 0) + 1
        if isinstance(f, hf.GoAwayFrame):
            self.goaway.append([f.last_stream_id, f.error_code,
                                f.additional_data.decode("latin-1")])
        elif isinstance(f, hf.RstStreamFrame):
            self.rst.append([f.stream_id, f.error_code])
        elif isinstance(f, hf.SettingsFrame):
            if "ACK" in f.flags:
                self.settings_acks += 1
            else:
                self.settings.append(dict(f.settings))
                if self.auto_ack_settings:
                    self.out_auto += hf.SettingsFrame(0, flags=["ACK"]).serialize()
        elif isinstance(f, hf.PingFrame):
            if "ACK" not in f.flags:
                self.pings += 1
                if self.auto_ack_ping:
                    self.out_auto += hf.PingFrame(0, f.opaque_data, flags=["ACK"]).serialize()
        elif isinstance(f, hf.WindowUpdateFrame):
            self.window_updates.append([f.stream_id, f.window_increment])
        elif isinstance(f, hf.DataFrame):
            self.data[f.stream_id] = self.data.get(f.stream_id, 0) + len(f.data)
        elif isinstance(f, hf.HeadersFrame):
            self.block = (f.stream_id, bytearray(f.data), "END_STREAM" in f.flags)
            if "END_HEADERS" in f.flags:
                self._end_block()
        elif isinstance(f, hf.ContinuationFrame):
            if self.block is None or self.block[0] != f.stream_id:
                self.errors.append("client CONTINUATION out of place")
                return
            self.block[1].extend(f.data)
            if "END_HEADERS" in f.flags:
                self._end_block()

    def _end_block(self):
        sid, data, end = self.block
        self.block = None
        try:
            fields = self.dec.decode(bytes(data), raw=False)
        except Exception as e:
            self.errors.append("client HPACK: %s: %s" % (type(e).__name__, e))
            fields = []
        self.requests.append((sid, dict(fields), end))

    # ---- writing and waiting ---------------------------------------------
    def _left(self, until):
        return min(until, self.deadline) - time.monotonic()

    def _pending_tls(self):
        return self.is_tls and self.reading and self.sock.pending() > 0

    def send(self, data, until=None, auto=True):
        """Sends every octet (and, if auto, the ACKs we owe first), reading
        meanwhile. Raises Abort when the client is gone or time is up."""
        until = self.deadline if until is None else until
        if auto and self.out_auto:
            data = bytes(self.out_auto) + bytes(data)
            self.out_auto = bytearray()
        view = memoryview(bytes(data))
        while view:
            left = self._left(until)
            if left <= 0:
                raise Abort("deadline while sending")
            if self._pending_tls():
                self._read_some()
            rl = [self.sock] if self.reading and not self.eof else []
            r, w, _ = select.select(rl, [self.sock], [], min(left, 0.5))
            if r:
                self._read_some()
            if w:
                try:
                    n = self.sock.send(view[:16384])
                except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                    continue
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError) as e:
                    self.eof = True
                    raise Abort("send: %s" % e)
                view = view[n:]

    def flush_auto(self):
        if self.out_auto:
            self.send(b"")

    def wait(self, pred=lambda: False, timeout=5.0):
        """Reads (and answers ACKs) until pred() holds, EOF, or timeout.
        Returns pred()."""
        until = min(time.monotonic() + timeout, self.deadline)
        while not pred():
            left = until - time.monotonic()
            if left <= 0:
                break
            if not self.reading:
                time.sleep(min(0.05, left))
                continue
            if self.out_auto and not self.eof:
                try:
                    self.flush_auto()
                except Abort:
                    break
            if self.eof:
                break
            if self._pending_tls():
                self._read_some()
                continue
            r, _, _ = select.select([self.sock], [], [], min(left, 0.5))
            if r:
                self._read_some()
        return pred()

    def sleep(self, seconds):
        """Waits while still reading (and answering ACKs)."""
        self.wait(lambda: False, seconds)

    def drain(self, timeout):
        """Reads until the client closes (what the C test does when done)."""
        self.reading = True
        self.wait(lambda: self.eof, timeout)

    def set_small_rcvbuf(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)

    def close(self, notify=True):
        """Closes; over TLS sends close_notify only when notify is set."""
        try:
            if self.is_tls and notify:
                self.sock.setblocking(True)
                self.sock.settimeout(1.0)
                try:
                    self.sock.unwrap()
                except (ssl.SSLError, OSError):
                    pass
            self.sock.close()
        except OSError:
            pass

    def abort(self):
        """Closes with a TCP RST (SO_LINGER 0)."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()
        except OSError:
            pass

    def report(self):
        return {
            "preface": self.preface,
            "requests": [[sid, h.get(":method", ""), h.get(":path", ""), end]
                         for sid, h, end in self.requests],
            "h1_requests": self.h1_requests,
            "goaway": self.goaway,
            "rst": self.rst,
            "settings": len(self.settings),
            "settings_acks": self.settings_acks,
            "pings": self.pings,
            "window_updates": len(self.window_updates),
            "data": {str(k): v for k, v in self.data.items()},
            "counts": self.counts,
            "errors": self.errors,
            "eof": self.eof,
            "reset": self.reset,
            "bytes_in": self.bytes_in,
        }
