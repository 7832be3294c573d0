#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write seed inputs for fuzz-control (tests/fuzz_control.c) into DIR: whole
conversations of a vbd and of a vif (connect, close, reconnect, a daemon
restart, a dying guest, toolstack removal) and hand-written setups, so the
fuzzer starts from connected devices instead of finding a granted ref and
an offered port by chance. The encoding must follow fuzz_control.c."""
import os
import sys

NODE, RM, STATE, GOOD, ONLINE, REMOVE, CREATE, DESTROY, RESTART, RUN = range(10)
BOUNDS, ROWS, POOL = 5, 10, 8          # bounds[], BOUNDARY_ROWS, POOL
REF = BOUNDS * ROWS                    # value bytes: REF + i = refs[i]
PORT = REF + POOL                      # PORT + i = ports[i]
NUM = PORT + POOL                      # NUM + n = "n" (n < 20)
ABI64 = NUM + 20
# frontend node indices: the top-level table, then dirs x leaves
BLK_TOP, BLK_LEAVES = 4, 7             # protocol, ...; ring-ref, ...
NET_TOP, NET_LEAVES = 8, 10            # request-rx-copy, ...; tx-ring-ref, ...


def blk_node(qdir, leaf):
    return BLK_TOP + qdir * BLK_LEAVES + leaf


def net_node(qdir, leaf):
    return NET_TOP + qdir * NET_LEAVES + leaf


def boundary(bound, row):
    return bound * ROWS + row


def state(n):
    return [STATE, NUM + n]


CLOSE = state(5) + [RUN] + state(6) + [RUN]
SEEDS = {
    "vbd-connect-close": [0, RUN, GOOD, 0, RUN] + CLOSE + [REMOVE],
    "vbd-multi-queue-order2": [0, RUN, GOOD, 1 | 2 << 2, RUN] + state(4) + [RUN],
    "vbd-restart-destroy": [0, RUN, GOOD, 0, RUN, RESTART, RUN, DESTROY, RUN,
                            ONLINE, 0, RUN, REMOVE, CREATE, RUN],
    "vbd-by-hand": [0, RUN, NODE, blk_node(0, 0), REF, NODE, blk_node(0, 6), PORT,
                    NODE, 0, ABI64] + state(3) + [RUN],
    "vbd-order-9": [0, RUN, GOOD, 2 << 2, NODE, blk_node(0, 5), boundary(2, 2)]
                   + state(3) + [RUN],
    "vbd-reconnect": [0, RUN, GOOD, 0, RUN] + state(1) + [RUN, GOOD, 1, RUN],
    "vif-connect-close": [1, RUN, GOOD, 0, RUN] + CLOSE + [REMOVE],
    "vif-split-two-queues": [1, RUN, GOOD, 3, RUN, RESTART, RUN],
    "vif-by-hand": [1, RUN, NODE, net_node(0, 0), REF, NODE, net_node(0, 1), REF + 1,
                    NODE, net_node(0, 7), PORT, NODE, 0, NUM + 1, NODE, 1, NUM + 1]
                   + state(4) + [RUN],
    "vif-flag-9": [1, RUN, GOOD, 0, NODE, 0, boundary(1, 2)] + state(4) + [RUN],
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, ops in SEEDS.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(bytes(ops))


if __name__ == "__main__":
    main()
