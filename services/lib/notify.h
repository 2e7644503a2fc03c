/* SPDX-License-Identifier: MIT */
/*
 * The service manager notification protocol (sd_notify), spoken the same
 * way to systemd and to `tessera run`'s embedded supervisor: READY=1 once
 * a service can serve, WATCHDOG=1 pings, STATUS=, STOPPING=1, and
 * FDSTORE=1 to park file descriptors across a restart.
 *
 * Every function returns 0 when NOTIFY_SOCKET is unset (a service started
 * by hand), 1 when the message was sent, -errno on failure; a service
 * logs failures and carries on.
 */
#ifndef TESSERA_SVC_NOTIFY_H
#define TESSERA_SVC_NOTIFY_H

#include <stdint.h>

/* svc_notify - send @state ("READY=1\nSTATUS=...") as is. */
int svc_notify(const char *state);

/* svc_notify_ready - READY=1, with STATUS=@status unless NULL. */
int svc_notify_ready(const char *status);

/* svc_notify_status - STATUS=<printf result>. */
__attribute__((format(printf, 1, 2)))
int svc_notify_status(const char *fmt, ...);

/* svc_notify_watchdog - WATCHDOG=1. */
int svc_notify_watchdog(void);

/* svc_notify_stopping - STOPPING=1. */
int svc_notify_stopping(void);

/*
 * svc_notify_fdstore - hand @n fds to the manager's fd store under @name
 * (FDSTORE=1, FDNAME=@name). The caller keeps its own copies.
 */
int svc_notify_fdstore(const char *name, const int *fds, unsigned n);

/*
 * svc_watchdog_usec - the watchdog period the manager expects for this
 * process (WATCHDOG_USEC, WATCHDOG_PID). Returns 1 and sets *@usec when a
 * watchdog is enabled, 0 when not, -errno for a malformed environment.
 */
int svc_watchdog_usec(uint64_t *usec);

#endif
