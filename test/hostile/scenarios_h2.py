"""scenarios_h2.py -- what the hostile HTTP/2 server sends, one function per
scenario (RFC 9113 section in each docstring). The C test
(test/hostile/test_hostile.c) holds what hyper must do about it.

Each function gets a peer_conn.Conn whose client has connected with prior
knowledge (or ALPN h2 over TLS). Valid frames come from hyperframe and
header blocks from hpack's encoder; frames hyperframe would refuse to build
are made with raw_frame(). The client's requests are on streams 1 (path
/one) and, for two-request plans, 3 (/two); helpers wait for them.
"""
import struct

from hyperframe import frame as hf

from peer_conn import raw_frame

BODY = b"hostile hello\n"
DATA, HEADERS, PRIORITY, RST, SETTINGS, PUSH, PING, GOAWAY, WINDOW, CONT = range(10)
F_END_STREAM, F_ACK, F_END_HEADERS, F_PADDED, F_PRIORITY = 0x1, 0x1, 0x4, 0x8, 0x20
S_ENABLE_PUSH, S_MAX_STREAMS, S_WINDOW, S_FRAME_SIZE = 2, 3, 4, 5


# ---- helpers -----------------------------------------------------------------
def start(c, settings=None, nreq=1, first=None):
    """Preface exchange: waits for the client's preface, sends our SETTINGS
    (or `first` instead), then waits for nreq request header blocks."""
    c.wait(lambda: c.preface is not None, 5)
    # Our preface first (§3.4), then the ACK we owe for the client's SETTINGS.
    c.send(first if first is not None else hf.SettingsFrame(0, settings=settings or {}).serialize(),
           auto=False)
    c.flush_auto()
    if nreq:
        c.wait(lambda: len(c.requests) >= nreq, 5)


def settings_frame(**kw):
    return hf.SettingsFrame(0, settings=kw.get("s", {})).serialize()


def head(c, sid, fields=None, end_stream=False, end_headers=True):
    if fields is None:
        fields = [(":status", "200"), ("content-type", "text/plain"),
                  ("content-length", str(len(BODY)))]
    flags = (["END_HEADERS"] if end_headers else []) + (["END_STREAM"] if end_stream else [])
    return hf.HeadersFrame(sid, data=c.enc.encode(fields), flags=flags).serialize()


def data(sid, payload, end=False):
    return hf.DataFrame(sid, data=payload, flags=["END_STREAM"] if end else []).serialize()


def respond(c, sid, body=BODY, fields=None):
    c.send(head(c, sid, fields) + data(sid, body, end=True))


def finish(c, timeout=8):
    """Keeps the connection open, reading, until the client closes it."""
    c.drain(timeout)


def lit(name, value):
    """HPACK literal without indexing, new name, no Huffman (RFC 7541 §6.2.2):
    for blocks the hpack encoder would never produce."""
    return bytes([0, len(name)]) + name + bytes([len(value)]) + value


# ---- preface and SETTINGS (RFC 9113 §3.4, §6.5) -------------------------------
def sc_ok(c):
    """Baseline: a well-behaved server, two requests answered."""
    start(c, nreq=2)
    for sid, _, _ in c.requests[:2]:
        respond(c, sid)
    finish(c)


def sc_preface_no_settings(c):
    """§3.4: the server's preface must be a SETTINGS frame; a PING comes first."""
    start(c, first=hf.PingFrame(0, b"12345678").serialize() + settings_frame())
    finish(c)


