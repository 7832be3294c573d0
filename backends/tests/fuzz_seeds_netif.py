#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write seed inputs for fuzz-netif (tests/fuzz_netif.c) into DIR: a plain
packet, a multi-slot packet, a GSO packet with its TCP header, and an RX
frame, so the fuzzer starts from the paths that copy and parse instead of
having to find a granted ref by chance."""
import struct
import sys

# refs: 100 TX ring, 101 RX ring, 102..133 RX buffers, then the data pages
DATA = 134
CSUM, VALID, MORE, EXTRA = 1, 2, 4, 8


def req(ref, off, flags, ident, size):
    return struct.pack("<IHHHH", ref, off, flags, ident, size)


def gso(mss, kind=1):
    return struct.pack("<BBHBBH", 1, 0, mss, kind, 0, 0).ljust(12, b"\0")


def tcp4(length):
    eth = b"\xff" * 6 + b"\0\x16\x3e\0\0\x02" + b"\x08\x00"
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, length - 14, 1, 0x4000, 64, 6, 0,
                     b"\x0a\0\0\x02", b"\x0a\0\0\x01")
    tcp = struct.pack(">HHIIBBHHH", 1234, 5000, 1, 0, 5 << 4, 0x18, 512, 0, 0)
    return (eth + ip + tcp).ljust(length, b"x")


def seed(flags, slots, tail=b"", rx=0):
    return bytes([flags, rx, 0, 0, 0, len(slots)]) + b"".join(slots) + tail


def main(out):
    frame = tcp4(1500)
    seeds = {
        "plain": seed(0, [req(DATA, 0, VALID, 1, 1500)], frame),
        "multi": seed(0, [req(DATA, 0, MORE, 1, 3000), req(DATA + 1, 0, 0, 2, 1500)],
                      frame),
        "gso": seed(0, [req(DATA, 0, CSUM | EXTRA | MORE, 1, 5000), gso(1448),
                        req(DATA + 1, 0, 0, 2, 3500)], frame),
        "csum": seed(0, [req(DATA, 0, CSUM, 1, 1500)], frame),
        "rx": seed(4 | 8, [], bytes(10) + frame, rx=4),
        "rx-gso": seed(4 | 8, [], struct.pack("<BBHHHH", 1, 1, 54, 1448, 34, 16) +
                       tcp4(6000), rx=8),
    }
    for name, data in seeds.items():
        with open(f"{out}/seed-{name}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
