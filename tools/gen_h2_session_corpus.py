#!/usr/bin/python3
"""Writes the seed corpus of fuzz/fuzz_h2_session.c: valid server byte
streams built with an independent HTTP/2 implementation (python3-hyperframe
and python3-hpack; run with Debian's /usr/bin/python3).

Each file is: one mode byte (see the fuzz target), one split-seed byte, then
the server's bytes.
Usage: /usr/bin/python3 tools/gen_h2_session_corpus.py fuzz/corpus/fuzz_h2_session
"""
import os
import sys

from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, GoAwayFrame, HeadersFrame,
                              PingFrame, PushPromiseFrame, RstStreamFrame, SettingsFrame,
                              WindowUpdateFrame)


def settings():
    s = SettingsFrame(0, settings={SettingsFrame.MAX_CONCURRENT_STREAMS: 100,
                                   SettingsFrame.INITIAL_WINDOW_SIZE: 65535})
    return s.serialize() + SettingsFrame(0, flags=["ACK"]).serialize()


def headers(enc, sid, fields, flags=("END_HEADERS",)):
    return HeadersFrame(sid, data=enc.encode(fields), flags=list(flags)).serialize()


def simple():
    e = Encoder()
    return (settings() + headers(e, 1, [(":status", "200"), ("content-type", "text/plain"),
                                        ("content-length", "11")])
            + DataFrame(1, data=b"hello ").serialize()
            + DataFrame(1, data=b"world", flags=["END_STREAM"]).serialize())


def push():
    e = Encoder()
    pp = PushPromiseFrame(1, promised_stream_id=2, flags=["END_HEADERS"],
                          data=e.encode([(":method", "GET"), (":scheme", "https"),
                                         (":authority", "example.com"), (":path", "/s.css")]))
    return (settings() + pp.serialize()
            + headers(e, 1, [(":status", "200")])
            + headers(e, 2, [(":status", "200")], ("END_HEADERS", "END_STREAM"))
            + DataFrame(1, data=b"x" * 100, flags=["END_STREAM", "PADDED"], pad_length=10).serialize())


def control():
    e = Encoder()
    block = e.encode([(":status", "103"), ("link", "</a>")])
    block2 = e.encode([(":status", "200"), ("x-a", "b" * 40)])
    return (settings() + PingFrame(0, opaque_data=b"12345678").serialize()
            + WindowUpdateFrame(0, window_increment=1000).serialize()
            + WindowUpdateFrame(1, window_increment=1000).serialize()
            + HeadersFrame(1, data=block, flags=["END_HEADERS"]).serialize()
            + HeadersFrame(1, data=block2[:5]).serialize()
            + ContinuationFrame(1, data=block2[5:10]).serialize()
            + ContinuationFrame(1, data=block2[10:], flags=["END_HEADERS"]).serialize()
            + DataFrame(1, data=b"body").serialize()
            + headers(e, 1, [("grpc-status", "0")], ("END_HEADERS", "END_STREAM"))
            + RstStreamFrame(3, error_code=8).serialize()
            + GoAwayFrame(0, last_stream_id=1, error_code=0, additional_data=b"bye").serialize())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {"simple": (0, simple()), "simple_split": (0x10, simple()),
             "push": (1, push()), "control": (0x14, control()), "small": (2, control()),
             "slow_reader": (0x40, simple()), "slow_push": (0x41, push()),
             "app_calls": (0x90, control()), "app_calls_push": (0xd1, push())}
    for i, (name, (mode, data)) in enumerate(sorted(seeds.items())):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([mode, i * 37 % 256]) + data)


if __name__ == "__main__":
    main()
