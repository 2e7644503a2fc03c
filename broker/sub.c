/* SPDX-License-Identifier: MIT */
/*
 * Event subscriber (see sub.h): SUB socket, decoding, handler dispatch by
 * prefix, and gap tracking per (vm_id, source, topic) in a bounded open
 * addressing table, so that a flood of made-up sources cannot exhaust
 * memory (a full table is simply forgotten and tracking starts over).
 */
#include "broker/sub.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "broker/zctx.h"

#define SUB_RCVHWM   20000
#define SUB_BUDGET   1024      /* messages per ev_sub_dispatch call */
#define SUBS_MAX     1024
#define TRACK_MIN    64
#define TRACK_MAX    4096

struct entry {
	ev_handler_fn fn;         /* NULL: unsubscribed */
	ev_filter_fn filter;
	void *user;
	size_t len;
	char prefix[EV_PREFIX_MAX];
};

struct track {
	uint64_t hash;            /* 0: free slot */
	uint64_t next;            /* seq expected next */
	unsigned topic;
	char vm_id[EV_STR_MAX];
	char source[EV_STR_MAX];
};

struct ev_sub {
	void *sock;
	struct entry *subs;
	unsigned nsubs, subs_cap;
	struct track *tracks;
	unsigned tracks_cap, tracks_n;
	ev_gap_fn gap_fn;
	void *gap_user;
	ev_reject_fn reject_fn;
	void *reject_user;
	struct ev_sub_stats stats;
	struct ev_event *evs;     /* EV_BATCH_MAX decoded events */
};

static int set_opts(void *sock)
{
	static const struct { int opt, val; } opts[] = {
		{ ZMQ_RCVHWM, SUB_RCVHWM },
		{ ZMQ_LINGER, 0 },
		{ ZMQ_RECONNECT_IVL, 100 },
		{ ZMQ_HEARTBEAT_IVL, 1000 },
		{ ZMQ_HEARTBEAT_TIMEOUT, 3000 },
	};
	int64_t max = EV_BODY_MAX;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (zmq_setsockopt(sock, opts[i].opt, &opts[i].val,
				   sizeof(int)) < 0)
			return -errno;
	}
	/* A peer sending a bigger frame is cut off by libzmq itself. */
	if (zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &max, sizeof(max)) < 0)
		return -errno;
	return 0;
}

struct ev_sub *ev_sub_new(const char *endpoint)
{
	struct ev_sub *s;
	void *ctx;
	int err = -EINVAL;

	if (!endpoint)
		goto err_out;
	err = -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto err_out;
	s->evs = malloc(EV_BATCH_MAX * sizeof(*s->evs));
	if (!s->evs)
		goto err_free;
	ctx = ev_zctx_get();
	if (!ctx)
		goto err_free;
	s->sock = zmq_socket(ctx, ZMQ_SUB);
	if (!s->sock) {
		err = -errno;
		goto err_put_ctx;
	}
	err = set_opts(s->sock);
	if (err == 0 && zmq_connect(s->sock, endpoint) < 0)
		err = -errno;
	if (err < 0)
		goto err_close;
	return s;

err_close:
	zmq_close(s->sock);
err_put_ctx:
	ev_zctx_put();
err_free:
	free(s->evs);
	free(s);
err_out:
	errno = -err;
	return NULL;
}

void ev_sub_destroy(struct ev_sub **sp)
{
	struct ev_sub *s;

	if (!sp || !*sp)
		return;
	s = *sp;
	zmq_close(s->sock);
	ev_zctx_put();
	free(s->subs);
	free(s->tracks);
	free(s->evs);
	free(s);
	*sp = NULL;
}

int ev_subscribe(struct ev_sub *s, const char *prefix, ev_handler_fn fn,
		 ev_filter_fn filter, void *user)
{
	size_t len = prefix ? strnlen(prefix, EV_PREFIX_MAX) : EV_PREFIX_MAX;
	struct entry *e;

	if (!fn || len >= EV_PREFIX_MAX || s->nsubs == SUBS_MAX)
		return -EINVAL;
	if (s->nsubs == s->subs_cap) {
		unsigned cap = s->subs_cap ? 2 * s->subs_cap : 8;

		e = realloc(s->subs, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		s->subs = e;
		s->subs_cap = cap;
	}
	if (zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, prefix, len) < 0)
		return -errno;
	e = &s->subs[s->nsubs];
	*e = (struct entry){ .fn = fn, .filter = filter, .user = user,
			     .len = len };
	memcpy(e->prefix, prefix, len);
	return (int)s->nsubs++;
}

