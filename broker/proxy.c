/* SPDX-License-Identifier: MIT */
/*
 * The broker's forwarding core (see proxy.h). Its own loop rather than
 * zmq_proxy_steerable, for the counters. The broker's XPUB is not
 * verbose: it passes one subscription per distinct prefix upstream and
 * the unsubscription when the last subscriber of a prefix goes (libzmq
 * also sends those when a subscriber disconnects), which is exactly the
 * set each publisher needs, and what "subscriptions" counts. Connections
 * are counted from socket monitor events.
 */
#include "broker/proxy.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "broker/codec.h"
#include "broker/zctx.h"

struct ev_proxy {
	char *ipc_files[2];       /* socket files we bound, removed at exit */
	void *xsub, *xpub;
	void *mon_in, *mon_out;   /* PAIR sockets reading monitor events */
	int own_ctx_ref;
	struct ev_proxy_stats st;
	zmq_msg_t msg;
};

static int set_int(void *sock, int opt, int val)
{
	return zmq_setsockopt(sock, opt, &val, sizeof(val)) < 0 ? -errno : 0;
}

/* A PAIR socket receiving accept/disconnect events of @sock. */
static void *monitor(void *ctx, void *sock, const char *tag)
{
	static unsigned serial;
	char ep[96];
	void *m;

	/* Unique per monitor: a new proxy may reuse a freed one's address. */
	snprintf(ep, sizeof(ep), "inproc://ev-proxy-%d-%u-%s", (int)getpid(),
		 __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED), tag);
	if (zmq_socket_monitor(sock, ep, ZMQ_EVENT_ACCEPTED |
			       ZMQ_EVENT_DISCONNECTED) < 0)
		return NULL;
	m = zmq_socket(ctx, ZMQ_PAIR);
	if (!m)
		return NULL;
	if (zmq_connect(m, ep) < 0) {
		zmq_close(m);
		return NULL;
	}
	return m;
}

/*
 * The file of an ipc:// endpoint ("ipc://@name" is abstract: no file),
 * newly allocated, or NULL. libzmq removes only wildcard ipc files.
 */
static char *ipc_file(const char *ep)
{
	if (strncmp(ep, "ipc://", 6) != 0 || ep[6] == '@' || ep[6] == '*')
		return NULL;
	return strdup(ep + 6);
}

static int open_sockets(struct ev_proxy *p, void *ctx, const char *in_ep,
			const char *out_ep, const char *tcp_ep)
{
	int64_t max = EV_BODY_MAX;

	p->xsub = zmq_socket(ctx, ZMQ_XSUB);
	p->xpub = zmq_socket(ctx, ZMQ_XPUB);
	if (!p->xsub || !p->xpub)
		return -errno;
	if (set_int(p->xsub, ZMQ_LINGER, 0) < 0 ||
	    set_int(p->xpub, ZMQ_LINGER, 0) < 0 ||
	    set_int(p->xsub, ZMQ_RCVHWM, EV_PROXY_HWM) < 0 ||
	    set_int(p->xpub, ZMQ_SNDHWM, EV_PROXY_HWM) < 0 ||
	    /* A publisher sending oversized frames is disconnected. */
	    zmq_setsockopt(p->xsub, ZMQ_MAXMSGSIZE, &max, sizeof(max)) < 0)
		return -errno;
	p->mon_in = monitor(ctx, p->xsub, "in");
	p->mon_out = monitor(ctx, p->xpub, "out");
	if (!p->mon_in || !p->mon_out)
		return -errno;
	if (zmq_bind(p->xsub, in_ep) < 0)
		return -errno;
	p->ipc_files[0] = ipc_file(in_ep);
	if (zmq_bind(p->xpub, out_ep) < 0)
		return -errno;
	p->ipc_files[1] = ipc_file(out_ep);
	if (tcp_ep && zmq_bind(p->xpub, tcp_ep) < 0)
		return -errno;
	return 0;
}

/*
 * Stop the monitors before closing what they watch, and close their
 * readers last: events emitted by a closing socket into a monitor whose
 * reader is gone are never freed by libzmq.
 */
static void close_sockets(struct ev_proxy *p)
{
	void *socks[] = { p->xsub, p->xpub, p->mon_in, p->mon_out };

	if (p->xsub && p->mon_in)
		zmq_socket_monitor(p->xsub, NULL, 0);
	if (p->xpub && p->mon_out)
		zmq_socket_monitor(p->xpub, NULL, 0);
	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		if (socks[i])
			zmq_close(socks[i]);
	}
	for (int i = 0; i < 2; i++) {
		if (p->ipc_files[i])
			unlink(p->ipc_files[i]);
		free(p->ipc_files[i]);
		p->ipc_files[i] = NULL;
	}
}

