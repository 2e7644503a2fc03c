/* SPDX-License-Identifier: MIT */
/*
 * SPSC ring over shared memory: validation of everything the peer can
 * write, index publication with seq_cst stores so that the doorbell check
 * needs no extra fence, and the spin-then-sleep waits (see ring.h and, for
 * the wake-up protocol, bell.h).
 */
#include "shm/ring.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/*
 * Adaptive spinning. A spin that succeeds after k polls raises the budget
 * to about 2k: the peer answers at that pace. A spin that fails trims it
 * by an eighth (down to SPIN_MIN): one preemption of the peer should not
 * undo what many successes taught, but a peer that keeps us waiting (slow,
 * idle, or needing the very CPU we spin on, where spinning only delays
 * the answer) soon costs almost nothing. Every PROBE_EVERY failures the
 * next wait spins the full budget once, so that a peer that became fast
 * again is noticed; a probe that fails restores the budget it replaced.
 */
#define SPIN_MIN     64
#define SPIN_STEP    64
#define PROBE_EVERY  256

_Static_assert(sizeof(struct shm_ring_hdr) % 64 == 0, "slots 64-aligned");

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int geometry_ok(uint32_t entry_size, uint32_t capacity)
{
	return entry_size && entry_size % 8 == 0 &&
	       entry_size <= SHM_RING_MAX_ENTRY && capacity >= 2 &&
	       capacity <= SHM_RING_MAX_CAP && !(capacity & (capacity - 1));
}

size_t shm_ring_bytes(uint32_t entry_size, uint32_t capacity)
{
	if (!geometry_ok(entry_size, capacity))
		return 0;
	return SHM_RING_HDR_BYTES + (size_t)entry_size * capacity;
}

static void ring_bind(struct shm_ring *r, void *mem, uint32_t entry_size,
		      uint32_t capacity, uint32_t head, uint32_t tail)
{
	r->h = mem;
	r->slots = (uint8_t *)mem + SHM_RING_HDR_BYTES;
	r->mask = capacity - 1;
	r->entry_size = entry_size;
	r->head = head;
	r->tail = tail;
	r->wake_fd[SHM_RING_DATA] = -1;
	r->wake_fd[SHM_RING_SPACE] = -1;
	r->spin = 0;
	r->spin_max = 0;
	r->spin_fails = 0;
	r->spin_probe = 0;
}

int shm_ring_init(struct shm_ring *r, void *mem, size_t bytes,
		  uint32_t entry_size, uint32_t capacity)
{
	struct shm_ring_hdr *h = mem;

	if (!r || !mem || ((uintptr_t)mem & 63) ||
	    !geometry_ok(entry_size, capacity) ||
	    bytes < shm_ring_bytes(entry_size, capacity))
		return -EINVAL;
	memset(h, 0, SHM_RING_HDR_BYTES);
	h->entry_size = entry_size;
	h->capacity = capacity;
	h->version = SHM_RING_VERSION;
	/* Magic last: an attacher that sees it sees a complete header. */
	__atomic_store_n(&h->magic, SHM_RING_MAGIC, __ATOMIC_RELEASE);
	ring_bind(r, mem, entry_size, capacity, 0, 0);
	return 0;
}

int shm_ring_attach(struct shm_ring *r, void *mem, size_t bytes)
{
	struct shm_ring_hdr *h = mem;
	uint32_t es, cap, head, tail;

	if (!r || !mem || ((uintptr_t)mem & 63) || bytes < SHM_RING_HDR_BYTES ||
	    __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != SHM_RING_MAGIC ||
	    __atomic_load_n(&h->version, __ATOMIC_RELAXED) != SHM_RING_VERSION)
		return -EPROTO;
	/* Read each field once: the peer may change them under us, and the
	 * handle must hold exactly what was checked. */
	es = __atomic_load_n(&h->entry_size, __ATOMIC_RELAXED);
	cap = __atomic_load_n(&h->capacity, __ATOMIC_RELAXED);
	if (!geometry_ok(es, cap) || bytes < shm_ring_bytes(es, cap))
		return -EPROTO;
	head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
	tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
	if (head - tail > cap)
		return -EPROTO;
	ring_bind(r, mem, es, cap, head, tail);
	return 0;
}

/*
 * Consumer: refresh the producer's index. It may only have moved forward,
 * and by no more than fills the ring; anything else is a corrupt or
 * hostile producer. Returns 1 when entries are available, 0 when not,
 * -EPROTO (with the local view unchanged).
 */
