/* SPDX-License-Identifier: MIT */
/*
 * Event publisher: what every service uses to emit domain events.
 *
 * A publisher is a ZeroMQ XPUB socket connected to the broker's events-in
 * (XSUB) endpoint, so subscriptions flow upstream to it: it keeps one
 * "wanted" flag per topic, and an event nobody subscribed to is neither
 * encoded nor sent. ev_pub_wants() is a single load, so a hot path can
 * skip even building an expensive event:
 *
 *	if (ev_pub_wants(pub, EV_TOPIC_CODE_BLOCK_COMPILED))
 *		ev_emit_code_block_compiled(pub, pc, gsize, hsize, ns);
 *
 * and ev_publish()/ev_emit_*() on an unwanted topic cost a few ns.
 *
 * Publishing never blocks and never fails the VM: sends use ZMQ_DONTWAIT,
 * an event that cannot be queued (broker down, queue full) is dropped and
 * counted. Every ev_publish()/ev_emit_*() call takes the next number of a
 * gap-free sequence per publisher and topic (the header's seq), sent or
 * not, so a subscriber sees every event it missed while subscribed as a
 * gap. (Callers that skip building an event after ev_pub_wants() said no
 * take no number: nobody could have missed it.)
 *
 * Subscription changes are read without blocking: by every
 * EV_PUB_POLL_EVERY-th publish call, and by ev_pub_poll(), which a
 * service calls from its loop when ev_pub_fd() is readable, or on a timer
 * (a publisher that rarely publishes would otherwise learn of new
 * subscribers late). After a broker restart the publisher reconnects by
 * itself; the connection drop withdraws every subscription (the socket
 * is ZMQ_IMMEDIATE, so libzmq ends the pipe and reports its unsubscriptions
 * in order with the resubscriptions of the new connection) and the new
 * broker's subscriptions set the flags again.
 *
 * Batching (off by default): ev_pub_set_batch() makes the batchable topics
 * of the catalogue (page faults, interrupts, I/O completions) travel
 * several events to a message. A batch is sent when full, when an event
 * arrives after the linger time, and by ev_pub_poll()/ev_pub_flush(); a
 * publisher that batches must therefore call ev_pub_poll() regularly.
 *
 * Threads: a publisher belongs to one thread (one per hart); it is not
 * locked. Several publishers in a process share one ZeroMQ context.
 */
#ifndef TESSERA_BROKER_PUB_H
#define TESSERA_BROKER_PUB_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "broker/event.h"

#define EV_PUB_POLL_EVERY 1024u   /* publish calls between subscription reads */
#define EV_PUB_SNDHWM     20000   /* messages queued towards the broker */

struct ev_pub_stats {
	uint64_t sent;        /* events handed to ZeroMQ */
	uint64_t dropped;     /* events lost: queue full or send error */
	uint64_t invalid;     /* events the encoder refused (bad field) */
	uint64_t batches;     /* batch messages sent */
	uint64_t sub_changes; /* subscription messages received */
};

/*
 * The publisher. Only the first members are public, for the inline fast
 * path; read stats, never write anything.
 */
struct ev_pub {
	uint8_t wanted[EV_TOPIC_COUNT];
	uint32_t countdown;
	uint64_t seq[EV_TOPIC_COUNT];
	struct ev_pub_stats stats;
};

/*
 * ev_pub_new - a publisher for VM @vm_id whose events say @source
 * ("vcpu0", "mmu", ...), connected to the broker's events-in endpoint
 * @endpoint ("ipc://.../events-in"). The broker need not be running yet.
 * Returns NULL with errno set (EINVAL for a bad name or endpoint).
 * The caller owns the result; destroy it from the thread that uses it.
 */
struct ev_pub *ev_pub_new(const char *endpoint, const char *vm_id,
			  const char *source);

/*
 * ev_pub_destroy - flush pending batches, close and free *@pp, set it to
 * NULL. Accepts NULL and a NULL *@pp. May wait up to 200 ms for queued
 * events to leave when it drops the last use of the ZeroMQ context.
 */
void ev_pub_destroy(struct ev_pub **pp);

/* ev_pub_wants - nonzero when some subscriber wants topic @t. */
static inline int ev_pub_wants(const struct ev_pub *p, enum ev_topic t)
{
	return p->wanted[t];
}

/* Out of line halves of ev_publish; not for direct use. */
int ev_pub_send_(struct ev_pub *p, const struct ev_event *ev, uint64_t seq);
void ev_pub_tick_(struct ev_pub *p);