struct ev_proxy *ev_proxy_new(void *zctx, const char *in_ep,
			      const char *out_ep, const char *tcp_ep)
{
	struct ev_proxy *p;
	int err = -EINVAL;

	if (!in_ep || !out_ep)
		goto err_out;
	p = calloc(1, sizeof(*p));
	if (!p) {
		err = -ENOMEM;
		goto err_out;
	}
	if (!zctx) {
		zctx = ev_zctx_get();
		if (!zctx) {
			err = -ENOMEM;
			goto err_free;
		}
		p->own_ctx_ref = 1;
	}
	err = open_sockets(p, zctx, in_ep, out_ep, tcp_ep);
	if (err < 0)
		goto err_close;
	zmq_msg_init(&p->msg);
	return p;

err_close:
	close_sockets(p);
	if (p->own_ctx_ref)
		ev_zctx_put();
err_free:
	free(p);
err_out:
	errno = -err;
	return NULL;
}

void ev_proxy_destroy(struct ev_proxy **pp)
{
	struct ev_proxy *p;

	if (!pp || !*pp)
		return;
	p = *pp;
	zmq_msg_close(&p->msg);
	close_sockets(p);
	if (p->own_ctx_ref)
		ev_zctx_put();
	free(p);
	*pp = NULL;
}

int ev_proxy_fds(struct ev_proxy *p, int fds[4])
{
	void *socks[] = { p->xsub, p->xpub, p->mon_in, p->mon_out };
	size_t len;

	for (int i = 0; i < 4; i++) {
		len = sizeof(fds[i]);
		if (zmq_getsockopt(socks[i], ZMQ_FD, &fds[i], &len) < 0)
			return -errno;
	}
	return 4;
}

/* One event message, every part, from publishers to subscribers. */
static int forward_event(struct ev_proxy *p)
{
	zmq_msg_t *m = &p->msg;
	int more, first = 1;

	do {
		if (zmq_msg_recv(m, p->xsub, ZMQ_DONTWAIT) < 0)
			return first && errno == EAGAIN ? 0 : -errno;
		p->st.messages_in += first;
		p->st.bytes_in += zmq_msg_size(m);
		more = zmq_msg_more(m);
		/* XPUB never blocks: a full subscriber queue drops there. */
		zmq_msg_send(m, p->xpub, (more ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT);
		first = 0;
	} while (more);
	p->st.messages_out++;
	return 1;
}

static void drain_rest(void *sock, zmq_msg_t *m)
{
	while (zmq_msg_more(m) && zmq_msg_recv(m, sock, ZMQ_DONTWAIT) >= 0)
		;
}

/* One subscription change, from subscribers up to publishers. */
static int forward_sub(struct ev_proxy *p)
{
	zmq_msg_t *m = &p->msg;
	const uint8_t *d;

	if (zmq_msg_recv(m, p->xpub, ZMQ_DONTWAIT) < 0)
		return errno == EAGAIN ? 0 : -errno;
	d = zmq_msg_data(m);
	if (zmq_msg_more(m) || zmq_msg_size(m) == 0 || d[0] > 1) {
		drain_rest(p->xpub, m);
		p->st.bad_upstream++;
		return 1;
	}
	p->st.subscriptions += d[0] ? 1 : -1;
	if (p->st.subscriptions < 0)
		p->st.subscriptions = 0;
	p->st.sub_messages++;
	zmq_msg_send(m, p->xsub, ZMQ_DONTWAIT);
	return 1;
}

/* One monitor event: count connections accepted and lost. */
static int read_monitor(struct ev_proxy *p, void *mon, int64_t *count)
{
	zmq_msg_t *m = &p->msg;
	uint16_t ev = 0;

	if (zmq_msg_recv(m, mon, ZMQ_DONTWAIT) < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (zmq_msg_size(m) >= sizeof(ev))
		memcpy(&ev, zmq_msg_data(m), sizeof(ev));
	drain_rest(mon, m);
	if (ev == ZMQ_EVENT_ACCEPTED)
		(*count)++;
	else if (ev == ZMQ_EVENT_DISCONNECTED && *count > 0)
		(*count)--;
	return 1;
}

int ev_proxy_pump(struct ev_proxy *p, unsigned budget)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < budget; i++) {
		rc = forward_event(p);
		if (rc <= 0)
			break;
	}
	while (rc >= 0 && (rc = forward_sub(p)) > 0)
		;
	while (rc >= 0 && (rc = read_monitor(p, p->mon_in,
					     &p->st.publishers)) > 0)
		;
	while (rc >= 0 && (rc = read_monitor(p, p->mon_out,
					     &p->st.subscribers)) > 0)
		;
	if (rc < 0 && rc != -EINTR)
		return rc;
	return i == budget;
}

int ev_proxy_run(struct ev_proxy *p, int stop_fd)
{
	zmq_pollitem_t it[5] = {
		{ .socket = p->xsub, .events = ZMQ_POLLIN },
		{ .socket = p->xpub, .events = ZMQ_POLLIN },
		{ .socket = p->mon_in, .events = ZMQ_POLLIN },
		{ .socket = p->mon_out, .events = ZMQ_POLLIN },
		{ .fd = stop_fd, .events = ZMQ_POLLIN },
	};
	int rc;

	for (;;) {
		rc = zmq_poll(it, 5, -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (it[4].revents & ZMQ_POLLIN)
			return 0;
		rc = ev_proxy_pump(p, 1024);
		if (rc < 0)
			return rc;
	}
}

const struct ev_proxy_stats *ev_proxy_stats(const struct ev_proxy *p)
{
	return &p->st;
}
