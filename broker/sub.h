/* SPDX-License-Identifier: MIT */
/*
 * Event subscriber: what tools and the `tessera events` command use to
 * receive typed domain events.
 *
 * A subscriber is a ZeroMQ SUB socket connected to the broker's events-out
 * (XPUB) endpoint. ev_subscribe() registers a handler for a topic prefix
 * ("memory." for every memory topic, "" for all) with an optional filter;
 * every received message is decoded strictly (codec.h), batches are
 * unpacked, and each event goes to every handler whose prefix matches and
 * whose filter accepts it. Malformed messages are counted and reported to
 * the error handler, never delivered.
 *
 * Gaps: seq is gap-free per (vm_id, source, topic), so the subscriber
 * remembers the next number it expects from each and reports a jump
 * forward to the gap handler (events lost: broker down, a queue full). A
 * jump backward means the publisher restarted: tracking starts over
 * silently. The first event of a source is never a gap.
 *
 * After a broker restart ZeroMQ reconnects the socket and sends the
 * subscriptions again by itself; nothing to do here.
 *
 * Threads: a subscriber belongs to one thread. Handlers run inside
 * ev_sub_dispatch()/ev_sub_feed() on that thread; they may call
 * ev_subscribe()/ev_unsubscribe(), not ev_sub_destroy().
 */
#ifndef TESSERA_BROKER_SUB_H
#define TESSERA_BROKER_SUB_H

#include <stddef.h>
#include <stdint.h>

#include "broker/codec.h"
#include "broker/event.h"
#include "broker/subset.h"

struct ev_sub;

/* Receives one event; @ev is valid during the call only. */
typedef void (*ev_handler_fn)(const struct ev_event *ev, void *user);
/* Nonzero to deliver @ev to the handler it guards. */
typedef int (*ev_filter_fn)(const struct ev_event *ev, void *user);

struct ev_gap {
	const char *vm_id;
	const char *source;
	enum ev_topic topic;
	uint64_t expected;        /* the seq that should have come */
	uint64_t got;             /* the seq that came; got - expected lost */
};
typedef void (*ev_gap_fn)(const struct ev_gap *gap, void *user);

/* A rejected message: @topic is its first frame, maybe not printable. */
typedef void (*ev_reject_fn)(const void *topic, size_t tlen,
			     const struct ev_error *err, void *user);

struct ev_sub_stats {
	uint64_t messages;        /* ZeroMQ messages received */
	uint64_t events;          /* events decoded (batches unpacked) */
	uint64_t batches;         /* messages that were batches */
	uint64_t rejected;        /* malformed messages */
	uint64_t gaps;            /* gaps seen */
	uint64_t missed;          /* events lost in those gaps */
	uint64_t restarts;        /* seq went backwards: publisher restarted */
};

/*
 * ev_sub_new - a subscriber connected to the broker's events-out endpoint
 * @endpoint; the broker need not be running yet. It receives nothing
 * until ev_subscribe(). Returns NULL with errno set. Caller owns it.
 */
struct ev_sub *ev_sub_new(const char *endpoint);

/* ev_sub_destroy - close and free *@sp, set it to NULL; accepts NULL. */
void ev_sub_destroy(struct ev_sub **sp);

/*
 * ev_subscribe - deliver events whose topic starts with @prefix (shorter
 * than EV_PREFIX_MAX) to @fn(ev, @user), when @filter (may be NULL) says
 * yes. Returns a subscription id >= 0, or -EINVAL / -ENOMEM.
 */
int ev_subscribe(struct ev_sub *s, const char *prefix, ev_handler_fn fn,
		 ev_filter_fn filter, void *user);

/* ev_unsubscribe - drop subscription @id. Returns 0 or -ENOENT. */
int ev_unsubscribe(struct ev_sub *s, int id);

/* ev_sub_on_gap - call @fn on every gap (NULL: only count them). */
void ev_sub_on_gap(struct ev_sub *s, ev_gap_fn fn, void *user);

/* ev_sub_on_reject - call @fn on every malformed message (NULL: count). */
void ev_sub_on_reject(struct ev_sub *s, ev_reject_fn fn, void *user);

/*
 * ev_sub_dispatch - wait up to @timeout_ms (0: don't wait, < 0: forever)
 * for messages, then handle those already queued (at most a bounded
 * number per call). Returns the number of messages handled (>= 0; 0 when
 * none was pending), -EINTR when a signal interrupted the wait, or -errno.
 */
int ev_sub_dispatch(struct ev_sub *s, int timeout_ms);

/*
 * ev_sub_fd - a descriptor for epoll (ZMQ_FD, edge-like): when it is
 * readable, and after every other wake-up of the loop, call
 * ev_sub_dispatch(s, 0) until it returns 0. Returns the fd or -errno.
 */
int ev_sub_fd(struct ev_sub *s);

/*
 * ev_sub_feed - handle one message given as its two frames, exactly as if
 * it had been received (for tests, and tools replaying recordings).
 * Returns the events delivered or filtered, or -EBADMSG.
 */
int ev_sub_feed(struct ev_sub *s, const void *topic, size_t tlen,
		const void *body, size_t blen);

/* ev_sub_stats - counters since ev_sub_new; valid until destroy. */
const struct ev_sub_stats *ev_sub_stats(const struct ev_sub *s);

#endif
