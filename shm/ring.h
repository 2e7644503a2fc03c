/* SPDX-License-Identifier: MIT */
/*
 * A single-producer single-consumer ring of fixed-size entries in shared
 * memory, with a doorbell on each side.
 *
 * It carries MMIO between a vcpu and devmgr (a request ring and a
 * response ring per hart), so the two ends are separate processes that
 * do not trust each other, and either may restart while the other runs.
 * Hence:
 *  - geometry (entry size, capacity) is validated once at attach and kept
 *    in the process-local handle; the shared copy is never read again;
 *  - each side keeps its own index locally and only publishes it; the
 *    peer's index is re-read only when the local view says empty (or
 *    full) and must move forward by at most a ring's worth, else the call
 *    fails with -EPROTO and nothing is consumed or overwritten;
 *  - attach takes both indices from shared memory, so a restarted side
 *    carries on where its predecessor stopped.
 *
 * Indices are free-running 32-bit counters (slot = index & (capacity-1)),
 * so full and empty are told apart without a spare slot.
 *
 * Wake-ups: the consumer waits on the `data` bell, the producer on the
 * `space` bell (protocol in bell.h). Push and pop publish their index
 * with a seq_cst store and then make a system call only when the peer
 * announced it sleeps, so a ping-pong between two busy sides costs no
 * system call. A side can sleep on the futex (shm_ring_wait_*), with an
 * optional adaptive spin first, or in its epoll loop on an eventfd
 * (shm_ring_arm); the ring does not care which, since the waiter records
 * its choice in the bell and the notifier follows it.
 */
#ifndef TESSERA_SHM_RING_H
#define TESSERA_SHM_RING_H

#include <stddef.h>
#include <stdint.h>

#include "shm/bell.h"

#define SHM_RING_MAGIC     0x474e5254u  /* bytes "TRNG" in memory */
#define SHM_RING_VERSION   2u
#define SHM_RING_MAX_ENTRY 4096u
#define SHM_RING_MAX_CAP   (1u << 24)

/* The shared header; slots follow at SHM_RING_HDR_BYTES. Lines written by
 * different sides are kept apart so that they do not bounce together. */
struct shm_ring_hdr {
	uint32_t magic, version, entry_size, capacity;
	_Alignas(64) uint32_t head;       /* entries pushed: producer writes */
	_Alignas(64) struct shm_bell data;  /* the consumer sleeps here */
	_Alignas(64) uint32_t tail;       /* entries popped: consumer writes */
	_Alignas(64) struct shm_bell space; /* the producer sleeps here */
};

#define SHM_RING_HDR_BYTES sizeof(struct shm_ring_hdr)

enum shm_ring_side {
	SHM_RING_DATA = 0,    /* the consumer waits for entries */
	SHM_RING_SPACE = 1,   /* the producer waits for a free slot */
};

/* A process-local handle: plain data, nothing to free. */
struct shm_ring {
	struct shm_ring_hdr *h;
	uint8_t *slots;
	uint32_t mask;        /* capacity - 1, validated at attach */
	uint32_t entry_size;  /* validated at attach */
	uint32_t head;        /* producer: own index; consumer: last seen */
	uint32_t tail;        /* consumer: own index; producer: last seen */
	int wake_fd[2];       /* per side: eventfd to write for an epoll waiter */
	uint32_t spin;        /* current spin budget, in polls */
	uint32_t spin_max;    /* 0: never spin */
	uint32_t spin_fails;  /* waits that had to sleep */
	uint32_t spin_probe;  /* budget to restore if a full-length probe fails */
};

/* Wake-up counters, read from shared memory (a snapshot). */
struct shm_ring_stats {
	uint64_t data_wakes, data_sleeps;    /* consumer side */
	uint64_t space_wakes, space_sleeps;  /* producer side */
	uint64_t missed;
};

/*
 * shm_ring_bytes - shared memory needed by a ring of @capacity entries of
 * @entry_size bytes (0 when the geometry is invalid, see shm_ring_init).
 */
size_t shm_ring_bytes(uint32_t entry_size, uint32_t capacity);

/*
 * shm_ring_init - format @bytes of shared memory at @mem (64-byte
 * aligned) as an empty ring of @capacity entries (a power of two, 2 to
 * SHM_RING_MAX_CAP) of @entry_size bytes (a multiple of 8, at most
 * SHM_RING_MAX_ENTRY), and attach @r to it as shm_ring_attach would.
 * Called once, by the creator (tessera-mmu or a test), before the memory
 * is shared. Returns 0 or -EINVAL.
 */