/* ev_pub_skip - account for an event of topic @t that nobody wants. */
static inline int ev_pub_skip(struct ev_pub *p, enum ev_topic t)
{
	p->seq[t]++;
	if (__builtin_expect(--p->countdown == 0, 0))
		ev_pub_tick_(p);
	return 0;
}

/*
 * ev_publish - publish @ev (topic and fields; the header is stamped here:
 * vm_id, source, seq, and occurred_at unless the caller set it non-zero).
 * Returns 1 when sent or queued in a batch, 0 when nobody wants the topic,
 * -EAGAIN when dropped (counted), -EINVAL for an invalid event. Callers
 * may ignore the result: nothing here can fail the VM.
 */
static inline int ev_publish(struct ev_pub *p, const struct ev_event *ev)
{
	enum ev_topic t = ev->topic;

	if ((unsigned)t >= EV_TOPIC_COUNT)
		return -EINVAL;
	if (__builtin_expect(!p->wanted[t], 1))
		return ev_pub_skip(p, t);
	if (__builtin_expect(--p->countdown == 0, 0))
		ev_pub_tick_(p);
	return ev_pub_send_(p, ev, p->seq[t]++);
}

/*
 * ev_pub_poll - read pending subscription changes and send batches that
 * waited longer than their linger time; never blocks. Returns 1 when the
 * wanted flags changed, 0 when not, -errno on a socket error.
 */
int ev_pub_poll(struct ev_pub *p);

/* ev_pub_flush - send every pending batch now. Returns 0 or -errno. */
int ev_pub_flush(struct ev_pub *p);

/*
 * ev_pub_fd - a file descriptor that becomes readable when ev_pub_poll()
 * has work (ZMQ_FD: edge-like, so call ev_pub_poll() after every wake-up
 * of the loop, not only when it fires). Returns the fd or -errno.
 */
int ev_pub_fd(struct ev_pub *p);

/*
 * ev_pub_set_batch - batch the batchable topics, up to @max_events
 * (1..EV_BATCH_MAX; 1 turns batching off) per message, a batch waiting at
 * most @linger_us for more events. Returns 0 or -EINVAL.
 */
int ev_pub_set_batch(struct ev_pub *p, unsigned max_events,
		     unsigned linger_us);

/*
 * ev_str_set - copy @src (may be NULL: "") into a string field, truncated
 * to fit. A byte loop: strnlen/memcpy with the field's bound trip gcc's
 * overread warnings when @src is a short literal.
 */
static inline void ev_str_set(char dst[EV_STR_MAX], const char *src)
{
	size_t n = 0;

	for (; src && n < EV_STR_MAX - 1 && src[n]; n++)
		dst[n] = src[n];
	dst[n] = '\0';
}

/*
 * ev_emit_<topic>(pub, field values...) - build and publish one event of
 * that topic, its parameters the catalogue's fields in order (strings are
 * truncated to EV_STR_MAX - 1 bytes). Same result as ev_publish().
 */
#define EV_PARAM_U32(n)  , uint32_t n
#define EV_PARAM_U64(n)  , uint64_t n
#define EV_PARAM_I64(n)  , int64_t n
#define EV_PARAM_STR(n)  , const char *n
#define EV_PARAM_ACC(n)  , char n
#define EV_PARAM_(x, t, n, d) EV_PARAM_##t(n)
#define EV_SET_U32(dst, n) dst = n;
#define EV_SET_U64(dst, n) dst = n;
#define EV_SET_I64(dst, n) dst = n;
#define EV_SET_STR(dst, n) ev_str_set(dst, n);
#define EV_SET_ACC(dst, n) dst = n;
#define EV_SET_(x, t, n, d) EV_SET_##t(x.n, n)
#define EV_EMIT_(ID, name, str, batch)                                        \
	static inline int ev_emit_##name(struct ev_pub *ev_p_                 \
					 EV_FIELDS_##name(EV_PARAM_, _))      \
	{                                                                     \
		struct ev_event ev_e_;                                        \
                                                                              \
		if (__builtin_expect(!ev_p_->wanted[EV_TOPIC_##ID], 1))       \
			return ev_pub_skip(ev_p_, EV_TOPIC_##ID);             \
		ev_e_.topic = EV_TOPIC_##ID;                                  \
		ev_e_.h.occurred_at.sec = 0;                                  \
		ev_e_.h.occurred_at.nsec = 0;                                 \
		EV_FIELDS_##name(EV_SET_, ev_e_.u.name)                       \
		return ev_publish(ev_p_, &ev_e_);                             \
	}
EV_TOPICS(EV_EMIT_)
#undef EV_EMIT_

#endif
