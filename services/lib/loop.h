/* SPDX-License-Identifier: MIT */
/*
 * The one event loop of a service (kvmtool's epoll.c shape): an epoll set
 * of file descriptors, timers (timerfd), SIGTERM/SIGINT read through a
 * signalfd, and an eventfd that stops the loop from any thread or signal
 * handler. svc_loop_run() returns when a signal arrives, svc_loop_stop()
 * is called, or a handler fails.
 *
 * ZeroMQ sockets are added by their ZMQ_FD with svc_loop_add_zmq(): that
 * descriptor is edge-like (it may stay quiet while messages wait, after
 * the socket was used for sending), so the loop calls those handlers after
 * every wake-up, and again without sleeping while one returns > 0.
 *
 * svc_loop_new() blocks SIGTERM and SIGINT in the calling thread; create
 * the loop before any other thread (ZeroMQ's I/O threads included) so
 * that they inherit the mask and the signals reach the signalfd.
 */
#ifndef TESSERA_SVC_LOOP_H
#define TESSERA_SVC_LOOP_H

#include <stdint.h>

struct svc_loop;

/*
 * Handlers return >= 0 to go on (> 0 from a ZeroMQ handler: more work is
 * pending, call again soon) or -errno to stop the loop with that error.
 */
typedef int (*svc_fd_fn)(struct svc_loop *l, int fd, uint32_t events,
			 void *user);
typedef int (*svc_timer_fn)(struct svc_loop *l, void *user);

/* svc_loop_new - a loop; NULL with errno set. Caller owns it. */
struct svc_loop *svc_loop_new(void);

/*
 * svc_loop_destroy - free *@lp (closing the loop's own fds and timers,
 * not the fds added to it), restore the signal mask, set *@lp to NULL.
 * Accepts NULL.
 */
void svc_loop_destroy(struct svc_loop **lp);

/* svc_loop_add_fd - call @fn when @fd has @events (EPOLLIN...). */
int svc_loop_add_fd(struct svc_loop *l, int fd, uint32_t events,
		    svc_fd_fn fn, void *user);

/* svc_loop_add_zmq - call @fn for the ZMQ_FD @fd as described above. */
int svc_loop_add_zmq(struct svc_loop *l, int fd, svc_fd_fn fn, void *user);

/*
 * svc_loop_del_fd - forget @fd (added by either function); safe from
 * inside a handler. Returns 0 or -ENOENT.
 */
int svc_loop_del_fd(struct svc_loop *l, int fd);

/*
 * svc_loop_add_timer - call @fn every @interval_ms (> 0), first after one
 * interval. Returns a timer id >= 0 for svc_loop_del_timer, or -errno.
 */
int svc_loop_add_timer(struct svc_loop *l, uint64_t interval_ms,
		       svc_timer_fn fn, void *user);

/* svc_loop_del_timer - stop and free timer @id. Returns 0 or -ENOENT. */
int svc_loop_del_timer(struct svc_loop *l, int id);

/*
 * svc_loop_watchdog - when the manager expects watchdog pings, add a
 * timer sending WATCHDOG=1 at half its period. Returns 1 when added, 0
 * when no watchdog is enabled, -errno.
 */
int svc_loop_watchdog(struct svc_loop *l);

/*
 * svc_loop_run - dispatch until stopped. Returns 0 after a signal or
 * svc_loop_stop(), the handler's -errno when one failed, or -errno.
 */
int svc_loop_run(struct svc_loop *l);

/* svc_loop_stop - make svc_loop_run return; any thread, signal-safe. */
void svc_loop_stop(struct svc_loop *l);

/* svc_loop_signal - the signal that stopped the loop, or 0. */
int svc_loop_signal(const struct svc_loop *l);

#endif
