#!/usr/bin/env python3
"""Prints the name-hash slot table of src/hpack/static_table.c.

The HPACK static table (RFC 7541 Appendix A) has 52 distinct names. The
encoder looks every field up in it, so hyper_hpack_static_find hashes the
name instead of scanning: key = len | last << 8 | middle << 16 | second << 24
(octets of the name), slot = (key * MULT mod 2^32) >> 25, a perfect hash into
128 slots for these names. This script searches MULT (fixed seed, so the
output is reproducible) and prints the slot -> lowest static index table.
Usage: python3 tools/gen_static_hash.py
"""
import random

STATIC = [":authority", ":method", ":method", ":path", ":path", ":scheme",
          ":scheme", ":status", ":status", ":status", ":status", ":status",
          ":status", ":status", "accept-charset", "accept-encoding",
          "accept-language", "accept-ranges", "accept",
          "access-control-allow-origin", "age", "allow", "authorization",
          "cache-control", "content-disposition", "content-encoding",
          "content-language", "content-length", "content-location",
          "content-range", "content-type", "cookie", "date", "etag", "expect",
          "expires", "from", "host", "if-match", "if-modified-since",
          "if-none-match", "if-range", "if-unmodified-since", "last-modified",
          "link", "location", "max-forwards", "proxy-authenticate",
          "proxy-authorization", "range", "referer", "refresh", "retry-after",
          "server", "set-cookie", "strict-transport-security",
          "transfer-encoding", "user-agent", "vary", "via", "www-authenticate"]
BITS = 7


def key(n):
    return len(n) | ord(n[-1]) << 8 | ord(n[len(n) // 2]) << 16 | ord(n[1]) << 24


def slot(n, mult):
    return ((key(n) * mult) & 0xffffffff) >> (32 - BITS)


def main():
    first = {}
    for i, n in enumerate(STATIC):
        first.setdefault(n, i + 1)
    rng = random.Random(1)
    while True:
        mult = rng.getrandbits(32) | 1
        slots = {slot(n, mult) for n in first}
        if len(slots) == len(first):
            break
    table = [0] * (1 << BITS)
    for n, i in first.items():
        table[slot(n, mult)] = i
    print("#define NAME_HASH_MULT 0x%08xu" % mult)
    print("static const uint8_t name_slot[%d] = {" % (1 << BITS))
    for r in range(0, len(table), 16):
        print("    " + ", ".join("%2d" % v for v in table[r:r + 16]) + ",")
    print("};")


if __name__ == "__main__":
    main()
