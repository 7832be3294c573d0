// SPDX-License-Identifier: GPL-2.0-only
/*
 * Requests from the toolstack under control/ (xl shutdown, reboot, sysrq).
 *
 * The toolstack writes a word to control/shutdown ("poweroff", "halt",
 * "reboot", "suspend") or one key to control/sysrq; the guest takes the
 * request by writing the node empty again, in the same transaction as it
 * read it, and then acts. The toolstack waits for that acknowledgement
 * (for "suspend", libxl times out without it), so only a request we act on
 * is acknowledged; anything else is logged and left where it is. What the
 * guest acts on it announces as control/feature-<word> = 1, in the nodes
 * the toolstack made for it (feature-poweroff, -reboot, -suspend; there is
 * no feature-sysrq node, and the guest may not create one in control/).
 *
 * WHY the values are parsed strictly: dom0 is not the only writer of
 * control/ (the guest's own user space may write there through the
 * toolstack's permissions), so a value is one of the known words or one
 * printable key, and nothing else is acted on.
 *
 * Power off and reboot go through user space (orderly_poweroff(),
 * orderly_reboot(): /sbin/poweroff, /sbin/reboot, as a power button
 * would), so file systems are unmounted by whoever mounted them.
 */
#define pr_fmt(fmt) "xpv-control: " fmt

#include <linux/kernel.h>
#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/sysrq.h>
#include <xpv/xenbus.h>
#include "xenbus.h"

/* Enough tries for a toolstack that writes while we take its request. */
#define CONTROL_TX_TRIES	8

struct control_word {
	const char *word;
	enum xpv_control_req req;
	bool advertised;		/* control/feature-<word> */
};

static const struct control_word control_words[] = {
	{ "poweroff",	XPV_CONTROL_POWEROFF,	true },
	{ "halt",	XPV_CONTROL_HALT,	false },
	{ "reboot",	XPV_CONTROL_REBOOT,	true },
	{ "suspend",	XPV_CONTROL_SUSPEND,	IS_ENABLED(CONFIG_XPV_SUSPEND) },
};

enum xpv_control_req xpv_control_parse(const char *val)
{
	unsigned int i;

	if (!val || !*val)
		return XPV_CONTROL_NONE;
	for (i = 0; i < ARRAY_SIZE(control_words); i++)
		if (!strcmp(val, control_words[i].word))
			return control_words[i].req;
	return XPV_CONTROL_UNKNOWN;
}

int xpv_control_sysrq_key(const char *val)
{
	unsigned char key;

	if (!val || !*val)
		return 0;
	key = val[0];
	/* ASCII: the kernel's isgraph() takes Latin-1 letters too */
	if (val[1] || !isascii(key) || !isgraph(key))
		return -EINVAL;
	return key;
}

/* Once we power off or reboot, later requests are ignored. */
static bool control_shutting_down;

static bool shutdown_handled(const char *val)
{
	switch (xpv_control_parse(val)) {
	case XPV_CONTROL_POWEROFF:
	case XPV_CONTROL_HALT:
	case XPV_CONTROL_REBOOT:
		return true;
	case XPV_CONTROL_SUSPEND:
		return IS_ENABLED(CONFIG_XPV_SUSPEND);
	default:
		return false;
	}
}

/* A suspend we do not act on: why, on the console and in error/suspend. */
static void suspend_refused(void)
{
	const char *why = "this kernel cannot suspend";

	pr_warn("not suspending: %s; going on\n", why);
	xpv_xs_printf(0, "error", "suspend", "%s", why);
}

static bool sysrq_handled(const char *val)
{
	return xpv_control_sysrq_key(val) > 0;
}

static int control_take_once(const char *node, bool (*handled)(const char *),
			     char **val)
{
	xpv_xs_tx tx;
	int rc;

	rc = xpv_xs_transaction_start(&tx);
	if (rc)
		return rc;
	rc = xpv_xs_read_node(tx, "control", node, val);
	if (!rc && handled(*val))
		rc = xpv_xs_printf(tx, "control", node, "%s", "");
	if (rc) {
		xpv_xs_transaction_end(tx, true);
		return rc;
	}
	rc = xpv_xs_transaction_end(tx, false);
	if (rc) {
		kfree(*val);
		*val = NULL;
	}
	return rc;
}

