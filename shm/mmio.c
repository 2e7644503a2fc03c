/* SPDX-License-Identifier: MIT */
/*
 * The MMIO request protocol over a hart's ring pair: the client call a
 * vcpu makes for every devmgr access, and the server step devmgr runs.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shm/mmio.h"

_Static_assert(sizeof(struct shm_mmio_req) == 32, "request layout");
_Static_assert(sizeof(struct shm_mmio_resp) == 32, "response layout");

static size_t ring_bytes(void)
{
	return shm_ring_bytes(sizeof(struct shm_mmio_req), SHM_MMIO_CAP);
}

size_t shm_mmio_resp_off(void)
{
	return (ring_bytes() + 63) & ~(size_t)63;
}

size_t shm_mmio_region_bytes(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n = shm_mmio_resp_off() + ring_bytes();

	return (n + page - 1) & ~(page - 1);
}

int shm_mmio_format(void *mem, size_t bytes)
{
	struct shm_ring r;
	int err;

	if (!mem || bytes < shm_mmio_region_bytes())
		return -EINVAL;
	err = shm_ring_init(&r, mem, ring_bytes(), sizeof(struct shm_mmio_req),
			    SHM_MMIO_CAP);
	if (err < 0)
		return err;
	return shm_ring_init(&r, (uint8_t *)mem + shm_mmio_resp_off(),
			     ring_bytes(), sizeof(struct shm_mmio_resp),
			     SHM_MMIO_CAP);
}

/* Attach both rings, checking that each has the entry size we speak. */
static int attach_pair(struct shm_ring *req, struct shm_ring *resp,
		       void *mem, size_t bytes)
{
	if (!mem || bytes < shm_mmio_region_bytes())
		return -EPROTO;
	if (shm_ring_attach(req, mem, shm_mmio_resp_off()) < 0 ||
	    shm_ring_attach(resp, (uint8_t *)mem + shm_mmio_resp_off(),
			    bytes - shm_mmio_resp_off()) < 0)
		return -EPROTO;
	if (req->entry_size != sizeof(struct shm_mmio_req) ||
	    resp->entry_size != sizeof(struct shm_mmio_resp))
		return -EPROTO;
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Time left until @deadline (< 0: none), or 0 when it has passed. */
static int64_t left_ns(int64_t deadline)
{
	int64_t t;

	if (deadline < 0)
		return -1;
	t = deadline - now_ns();
	return t > 0 ? t : 0;
}

int shm_mmio_client_attach(struct shm_mmio_client *c, void *mem,
			   size_t bytes)
{
	struct shm_mmio_resp drop;

	memset(c, 0, sizeof(*c));
	if (attach_pair(&c->req, &c->resp, mem, bytes) < 0)
		return -EPROTO;
	/* Start far from any sequence a previous client could have used. */
	c->seq = (uint64_t)now_ns() << 8;
	c->timeout_ns = SHM_MMIO_TIMEOUT_NS;
	while (shm_ring_pop(&c->resp, &drop) == 0)
		c->stale++;
	shm_ring_set_spin(&c->resp, SHM_MMIO_SPIN);
	return 0;
}

static int push_req(struct shm_mmio_client *c, const struct shm_mmio_req *q,
		    int64_t deadline)
{
	int err;

	for (;;) {
		err = shm_ring_push(&c->req, q);
		if (err != -EAGAIN)
			return err == -EPROTO ? -EPIPE : err;
		if (deadline >= 0 && left_ns(deadline) == 0)
			return -ETIMEDOUT;
		err = shm_ring_wait_space(&c->req, left_ns(deadline));
		if (err == -EPROTO)
			return -EPIPE;
		if (err < 0)
			return err;
	}
}

static int wait_resp(struct shm_mmio_client *c, uint64_t *val,
		     int64_t deadline)
{
	struct shm_mmio_resp a;
	int err;

	for (;;) {
		err = shm_ring_pop(&c->resp, &a);
		if (err == 0 && a.seq == c->seq) {
			if (a.status > 0 || a.status < -4095)
				return -EPROTO;
			*val = a.data;
			return a.status;
		}
		if (err == 0) {
			c->stale++;
			continue;
		}
		if (err != -EAGAIN)
			return -EPIPE;
		if (deadline >= 0 && left_ns(deadline) == 0)
			return -ETIMEDOUT;
		err = shm_ring_wait_data(&c->resp, left_ns(deadline));
		if (err == -EPROTO)
			return -EPIPE;
		if (err < 0 && err != -ETIMEDOUT)
			return err;
	}
}

int shm_mmio_call(struct shm_mmio_client *c, uint64_t pa, unsigned size,
		  int is_write, uint64_t *val, int64_t timeout_ns)
{
	struct shm_mmio_req q;
	int64_t deadline = timeout_ns < 0 ? -1 : now_ns() + timeout_ns;
	uint64_t out = 0;
	int err;

	if (!c || !val || (size != 1 && size != 2 && size != 4 && size != 8))
		return -EINVAL;
	memset(&q, 0, sizeof(q));
	q.seq = ++c->seq;
	q.addr = pa;
	q.size = size;
	q.is_write = !!is_write;
	q.data = is_write ? *val : 0;
	err = push_req(c, &q, deadline);
	if (err < 0)
		return err;
	err = wait_resp(c, &out, deadline);
	if (err >= 0 && !is_write)
		*val = out;
	return err;
}

int shm_mmio_fn(void *opaque, uint64_t pa, unsigned size, int is_write,
		uint64_t *val)
{
	struct shm_mmio_client *c = opaque;

	return shm_mmio_call(c, pa, size, is_write, val,
			     c ? c->timeout_ns : -1);
}

int shm_mmio_server_attach(struct shm_mmio_server *s, void *mem,
			   size_t bytes)
{
	memset(s, 0, sizeof(*s));
	if (attach_pair(&s->req, &s->resp, mem, bytes) < 0)
		return -EPROTO;
	shm_ring_set_spin(&s->req, SHM_MMIO_SPIN);
	return 0;
}

static int req_valid(const struct shm_mmio_req *q)
{
	if (q->size != 1 && q->size != 2 && q->size != 4 && q->size != 8)
		return 0;
	if (q->is_write > 1 || q->addr + q->size < q->addr)
		return 0;
	return 1;
}

/* Run @q through @fn, never letting a device return a positive status. */
static void run_req(struct shm_mmio_server *s, const struct shm_mmio_req *q,
		    struct shm_mmio_resp *a, shm_mmio_handler fn, void *opaque)
{
	uint64_t v = q->data;
	int err;

	memset(a, 0, sizeof(*a));
	a->seq = q->seq;
	if (!req_valid(q)) {
		a->status = -EINVAL;
		s->rejected++;
		return;
	}
	err = fn(opaque, q->addr, q->size, (int)q->is_write, &v);
	a->status = err < 0 ? err : 0;
	a->data = (err >= 0 && !q->is_write) ? v : 0;
}

int shm_mmio_serve_one(struct shm_mmio_server *s, shm_mmio_handler fn,
		       void *opaque, int64_t timeout_ns)
{
	struct shm_mmio_req q;
	struct shm_mmio_resp a;
	int err;

	err = shm_ring_pop(&s->req, &q);
	if (err == -EAGAIN) {
		err = shm_ring_wait_data(&s->req, timeout_ns);
		if (err == -ETIMEDOUT)
			return 0;
		if (err < 0)
			return err;
		err = shm_ring_pop(&s->req, &q);
	}
	if (err == -EAGAIN)
		return 0;
	if (err < 0)
		return err;
	run_req(s, &q, &a, fn, opaque);
	err = shm_ring_push(&s->resp, &a);
	if (err == -EAGAIN) {
		err = shm_ring_wait_space(&s->resp, 10000000);
		if (err == 0)
			err = shm_ring_push(&s->resp, &a);
	}
	if (err < 0)
		return err == -EAGAIN ? -ETIMEDOUT : err;
	s->served++;
	return 1;
}
