#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/fuzz_content.c into fuzz/corpus/fuzz_content/.

Each seed is: one octet choosing the coding (index into the fuzzer's table:
0 gzip, 1 deflate, 2 identity, 3 "gzip, gzip", 4 "deflate, gzip", 5 x-gzip,
6 "gzip, deflate, gzip", 7 br), one octet for buffer size / piece seed,
then a small coded body made with Python's zlib (the same zlib as ours).
Run from the repository root: python3 tools/gen_content_corpus.py
"""
import os
import zlib

OUT = "fuzz/corpus/fuzz_content"
TEXT = b"hyper: an HTTP/2 client in C. " * 8 + bytes(range(32))


def z(data, wbits, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits)
    return c.compress(data) + c.flush()


def gzip(data, level=6):
    return z(data, 31, level)


def deflate_raw(data, level=6):
    return z(data, -15, level)


def deflate_zlib(data, level=6):
    return z(data, 15, level)


SEEDS = {
    "gzip": (0, 16, gzip(TEXT)),
    "gzip_stored": (0, 1, gzip(TEXT[:40], 0)),
    "gzip_two_members": (0, 200, gzip(TEXT[:50]) + gzip(TEXT[50:])),
    "gzip_trailing_nuls": (0, 7, gzip(b"abc") + b"\0\0\0\0"),
    "deflate_zlib": (1, 31, deflate_zlib(TEXT)),
    "deflate_raw": (1, 3, deflate_raw(TEXT)),
    "identity": (2, 9, b"plain body \x1f\x8b"),
    "gzip_gzip": (3, 64, gzip(gzip(TEXT))),
    "deflate_then_gzip": (4, 128, gzip(deflate_raw(TEXT))),
    "xgzip_zeros": (5, 255, gzip(bytes(100000), 9)),
    "three_layers": (6, 40, gzip(deflate_zlib(gzip(TEXT)))),
    "br": (7, 0, b"\x0b\x02\x80hello\x03"),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (coding, knob, body) in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes([coding, knob]) + body)


if __name__ == "__main__":
    main()
