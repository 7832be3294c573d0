# SPDX-License-Identifier: GPL-2.0-only
#
# xpv: what a user types.
#
#   make xenU_defconfig   prepare build/linux (Linux 6.1 + xpv) and configure
#   make                  build the domU kernel (build/xenU/arch/x86/boot/bzImage),
#                         its modules (installed in build/xenU/modules-root, where
#                         scenarios find them) and the dom0 backend daemons
#                         (backends/out/)
#   make modules_install INSTALL_MOD_PATH=DIR   the modules under DIR/lib/modules
#   make menuconfig       any other *config target goes to the kernel too
#   make run              build, boot Xen in QEMU, start our kernel as a guest
#                         with a disk and a NIC on our daemons, show its
#                         console; KERNEL=debian (Debian's 6.1) or KERNEL=path
#                         for another guest kernel
#   make check            every test lane; ends with "N passed, N failed"
#   make e2e              only the scenarios under Xen (SCENARIOS="a b" for some)
#   make deb              Debian packages in build/deb/: xpv-backends (the
#                         daemons as services) and the xenU kernel (bindeb-pkg);
#                         DEB_VERSION (default 0.<commit count>)
#   make bench            ours against upstream Linux's Xen pieces, as ratios
#   make early-boot       KERNEL (default ours) as Xen's first domain, until EXPECT
#   make unit             only the cmocka lane (seconds)
#   make clean            drop build products, keep the prepared tree
#   make distclean        drop build/ entirely
#
# The kernel builds out of tree (O=build/xenU) with ccache when present;
# the ccache and downloads live in $(XPV_CACHE), outside the clone.

XPV_ROOT := $(CURDIR)
XPV_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/xpv
KSRC := $(XPV_ROOT)/build/linux
KOBJ := $(XPV_ROOT)/build/xenU
JOBS ?= $(shell nproc)

# ccache (installed by the prepare step, hence the late "=") keyed on paths
# relative to the clone, so a fresh clone elsewhere, as CI makes, still hits.
KCC = $(if $(shell command -v ccache),ccache gcc,gcc)
export CCACHE_DIR ?= $(XPV_CACHE)/ccache
export CCACHE_BASEDIR ?= $(XPV_ROOT)
export CCACHE_NOHASHDIR ?= 1
export CCACHE_MAXSIZE ?= 5G

# $(call kmake_in,DIR): the kernel's make, building into DIR
kmake_in = $(MAKE) -C $(KSRC) O=$(1) ARCH=x86_64 CC="$(KCC)" -j$(JOBS)
KMAKE = $(call kmake_in,$(KOBJ))
# The same kernel with the debug checks of arch/x86/configs/xpv_debug.config,
# for the scenarios that play a hostile peer against it.
KOBJ_DEBUG := $(XPV_ROOT)/build/xenU-debug
KMAKE_DEBUG = $(call kmake_in,$(KOBJ_DEBUG))

all: kernel backends

prepare:
	@scripts/prepare-kernel.sh

%config: prepare
	+@$(KMAKE) $@

kernel: prepare
	@test -f $(KOBJ)/.config || { \
		echo "xpv: error: $(KOBJ) has no .config; run 'make xenU_defconfig' first" >&2; \
		exit 1; }
	+@$(KMAKE) bzImage modules
	@rm -rf $(KOBJ)/modules-root
	+@$(KMAKE) -s modules_install INSTALL_MOD_PATH=$(KOBJ)/modules-root
	@echo "xpv: built $(KOBJ)/arch/x86/boot/bzImage, $(KOBJ)/vmlinux and the modules (installed in $(KOBJ)/modules-root)"

# The modules of the built kernel under INSTALL_MOD_PATH (default: the
# running system's /lib/modules), as the kernel's own target does.
modules_install: prepare
	+@$(KMAKE) modules_install

# configured again only when the defconfig or the fragment changed
DEBUG_CONFIGS := arch/x86/configs/xenU_defconfig arch/x86/configs/xpv_debug.config

debug-kernel: prepare
	+@for f in $(DEBUG_CONFIGS); do \
		test $(KOBJ_DEBUG)/.config -nt $$f || { \
		$(KMAKE_DEBUG) -s xenU_defconfig xpv_debug.config; break; }; done
	+@$(KMAKE_DEBUG) vmlinux
	@echo "xpv: built $(KOBJ_DEBUG)/vmlinux"

backends:
	+@$(MAKE) -s -C backends all

deb:
	@test -f $(KOBJ)/.config || $(MAKE) --no-print-directory xenU_defconfig
	@scripts/deb.sh

# kbuild's own packages of the configured kernel, in build/ (deb.sh moves them)
kernel-deb: prepare
	+@$(KMAKE) bindeb-pkg

unit:
	@scripts/check.sh unit

e2e: backends
	@scripts/harness/e2e.sh $(SCENARIOS)

# The main job. Configures with xenU_defconfig when nothing is configured.
run:
	@test -f $(KOBJ)/.config || $(MAKE) --no-print-directory xenU_defconfig
	+@$(MAKE) --no-print-directory all
	@scripts/harness/run.sh $(if $(KERNEL),--kernel $(KERNEL))

# Ours against upstream Linux's Xen drivers, as ratios (BENCHES="a b" for some,
# BENCH_RUNS=N for medians of N runs per side).
bench:
	@test -f $(KOBJ)/.config || $(MAKE) --no-print-directory xenU_defconfig
	+@$(MAKE) --no-print-directory all
	@BENCH_RUNS=$(or $(BENCH_RUNS),1) scripts/bench/run.sh $(BENCHES)

early-boot:
	@scripts/harness/early-boot.sh --kernel $(or $(KERNEL),$(KOBJ)/vmlinux) \
		--expect '$(or $(EXPECT),xpv: xen-3.0-x86_64)'

check:
	@scripts/check.sh

clean:
	-@test ! -d $(KOBJ) || $(KMAKE) clean
	@$(MAKE) -s -C tests/unit clean
	@$(MAKE) -s -C backends clean

distclean: clean
	rm -rf build

.PHONY: all prepare kernel kernel-deb deb debug-kernel modules_install backends unit e2e run bench early-boot check clean distclean
