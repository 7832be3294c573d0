#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write seed inputs for fuzz-blkif (tests/fuzz_blkif.c) into DIR: one
well-formed request of each kind, so the fuzzer starts from the I/O paths
instead of having to find a granted ref by chance."""
import struct
import sys

FIRST_REF = 100 + 1          # ref 100 is the ring page; data pages follow
IND_REF = FIRST_REF          # data page 0: where an indirect list goes


def rw(op, nseg, sector, segs, ident=1):
    s = struct.pack("<BBHIQQ", op, nseg, 0, 0, ident, sector)
    for ref, first, last in segs:
        s += struct.pack("<IBBH", ref, first, last, 0)
    return s.ljust(112, b"\0")


def discard(sector, n):
    return struct.pack("<BBHIQQQ", 5, 0, 0, 0, 9, sector, n).ljust(112, b"\0")


def indirect(op, nseg, sector):
    s = struct.pack("<BBHIQQHH", 6, op, nseg, 0, 7, sector, 0, 0)
    s += struct.pack("<8I", IND_REF, *([0] * 7))
    return s.ljust(112, b"\0")


def main(out):
    hdr = b"\0" * 5
    seg_list = b"".join(struct.pack("<IBBH", FIRST_REF + 1 + i, 0, 7, 0)
                        for i in range(8))
    seeds = {
        "read": hdr + rw(0, 2, 8, [(FIRST_REF + 1, 0, 7), (FIRST_REF + 2, 1, 3)]),
        "write": hdr + rw(1, 1, 0, [(FIRST_REF + 3, 0, 7)]),
        "flush": hdr + rw(3, 0, 0, []),
        "discard": hdr + discard(8, 16),
        "indirect-write": hdr + indirect(1, 8, 16) + seg_list,
        "indirect-read": hdr + indirect(0, 8, 16) + seg_list,
        "mixed": hdr + rw(1, 1, 0, [(FIRST_REF + 3, 0, 7)]) + rw(3, 0, 0, [])
        + discard(0, 8) + rw(0, 1, 0, [(FIRST_REF + 4, 0, 7)]),
    }
    for name, data in seeds.items():
        with open(f"{out}/seed-{name}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