static int see_head(struct shm_ring *r)
{
	uint32_t head = __atomic_load_n(&r->h->head, __ATOMIC_ACQUIRE);
	uint32_t avail = head - r->tail;

	if (avail > r->mask + 1 || avail < r->head - r->tail)
		return -EPROTO;
	r->head = head;
	return avail != 0;
}

/* Producer: refresh the consumer's index; it may only move forward, and
 * never past our own. Returns 1 when a slot is free, 0, or -EPROTO. */
static int see_tail(struct shm_ring *r)
{
	uint32_t tail = __atomic_load_n(&r->h->tail, __ATOMIC_ACQUIRE);
	uint32_t used = r->head - tail;

	if (used > r->head - r->tail)
		return -EPROTO;
	r->tail = tail;
	return used <= r->mask;
}

/* The shared index is read only when the local view says we must wait:
 * it keeps the peer's cache line out of the common path. */
static inline int data_ready(struct shm_ring *r)
{
	return r->head != r->tail ? 1 : see_head(r);
}

static inline int space_ready(struct shm_ring *r)
{
	return r->head - r->tail <= r->mask ? 1 : see_tail(r);
}

static inline uint8_t *slot(const struct shm_ring *r, uint32_t idx)
{
	return r->slots + (size_t)(idx & r->mask) * r->entry_size;
}

int shm_ring_push(struct shm_ring *r, const void *entry)
{
	int rc = space_ready(r);

	if (rc <= 0)
		return rc < 0 ? rc : -EAGAIN;
	memcpy(slot(r, r->head), entry, r->entry_size);
	r->head++;
	/* seq_cst store: releases the entry and orders the store before the
	 * bell load (N1 and N2 of bell.h in one instruction). A failed wake
	 * call is ignored: the entry is published either way. */
	__atomic_store_n(&r->h->head, r->head, __ATOMIC_SEQ_CST);
	shm_bell_notify_sc(&r->h->data, r->wake_fd[SHM_RING_DATA]);
	return 0;
}

int shm_ring_peek(struct shm_ring *r, void *entry)
{
	int rc = data_ready(r);

	if (rc <= 0)
		return rc < 0 ? rc : -EAGAIN;
	memcpy(entry, slot(r, r->tail), r->entry_size);
	return 0;
}

int shm_ring_drop(struct shm_ring *r)
{
	int rc = data_ready(r);

	if (rc <= 0)
		return rc < 0 ? rc : -EAGAIN;
	r->tail++;
	__atomic_store_n(&r->h->tail, r->tail, __ATOMIC_SEQ_CST);
	shm_bell_notify_sc(&r->h->space, r->wake_fd[SHM_RING_SPACE]);
	return 0;
}

int shm_ring_pop(struct shm_ring *r, void *entry)
{
	int rc = shm_ring_peek(r, entry);

	if (rc < 0)
		return rc;
	/* The entry was copied out before the slot is handed back: the
	 * seq_cst store also releases our reads of it. */
	r->tail++;
	__atomic_store_n(&r->h->tail, r->tail, __ATOMIC_SEQ_CST);
	shm_bell_notify_sc(&r->h->space, r->wake_fd[SHM_RING_SPACE]);
	return 0;
}

static int side_ready(struct shm_ring *r, enum shm_ring_side side)
{
	return side == SHM_RING_DATA ? data_ready(r) : space_ready(r);
}

/* Bell callbacks: any non-zero answer, -EPROTO included, means "do not
 * sleep"; the caller then asks again and reports the error. */
static int data_ready_cb(void *arg)
{
	return data_ready(arg);
}

static int space_ready_cb(void *arg)
{
	return space_ready(arg);
}

static struct shm_bell *side_bell(struct shm_ring *r, enum shm_ring_side s)
{
	return s == SHM_RING_DATA ? &r->h->data : &r->h->space;
}

/* Poll up to the budget; a success teaches it the peer's pace. */
static int ring_spin(struct shm_ring *r, enum shm_ring_side side)
{
	int rc = side_ready(r, side);
	uint32_t i;

	for (i = 0; !rc && i < r->spin; i++) {
		cpu_relax();
		rc = side_ready(r, side);
	}
	if (rc > 0 && i > 0) {
		uint64_t want = 2 * (uint64_t)i + SPIN_STEP;

		r->spin_probe = 0;
		if (want > r->spin)
			r->spin = want > r->spin_max ? r->spin_max
						     : (uint32_t)want;
	}
	return rc;
}