/*
 * The value of control/<node>, written empty in the same transaction when
 * @handled accepts it; NULL when there is none or it cannot be read.
 */
static char *control_take(const char *node, bool (*handled)(const char *))
{
	char *val = NULL;
	int tries = CONTROL_TX_TRIES, rc;

	do {
		rc = control_take_once(node, handled, &val);
	} while (rc == -EAGAIN && --tries);
	if (rc && rc != -ENOENT)
		pr_err("cannot take control/%s: %d\n", node, rc);
	return rc ? NULL : val;
}

static void control_advertise(void)
{
	char node[24];
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(control_words); i++) {
		if (!control_words[i].advertised)
			continue;
		snprintf(node, sizeof(node), "feature-%s", control_words[i].word);
		rc = xpv_xs_printf(0, "control", node, "%u", 1);
		if (rc)
			pr_err("cannot write control/%s: %d\n", node, rc);
	}
}

/*
 * A suspend we act on. A new domain's control/ knows nothing of us yet;
 * a suspend Xen refused leaves us running, and says so in error/suspend.
 */
static void control_suspend(void)
{
	int rc = IS_ENABLED(CONFIG_XPV_SUSPEND) ? xpv_xenbus_suspend() : -EOPNOTSUPP;

	if (rc == 0)
		control_advertise();
	else if (rc < 0)
		xpv_xs_printf(0, "error", "suspend", "suspend failed (%d); going on", rc);
}

static void control_act(enum xpv_control_req req)
{
	control_shutting_down = true;
	switch (req) {
	case XPV_CONTROL_POWEROFF:
	case XPV_CONTROL_HALT:
		/* Before user space runs, nobody else would power off. */
		orderly_poweroff(system_state != SYSTEM_RUNNING);
		break;
	case XPV_CONTROL_REBOOT:
		orderly_reboot();
		break;
	case XPV_CONTROL_SUSPEND:
		control_suspend();
		control_shutting_down = false;
		break;
	default:
		control_shutting_down = false;
		break;
	}
}

static void shutdown_changed(struct xpv_xs_watch *w, const char *path)
{
	char *val;

	if (control_shutting_down)
		return;
	val = control_take("shutdown", shutdown_handled);
	if (!val)
		return;
	if (shutdown_handled(val)) {
		pr_info("the toolstack asks for %s\n", val);
		control_act(xpv_control_parse(val));
	} else if (xpv_control_parse(val) == XPV_CONTROL_SUSPEND) {
		suspend_refused();
	} else if (*val) {
		pr_info("ignoring shutdown request \"%.32s\"\n", val);
	}
	kfree(val);
}

static void sysrq_changed(struct xpv_xs_watch *w, const char *path)
{
	char *val = control_take("sysrq", sysrq_handled);
	int key;

	if (!val)
		return;
	key = xpv_control_sysrq_key(val);
	if (key > 0)
		handle_sysrq(key);
	else if (key < 0)
		pr_info("ignoring sysrq request \"%.32s\"\n", val);
	kfree(val);
}

static struct xpv_xs_watch shutdown_watch = {
	.path = "control/shutdown",
	.callback = shutdown_changed,
};

static struct xpv_xs_watch sysrq_watch = {
	.path = "control/sysrq",
	.callback = sysrq_changed,
};

static int __init xpv_control_init(void)
{
	int rc;

	if (!xpv_xs_available())
		return 0;
	/* Each fires once now: a request written before we booted. */
	rc = xpv_xs_watch_register(&shutdown_watch);
	if (rc) {
		pr_err("cannot watch control/shutdown: %d\n", rc);
		return rc;
	}
	if (IS_ENABLED(CONFIG_MAGIC_SYSRQ)) {
		rc = xpv_xs_watch_register(&sysrq_watch);
		if (rc)
			pr_err("cannot watch control/sysrq: %d\n", rc);
	}
	control_advertise();
	return 0;
}
late_initcall(xpv_control_init);