int ev_unsubscribe(struct ev_sub *s, int id)
{
	struct entry *e;

	if (id < 0 || (unsigned)id >= s->nsubs || !s->subs[id].fn)
		return -ENOENT;
	e = &s->subs[id];
	e->fn = NULL;
	if (zmq_setsockopt(s->sock, ZMQ_UNSUBSCRIBE, e->prefix, e->len) < 0)
		return -errno;
	return 0;
}

void ev_sub_on_gap(struct ev_sub *s, ev_gap_fn fn, void *user)
{
	s->gap_fn = fn;
	s->gap_user = user;
}

void ev_sub_on_reject(struct ev_sub *s, ev_reject_fn fn, void *user)
{
	s->reject_fn = fn;
	s->reject_user = user;
}

const struct ev_sub_stats *ev_sub_stats(const struct ev_sub *s)
{
	return &s->stats;
}

int ev_sub_fd(struct ev_sub *s)
{
	int fd;
	size_t len = sizeof(fd);

	if (zmq_getsockopt(s->sock, ZMQ_FD, &fd, &len) < 0)
		return -errno;
	return fd;
}

static uint64_t track_hash(const struct ev_event *ev)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *parts[2] = { ev->h.vm_id, ev->h.source };

	for (int i = 0; i < 2; i++) {
		for (const char *c = parts[i]; *c; c++)
			h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
		h = (h ^ 0xff) * 0x100000001b3ull;
	}
	h = (h ^ (unsigned)ev->topic) * 0x100000001b3ull;
	return h | 1;             /* 0 marks a free slot */
}

static struct track *track_slot(struct track *tab, unsigned cap,
				const struct ev_event *ev, uint64_t h)
{
	for (unsigned i = (unsigned)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		struct track *t = &tab[i];

		if (t->hash == 0 || (t->hash == h && t->topic == ev->topic &&
				     strcmp(t->vm_id, ev->h.vm_id) == 0 &&
				     strcmp(t->source, ev->h.source) == 0))
			return t;
	}
}

/* Make room for one more source: grow, or forget all at the cap. */
static int track_room(struct ev_sub *s)
{
	unsigned cap = s->tracks_cap ? 2 * s->tracks_cap : TRACK_MIN;
	struct track *tab;

	if (s->tracks && (s->tracks_n + 1) * 4 <= s->tracks_cap * 3)
		return 0;
	if (cap > TRACK_MAX) {
		memset(s->tracks, 0, s->tracks_cap * sizeof(*s->tracks));
		s->tracks_n = 0;
		return 0;
	}
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (unsigned i = 0; i < s->tracks_cap; i++) {
		struct track *t = &s->tracks[i];

		unsigned j = (unsigned)t->hash & (cap - 1);

		if (!t->hash)
			continue;
		while (tab[j].hash)
			j = (j + 1) & (cap - 1);
		tab[j] = *t;
	}
	free(s->tracks);
	s->tracks = tab;
	s->tracks_cap = cap;
	return 0;
}

static void track(struct ev_sub *s, const struct ev_event *ev)
{
	uint64_t h = track_hash(ev), seq = ev->h.seq;
	struct track *t;
	struct ev_gap g;

	if (track_room(s) < 0)
		return;
	t = track_slot(s->tracks, s->tracks_cap, ev, h);
	if (t->hash == 0) {
		t->hash = h;
		t->topic = ev->topic;
		memcpy(t->vm_id, ev->h.vm_id, sizeof(t->vm_id));
		memcpy(t->source, ev->h.source, sizeof(t->source));
		s->tracks_n++;
	} else if (seq > t->next) {
		s->stats.gaps++;
		s->stats.missed += seq - t->next;
		g = (struct ev_gap){ .vm_id = ev->h.vm_id,
				     .source = ev->h.source, .topic = ev->topic,
				     .expected = t->next, .got = seq };
		if (s->gap_fn)
			s->gap_fn(&g, s->gap_user);
	} else if (seq < t->next) {
		s->stats.restarts++;
	}
	t->next = seq + 1;
}