def sc_preface_garbage(c):
    """An HTTP/1.1 server answering a prior-knowledge client (§3.4)."""
    start(c, first=b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    finish(c)


def sc_settings_on_stream(c):
    """§6.5: SETTINGS with a stream id is a connection PROTOCOL_ERROR."""
    start(c)
    c.send(raw_frame(SETTINGS, 0, 1, struct.pack(">HI", S_MAX_STREAMS, 10)))
    finish(c)


def sc_settings_bad_length(c):
    """§6.5: length not a multiple of 6 is FRAME_SIZE_ERROR."""
    start(c)
    c.send(raw_frame(SETTINGS, 0, 0, b"\x00\x03\x00\x00\x00"))
    finish(c)


def sc_settings_ack_payload(c):
    """§6.5: SETTINGS ACK with a payload is FRAME_SIZE_ERROR."""
    start(c)
    c.send(raw_frame(SETTINGS, F_ACK, 0, struct.pack(">HI", S_MAX_STREAMS, 10)))
    finish(c)


def _bad_setting(ident, value):
    def sc(c):
        start(c, first=raw_frame(SETTINGS, 0, 0, struct.pack(">HI", ident, value)))
        finish(c)
    return sc


sc_settings_enable_push_2 = _bad_setting(S_ENABLE_PUSH, 2)          # §6.5.2 PROTOCOL_ERROR
sc_settings_enable_push_1 = _bad_setting(S_ENABLE_PUSH, 1)          # §6.5.2: a server MUST NOT
sc_settings_window_2_31 = _bad_setting(S_WINDOW, 1 << 31)           # §6.5.2 FLOW_CONTROL_ERROR
sc_settings_frame_size_small = _bad_setting(S_FRAME_SIZE, 16383)    # §6.5.2 PROTOCOL_ERROR
sc_settings_frame_size_big = _bad_setting(S_FRAME_SIZE, 1 << 24)    # §6.5.2 PROTOCOL_ERROR


def _flood_unread(c, one, count):
    """Sends count copies of one frame while not reading the client's answers
    (small receive buffer), then reads again and answers the request."""
    start(c)
    c.reading = False
    block = one * 1000
    for _ in range(count // 1000):
        c.send(block)
    c.reading = True
    c.sleep(0.2)
    respond(c, 1)
    finish(c)


def sc_settings_flood(c):
    """A SETTINGS flood that never reads our ACKs (§6.5.3, CVE-2019-9515)."""
    _flood_unread(c, hf.SettingsFrame(0, settings={S_MAX_STREAMS: 100}).serialize(), 300000)


def sc_settings_never_ack(c):
    """The server never ACKs our SETTINGS (§6.5.3), but answers."""
    c.auto_ack_settings = False
    start(c)
    c.sleep(0.3)
    respond(c, 1)
    finish(c)


# ---- frames (RFC 9113 §4, §5.1, §6) ---------------------------------------------
def sc_frame_oversized(c):
    """§4.2: DATA longer than our SETTINGS_MAX_FRAME_SIZE (16384)."""
    start(c)
    c.send(head(c, 1) + raw_frame(DATA, 0, 1, b"x" * 16385))
    finish(c)


def sc_frame_oversized_headers(c):
    """§4.2: a HEADERS frame of 20000 octets (header blocks must fit)."""
    start(c)
    block = c.enc.encode([(":status", "200")]) + lit(b"x-pad", b"y" * 100) * 190
    c.send(raw_frame(HEADERS, F_END_HEADERS, 1, block))
    finish(c)


def sc_data_stream0(c):
    """§6.1: DATA on stream 0 is a connection PROTOCOL_ERROR."""
    start(c)
    c.send(raw_frame(DATA, 0, 0, b"hello"))
    finish(c)


def sc_headers_stream0(c):
    """§6.2: HEADERS on stream 0 is a connection PROTOCOL_ERROR."""
    start(c)
    c.send(raw_frame(HEADERS, F_END_HEADERS, 0, c.enc.encode([(":status", "200")])))
    finish(c)


def sc_data_idle_stream(c):
    """§5.1: DATA on a stream never opened (5) is a connection PROTOCOL_ERROR."""
    start(c)
    c.send(data(5, b"hello"))
    finish(c)


def sc_headers_even_stream(c):
    """§5.1.1: a server opens streams only by PUSH_PROMISE; HEADERS on 2."""
    start(c)
    c.send(head(c, 2))
    finish(c)


def sc_bad_padding(c):
    """§6.1: pad length 10 in a DATA payload of 6 octets."""
    start(c)
    c.send(head(c, 1) + raw_frame(DATA, F_PADDED, 1, b"\x0ahello"))
    finish(c)


def sc_unknown_frames(c):
    """§4.1, §5.5: unknown frame types, flags and settings are ignored."""
    start(c, nreq=2, settings={0x99: 7, S_MAX_STREAMS: 100})
    junk = (raw_frame(0xFA, 0xFF, 0, b"junk") + raw_frame(0xFB, 0, 1, b"") +
            raw_frame(0xFC, 0x3, 3, b"x" * 100))
    c.send(junk)
    for sid in (1, 3):
        block = c.enc.encode([(":status", "200"), ("content-length", str(len(BODY)))])
        c.send(raw_frame(HEADERS, F_END_HEADERS | 0x2 | 0x10 | 0x40 | 0x80, sid, block) + junk +
               raw_frame(DATA, 0x2 | 0x4 | 0x10 | 0x40 | 0x80, sid, BODY[:5]) +
               raw_frame(PING, 0xFE, 0, b"abcdefgh") +
               raw_frame(DATA, F_END_STREAM | 0x20, sid, BODY[5:]))
    finish(c)


def sc_priority_self(c):
    """§5.3.1: a stream depending on itself is a stream PROTOCOL_ERROR."""
    start(c, nreq=2)
    c.send(raw_frame(PRIORITY, 0, 1, struct.pack(">IB", 1, 15)))
    c.sleep(0.2)
    respond(c, 3)
    finish(c)


def sc_window_update_zero_stream(c):
    """§6.9: increment 0 on a stream is a stream PROTOCOL_ERROR."""
    start(c, nreq=2)
    c.send(raw_frame(WINDOW, 0, 1, struct.pack(">I", 0)))
    c.sleep(0.2)
    respond(c, 3)
    finish(c)


def sc_window_update_zero_conn(c):
    """§6.9: increment 0 on the connection is a connection PROTOCOL_ERROR."""
    start(c)
    c.send(raw_frame(WINDOW, 0, 0, struct.pack(">I", 0)))
    finish(c)


def sc_window_update_overflow_conn(c):
    """§6.9.1: a window above 2^31-1 is a connection FLOW_CONTROL_ERROR."""
    start(c)
    c.send(hf.WindowUpdateFrame(0, window_increment=0x7FFFFFFF).serialize())
    finish(c)


def sc_window_update_overflow_stream(c):
    """§6.9.1: a stream window above 2^31-1 is a stream FLOW_CONTROL_ERROR."""
    start(c, nreq=2)
    c.send(hf.WindowUpdateFrame(1, window_increment=0x7FFFFFFF).serialize())
    c.sleep(0.2)
    respond(c, 3)
    finish(c)


def sc_rst_stream0(c):
    """§6.4: RST_STREAM on stream 0 is a connection PROTOCOL_ERROR."""
    start(c)
    c.send(raw_frame(RST, 0, 0, struct.pack(">I", 8)))
    finish(c)


def sc_goaway_increasing(c):
    """§6.8: last-stream-id must not increase; stream 3 stays unprocessed."""
    start(c, nreq=2)
    c.send(hf.GoAwayFrame(0, last_stream_id=1, error_code=0).serialize())
    respond(c, 1)
    c.send(hf.GoAwayFrame(0, last_stream_id=3, error_code=0).serialize())
    respond(c, 3)
    finish(c)


# ---- headers (RFC 9113 §4.3, §6.10, §8.2, §8.3; RFC 7541) ---------------------------
def sc_continuation_flood(c):
    """CVE-2024-27316 style: endless CONTINUATION, each with one more field."""
    start(c)
    c.send(raw_frame(HEADERS, 0, 1, c.enc.encode([(":status", "200")])))
    one = raw_frame(CONT, 0, 1, lit(b"x-flood", b"a"))
    for _ in range(100):
        c.send(one * 1000)
    finish(c)


def sc_continuation_empty_flood(c):
    """Endless empty CONTINUATION frames (no END_HEADERS)."""
    start(c)
    c.send(raw_frame(HEADERS, 0, 1, c.enc.encode([(":status", "200")])))
    one = raw_frame(CONT, 0, 1, b"")
    for _ in range(200):
        c.send(one * 1000)
    finish(c)


def sc_headers_interleaved(c):
    """§6.10: a PING inside a header block is a connection PROTOCOL_ERROR."""
    start(c)
    c.send(raw_frame(HEADERS, 0, 1, c.enc.encode([(":status", "200")])) +
           hf.PingFrame(0, b"12345678").serialize() +
           raw_frame(CONT, F_END_HEADERS, 1, lit(b"x-a", b"b")))
    finish(c)


def sc_continuation_without_headers(c):
    """§6.10: CONTINUATION with no header block open."""
    start(c)
    c.send(raw_frame(CONT, F_END_HEADERS, 1, c.enc.encode([(":status", "200")])))
    finish(c)


def sc_hpack_bomb(c):
    """One 4000-octet dynamic entry referenced 12000 times: 48 MB decoded
    from a 16 KB frame (RFC 7541 §7.3, CVE-2016-6581)."""
    start(c, nreq=2)
    name, value = b"x-bomb", b"A" * 4000
    # literal with incremental indexing, new name (§6.2.1); 4000 = 127 + 3873
    n = 4000 - 127
    vlen = bytes([0x7F, 0x80 | (n & 0x7F), n >> 7])
    block = bytes([0x40, len(name)]) + name + vlen + value
    block = c.enc.encode([(":status", "200")]) + block + bytes([0x80 | 62]) * 12000
    c.send(raw_frame(HEADERS, F_END_HEADERS, 1, block))
    c.sleep(0.2)
    respond(c, 3)
    finish(c)


def sc_hpack_index_zero(c):
    """RFC 7541 §6.1: index 0 is a COMPRESSION_ERROR."""
    start(c)
    c.send(raw_frame(HEADERS, F_END_HEADERS | F_END_STREAM, 1, b"\x88\x80"))
    finish(c)


def sc_hpack_index_past(c):
    """RFC 7541 §2.3.3: index 300 with an empty dynamic table."""
    start(c)
    c.send(raw_frame(HEADERS, F_END_HEADERS | F_END_STREAM, 1, b"\x88\xff\xad\x01"))
    finish(c)


def sc_hpack_bad_huffman(c):
    """RFC 7541 §5.2: Huffman padding of zeros instead of the EOS prefix."""
    start(c)
    block = b"\x88" + bytes([0, 3]) + b"x-a" + b"\x81\x00"
    c.send(raw_frame(HEADERS, F_END_HEADERS | F_END_STREAM, 1, block))
    finish(c)


def _malformed(fields):
    """§8.1.1, §8.2, §8.3: a malformed response is a stream PROTOCOL_ERROR;
    the second request must still be answered on the same connection."""
    def sc(c):
        start(c, nreq=2)
        c.send(head(c, 1, fields) + data(1, BODY, end=True))
        c.sleep(0.2)
        respond(c, 3)
        finish(c)
    return sc


CL = ("content-length", str(len(BODY)))
sc_uppercase_header = _malformed([(":status", "200"), ("Content-Type", "text/plain"), CL])
sc_status_missing = _malformed([("content-type", "text/plain"), CL])
sc_status_doubled = _malformed([(":status", "200"), (":status", "204"), CL])
sc_request_pseudo = _malformed([(":status", "200"), (":path", "/"), CL])
sc_connection_header = _malformed([(":status", "200"), ("connection", "keep-alive"), CL])
sc_pseudo_after_regular = _malformed([("content-type", "text/plain"), (":status", "200"), CL])


def sc_trailers_no_end_stream(c):
    """§8.1: a trailer section must end the stream."""
    start(c, nreq=2)
    c.send(head(c, 1, [(":status", "200")]) + data(1, BODY) +
           head(c, 1, [("x-trailer", "1")], end_stream=False))
    c.sleep(0.2)
    respond(c, 3)
    finish(c)


# ---- body and flow control (RFC 9113 §5.2, §6.9, §8.1.1) -----------------------------
def sc_data_past_window(c):
    """§6.9.1: 200000 octets on stream 1 whose window is 65535, unread by
    the client, then stream 3's answer."""
    start(c, nreq=2)
    c.send(head(c, 1, [(":status", "200")]))
    for _ in range(13):
        c.send(data(1, b"z" * 16000))
    respond(c, 3)
    finish(c)


def sc_content_length_short(c):
    """§8.1.1: content-length 100, 14 octets, END_STREAM."""
    _malformed_body(c, "100")


def sc_content_length_long(c):
    """§8.1.1: content-length 3, 14 octets."""
    _malformed_body(c, "3")


def _malformed_body(c, length):
    start(c, nreq=2)
    c.send(head(c, 1, [(":status", "200"), ("content-length", length)]) + data(1, BODY, end=True))
    c.sleep(0.2)
    respond(c, 3)
    finish(c)


def sc_data_after_end_stream(c):
    """§5.1: DATA after END_STREAM is a connection STREAM_CLOSED error;
    response 1, complete before, stays readable."""
    start(c, nreq=2)
    respond(c, 1)
    c.sleep(0.2)
    c.send(data(1, b"late"))
    finish(c)


def sc_upload_window_zero(c):
    """§6.9.2: window 0, never opened, while the client uploads."""
    start(c, settings={S_WINDOW: 0})
    finish(c, 10)


def sc_zero_data_flood(c):
    """Empty DATA frames without END_STREAM, 200000 of them (CVE-2019-9518)."""
    start(c)
    c.send(head(c, 1, [(":status", "200")]))
    one = data(1, b"")
    for _ in range(200):
        c.send(one * 1000)
    finish(c)


def _drip(c, payload, pause):
    for i in range(len(payload)):
        c.send(payload[i:i + 1])
        c.sleep(pause)
        if c.eof:
            return


def sc_slow_drip_deadline(c):
    """One octet every 20 ms: the idle timeout never fires, the total
    deadline must."""
    start(c)
    _drip(c, head(c, 1, [(":status", "200")]) + data(1, b"d" * 10000) * 10, 0.02)
    finish(c)


def sc_slow_drip_complete(c):
    """The whole answer one octet at a time: must still parse."""
    start(c)
    _drip(c, head(c, 1) + data(1, BODY, end=True), 0.005)
    finish(c)


def sc_headers_then_silence(c):
    """Head, then nothing: the read must time out, not hang."""
    start(c)
    c.send(head(c, 1, [(":status", "200")]))
    finish(c, 10)


# ---- push (RFC 9113 §6.6, §8.4) -------------------------------------------------------
def promise(c, sid, promised, path="/pushed", method="GET"):
    block = c.enc.encode([(":method", method), (":scheme", "http"),
                          (":authority", "127.0.0.1"), (":path", path)])
    return hf.PushPromiseFrame(sid, promised_stream_id=promised, data=block,
                               flags=["END_HEADERS"]).serialize()


def sc_push_disabled(c):
    """§8.4: PUSH_PROMISE although we sent ENABLE_PUSH 0."""
    start(c)
    c.send(promise(c, 1, 2))
    finish(c)


def sc_push_closed_stream(c):
    """§5.1, §6.6: PUSH_PROMISE on stream 1 after it ended."""
    start(c, nreq=2)
    respond(c, 1)
    c.sleep(0.2)
    c.send(promise(c, 1, 2))
    finish(c)


def sc_push_flood(c):
    """2000 promises on stream 1 (bound: max_pushed_streams)."""
    start(c)
    c.send(head(c, 1))
    for k in range(2000):
        c.send(promise(c, 1, 2 + 2 * k, path="/p%d" % k))
    c.send(data(1, BODY, end=True))
    for k in range(2000):
        c.send(head(c, 2 + 2 * k) + data(2 + 2 * k, BODY, end=True))
    finish(c)


def sc_push_bad_promise(c):
    """§8.4.1: a promised POST is a stream PROTOCOL_ERROR on the promised stream."""
    start(c)
    c.send(head(c, 1) + promise(c, 1, 2, method="POST") + data(1, BODY, end=True))
    finish(c)


def sc_push_bad_response(c):
    """§8.2.1: the pushed response has an uppercase field name."""
    start(c)
    c.send(head(c, 1) + promise(c, 1, 2) + data(1, BODY, end=True))
    c.send(head(c, 2, [(":status", "200"), ("X-Upper", "1"), CL]) + data(2, BODY, end=True))
    finish(c)


def sc_push_odd_promised(c):
    """§6.6, §5.1.1: a promised stream id must be a new even id."""
    start(c)
    c.send(head(c, 1) + promise(c, 1, 3))
    finish(c)


# ---- lifecycle (RFC 9113 §5.4, §6.7, §6.8, §9) ----------------------------------------
def sc_ping_flood(c):
    """300000 PINGs, our ACKs left unread (CVE-2019-9512)."""
    _flood_unread(c, hf.PingFrame(0, b"pingpong").serialize(), 300000)


def sc_ping_burst(c):
    """40 PINGs in one write from a server that reads everything: a burst,
    not a flood (§6.7 asks for an ACK to each; nothing is left unread)."""
    start(c)
    c.send(b"".join(hf.PingFrame(0, b"burst%03d" % k).serialize() for k in range(40)))
    c.sleep(0.3)
    respond(c, 1)
    finish(c)


def sc_rst_flood(c):
    """RST_STREAM for both requests, then 100000 more on closed streams."""
    start(c, nreq=2)
    c.send(hf.RstStreamFrame(1, error_code=2).serialize() + hf.RstStreamFrame(3, error_code=2).serialize())
    one = hf.RstStreamFrame(1, error_code=8).serialize()
    for _ in range(100):
        c.send(one * 1000)
    finish(c)


def sc_goaway_mid_response(c):
    """§6.8: GOAWAY(last 1) between two DATA frames of stream 1, then close:
    stream 1 completes, stream 3 was not processed."""
    start(c, nreq=2)
    c.send(head(c, 1) + data(1, BODY[:8]))
    c.send(hf.GoAwayFrame(0, last_stream_id=1, error_code=0).serialize())
    c.send(data(1, BODY[8:], end=True))
    c.sleep(0.3)
    c.close()


def sc_goaway_then_close_midbody(c):
    """GOAWAY(last 1), then the connection closes with stream 1 half sent."""
    start(c)
    c.send(head(c, 1) + data(1, BODY[:8]))
    c.send(hf.GoAwayFrame(0, last_stream_id=1, error_code=0).serialize())
    c.sleep(0.3)
    c.close()


def sc_tcp_close_mid_frame(c):
    """Stream 1 complete, then 5 octets of a frame header and a close."""
    start(c, nreq=2)
    respond(c, 1)
    c.send(head(c, 3)[:5])
    c.sleep(0.3)
    c.close(notify=False)


def sc_tcp_reset(c):
    """Stream 1 complete, then a TCP RST."""
    start(c, nreq=2)
    respond(c, 1)
    c.sleep(0.3)
    c.abort()


def sc_no_close_notify(c):
    """Stream 1 complete, then the TLS connection closes without close_notify
    (a truncation attack, RFC 8446 §6.1) while stream 3 is pending."""
    start(c, nreq=2)
    respond(c, 1)
    c.send(head(c, 3, [(":status", "200")]) + data(3, b"partial"))
    c.sleep(0.3)
    c.close(notify=False)


def sc_server_stops_reading(c):
    """Windows wide open, then the server stops reading during an upload."""
    start(c, settings={S_WINDOW: 0x7FFFFFFF})
    c.send(hf.WindowUpdateFrame(0, window_increment=0x7FFFFFFF - 65535).serialize())
    c.reading = False
    c.sleep(6)
    c.drain(8)


SCENARIOS = {name[3:]: fn for name, fn in globals().items() if name.startswith("sc_")}
# Scenarios whose server stops reading from the start (small receive buffer).
SMALL_RCVBUF = {"settings_flood", "ping_flood", "server_stops_reading"}
