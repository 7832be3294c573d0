#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Sample where the emulated machine spends its time: Xen, a guest's
kernel, user space, or idle.

QEMU's gdbstub (XPV_QEMU_GDB=PORT makes boot.sh open one) stops the
machine at a steady rate; each stop reads every CPU's instruction pointer
and, from Xen's per-CPU `curr_vcpu`, the domain it is running. Symbols come
from Xen's `xen-syms` (so the harness must boot that Xen: XPV_XEN) and a
guest's vmlinux. Nothing is changed in the machine; the stops slow it
down evenly.

  profile.py record --port P --log RUN/serial.log --start RE --stop RE \
                    --xen-syms XEN_SYMS --out SAMPLES
      samples only between a line matching --start and the next matching
      --stop in the serial log (again at each --start: windows 0, 1, ...)
  profile.py report SAMPLES --xen-syms XEN_SYMS [--vmlinux VMLINUX]
                    [--domain N] [--window N] [--top N]

A sample line: window cpu domain rip cs [error-code fault-rip fault-cs].
domain is -1 when Xen's data could not be read at that stop; it is the
domain whose state the CPU holds, which Xen's idle loop keeps lazily.
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import time

RSP_OFF, RIP_OFF, CS_OFF = 56, 128, 140    # bytes into QEMU's x86-64 'g' packet
# Xen's exception entries: a sample on their first instruction is a fault
# being taken (TCG charges the delivery to it); the frame at rsp says whose.
FAULT_ENTRIES = ("page_fault", "general_protection")
VCPU_DOMAIN_OFF = 16                # struct vcpu: id, processor, vcpu_info, domain


