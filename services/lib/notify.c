/* SPDX-License-Identifier: MIT */
/*
 * sd_notify wrappers (see notify.h) over libsystemd, which already
 * returns 0 when NOTIFY_SOCKET is unset and supports abstract sockets
 * and fd passing.
 */
#include "services/lib/notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

int svc_notify(const char *state)
{
	int rc = sd_notify(0, state);

	return rc > 0 ? 1 : rc;
}

int svc_notify_ready(const char *status)
{
	char msg[512];

	if (!status)
		return svc_notify("READY=1");
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status);
	return svc_notify(msg);
}

int svc_notify_status(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "STATUS=");

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return svc_notify(msg);
}

int svc_notify_watchdog(void)
{
	return svc_notify("WATCHDOG=1");
}

int svc_notify_stopping(void)
{
	return svc_notify("STOPPING=1");
}

int svc_notify_fdstore(const char *name, const int *fds, unsigned n)
{
	char msg[300];
	int rc;

	if (!name || !fds || n == 0)
		return -EINVAL;
	snprintf(msg, sizeof(msg), "FDSTORE=1\nFDNAME=%s", name);
	rc = sd_pid_notify_with_fds(0, 0, msg, fds, n);
	return rc > 0 ? 1 : rc;
}

int svc_watchdog_usec(uint64_t *usec)
{
	return sd_watchdog_enabled(0, usec);
}
