/* SPDX-License-Identifier: MIT */
/*
 * Event publisher (see pub.h): an XPUB socket towards the broker, the
 * wanted flags kept from the subscription messages it receives, encoding
 * and optional batching.
 */
#include "broker/pub.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "broker/codec.h"
#include "broker/subset.h"
#include "broker/zctx.h"

#define PUB_BATCH_BYTES (16u * 1024u)  /* a batch is sent before this */
#define PUB_LINGER_MS   200            /* at close, for queued events */

struct batch {
	uint8_t *buf;          /* PUB_BATCH_BYTES, allocated on first use */
	size_t len;            /* bytes used, array header included */
	unsigned n;            /* events in it */
	int64_t first_ns;      /* CLOCK_MONOTONIC_COARSE of the first */
};

struct pub {
	struct ev_pub pub;     /* first: ev_pub_* cast between the two */
	void *sock;
	struct ev_encoder enc;
	struct ev_subset subs;
	unsigned batch_max;    /* 1: no batching */
	int64_t linger_ns;
	struct batch batch[EV_TOPIC_COUNT];
	uint8_t buf[EV_EVENT_MAX];
};

static int64_t coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int set_opts(void *sock)
{
	static const struct { int opt, val; } opts[] = {
		/* No pipe while disconnected: sends drop at once, and a
		 * dropped connection ends the pipe, which withdraws its
		 * subscriptions in order with the next connection's. */
		{ ZMQ_IMMEDIATE, 1 },
		/* A full queue makes zmq_send fail, so drops are counted. */
		{ ZMQ_XPUB_NODROP, 1 },
		{ ZMQ_SNDHWM, EV_PUB_SNDHWM },
		{ ZMQ_LINGER, PUB_LINGER_MS },
		{ ZMQ_RECONNECT_IVL, 100 },
		/* A broker that vanished without closing (TCP) is noticed. */
		{ ZMQ_HEARTBEAT_IVL, 1000 },
		{ ZMQ_HEARTBEAT_TIMEOUT, 3000 },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (zmq_setsockopt(sock, opts[i].opt, &opts[i].val,
				   sizeof(int)) < 0)
			return -errno;
	}
	return 0;
}

struct ev_pub *ev_pub_new(const char *endpoint, const char *vm_id,
			  const char *source)
{
	struct pub *q;
	void *ctx;
	int err = -EINVAL;

	if (!endpoint)
		goto err_out;
	q = calloc(1, sizeof(*q));
	if (!q) {
		err = -ENOMEM;
		goto err_out;
	}
	err = ev_encoder_init(&q->enc, vm_id, source);
	if (err < 0)
		goto err_free;
	q->pub.countdown = EV_PUB_POLL_EVERY;
	q->batch_max = 1;
	ctx = ev_zctx_get();
	if (!ctx) {
		err = -errno;
		goto err_free;
	}
	q->sock = zmq_socket(ctx, ZMQ_XPUB);
	if (!q->sock) {
		err = -errno;
		goto err_put_ctx;
	}
	err = set_opts(q->sock);
	if (err == 0 && zmq_connect(q->sock, endpoint) < 0)
		err = -errno;
	if (err < 0)
		goto err_close;
	return &q->pub;

err_close:
	zmq_close(q->sock);
err_put_ctx:
	ev_zctx_put();
err_free:
	free(q);
err_out:
	errno = -err;
	return NULL;
}