int shm_ring_init(struct shm_ring *r, void *mem, size_t bytes,
		  uint32_t entry_size, uint32_t capacity);

/*
 * shm_ring_attach - attach @r to a ring formatted by another process
 * after checking magic, version, geometry, that it fits in @bytes and
 * that the indices are consistent. Picks up both indices (restart). No
 * eventfds, no spinning until set. Returns 0, or -EPROTO for memory that
 * is not a valid ring (then @r is untouched).
 */
int shm_ring_attach(struct shm_ring *r, void *mem, size_t bytes);

/*
 * shm_ring_push - producer: copy entry_size bytes from @entry into the
 * ring and publish them, waking a sleeping consumer. Returns 0, -EAGAIN
 * when full, -EPROTO when the consumer's index is corrupt.
 */
int shm_ring_push(struct shm_ring *r, const void *entry);

/*
 * shm_ring_pop - consumer: copy the oldest entry into @entry, free its
 * slot and wake a producer waiting for space. Returns 0, -EAGAIN when
 * empty, -EPROTO when the producer's index is corrupt (nothing consumed).
 */
int shm_ring_pop(struct shm_ring *r, void *entry);

/*
 * shm_ring_peek - consumer: copy the oldest entry into @entry without
 * consuming it, so that a consumer that restarts before shm_ring_drop sees
 * it again. Returns as shm_ring_pop.
 */
int shm_ring_peek(struct shm_ring *r, void *entry);

/*
 * shm_ring_drop - consumer: consume the oldest entry (the one last
 * peeked). Returns 0, -EAGAIN or -EPROTO.
 */
int shm_ring_drop(struct shm_ring *r);

/*
 * shm_ring_wait_data - consumer: return once an entry is available,
 * spinning first within the adaptive budget (shm_ring_set_spin), then
 * sleeping on the futex, for at most @timeout_ns in all (< 0: no limit).
 * Returns 0, -ETIMEDOUT, -EINTR (a signal: check your stop flag) or
 * -EPROTO.
 */
int shm_ring_wait_data(struct shm_ring *r, int64_t timeout_ns);

/* shm_ring_wait_space - producer: the same, until a slot is free. */
int shm_ring_wait_space(struct shm_ring *r, int64_t timeout_ns);

/*
 * shm_ring_arm - for an epoll loop: announce an eventfd sleep on @side
 * (the peer must have been given the eventfd with shm_ring_set_wake_fd)
 * and re-check. Returns 1 when already ready (consume, then arm again),
 * 0 when armed (call epoll_wait), -EPROTO for a corrupt peer index.
 */
int shm_ring_arm(struct shm_ring *r, enum shm_ring_side side);

/* shm_ring_disarm - after epoll returned: stop the peer's wake calls. */
void shm_ring_disarm(struct shm_ring *r, enum shm_ring_side side);

/*
 * shm_ring_set_wake_fd - notifier: when the waiter of @side sleeps in
 * eventfd mode, write to @efd (not owned; -1 for none). A producer sets
 * it for SHM_RING_DATA, a consumer for SHM_RING_SPACE.
 */
void shm_ring_set_wake_fd(struct shm_ring *r, enum shm_ring_side side,
			  int efd);

/*
 * shm_ring_set_spin - poll up to @max_polls times (each a load and a CPU
 * pause, 10 to 40 ns) before sleeping in shm_ring_wait_*. The budget
 * adapts within that limit: it follows how long successful spins took,
 * shrinks while spinning fails (an idle peer, or one waiting for our CPU,
 * should cost almost no spinning), and is probed at full length now and
 * then. A futex sleep and wake-up cost the two sides some microseconds
 * (tens in a VM), which is what spinning saves.
 */
void shm_ring_set_spin(struct shm_ring *r, uint32_t max_polls);

/* shm_ring_count - entries in the ring now (a snapshot), or -EPROTO. */
int shm_ring_count(const struct shm_ring *r);

/* shm_ring_stats - copy the wake-up counters of both bells into @st. */
void shm_ring_stats(const struct shm_ring *r, struct shm_ring_stats *st);

#endif
