#!/usr/bin/env python3
"""Hand-written seed programs for fuzz/fuzz_h2_frames.c.

Each seed is a program in the target's input language (see the comment at
the top of fuzz_h2_frames.c): byte 0 mode, byte 1 split seed, then steps.
They start the fuzzer inside the interesting states (a response with a
body, trailers, push, CONTINUATION, tight windows, GOAWAY, application
calls) instead of at the preface. Usage:
    python3 fuzz/seeds_h2_frames.py OUT_DIR
"""
import os
import sys

# step op codes (byte % 16)
HEAD, TRAILERS, DATA, SETTINGS, SETTINGS_ACK, PING, RST, WINDOW, GOAWAY, \
    PUSH, PRIORITY, UNKNOWN, RAW, APP = range(14)
WHOLE = 15  # table size update then a complete response (END_STREAM)

# mode bits
PUSH_ON, TIGHT, SLOW, NO_SERVER_SETTINGS = 0x01, 0x02, 0x10, 0x20


def reqs(n):
    """mode bits for n requests at start (GET, HEAD, POST, POST open)."""
    return (n - 1) << 2


def block_byte(status, nfields):
    """The block byte: statuses[c % 12] and (c >> 4) & 7 extra fields."""
    return next(c for c in range(256) if c % 12 == status and (c >> 4) & 7 == nfields)


def head(stream=0, status=0, fields=(), flags=0, cut=0, pad=None):
    """HEADERS: status index into statuses[], fields as (name idx, value
    selector bytes...), flags (0x01 END_STREAM, 0x08 PADDED, 0x20 PRIORITY)."""
    c = block_byte(status, len(fields))
    out = [HEAD, stream, flags, c]
    for f in fields:
        out += list(f)
    out.append(cut)
    if flags & 0x08:
        out.append(pad or 0)
    return out


def data(stream=0, length=0, end=False, count=1, pad=None):
    c = (0x10 if end else 0) | (0x20 if pad is not None else 0)
    if count > 1:
        c |= 0x80 | ((count - 1) % 16)
    out = [DATA, stream]
    if length >= 64:
        out += [c | 0x40, length >> 8, length & 0xff]
    else:
        out += [c, length]
    if pad is not None:
        out.append(pad)
    return out


CL = lambda n: (1, 1, n >> 8, n & 0xff)        # content-length: n
CTYPE = (0, 3)                                  # content-type: text/plain
XFUZZ = lambda s: (5, 0, len(s)) + tuple(s)     # x-fuzz: bytes
BIG = lambda n: (19, 2, n >> 8, n & 0xff)       # x-big: n octets


SEEDS = {
    "simple": [0, 0] + [WHOLE, 0, 0, 0, 0],
    "body_cl": [0, 0] + head(fields=[CL(10), CTYPE]) + data(length=10, end=True),
    "body_cl_mismatch": [0, 0] + head(fields=[CL(3)]) + data(length=10, end=True),
    "trailers": [0, 0] + head(fields=[CTYPE]) + data(length=5)
    + [TRAILERS, 0, 0, block_byte(0, 1), 5, 3, 0],
    "informational": [0, 0] + head(status=3) + head(status=4) + head(fields=[CL(0)], flags=1),
    "four_requests": [reqs(4), 0x55] + [WHOLE, 0, 3, 0, 0] + [WHOLE, 0, 1, 1, 0]
    + head(stream=2, status=2, flags=1) + head(stream=0, fields=[CL(20)])
    + data(stream=0, length=20, end=True),
    "push": [PUSH_ON, 0] + [PUSH, 0, 1, 0, 0, 0] + [WHOLE, 0, 1, 0, 0]
    + [WHOLE, 0, 0, 0, 0],
    "push_refused_flood": [PUSH_ON | TIGHT, 0] + [PUSH, 0, 1, 0, 0, 0] * 4,
    "continuation": [0, 0x31] + head(fields=[CTYPE] * 6, cut=0x83, flags=1),
    "padded_priority": [0, 0] + head(fields=[CTYPE], flags=0x28, pad=7)
    + data(length=8, pad=20, end=True),
    "tight_windows": [TIGHT | SLOW, 0] + head() + data(length=40, count=3)
    + [APP, 6, 0] + data(length=60, end=True),
    "big_window_burst": [0, 0] + head(fields=[CL(16000 * 4)])
    + data(length=16000, count=4, end=True),
    "hpack_bomb": [0, 0] + head(fields=[BIG(4000)] * 5, flags=1),
    "goaway": [reqs(4), 0] + [WHOLE, 0, 0, 0, 0] + [GOAWAY, 1, 0, 0, 2, 0, 0, 0, 0]
    + [WHOLE, 0, 1, 0, 0],
    "settings_then_ping": [0, 0] + [SETTINGS, 4, 0, 3, 2, 2, 3, 5, 4, 4]
    + [SETTINGS_ACK] + [PING, 0] + [WINDOW, 0, 0, 0x01, 0x00] + [WHOLE, 0, 0, 0, 0],
    "rst_and_late_frames": [reqs(2), 0] + [RST, 0, 8] + data(length=4, end=True)
    + [WHOLE, 0, 1, 0, 0],
    "app_calls": [reqs(4), 0] + [APP, 4, 0, APP, 0, 0, APP, 1, 2, APP, 5, 3]
    + [WHOLE, 0, 0, 0, 0] + [APP, 3, 0] + [WHOLE, 0, 3, 0, 0],
    "unknown_and_priority": [0, 0] + [UNKNOWN, 0, 4, 0x61, 0x62, 0x63, 0x64, 0xff, 0]
    + [PRIORITY, 0, 0, 0] + [WHOLE, 0, 0, 0, 0],
    "no_server_settings": [NO_SERVER_SETTINGS, 0] + [WHOLE, 0, 0, 0, 0],
    "raw_preface_junk": [0, 0] + [RAW, 9, 0, 0, 4, 1, 0, 0, 0, 0, 0],
    "huffman_indexing": [0xc0, 0] + head(fields=[CTYPE, XFUZZ(b"abc"), CTYPE])
    + [WHOLE, 0, 0, block_byte(0, 1), 3, 0, 3, 0],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/fuzz_h2_frames"
    os.makedirs(out, exist_ok=True)
    for name, prog in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(b & 0xff for b in prog))
    print(f"{len(SEEDS)} seeds in {out}")


if __name__ == "__main__":
    main()