class Gdb:
    """The few packets of the GDB remote protocol we need, in no-ack mode."""

    def __init__(self, port, timeout=120):
        until = time.time() + timeout
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                if time.time() > until:
                    raise
                time.sleep(0.5)
        self.buf = b""
        self.cmd("QStartNoAckMode", ack=True)

    def send(self, data, ack=False):
        pkt = "$%s#%02x" % (data, sum(data.encode()) & 0xFF)
        self.s.sendall(pkt.encode())
        if ack:
            self.recv_raw(b"+")

    def recv_raw(self, want):
        while want not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("gdbstub closed")
            self.buf += chunk
        i = self.buf.index(want)
        self.buf = self.buf[i + len(want):]

    def recv(self):
        while True:
            m = re.search(rb"\$([^#]*)#..", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                data = m.group(1).decode()
                if data.startswith("O") and data != "OK":
                    continue            # console output packets
                return data
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("gdbstub closed")
            self.buf += chunk

    def cmd(self, data, ack=False):
        self.send(data, ack)
        return self.recv()

    def stop(self):
        self.s.sendall(b"\x03")
        return self.recv()

    def closed(self):
        """Has the machine gone while it runs: QEMU said it exited (a W or
        X packet) or closed the connection?"""
        try:
            chunk = self.s.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return False
        self.buf += chunk
        return not chunk or re.search(rb"\$[WX]", self.buf) is not None

    def threads(self):
        out, r = [], self.cmd("qfThreadInfo")
        while r.startswith("m"):
            out += r[1:].split(",")
            r = self.cmd("qsThreadInfo")
        return out

    def mem(self, addr, n):
        r = self.cmd("m%x,%x" % (addr, n))
        if r.startswith("E") or len(r) != 2 * n:
            return None
        return int.from_bytes(bytes.fromhex(r), "little")


def symbols(path, kinds="tTwW"):
    """Sorted (address, name) of a binary's text symbols."""
    out = subprocess.run(["nm", "-n", path], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in kinds:
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def symbol_addresses(path, names):
    """{name: address} of @names in the binary at @path, read in one go."""
    found = {sym: addr for addr, sym in symbols(path, "bBdDtT") if sym in names}
    missing = set(names) - set(found)
    if missing:
        sys.exit("%s: no symbol %s" % (path, ", ".join(sorted(missing))))
    return found


class Domains:
    """Which domain each CPU runs: Xen's per_cpu(curr_vcpu)->domain->domain_id."""

    def __init__(self, gdb, xen_syms):
        a = symbol_addresses(xen_syms, ("__per_cpu_offset", "per_cpu__curr_vcpu")
                             + FAULT_ENTRIES)
        self.gdb = gdb
        self.offsets, self.curr = a["__per_cpu_offset"], a["per_cpu__curr_vcpu"]
        self.entries = {a[e] for e in FAULT_ENTRIES}
        self.cpu_off = {}           # __per_cpu_offset[cpu], read once

    def per_cpu_offset(self, cpu):
        if cpu not in self.cpu_off:
            off = self.gdb.mem(self.offsets + 8 * cpu, 8)
            if off is None:
                return None
            self.cpu_off[cpu] = off
        return self.cpu_off[cpu]

    def of(self, cpu):
        off = self.per_cpu_offset(cpu)
        vcpu = None if off is None else self.gdb.mem(self.curr + off, 8)
        dom = self.gdb.mem(vcpu + VCPU_DOMAIN_OFF, 8) if vcpu else None
        domid = self.gdb.mem(dom, 2) if dom else None
        return -1 if domid is None else domid


class LogWindows:
    """Follows the serial log: are we between --start and --stop?"""

    def __init__(self, path, start, stop):
        self.path, self.start, self.stop = path, re.compile(start), re.compile(stop)
        self.f, self.part, self.inside, self.window = None, "", False, -1
        self.closed = 0

    def poll(self):
        if self.f is None:
            if not os.path.exists(self.path):
                return
            self.f = open(self.path, errors="replace")
        self.part += self.f.read()
        *lines, self.part = self.part.split("\n")
        for line in lines:
            if not self.inside and self.start.search(line):
                self.inside, self.window = True, self.window + 1
            elif self.inside and self.stop.search(line):
                self.inside, self.closed = False, self.closed + 1


def sample(gdb, doms, window, cpu, tid):
    """One CPU's sample line; a fault being taken adds its error code and
    the faulting rip and cs."""
    gdb.cmd("Hg" + tid)
    regs = bytes.fromhex(gdb.cmd("g")[:2 * (CS_OFF + 4)])
    word = lambda off, n=8: int.from_bytes(regs[off:off + n], "little")
    rip, line = word(RIP_OFF), ""
    if rip in doms.entries:
        rsp = word(RSP_OFF)
        frame = [gdb.mem(rsp + 8 * k, 8) for k in range(3)]
        if None not in frame:
            line = " %x %x %x" % (frame[0], frame[1], frame[2])
    return "%d %d %d %x %x%s\n" % (window, cpu, doms.of(cpu), rip,
                                    word(CS_OFF, 4), line)


def record(a):
    gdb = Gdb(a.port)
    gdb.cmd("?")        # QEMU stops the machine when a debugger connects
    cpus = gdb.threads()
    doms = Domains(gdb, a.xen_syms)
    log = LogWindows(a.log, a.start, a.stop)
    gdb.send("c")
    n = 0
    with open(a.out, "w") as out:
        while True:
            time.sleep(1.0 / a.hz)
            log.poll()
            if a.windows and log.closed >= a.windows:
                break
            if not log.inside:
                if gdb.closed():
                    break
                continue
            try:
                gdb.stop()
            except EOFError:
                break
            for i, tid in enumerate(cpus):
                out.write(sample(gdb, doms, log.window, i, tid))
            gdb.send("c")
            n += 1
            if a.max and n >= a.max:
                break
    print("%d stops recorded in %s" % (n, a.out))


class Symbolizer:
    def __init__(self, path):
        self.syms = symbols(path) if path else []
        self.addrs = [s[0] for s in self.syms]

    def name(self, rip):
        i = bisect.bisect_right(self.addrs, rip) - 1
        return self.syms[i][1] if i >= 0 else "?"

    def has(self, rip):
        return bool(self.syms) and self.addrs[0] <= rip <= self.addrs[-1]


# Xen's idle loop: the CPU had nothing to run.
IDLE_SYMBOLS = ("default_idle", "mwait_idle", "acpi_processor_idle", "idle_loop")


def place(rip, xen, kernel):
    """Where a sample is: (area, symbol)."""
    if xen.has(rip):
        name = xen.name(rip)
        return ("xen-idle" if name in IDLE_SYMBOLS else "xen", name)
    if rip < 1 << 47:
        return ("user", "-")
    if kernel.has(rip):
        return ("kernel", kernel.name(rip))
    return ("kernel", "0x%x" % rip)


def count(a, xen, kernel):
    """Samples by area, by symbol, and faults by where they were taken."""
    areas, syms, faults = (collections.Counter() for _ in range(3))
    for line in open(a.samples):
        f = line.split()
        if (a.window is not None and int(f[0]) != a.window) or \
           (a.domain is not None and int(f[2]) != a.domain):
            continue
        area, sym = place(int(f[3], 16), xen, kernel)
        areas[area] += 1
        if area != "user":
            syms["%s:%s" % (area, sym)] += 1
        if len(f) == 8:
            fctx, fsym = place(int(f[6], 16), xen, kernel)
            if int(f[7], 16) & 3 == 0:      # taken in Xen itself
                fctx = "xen"
            what = "user" if fctx == "user" else "%s:%s" % (fctx, fsym)
            faults["%s from %s" % (sym, what)] += 1
    return areas, syms, faults


def report(a):
    xen, kernel = Symbolizer(a.xen_syms), Symbolizer(a.vmlinux)
    areas, syms, faults = count(a, xen, kernel)
    total = sum(areas.values())
    if not total:
        sys.exit("no samples")
    busy = total - areas["xen-idle"]
    print("%d samples, %d busy" % (total, busy))
    for area, n in areas.most_common():
        print("  %-10s %6d  %5.1f%%" % (area, n, 100.0 * n / total))
    for title, counter in (("symbols", syms), ("faults being taken", faults)):
        print("top %s (share of the busy samples):" % title)
        for sym, n in counter.most_common(a.top):
            if not sym.startswith("xen-idle:"):
                print("  %6d  %5.1f%%  %s" % (n, 100.0 * n / max(busy, 1), sym))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--log", required=True)
    r.add_argument("--start", required=True)
    r.add_argument("--stop", required=True)
    r.add_argument("--xen-syms", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--hz", type=float, default=200)
    r.add_argument("--max", type=int, default=0, help="stops at most")
    r.add_argument("--windows", type=int, default=0,
                   help="end after this many windows")
    s = sub.add_parser("report")
    s.add_argument("samples")
    s.add_argument("--xen-syms", required=True)
    s.add_argument("--vmlinux")
    s.add_argument("--domain", type=int)
    s.add_argument("--window", type=int)
    s.add_argument("--top", type=int, default=30)
    a = p.parse_args()
    record(a) if a.cmd == "record" else report(a)


if __name__ == "__main__":
    main()
