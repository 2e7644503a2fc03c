/* SPDX-License-Identifier: MIT */
/*
 * SPSC ring and doorbells over shared memory (see ring.h for the
 * wake-up protocol).
 */
#include "shm/ring.h"

#include <errno.h>
#include <string.h>

#include "shm/futex.h"

#define HDR_BYTES ((sizeof(struct shm_ring_hdr) + 63) & ~(size_t)63)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

size_t shm_ring_bytes(uint32_t entry_size, uint32_t capacity)
{
	return HDR_BYTES + (size_t)entry_size * capacity;
}

static void ring_bind(struct shm_ring *r, void *mem)
{
	r->h = mem;
	r->slots = (uint8_t *)mem + HDR_BYTES;
	r->mask = r->h->capacity - 1;
	r->entry_size = r->h->entry_size;
}

int shm_ring_init(struct shm_ring *r, void *mem, size_t bytes,
		  uint32_t entry_size)
{
	struct shm_ring_hdr *h = mem;
	uint32_t cap = 1;

	if (!mem || entry_size == 0 || entry_size % 8 ||
	    entry_size > SHM_RING_MAX_ENTRY || bytes < shm_ring_bytes(entry_size, 2))
		return -EINVAL;
	while (cap < (1u << 30) && shm_ring_bytes(entry_size, cap * 2) <= bytes)
		cap *= 2;
	memset(h, 0, HDR_BYTES);
	h->entry_size = entry_size;
	h->capacity = cap;
	h->version = SHM_RING_VERSION;
	__atomic_store_n(&h->magic, SHM_RING_MAGIC, __ATOMIC_RELEASE);
	ring_bind(r, mem);
	return (int)cap;
}

int shm_ring_attach(struct shm_ring *r, void *mem, size_t bytes)
{
	const struct shm_ring_hdr *h = mem;
	uint32_t cap;

	if (!mem || bytes < HDR_BYTES ||
	    __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != SHM_RING_MAGIC ||
	    h->version != SHM_RING_VERSION)
		return -EPROTO;
	cap = h->capacity;
	if (cap < 2 || (cap & (cap - 1)) || h->entry_size == 0 ||
	    h->entry_size % 8 || h->entry_size > SHM_RING_MAX_ENTRY ||
	    shm_ring_bytes(h->entry_size, cap) > bytes)
		return -EPROTO;
	ring_bind(r, mem);
	return 0;
}

void shm_bell_ring(struct shm_bell *b, uint64_t *wakes)
{
	/* Pairs with the fence in shm_bell_wait: our index store before,
	 * their flag load after, or the other way round. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&b->sleeping, __ATOMIC_RELAXED))
		return;
	__atomic_fetch_add(&b->seq, 1, __ATOMIC_RELEASE);
	shm_futex_wake(&b->seq, 1);
	if (wakes)
		__atomic_fetch_add(wakes, 1, __ATOMIC_RELAXED);
}

int shm_bell_wait(struct shm_bell *b, int (*ready)(void *arg), void *arg,
		  int64_t timeout_ns)
{
	uint32_t seen = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE);
	int err = 0;

	__atomic_store_n(&b->sleeping, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!ready(arg))
		err = shm_futex_wait(&b->seq, seen, timeout_ns);
	__atomic_store_n(&b->sleeping, 0, __ATOMIC_RELAXED);
	return err;
}

/* Distance between the indices, checked against the capacity: the other
 * side may have written anything there. */
static int ring_used(const struct shm_ring *r, uint32_t *head, uint32_t *tail)
{
	*head = __atomic_load_n(&r->h->head, __ATOMIC_ACQUIRE);
	*tail = __atomic_load_n(&r->h->tail, __ATOMIC_ACQUIRE);
	if (*head - *tail > r->mask + 1)
		return -EPROTO;
	return (int)(*head - *tail);
}

int shm_ring_count(const struct shm_ring *r)
{
	uint32_t head, tail;

	return ring_used(r, &head, &tail);
}

int shm_ring_push(struct shm_ring *r, const void *entry)
{
	uint32_t head, tail;
	int used = ring_used(r, &head, &tail);

	if (used < 0)
		return used;
	if ((uint32_t)used == r->mask + 1)
		return -EAGAIN;
	memcpy(r->slots + (size_t)(head & r->mask) * r->entry_size, entry,
	       r->entry_size);
	__atomic_store_n(&r->h->head, head + 1, __ATOMIC_RELEASE);
	shm_bell_ring(&r->h->data, &r->h->wakes);
	return 0;
}

int shm_ring_pop(struct shm_ring *r, void *entry)
{
	uint32_t head, tail;
	int used = ring_used(r, &head, &tail);

	if (used < 0)
		return used;
	if (used == 0)
		return -EAGAIN;
	memcpy(entry, r->slots + (size_t)(tail & r->mask) * r->entry_size,
	       r->entry_size);
	__atomic_store_n(&r->h->tail, tail + 1, __ATOMIC_RELEASE);
	shm_bell_ring(&r->h->space, &r->h->wakes);
	return 0;
}

static int has_data(void *arg)
{
	return shm_ring_count(arg) != 0;
}

static int has_space(void *arg)
{
	struct shm_ring *r = arg;

	return shm_ring_count(r) != (int)(r->mask + 1);
}

static int ring_wait(struct shm_ring *r, struct shm_bell *b,
		     int (*ready)(void *), unsigned spins, int64_t timeout_ns)
{
	for (;;) {
		int err;

		for (unsigned i = 0; i <= spins; i++) {
			if (ready(r))
				return shm_ring_count(r) < 0 ? -EPROTO : 0;
			cpu_relax();
		}
		err = shm_bell_wait(b, ready, r, timeout_ns);
		if (err == -ETIMEDOUT || err == -EINTR)
			return ready(r) ? 0 : err;
		if (err < 0)
			return err;
		spins = 0;
	}
}

int shm_ring_wait_data(struct shm_ring *r, unsigned spins, int64_t timeout_ns)
{
	return ring_wait(r, &r->h->data, has_data, spins, timeout_ns);
}

int shm_ring_wait_space(struct shm_ring *r, unsigned spins,
			int64_t timeout_ns)
{
	return ring_wait(r, &r->h->space, has_space, spins, timeout_ns);
}
