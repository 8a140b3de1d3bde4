#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/fuzz_frame_reader.c into
fuzz/corpus/fuzz_frame_reader/ (run from the repository root).

Each seed is: 1 config octet (max frame size and buffer choice), 4 octets of
split seed, then a server's byte stream made of valid HTTP/2 frames
(RFC 9113 §6), written out by hand so no library is needed.
"""
import os
import struct

OUT = "fuzz/corpus/fuzz_frame_reader"


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", stream) + payload


def settings(*pairs, ack=False):
    return frame(4, 1 if ack else 0, 0, b"".join(struct.pack(">HI", i, v) for i, v in pairs))


BLOCK = bytes.fromhex("8286844188f1e3c2e5f23a6ba0ab90f4ff")  # RFC 7541 C.4.1-like
SEEDS = {
    "server_start": settings((3, 100), (4, 65535), (5, 16384)) + settings(ack=True) +
    frame(8, 0, 0, struct.pack(">I", 1 << 20)),
    "response": frame(1, 4, 1, BLOCK) + frame(0, 0, 1, b"hello ") +
    frame(0, 1, 1, b"world"),
    "padded": frame(0, 9, 3, bytes([4]) + b"abc" + bytes(4)) +
    frame(1, 0x2d, 5, bytes([2]) + struct.pack(">IB", 0x80000003, 15) + BLOCK + bytes(2)),
    "continuation": frame(1, 0, 7, BLOCK[:5]) + frame(9, 0, 7, BLOCK[5:10]) +
    frame(9, 4, 7, BLOCK[10:]),
    "push": frame(5, 4, 1, struct.pack(">I", 2) + BLOCK) + frame(1, 5, 2, BLOCK),
    "control": frame(6, 0, 0, b"12345678") + frame(6, 1, 0, b"abcdefgh") +
    frame(2, 0, 9, struct.pack(">IB", 1, 200)) + frame(3, 0, 9, struct.pack(">I", 8)) +
    frame(0xb, 0xff, 0, b"ext") + frame(7, 0, 0, struct.pack(">II", 9, 0) + b"bye"),
    "empty_data": frame(0, 1, 11, b"") + frame(0, 8, 13, b"\x00"),
}
CONFIGS = [0x00, 0x0a, 0x0f]


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (name, body) in enumerate(sorted(SEEDS.items())):
        prefix = bytes([CONFIGS[i % len(CONFIGS)]]) + struct.pack("<I", 0x9e3779b9 * (i + 1) & 0xffffffff)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(prefix + body)


if __name__ == "__main__":
    main()
