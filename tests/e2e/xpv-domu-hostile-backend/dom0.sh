# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: attach every device of /etc/xpv-hostile.list to the running
# guest; once the guest has checked them, each frontend's error/ node must
# be there exactly when its script made it fail the device; then the
# devices marked "detach" are detached the ordinary way (xl waits for the
# frontend to close, failed or not).

# error_node TYPE DEVID OUTCOME
error_node() {
	local node=/local/domain/$DOMID/error/device/$1/$2/error
	case $3 in
	survives) return 0 ;;
	works) ! xenstore-read "$node" ;;
	*) xenstore-read "$node" ;;
	esac
}

attach() {
	case $1 in
	vbd) xl block-attach "$GUEST_NAME" "format=raw,vdev=$3,access=rw,backendtype=phy,script=/etc/xen/scripts/xpv-block,target=/run/xpv/hostile/$2" ;;
	vif) xl network-attach "$GUEST_NAME" "mac=00:16:3e:01:00:$(printf %02x "$3")" \
		"vifname=$2" script=/etc/xen/scripts/xpv-hostile-vif ;;
	esac
}

detach() {
	case $1 in
	vbd) timeout 120 xl block-detach "$GUEST_NAME" "$2" ;;
	vif) timeout 120 xl network-detach "$GUEST_NAME" "$2" ;;
	esac
}

. /etc/xpv-hostile-each.sh

attaches() { check "$1-$2-attach" attach "$1" "$2" "$4"; }
errors() { check "$1-$2-error-node" error_node "$1" "$3" "$6"; }
detaches() { [ "$5" != detach ] || check "$1-$2-detach" detach "$1" "$3"; }

guest_wait 'XPV-VALUE ready ' 300 >/dev/null
DOMID=$(xl domid "$GUEST_NAME")
each attaches
guest_wait 'XPV-VALUE checked-all ' 600 >/dev/null
each errors
each detaches
check daemons-alive kill -0 "$(cat /run/xpv-hostile-vbd.pid)" "$(cat /run/xpv-hostile-vif.pid)"
