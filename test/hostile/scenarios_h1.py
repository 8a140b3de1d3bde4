"""scenarios_h1.py -- the hostile HTTP/1.1 server (RFC 9112), one function
per scenario. The client asks GET /one with HTTP/1.1 only; each function
waits for that request head, then sends what it scripts. Endless inputs are
sent up to 4 MiB, far past every bound hyper is configured with.
"""
BODY = b"hostile hello\n"
ENDLESS = 4 << 20


def start(c):
    c.wait(lambda: len(c.h1_requests) >= 1, 5)


def endless(c, head, unit):
    """head, then unit repeated until ENDLESS octets or the client leaves."""
    c.send(head)
    block = unit * max(1, 65536 // len(unit))
    sent = 0
    while sent < ENDLESS and not c.eof:
        c.send(block)
        sent += len(block)
    c.drain(8)


def sc_h1_ok(c):
    """Baseline."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
    c.drain(8)


def sc_h1_endless_headers(c):
    """Field lines forever (bounds: max_headers, max_head)."""
    start(c)
    endless(c, b"HTTP/1.1 200 OK\r\n", b"X-Flood: aaaaaaaa\r\n")


def sc_h1_endless_header_line(c):
    """One field line that never ends (bound: max_line)."""
    start(c)
    endless(c, b"HTTP/1.1 200 OK\r\nX-Long: ", b"a" * 1024)


def sc_h1_endless_status_line(c):
    """A reason phrase that never ends."""
    start(c)
    endless(c, b"HTTP/1.1 200 ", b"O" * 1024)


def sc_h1_endless_chunk_size(c):
    """A chunk-size line of endless digits (RFC 9112 §7.1)."""
    start(c)
    endless(c, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"1" * 1024)


def sc_h1_endless_chunk_ext(c):
    """A chunk extension that never ends (RFC 9112 §7.1.1)."""
    start(c)
    endless(c, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=", b"a" * 1024)


def sc_h1_chunk_overflow(c):
    """A chunk size above 2^64."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n")
    c.drain(8)


def sc_h1_negative_cl(c):
    """Content-Length: -1 (RFC 9110 §8.6: digits only)."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" + BODY)
    c.drain(8)


def sc_h1_huge_cl(c):
    """Content-Length above 2^64."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 184467440737095516160\r\n\r\n" + BODY)
    c.drain(8)


def sc_h1_big_cl_truncated(c):
    """Content-Length 2^63-1 (valid), 14 octets, then close."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n" + BODY)
    c.sleep(0.2)
    c.close()


def sc_h1_truncated_body(c):
    """Content-Length 100, 14 octets, then close (RFC 9112 §8)."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + BODY)
    c.sleep(0.2)
    c.close()


def sc_h1_truncated_chunked(c):
    """One complete chunk, then a close inside the next one."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"e\r\n" + BODY + b"\r\n10\r\nabc")
    c.sleep(0.2)
    c.close()


def sc_h1_cl_conflict(c):
    """Two different Content-Length values (RFC 9112 §6.3 item 5)."""
    start(c)
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Length: 15\r\n\r\n" + BODY)
    c.drain(8)


def sc_h1_slow_drip(c):
    """The head one octet every 20 ms: only the total deadline stops it."""
    start(c)
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Drip: 1\r\n" * 1000
    for i in range(len(head)):
        c.send(head[i:i + 1])
        c.sleep(0.02)
        if c.eof:
            break
    c.drain(8)


SCENARIOS = {name[3:]: fn for name, fn in globals().items() if name.startswith("sc_")}
