#!/usr/bin/python3
"""Frame vectors from an independent implementation (hyperframe, Debian's
python3-hyperframe), for test/frame/test_hyperframe.c.

Each frame is built and serialized by hyperframe, then parsed back by
hyperframe; one line per frame gives the wire bytes and the fields
hyperframe parsed:

    <name> hex=<wire> type=<t> flags=<raw flags byte> stream=<id> <fields...>

Fields (integers decimal, octet strings hex, '-' for empty):
    DATA           pad=<n or -1> data=<hex>
    HEADERS        pad=<n or -1> prio=<0|1> dep=<id> excl=<0|1> weight=<w> frag=<hex>
    PRIORITY       dep=<id> excl=<0|1> weight=<w>
    RST_STREAM     code=<c>
    SETTINGS       ack=<0|1> n=<count> s=<id>:<value> (one s= per entry, wire order)
    PUSH_PROMISE   pad=<n or -1> promised=<id> frag=<hex>
    PING           ack=<0|1> opaque=<hex>
    GOAWAY         last=<id> code=<c> debug=<hex>
    WINDOW_UPDATE  inc=<n>
    CONTINUATION   frag=<hex>
    UNKNOWN        body=<hex>          (an extension type hyperframe does not know)

A line ends with extra=<bits> when unknown flag bits were set on the wire
(hyperframe ignores them, as must we). Usage: /usr/bin/python3 this-file
"""
import sys

try:
    from hyperframe import frame as hf
except ImportError:
    sys.stderr.write("hyperframe_vectors.py: python3-hyperframe is missing "
                     "(apt-get install python3-hyperframe; run with /usr/bin/python3)\n")
    sys.exit(2)


def hx(b):
    return b.hex() if b else "-"


def fields(fr):
    pad = lambda: fr.pad_length if "PADDED" in fr.flags else -1
    if isinstance(fr, hf.DataFrame):
        return "pad=%d data=%s" % (pad(), hx(fr.data))
    if isinstance(fr, hf.HeadersFrame):
        prio = 1 if "PRIORITY" in fr.flags else 0
        return "pad=%d prio=%d dep=%d excl=%d weight=%d frag=%s" % (
            pad(), prio, fr.depends_on if prio else 0, 1 if (prio and fr.exclusive) else 0,
            fr.stream_weight if prio else 0, hx(fr.data))
    if isinstance(fr, hf.PriorityFrame):
        return "dep=%d excl=%d weight=%d" % (fr.depends_on, 1 if fr.exclusive else 0,
                                             fr.stream_weight)
    if isinstance(fr, hf.RstStreamFrame):
        return "code=%d" % fr.error_code
    if isinstance(fr, hf.SettingsFrame):
        ents = " ".join("s=%d:%d" % kv for kv in fr.settings.items())
        return ("ack=%d n=%d %s" % (1 if "ACK" in fr.flags else 0, len(fr.settings), ents)).rstrip()
    if isinstance(fr, hf.PushPromiseFrame):
        return "pad=%d promised=%d frag=%s" % (pad(), fr.promised_stream_id, hx(fr.data))
    if isinstance(fr, hf.PingFrame):
        return "ack=%d opaque=%s" % (1 if "ACK" in fr.flags else 0, hx(fr.opaque_data))
    if isinstance(fr, hf.GoAwayFrame):
        return "last=%d code=%d debug=%s" % (fr.last_stream_id, fr.error_code,
                                             hx(fr.additional_data))
    if isinstance(fr, hf.WindowUpdateFrame):
        return "inc=%d" % fr.window_increment
    if isinstance(fr, hf.ContinuationFrame):
        return "frag=%s" % hx(fr.data)
    if isinstance(fr, hf.ExtensionFrame):
        return "body=%s" % hx(fr.body)
    raise ValueError(fr)


def parse(wire):
    """hyperframe's own decode of the wire bytes."""
    fr, length = hf.Frame.parse_frame_header(memoryview(wire[:9]))
    assert length == len(wire) - 9
    fr.parse_body(memoryview(wire[9:]))
    return fr


def emit(name, wire, extra=0):
    if extra:  # set flag bits hyperframe does not define; it must ignore them
        wire = wire[:4] + bytes([wire[4] | extra]) + wire[5:]
    fr = parse(wire)
    line = "%s hex=%s type=%d flags=%d stream=%d %s" % (
        name, wire.hex(), wire[3], wire[4], fr.stream_id, fields(fr))
    if extra:
        line += " extra=%d" % extra
    print(line)


def padded(fr, n):
    fr.flags.add("PADDED")
    fr.pad_length = n
    return fr


