# SPDX-License-Identifier: GPL-2.0-only
# Shell helpers shared by every script under scripts/. Source it; it sets:
#   XPV_ROOT   the repository root
#   XPV_BUILD  $XPV_ROOT/build (gitignored)
#   XPV_CACHE  downloads, dom0 images and ccache, kept outside the clone so a
#              fresh CI clone reuses them; entries are keyed by content
# and provides stage/die/need_pkgs.

XPV_ROOT=${XPV_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
XPV_BUILD=${XPV_BUILD:-$XPV_ROOT/build}
XPV_CACHE=${XPV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xpv}
export XPV_ROOT XPV_BUILD XPV_CACHE
# The same ccache settings as the Makefile's, for scripts run directly.
export CCACHE_DIR=${CCACHE_DIR:-$XPV_CACHE/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$XPV_ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

# One line per stage, so a person watching sees progress.
stage() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'xpv: warning: %s\n' "$*" >&2; }
die() { printf 'xpv: error: %s\n' "$*" >&2; exit 1; }

# need_pkgs PKG...: install the Debian packages that are missing.
# apt-get needs root; without it we say what to install instead of failing
# half-way through a build.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	stage "installing ${missing[*]}"
	if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >"$XPV_BUILD/apt.log" 2>&1; then
		# A stale package list is the usual cause on a fresh machine.
		$sudo apt-get update -q >>"$XPV_BUILD/apt.log" 2>&1
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >>"$XPV_BUILD/apt.log" 2>&1 ||
			die "apt-get install ${missing[*]} failed; see $XPV_BUILD/apt.log"
	fi
}

mkdir -p "$XPV_BUILD" "$XPV_CACHE"