/* The spin ran out and the wait had to sleep. */
static void spin_failed(struct shm_ring *r)
{
	uint32_t floor = r->spin_max < SPIN_MIN ? r->spin_max : SPIN_MIN;

	if (r->spin_probe) {
		r->spin = r->spin_probe;
		r->spin_probe = 0;
	} else {
		r->spin -= r->spin / 8;
		if (r->spin < floor)
			r->spin = floor;
	}
	if (++r->spin_fails % PROBE_EVERY == 0 && r->spin < r->spin_max) {
		r->spin_probe = r->spin;
		r->spin = r->spin_max;
	}
}

static int ring_wait(struct shm_ring *r, enum shm_ring_side side,
		     int64_t timeout_ns)
{
	int (*cb)(void *) = side == SHM_RING_DATA ? data_ready_cb
						  : space_ready_cb;
	int64_t start, left = timeout_ns;
	int rc = ring_spin(r, side), err;

	if (rc)
		return rc < 0 ? rc : 0;
	start = timeout_ns > 0 ? now_ns() : 0;   /* no clock for "forever" */
	for (;;) {
		err = shm_bell_wait(side_bell(r, side), cb, r, left);
		rc = side_ready(r, side);
		if (rc || err)
			break;
		/* Woken, but not for us (a stale claim): sleep again. */
		if (timeout_ns >= 0) {
			left = timeout_ns - (now_ns() - start);
			if (left <= 0) {
				err = -ETIMEDOUT;
				break;
			}
		}
	}
	if (timeout_ns != 0)   /* a mere poll says nothing about the peer */
		spin_failed(r);
	if (rc)
		return rc < 0 ? rc : 0;
	return err;
}

int shm_ring_wait_data(struct shm_ring *r, int64_t timeout_ns)
{
	return ring_wait(r, SHM_RING_DATA, timeout_ns);
}

int shm_ring_wait_space(struct shm_ring *r, int64_t timeout_ns)
{
	return ring_wait(r, SHM_RING_SPACE, timeout_ns);
}

int shm_ring_arm(struct shm_ring *r, enum shm_ring_side side)
{
	int rc = side_ready(r, side);

	if (rc)
		return rc < 0 ? rc : 1;
	rc = shm_bell_arm(side_bell(r, side),
			  side == SHM_RING_DATA ? data_ready_cb : space_ready_cb,
			  r);
	if (rc == 1) {
		rc = side_ready(r, side);
		return rc < 0 ? rc : 1;
	}
	return rc;
}

void shm_ring_disarm(struct shm_ring *r, enum shm_ring_side side)
{
	shm_bell_disarm(side_bell(r, side));
}

void shm_ring_set_wake_fd(struct shm_ring *r, enum shm_ring_side side,
			  int efd)
{
	r->wake_fd[side == SHM_RING_DATA ? SHM_RING_DATA : SHM_RING_SPACE] =
		efd;
}

void shm_ring_set_spin(struct shm_ring *r, uint32_t max_polls)
{
	r->spin_max = max_polls;
	r->spin = max_polls;
	r->spin_fails = 0;
	r->spin_probe = 0;
	r->spin_probe = 0;
}

int shm_ring_count(const struct shm_ring *r)
{
	uint32_t head = __atomic_load_n(&r->h->head, __ATOMIC_ACQUIRE);
	uint32_t tail = __atomic_load_n(&r->h->tail, __ATOMIC_ACQUIRE);

	if (head - tail > r->mask + 1)
		return -EPROTO;
	return (int)(head - tail);
}

void shm_ring_stats(const struct shm_ring *r, struct shm_ring_stats *st)
{
	const struct shm_ring_hdr *h = r->h;

	st->data_wakes = __atomic_load_n(&h->data.wakes, __ATOMIC_RELAXED);
	st->data_sleeps = __atomic_load_n(&h->data.sleeps, __ATOMIC_RELAXED);
	st->space_wakes = __atomic_load_n(&h->space.wakes, __ATOMIC_RELAXED);
	st->space_sleeps = __atomic_load_n(&h->space.sleeps, __ATOMIC_RELAXED);
	st->missed = __atomic_load_n(&h->data.missed, __ATOMIC_RELAXED) +
		     __atomic_load_n(&h->space.missed, __ATOMIC_RELAXED);
}
