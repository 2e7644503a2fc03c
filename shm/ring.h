/* SPDX-License-Identifier: MIT */
/*
 * A single-producer single-consumer ring of fixed-size entries in shared
 * memory, with doorbells that sleep on futexes.
 *
 * It carries MMIO between a vcpu and devmgr (one request ring and one
 * response ring per hart), so both ends are separate processes that do not
 * trust each other: every index read from the other side is checked.
 *
 * Wake-ups use the sleeper-flag protocol: a side that is about to sleep
 * sets its doorbell's `sleeping` flag, issues a full fence and re-checks
 * the ring before it calls futex_wait; the other side publishes its index,
 * issues a full fence, and makes the futex_wake system call only if the
 * flag is set. Either the sleeper sees the new index, or the notifier sees
 * the flag: no wake-up is lost, and an awake peer costs no system call.
 */
#ifndef TESSERA_SHM_RING_H
#define TESSERA_SHM_RING_H

#include <stddef.h>
#include <stdint.h>

#define SHM_RING_MAGIC   0x54524e47u  /* "TRNG" */
#define SHM_RING_VERSION 1u
#define SHM_RING_MAX_ENTRY 4096u

/* A doorbell in shared memory: seq is the futex word. */
struct shm_bell {
	uint32_t seq;
	uint32_t sleeping;
};

struct shm_ring_hdr {
	uint32_t magic, version, entry_size, capacity;
	_Alignas(64) uint32_t head;      /* written by the producer only */
	struct shm_bell data;            /* the consumer sleeps here */
	_Alignas(64) uint32_t tail;      /* written by the consumer only */
	struct shm_bell space;           /* the producer sleeps here */
	_Alignas(64) uint64_t wakes;     /* futex_wake calls made, both sides */
};

/* A process-local handle on a ring; no allocation, nothing to free. */
struct shm_ring {
	struct shm_ring_hdr *h;
	uint8_t *slots;
	uint32_t mask;
	uint32_t entry_size;
};

/*
 * shm_ring_bytes - the shared memory a ring of @capacity (a power of two)
 * entries of @entry_size bytes needs.
 */
size_t shm_ring_bytes(uint32_t entry_size, uint32_t capacity);

/*
 * shm_ring_init - format @bytes of shared memory at @mem as an empty ring
 * of the largest power-of-two capacity that fits, with entries of
 * @entry_size bytes (a multiple of 8, at most SHM_RING_MAX_ENTRY), and
 * attach @r to it. Called once, by the creator (tessera-mmu or a test).
 * Returns the capacity, or -EINVAL.
 */
int shm_ring_init(struct shm_ring *r, void *mem, size_t bytes,
		  uint32_t entry_size);

/*
 * shm_ring_attach - attach @r to a ring formatted by another process,
 * after checking magic, version, entry size and that capacity fits in
 * @bytes. Returns 0, or -EPROTO for memory that is not a valid ring.
 */
int shm_ring_attach(struct shm_ring *r, void *mem, size_t bytes);

/*
 * shm_ring_push - producer: copy @entry into the ring and ring the data
 * doorbell. Returns 0, -EAGAIN when full, -EPROTO when the consumer's
 * index is corrupt.
 */
int shm_ring_push(struct shm_ring *r, const void *entry);

/*
 * shm_ring_pop - consumer: copy the oldest entry into @entry and ring the
 * space doorbell. Returns 0, -EAGAIN when empty, -EPROTO when the
 * producer's index is corrupt (nothing is consumed then).
 */
int shm_ring_pop(struct shm_ring *r, void *entry);

/*
 * shm_ring_wait_data - consumer: return once the ring is not empty,
 * spinning @spins times before sleeping, for at most @timeout_ns (< 0: no
 * limit). Returns 0, -ETIMEDOUT, -EINTR or -EPROTO.
 */
int shm_ring_wait_data(struct shm_ring *r, unsigned spins,
		       int64_t timeout_ns);

/* shm_ring_wait_space - producer: the same, until the ring is not full. */
int shm_ring_wait_space(struct shm_ring *r, unsigned spins,
			int64_t timeout_ns);

/* shm_ring_count - entries in the ring now (a snapshot), or -EPROTO. */
int shm_ring_count(const struct shm_ring *r);

/*
 * shm_bell_ring - the notifier's half of the protocol for a bare doorbell
 * (also used by the irqchip page): call after publishing the change.
 * Makes a system call only if someone sleeps. @wakes may be NULL.
 */
void shm_bell_ring(struct shm_bell *b, uint64_t *wakes);

/*
 * shm_bell_wait - the sleeper's half: sleep on @b unless @ready(@arg)
 * turns true after the flag is set, for at most @timeout_ns (< 0: no
 * limit). Returns 0 or -ETIMEDOUT/-EINTR.
 */
int shm_bell_wait(struct shm_bell *b, int (*ready)(void *arg), void *arg,
		  int64_t timeout_ns);

#endif