/* Both frames, without blocking; a full queue fails the first one. */
static int send_frames(struct pub *q, enum ev_topic t, const void *body,
		       size_t len)
{
	const struct ev_topic_info *ti = &ev_topics[t];

	if (zmq_send(q->sock, ti->name, ti->namelen,
		     ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
		return -errno;
	/*
	 * libzmq checks the high-water mark against whole messages, so once
	 * the first part is in the second cannot meet it; it must go out,
	 * or the socket would be left in the middle of a message.
	 */
	for (int i = 0; i < 1000; i++) {
		if (zmq_send(q->sock, body, len, ZMQ_DONTWAIT) >= 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}

static int batch_send(struct pub *q, enum ev_topic t)
{
	struct batch *b = &q->batch[t];
	int rc;

	if (b->n == 0)
		return 0;
	ev_batch_seal(b->buf, b->n);
	rc = send_frames(q, t, b->buf, b->len);
	if (rc < 0) {
		q->pub.stats.dropped += b->n;
	} else {
		q->pub.stats.sent += b->n;
		q->pub.stats.batches++;
	}
	b->n = 0;
	b->len = 0;
	return rc < 0 ? -EAGAIN : 1;
}

static int send_single(struct pub *q, const struct ev_event *ev,
		       uint64_t seq, struct ev_time at)
{
	int n = ev_encoder_put(&q->enc, ev, seq, at, q->buf, sizeof(q->buf));

	if (n < 0) {
		q->pub.stats.invalid++;
		return -EINVAL;
	}
	if (send_frames(q, ev->topic, q->buf, (size_t)n) < 0) {
		q->pub.stats.dropped++;
		return -EAGAIN;
	}
	q->pub.stats.sent++;
	return 1;
}

static int batch_add(struct pub *q, const struct ev_event *ev, uint64_t seq,
		     struct ev_time at)
{
	struct batch *b = &q->batch[ev->topic];
	int64_t now = coarse_ns();
	int rc = 1, n;

	if (!b->buf && !(b->buf = malloc(PUB_BATCH_BYTES)))
		return send_single(q, ev, seq, at);
	if (b->n && (now - b->first_ns >= q->linger_ns ||
		     b->len + EV_EVENT_MAX > PUB_BATCH_BYTES))
		rc = batch_send(q, ev->topic);
	if (b->n == 0) {
		b->len = EV_BATCH_HDR;
		b->first_ns = now;
	}
	n = ev_encoder_put(&q->enc, ev, seq, at, b->buf + b->len,
			   PUB_BATCH_BYTES - b->len);
	if (n < 0) {
		q->pub.stats.invalid++;
		return -EINVAL;
	}
	b->len += (size_t)n;
	if (++b->n >= q->batch_max)
		rc = batch_send(q, ev->topic);
	return rc < 0 ? rc : 1;
}

int ev_pub_send_(struct ev_pub *p, const struct ev_event *ev, uint64_t seq)
{
	struct pub *q = (struct pub *)p;
	struct ev_time at = ev->h.occurred_at;

	if (at.sec == 0 && at.nsec == 0)
		at = ev_time_now();
	if (q->batch_max > 1 && ev_topics[ev->topic].batchable)
		return batch_add(q, ev, seq, at);
	return send_single(q, ev, seq, at);
}

void ev_pub_tick_(struct ev_pub *p)
{
	ev_pub_poll(p);
}

/* Send the batches that waited longer than the linger time. */
static void flush_stale(struct pub *q)
{
	int64_t now;

	if (q->batch_max <= 1)
		return;
	now = coarse_ns();
	for (unsigned t = 0; t < EV_TOPIC_COUNT; t++) {
		struct batch *b = &q->batch[t];

		if (b->n && now - b->first_ns >= q->linger_ns)
			batch_send(q, (enum ev_topic)t);
	}
}

int ev_pub_poll(struct ev_pub *p)
{
	struct pub *q = (struct pub *)p;
	uint8_t msg[EV_PREFIX_MAX + 1];
	int n, changed = 0;

	p->countdown = EV_PUB_POLL_EVERY;
	for (unsigned i = 0; i < 4096; i++) {
		n = zmq_recv(q->sock, msg, sizeof(msg), ZMQ_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -errno;
		p->stats.sub_changes++;
		/* A longer message was cut: too long a prefix to matter. */
		if ((size_t)n > sizeof(msg))
			n = sizeof(msg);
		if (ev_subset_apply(&q->subs, msg, (size_t)n) > 0)
			changed = 1;
	}
	if (changed)
		ev_subset_flags(&q->subs, p->wanted);
	flush_stale(q);
	return changed;
}

int ev_pub_flush(struct ev_pub *p)
{
	struct pub *q = (struct pub *)p;
	int rc = 0;

	for (unsigned t = 0; t < EV_TOPIC_COUNT; t++) {
		if (batch_send(q, (enum ev_topic)t) < 0)
			rc = -EAGAIN;
	}
	return rc;
}

int ev_pub_fd(struct ev_pub *p)
{
	struct pub *q = (struct pub *)p;
	int fd;
	size_t len = sizeof(fd);

	if (zmq_getsockopt(q->sock, ZMQ_FD, &fd, &len) < 0)
		return -errno;
	return fd;
}

int ev_pub_set_batch(struct ev_pub *p, unsigned max_events,
		     unsigned linger_us)
{
	struct pub *q = (struct pub *)p;

	if (max_events < 1 || max_events > EV_BATCH_MAX)
		return -EINVAL;
	ev_pub_flush(p);
	q->batch_max = max_events;
	q->linger_ns = (int64_t)linger_us * 1000;
	return 0;
}

void ev_pub_destroy(struct ev_pub **pp)
{
	struct pub *q;

	if (!pp || !*pp)
		return;
	q = (struct pub *)*pp;
	ev_pub_flush(&q->pub);
	zmq_close(q->sock);
	for (unsigned t = 0; t < EV_TOPIC_COUNT; t++)
		free(q->batch[t].buf);
	free(q);
	ev_zctx_put();
	*pp = NULL;
}