def main():
    body = b"hello, hyper"
    block = bytes.fromhex("828684418cf1e3c2e5f23a6ba0ab90f4ff")  # RFC 7541 C.4.1
    emit("DATA", hf.DataFrame(1, body).serialize())
    emit("DATA", hf.DataFrame(3, body, flags=["END_STREAM"]).serialize())
    emit("DATA", padded(hf.DataFrame(5, body, flags=["END_STREAM"]), 7).serialize())
    emit("DATA", padded(hf.DataFrame(7, b""), 0).serialize())
    emit("DATA", padded(hf.DataFrame(9, b""), 20).serialize())
    emit("DATA", hf.DataFrame(11, b"", flags=["END_STREAM"]).serialize())
    emit("DATA", hf.DataFrame(0x7fffffff, bytes(range(256)) * 4).serialize())
    emit("DATA", hf.DataFrame(13, b"x").serialize(), extra=0x42)
    emit("HEADERS", hf.HeadersFrame(1, block, flags=["END_HEADERS"]).serialize())
    emit("HEADERS", hf.HeadersFrame(3, block, flags=["END_HEADERS", "END_STREAM"]).serialize())
    emit("HEADERS", padded(hf.HeadersFrame(5, block, flags=["END_HEADERS"]), 10).serialize())
    emit("HEADERS", hf.HeadersFrame(7, block, flags=["PRIORITY"], depends_on=3,
                                    stream_weight=200, exclusive=True).serialize())
    emit("HEADERS", padded(hf.HeadersFrame(9, block, flags=["PRIORITY", "END_STREAM"],
                                           depends_on=0, stream_weight=15,
                                           exclusive=False), 3).serialize())
    emit("HEADERS", hf.HeadersFrame(11, b"", flags=["END_HEADERS"]).serialize(), extra=0xd2)
    emit("PRIORITY", hf.PriorityFrame(3, depends_on=1, stream_weight=255, exclusive=True).serialize())
    emit("PRIORITY", hf.PriorityFrame(5, depends_on=0x7ffffffe, stream_weight=0).serialize())
    emit("RST_STREAM", hf.RstStreamFrame(1, error_code=8).serialize())
    emit("RST_STREAM", hf.RstStreamFrame(0x12345, error_code=0xdeadbeef).serialize())
    emit("SETTINGS", hf.SettingsFrame(0, settings={1: 4096, 2: 0, 3: 100, 4: 65535,
                                                    5: 16384, 6: 8192}).serialize())
    emit("SETTINGS", hf.SettingsFrame(0, settings={4: 0x7fffffff, 5: 16777215,
                                                    0x99: 7}).serialize())
    emit("SETTINGS", hf.SettingsFrame(0).serialize())
    emit("SETTINGS", hf.SettingsFrame(0, flags=["ACK"]).serialize())
    emit("PUSH_PROMISE", hf.PushPromiseFrame(1, promised_stream_id=2, data=block,
                                             flags=["END_HEADERS"]).serialize())
    emit("PUSH_PROMISE", padded(hf.PushPromiseFrame(3, promised_stream_id=0x7ffffffe,
                                                    data=block), 9).serialize())
    emit("PING", hf.PingFrame(0, opaque_data=b"\x01\x02\x03\x04\x05\x06\x07\x08").serialize())
    emit("PING", hf.PingFrame(0, opaque_data=b"hyper!!!", flags=["ACK"]).serialize())
    emit("PING", hf.PingFrame(0, opaque_data=b"\0" * 8).serialize(), extra=0xfe)
    emit("GOAWAY", hf.GoAwayFrame(0, last_stream_id=0, error_code=0).serialize())
    emit("GOAWAY", hf.GoAwayFrame(0, last_stream_id=101, error_code=1,
                                  additional_data=b"too many pings").serialize())
    emit("WINDOW_UPDATE", hf.WindowUpdateFrame(0, window_increment=1).serialize())
    emit("WINDOW_UPDATE", hf.WindowUpdateFrame(7, window_increment=0x7fffffff).serialize())
    emit("CONTINUATION", hf.ContinuationFrame(1, block, flags=["END_HEADERS"]).serialize())
    emit("CONTINUATION", hf.ContinuationFrame(3, b"").serialize())
    ext = b"\x00\x00\x05\x0b\x3f\x00\x00\x00\x01abcde"  # type 0xb, all flags
    emit("UNKNOWN", ext)
    emit("UNKNOWN", b"\x00\x00\x00\xfa\x00\x00\x00\x00\x00")


if __name__ == "__main__":
    main()
