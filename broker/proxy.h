/* SPDX-License-Identifier: MIT */
/*
 * The broker's forwarding core: an XSUB socket bound for publishers
 * (events-in), an XPUB socket bound for subscribers (events-out, and
 * optionally a TCP endpoint), events forwarded downstream and
 * subscriptions upstream, everything counted for the status command.
 *
 * tessera-broker runs it inside its service loop (ev_proxy_fds +
 * ev_proxy_pump); tests and benchmarks can run it on a thread of their
 * own with ev_proxy_run. It keeps no state that matters across a restart:
 * publishers and subscribers reconnect and resubscribe by themselves.
 */
#ifndef TESSERA_BROKER_PROXY_H
#define TESSERA_BROKER_PROXY_H

#include <stdint.h>

#define EV_PROXY_HWM 20000    /* messages queued per connection */

struct ev_proxy_stats {
	uint64_t messages_in;     /* messages received from publishers */
	uint64_t messages_out;    /* messages passed to the subscriber side */
	uint64_t bytes_in;
	uint64_t sub_messages;    /* subscription changes forwarded upstream */
	uint64_t bad_upstream;    /* non-subscription messages from below */
	int64_t subscriptions;    /* distinct prefixes subscribed now */
	int64_t publishers;       /* connections on events-in now */
	int64_t subscribers;      /* connections on events-out now */
};

struct ev_proxy;

/*
 * ev_proxy_new - bind events-in at @in_ep and events-out at @out_ep (and
 * at @tcp_ep too unless NULL), using ZeroMQ context @zctx (NULL: the
 * process-wide one). Binding an ipc:// endpoint replaces a stale socket
 * file: the caller must hold the VM's broker lock. Returns NULL with
 * errno set (EADDRINUSE, EINVAL, ...). The caller owns the result.
 */
struct ev_proxy *ev_proxy_new(void *zctx, const char *in_ep,
			      const char *out_ep, const char *tcp_ep);

/*
 * ev_proxy_destroy - close and free *@pp, removing the socket files of
 * the ipc:// endpoints it bound; accepts NULL.
 */
void ev_proxy_destroy(struct ev_proxy **pp);

/*
 * ev_proxy_fds - store in @fds (room for 4) the ZMQ_FD descriptors that
 * signal work for ev_proxy_pump (edge-like: pump after every wake-up).
 * Returns how many, or -errno.
 */
int ev_proxy_fds(struct ev_proxy *p, int fds[4]);

/*
 * ev_proxy_pump - forward what is pending, without blocking: at most
 * @budget event messages, then every subscription change and connection
 * event. Returns 1 when more events may be pending, 0 when drained,
 * -errno on a socket error.
 */
int ev_proxy_pump(struct ev_proxy *p, unsigned budget);

/*
 * ev_proxy_run - pump until @stop_fd (an eventfd or pipe) is readable.
 * Returns 0, or -errno on a socket error. For tests and benchmarks.
 */
int ev_proxy_run(struct ev_proxy *p, int stop_fd);

/* ev_proxy_stats - live counters; valid until destroy. */
const struct ev_proxy_stats *ev_proxy_stats(const struct ev_proxy *p);

#endif
