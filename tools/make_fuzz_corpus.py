#!/usr/bin/env python3
"""Write the seed corpora of the HPACK fuzz targets from RFC 7541 Appendix C.

    python3 tools/make_fuzz_corpus.py [--check]

fuzz/corpus/fuzz_hpack_decode/     the Appendix C header blocks, in the input
                                   layout of fuzz/fuzz_hpack_decode.c (4 option
                                   bytes, then blocks with a 2-octet header),
                                   plus a few hostile blocks
fuzz/corpus/fuzz_hpack_roundtrip/  the Appendix C header lists, in the input
                                   layout of fuzz/fuzz_hpack_roundtrip.c, under
                                   several Huffman/indexing/table-size options

Files are small and named after the RFC section. Running the script again
rewrites the same bytes; --check only verifies that the committed files are
what the script writes (exit 1 otherwise).
"""
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus")

# RFC 7541 Appendix C: (section, [block hex, ...]) sharing one context.
C2 = [
    ("c2_1", ["400a637573746f6d2d6b65790d637573746f6d2d686561646572"]),
    ("c2_2", ["040c2f73616d706c652f70617468"]),
    ("c2_3", ["100870617373776f726406736563726574"]),
    ("c2_4", ["82"]),
]
C3 = ("c3", [
    "828684410f7777772e6578616d706c652e636f6d",
    "828684be58086e6f2d6361636865",
    "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
])
C4 = ("c4", [
    "828684418cf1e3c2e5f23a6ba0ab90f4ff",
    "828684be5886a8eb10649cbf",
    "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
])
C5 = ("c5", [
    "4803333032580770726976617465611d4d6f6e2c203231204f63742032303133203230"
    "3a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
    "4803333037c1c0bf",
    "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a"
    "04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f"
    "49553b206d61782d6167653d333630303b2076657273696f6e3d31",
])
C6 = ("c6", [
    "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff"
    "6e919d29ad171863c78f0b97c8e9ae82ae43d3",
    "4883640effc1c0bf",
    "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7"
    "821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003"
    "ed4ee5b1063d5007",
])

# The header lists of Appendix C.3/C.4 (requests) and C.5/C.6 (responses).
REQUESTS = [
    [(":method", "GET"), (":scheme", "http"), (":path", "/"),
     (":authority", "www.example.com")],
    [(":method", "GET"), (":scheme", "http"), (":path", "/"),
     (":authority", "www.example.com"), ("cache-control", "no-cache")],
    [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"),
     (":authority", "www.example.com"), ("custom-key", "custom-value")],
]
RESPONSES = [
    [(":status", "302"), ("cache-control", "private"),
     ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")],
    [(":status", "307"), ("cache-control", "private"),
     ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")],
    [(":status", "200"), ("cache-control", "private"),
     ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
     ("content-encoding", "gzip"),
     ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")],
]
C2_LISTS = [
    ("c2_1", [("custom-key", "custom-header")]),
    ("c2_2", [(":path", "/sample/path")]),
    ("c2_3", [("password", "secret")]),  # sent never-indexed in the RFC
    ("c2_4", [(":method", "GET")]),
]

# Indexes into the table-size lists of the two targets.
DEC_SIZES = [0, 32, 64, 100, 256, 1024, 4096, 65536]
RT_SIZES = [0, 32, 64, 100, 256, 1024, 4096, 8192]


def decode_input(blocks, table=6, bounds=(0, 0), seed=0, set_size=None):
    """Option bytes, then each block with its 2-octet header; set_size (a
    DEC_SIZES index) is ACKed before the first block."""
    out = bytearray([table, bounds[0], bounds[1], seed])
    for i, hexblock in enumerate(blocks):
        b = bytes.fromhex(hexblock)
        head = len(b)
        assert head < 0x1000
        if i == 0 and set_size is not None:
            head |= 0x8000 | set_size << 12
        out += bytes([head >> 8, head & 0xff]) + b
    return bytes(out)


def field_bytes(name, value, flags, last):
    """One field of the round-trip layout: a literal name (op bits 0-1 = 0)."""
    n, v = name.encode(), value.encode()
    assert len(n) < 40
    op = flags | (0x10 if last else 0)
    if len(v) >= 64:
        op |= 0x20
        vlen = bytes([len(v) >> 8, len(v) & 0xff])
    else:
        vlen = bytes([len(v)])
    return bytes([op, len(n)]) + n + vlen + v


def roundtrip_input(lists, huffman, indexing, own_size, peer_size, never=()):
    out = bytearray([huffman + 3 * indexing | own_size << 5, peer_size])
    for fields in lists:
        for i, (name, value) in enumerate(fields):
            flags = 0x04 if name in never else 0
            out += field_bytes(name, value, flags, i == len(fields) - 1)
    return bytes(out)


def seeds():
    dec = {}
    for name, blocks in C2:
        dec["rfc7541_" + name] = decode_input(blocks)
    for name, blocks in (C3, C4):
        dec["rfc7541_" + name] = decode_input(blocks, seed=len(name))
        dec["rfc7541_" + name + "_small_bounds"] = decode_input(blocks, bounds=(0x13, 0x02))
    for name, blocks in (C5, C6):
        # The RFC runs these with a 256-octet table: as our initial setting,
        # and as a setting lowered from 4096 (the block then needs a size
        # update to 256 first: 0x3fe101).
        dec["rfc7541_" + name] = decode_input(blocks, table=4, seed=7)
        dec["rfc7541_" + name + "_lowered"] = decode_input(
            ["3fe101" + blocks[0]] + blocks[1:], set_size=4, seed=3)
    hostile = {
        "index_zero": "80",
        "index_past_table": "be",
        "truncated_int": "ff",
        "int_overflow": "ffffffffffff0f",
        "string_past_end": "400a6375",
        "huffman_eos": "0084ffffffff0161",
        "huffman_bad_padding": "0081000161",
        "size_update_after_field": "823f00",
        "size_update_above_limit": "3fe21f",
    }
    for name, block in hostile.items():
        dec["hostile_" + name] = decode_input([block, "82"])
    rt = {}
    for name, fields in C2_LISTS:
        rt["rfc7541_" + name] = roundtrip_input([fields], 0, 1, 6, 6, never=("password",))
    configs = [("auto_4096", 0, 0, 6, 6), ("never_all_256", 1, 1, 4, 4),
               ("always_none_0", 2, 2, 0, 0), ("auto_peer_100", 0, 0, 6, 3)]
    for cname, huff, idx, own, peer in configs:
        rt["rfc7541_c3_" + cname] = roundtrip_input(REQUESTS, huff, idx, own, peer)
        rt["rfc7541_c5_" + cname] = roundtrip_input(RESPONSES, huff, idx, own, peer,
                                                    never=("set-cookie",))
    return {"fuzz_hpack_decode": dec, "fuzz_hpack_roundtrip": rt}


def main(argv):
    check = "--check" in argv[1:]
    bad = 0
    for target, files in seeds().items():
        folder = os.path.join(ROOT, target)
        os.makedirs(folder, exist_ok=True)
        for name, data in sorted(files.items()):
            path = os.path.join(folder, name)
            if check:
                try:
                    with open(path, "rb") as f:
                        same = f.read() == data
                except OSError:
                    same = False
                if not same:
                    print("differs: " + path)
                    bad = 1
            else:
                with open(path, "wb") as f:
                    f.write(data)
        print("%s: %d seeds" % (folder, len(files)))
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
