#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write seed inputs for fuzz-qcow2 (tests/fuzz_qcow2.c) into DIR: small
images from qemu-img (512-byte clusters, so they fit the fuzzer's 4 KiB
inputs): empty, with data, with zero clusters, v2, 1- and 64-bit
refcounts, and an overlay whose backing file is /dev/null (raw)."""
import os
import subprocess
import sys
import tempfile

IMAGES = {
    "empty": ("-o cluster_size=512", []),
    "data": ("-o cluster_size=512", ["write -P 0x5a 0 1536"]),
    "zero": ("-o cluster_size=512", ["write -P 7 0 1k", "write -z 512 512"]),
    "v2": ("-o cluster_size=512,compat=0.10", ["write 0 512"]),
    "rc1": ("-o cluster_size=512,refcount_bits=1", ["write 0 512"]),
    "rc64": ("-o cluster_size=512,refcount_bits=64", ["write 0 512"]),
    "backed": ("-o cluster_size=512 -b /dev/null -F raw -u", ["write 0 512"]),
}


def main(out):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (opts, writes) in IMAGES.items():
            img = os.path.join(tmp, name)
            subprocess.run(f"qemu-img create -q -f qcow2 {opts} {img} 128k",
                           shell=True, check=True)
            for w in writes:
                subprocess.run(["qemu-io", "-f", "qcow2", "-c", w, img],
                               check=True, stdout=subprocess.DEVNULL)
            with open(img, "rb") as f, open(os.path.join(out, name), "wb") as o:
                o.write(f.read())


if __name__ == "__main__":
    main(sys.argv[1])
