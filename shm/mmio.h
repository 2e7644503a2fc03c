/* SPDX-License-Identifier: MIT */
/*
 * The MMIO request protocol between a hart (tessera-vcpu) and the device
 * manager (tessera-devmgr), over the pair of shm rings of that hart.
 *
 * A hart that touches a devmgr window pushes a fixed-size request
 * {seq, addr, size, is_write, data} on its request ring and waits for the
 * response {seq, status, data} on its response ring: a short spin, then a
 * futex sleep, bounded by a timeout. Both ends are separate processes that
 * may die or restart at any time, so:
 *  - the client tags each request with a fresh sequence number and drops
 *    any response carrying another one (the late answer to a call that
 *    had already timed out, or one produced by a previous server);
 *  - a dead server costs the client a timeout (-ETIMEDOUT), a corrupt ring
 *    -EPIPE, never a hang;
 *  - the server validates every request (size 1/2/4/8, is_write 0/1, no
 *    address wrap) and answers a bad one with -EINVAL instead of running
 *    it. A request is popped before it runs (at most once): a server killed
 *    mid-request loses it and its client times out, rather than seeing a
 *    device write repeated.
 * The "mmio-N" region holds the request ring at offset 0 and the response
 * ring at SHM_MMIO_RESP_OFF.
 */
#ifndef TESSERA_SHM_MMIO_H
#define TESSERA_SHM_MMIO_H

#include <stddef.h>
#include <stdint.h>

#include "shm/ring.h"

#define SHM_MMIO_CAP        64    /* entries per ring */
#define SHM_MMIO_SPIN       2000  /* polls before the futex sleep */
#define SHM_MMIO_TIMEOUT_NS 1000000000ll  /* default call timeout: 1 s */

/* Request, vcpu -> devmgr: 32 bytes. */
struct shm_mmio_req {
	uint64_t seq;
	uint64_t addr;       /* guest physical */
	uint32_t size;       /* 1, 2, 4 or 8 */
	uint32_t is_write;   /* 0 or 1 */
	uint64_t data;       /* value to write */
};

/* Response, devmgr -> vcpu: 32 bytes. */
struct shm_mmio_resp {
	uint64_t seq;        /* copied from the request */
	int32_t status;      /* 0 or -errno */
	uint32_t pad;
	uint64_t data;       /* value read */
	uint64_t pad2;
};

/* Client end, in the vcpu process; plain data, nothing to free. */
struct shm_mmio_client {
	struct shm_ring req, resp;
	uint64_t seq;          /* last sequence number used */
	int64_t timeout_ns;    /* used by shm_mmio_fn; < 0: no limit */
	uint64_t stale;        /* responses dropped for a wrong seq */
};

/* Server end, in the devmgr process; plain data, nothing to free. */
struct shm_mmio_server {
	struct shm_ring req, resp;
	uint64_t served, rejected;
};

/*
 * Runs one validated request in the server process. Same shape as
 * mmu_mmio_fn. Returns >= 0, or -errno that goes back as the status.
 */
typedef int (*shm_mmio_handler)(void *opaque, uint64_t pa, unsigned size,
				int is_write, uint64_t *val);

/* shm_mmio_resp_off - offset of the response ring in an mmio region. */
size_t shm_mmio_resp_off(void);

/* shm_mmio_region_bytes - bytes an "mmio-N" region needs (page rounded). */
size_t shm_mmio_region_bytes(void);

/*
 * shm_mmio_format - format @mem (@bytes >= shm_mmio_region_bytes(),
 * 64-byte aligned) as an empty ring pair. Called once by the region's
 * creator (tessera-mmu). Returns 0 or -EINVAL.
 */
int shm_mmio_format(void *mem, size_t bytes);

/*
 * shm_mmio_client_attach - attach @c to the ring pair at @mem (@bytes),
 * after validating both rings, and drop any response already queued
 * (left over from a previous client). Returns 0 or -EPROTO.
 */
int shm_mmio_client_attach(struct shm_mmio_client *c, void *mem,
			   size_t bytes);

/*
 * shm_mmio_call - one MMIO access through devmgr: @size bytes at guest
 * physical @pa; for a write *@val is the value, for a read it receives
 * it. Waits at most @timeout_ns (< 0: no limit) for room and for the
 * answer. Returns the server's status (0 or -errno from the device),
 * -EINVAL for a bad size, -ETIMEDOUT when no answer came in time (dead
 * or stuck server), -EPIPE for a corrupt ring, -EINTR on a signal. One
 * thread per client at a time (the hart's).
 */
int shm_mmio_call(struct shm_mmio_client *c, uint64_t pa, unsigned size,
		  int is_write, uint64_t *val, int64_t timeout_ns);

/*
 * shm_mmio_fn - shm_mmio_call with c->timeout_ns, shaped as an
 * mmu_mmio_fn with @opaque the struct shm_mmio_client.
 */
int shm_mmio_fn(void *opaque, uint64_t pa, unsigned size, int is_write,
		uint64_t *val);

/*
 * shm_mmio_server_attach - attach @s to the ring pair at @mem (@bytes),
 * resuming at the indices a previous server left. Returns 0 or -EPROTO.
 */
int shm_mmio_server_attach(struct shm_mmio_server *s, void *mem,
			   size_t bytes);

/*
 * shm_mmio_serve_one - wait up to @timeout_ns (< 0: no limit) for a
 * request, validate it, run it through @fn and push the answer. Returns 1
 * when a request was answered, 0 when none came in time, -EINTR on a
 * signal, -EPROTO for a corrupt ring, -ETIMEDOUT when the client never
 * made room for the answer (it is dropped). One thread per server.
 */
int shm_mmio_serve_one(struct shm_mmio_server *s, shm_mmio_handler fn,
		       void *opaque, int64_t timeout_ns);

#endif
