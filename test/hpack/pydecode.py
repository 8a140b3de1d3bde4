#!/usr/bin/python3
"""Decode hpack-test-case stories with Python's hpack module (an independent
HPACK implementation) and check every case against its headers.

Usage: /usr/bin/python3 test/hpack/pydecode.py STORY.json...

One hpack.Decoder per file (the cases of a story share a compression
context). A case's header_table_size is the SETTINGS_HEADER_TABLE_SIZE ACKed
before it, so it becomes the decoder's max_allowed_table_size: a size update
above it, or a table left larger than it at the end of the block, is an
error (RFC 7541 section 4.2).

Exit status: 0 all match; 1 a mismatch or decoding error (printed with file,
case and header); 2 usage error or the hpack module is missing.
"""
import json
import sys

try:
    import hpack
except ImportError as e:  # Debian's python3-hpack, run with /usr/bin/python3
    print("pydecode: the Python hpack module is missing (%s); install "
          "python3-hpack and run with /usr/bin/python3" % e, file=sys.stderr)
    sys.exit(2)


def check_file(path):
    with open(path, "rb") as f:
        story = json.loads(f.read().decode("utf-8"))
    dec = hpack.Decoder(max_header_list_size=1 << 30)
    blocks = fields = 0
    for i, case in enumerate(story["cases"]):
        size = case.get("header_table_size")
        if size is not None:
            dec.max_allowed_table_size = size
        wire = bytes.fromhex(case["wire"])
        want = []
        for h in case["headers"]:
            if len(h) != 1:
                print("pydecode: %s: case %d: a header is not a one-member object"
                      % (path, i), file=sys.stderr)
                return None
            (name, value), = h.items()
            want.append((name.encode("utf-8"), value.encode("utf-8")))
        try:
            got = [(bytes(n), bytes(v)) for n, v in dec.decode(wire, raw=True)]
        except hpack.HPACKError as e:
            print("pydecode: %s: case %d: %s: %s" % (path, i, type(e).__name__, e),
                  file=sys.stderr)
            return None
        if got != want:
            for j in range(max(len(got), len(want))):
                g = got[j] if j < len(got) else None
                w = want[j] if j < len(want) else None
                if g != w:
                    print("pydecode: %s: case %d: header %d: expected %r, decoded %r"
                          % (path, i, j, w, g), file=sys.stderr)
                    break
            return None
        blocks += 1
        fields += len(got)
    return blocks, fields


def main(argv):
    if len(argv) < 2:
        print([l for l in __doc__.splitlines() if l.startswith("Usage")][0], file=sys.stderr)
        return 2
    blocks = fields = 0
    for path in argv[1:]:
        r = check_file(path)
        if r is None:
            return 1
        blocks += r[0]
        fields += r[1]
    print("pydecode: hpack %s: %d files, %d blocks, %d headers match"
          % (hpack.__version__, len(argv) - 1, blocks, fields))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
