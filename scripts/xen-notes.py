#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""xen-notes.py ELF - print the Xen ELF notes of a kernel image, one per line.

What a Xen domain builder reads before it loads a PV kernel: "NAME VALUE",
numbers in hex, strings as text. Like Xen's readnotes, without needing the
Xen tools on the host. Exits 1 when the file has no Xen notes.
"""
import struct
import sys

# public/elfnote.h
NAMES = {
    0: "INFO", 1: "ENTRY", 2: "HYPERCALL_PAGE", 3: "VIRT_BASE",
    4: "PADDR_OFFSET", 5: "XEN_VERSION", 6: "GUEST_OS", 7: "GUEST_VERSION",
    8: "LOADER", 9: "PAE_MODE", 10: "FEATURES", 11: "BSD_SYMTAB",
    12: "HV_START_LOW", 13: "L1_MFN_VALID", 14: "SUSPEND_CANCEL",
    15: "INIT_P2M", 16: "MOD_START_PFN", 17: "SUPPORTED_FEATURES",
    18: "PHYS32_ENTRY",
}
STRINGS = {5, 6, 7, 8, 9, 10}


def notes(data):
    """Yield (type, desc) of every note named "Xen" in PT_NOTE segments."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise SystemExit("not a 64-bit ELF file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type != 4:     # PT_NOTE
            continue
        off, end = p_offset, p_offset + p_filesz
        while off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, off)
            off += 12
            name = data[off:off + namesz].rstrip(b"\0")
            off += (namesz + 3) & ~3
            desc = data[off:off + descsz]
            off += (descsz + 3) & ~3
            if name == b"Xen":
                yield ntype, desc


def show(ntype, desc):
    name = NAMES.get(ntype, "TYPE_%d" % ntype)
    if ntype in STRINGS:
        return "%s %s" % (name, desc.rstrip(b"\0").decode(errors="replace"))
    if len(desc) in (4, 8):
        return "%s %#x" % (name, int.from_bytes(desc, "little"))
    return "%s %s" % (name, desc.hex())


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with open(sys.argv[1], "rb") as f:
        found = [show(t, d) for t, d in notes(f.read())]
    print("\n".join(found))
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