/* Hand @ev to every matching handler; 1 when at least one took it. */
static int deliver(struct ev_sub *s, const struct ev_event *ev)
{
	int taken = 0;

	/* Handlers may (un)subscribe: copy each entry, re-read the count. */
	for (unsigned i = 0; i < s->nsubs; i++) {
		struct entry e = s->subs[i];

		if (!e.fn || !ev_topic_matches(ev->topic, e.prefix, e.len))
			continue;
		taken = 1;
		if (!e.filter || e.filter(ev, e.user))
			e.fn(ev, e.user);
	}
	return taken;
}

static void reject(struct ev_sub *s, const void *topic, size_t tlen,
		   const struct ev_error *err)
{
	s->stats.rejected++;
	if (s->reject_fn)
		s->reject_fn(topic, tlen, err, s->reject_user);
}

int ev_sub_feed(struct ev_sub *s, const void *topic, size_t tlen,
		const void *body, size_t blen)
{
	struct ev_error err;
	uint8_t b0 = blen ? *(const uint8_t *)body : 0;
	int n, taken = 0;

	n = ev_decode_frame(topic, tlen, body, blen, s->evs, EV_BATCH_MAX, &err);
	if (n < 0) {
		reject(s, topic, tlen, &err);
		return -EBADMSG;
	}
	s->stats.events += (unsigned)n;
	if ((b0 >= 0x90 && b0 <= 0x9f) || b0 == 0xdc || b0 == 0xdd)
		s->stats.batches++;
	for (int i = 0; i < n; i++) {
		track(s, &s->evs[i]);
		taken += deliver(s, &s->evs[i]);
	}
	return taken;
}

/* Frames of a message arrive together: the rest never blocks. */
static void drain_parts(void *sock)
{
	int more = 1;
	size_t len = sizeof(more);
	zmq_msg_t m;

	while (more) {
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0)
			more = 0;
		else if (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) < 0)
			more = 0;
		zmq_msg_close(&m);
	}
}

static int recv_one(struct ev_sub *s)
{
	struct ev_error err = { .code = EV_ERR_INVALID };
	zmq_msg_t t, b;
	int rc = 0;

	zmq_msg_init(&t);
	zmq_msg_init(&b);
	if (zmq_msg_recv(&t, s->sock, ZMQ_DONTWAIT) < 0) {
		rc = -errno;
		goto out;
	}
	s->stats.messages++;
	if (!zmq_msg_more(&t) || zmq_msg_recv(&b, s->sock, ZMQ_DONTWAIT) < 0 ||
	    zmq_msg_more(&b)) {
		if (zmq_msg_more(&b))
			drain_parts(s->sock);
		snprintf(err.msg, sizeof(err.msg), "not a two-frame message");
		reject(s, zmq_msg_data(&t), zmq_msg_size(&t), &err);
		goto out;
	}
	ev_sub_feed(s, zmq_msg_data(&t), zmq_msg_size(&t), zmq_msg_data(&b),
		    zmq_msg_size(&b));
out:
	zmq_msg_close(&b);
	zmq_msg_close(&t);
	return rc;
}

int ev_sub_dispatch(struct ev_sub *s, int timeout_ms)
{
	zmq_pollitem_t it = { .socket = s->sock, .events = ZMQ_POLLIN };
	int n = 0, rc;

	if (timeout_ms != 0) {
		rc = zmq_poll(&it, 1, timeout_ms);
		if (rc < 0)
			return -errno;
		if (rc == 0)
			return 0;
	}
	while (n < SUB_BUDGET) {
		rc = recv_one(s);
		if (rc == -EAGAIN)
			break;
		if (rc < 0)
			return n ? n : rc;
		n++;
	}
	return n;
}
