/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 (virtio 1.1, section 4.2), and
 * split virtqueues (section 2.6) with indirect descriptors and
 * VIRTIO_F_EVENT_IDX.
 *
 * Guest RAM is shared with the vCPUs, which run concurrently in other
 * threads or processes: the available index is read with acquire
 * semantics before the ring entries it covers, descriptors are copied
 * once (volatile reads) before they are checked and used, the used index
 * is published with release semantics after the used element, and a full
 * fence separates that publication from reading the driver's interrupt
 * suppression fields. Every address and length the driver gives is
 * checked against guest RAM (overflow-safe) before use, rings must be
 * aligned, chains are bounded by the queue size, and any violation puts
 * the device into DEVICE_NEEDS_RESET instead of touching memory outside
 * the guest. The in-flight table and its replay rule are in virtio.h.
 */
#include <errno.h>
#include <string.h>

#include "devmgr/devices.h"
#include "devmgr/virtio.h"

enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008,
	R_VENDOR_ID = 0x00c, R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050,
	R_INT_STATUS = 0x060, R_INT_ACK = 0x064, R_STATUS = 0x070,
	R_DESC_LO = 0x080, R_DESC_HI = 0x084, R_DRIVER_LO = 0x090,
	R_DRIVER_HI = 0x094, R_DEVICE_LO = 0x0a0, R_DEVICE_HI = 0x0a4,
	R_CONFIG_GEN = 0x0fc, R_CONFIG = 0x100,
};

#define VIRTIO_MAGIC  0x74726976u  /* "virt" */
#define VIRTIO_VENDOR 0x53534554u  /* "TESS" */
#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define BATCH_PER_NOTIFY 4     /* queue sizes served per notify, then poll */

/* Keep the compiler from merging, splitting or re-reading guest memory
 * accesses across this point; the hardware order is set by atomics. */
#define compiler_barrier() __asm__ __volatile__("" ::: "memory")

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* Host view of one queue's rings, checked once per run. */
struct vring {
	struct dev_virtio_queue *q;
	const uint8_t *desc;      /* num descriptors */
	uint16_t *avail;          /* flags, idx, ring[num], used_event */
	uint8_t *used;            /* flags, idx, elem[num], avail_event */
};

static const struct dev_virtio_ops *vops(const struct dev *d)
{
	return (const struct dev_virtio_ops *)d->ops;
}

static struct dev_virtio_state *vst(const struct dev *d)
{
	return d->state;
}

void *dev_virtio_priv_state(struct dev *d)
{
	return (uint8_t *)d->state + sizeof(struct dev_virtio_state);
}

void *dev_virtio_guest_ptr(const struct dev_env *env, uint64_t gpa,
			   uint64_t len)
{
	uint64_t off = gpa - env->ram_base;

	if (gpa < env->ram_base || off > env->ram_size ||
	    len > env->ram_size - off)
		return NULL;
	return env->ram + off;
}

static uint64_t all_features(struct dev *d)
{
	uint64_t f = vops(d)->features | (1ull << VIRTIO_F_VERSION_1) |
		     (1ull << VIRTIO_F_INDIRECT_DESC) |
		     (1ull << VIRTIO_F_EVENT_IDX);

	return vops(d)->get_features ? f | vops(d)->get_features(d) : f;
}

static int negotiated(const struct dev *d, unsigned bit)
{
	return (vst(d)->driver_features >> bit) & 1;
}

static void interrupt(struct dev *d, uint32_t why)
{
	vst(d)->interrupt_status |= why;
	dev_raise_irq(d, 1);
}

static void needs_reset(struct dev *d)
{
	struct dev_virtio_state *s = vst(d);

	s->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (s->status & VIRTIO_STATUS_DRIVER_OK)
		interrupt(d, VIRTIO_INT_CONFIG);
}

void dev_virtio_config_changed(struct dev *d)
{
	vst(d)->config_generation++;
	if (vst(d)->status & VIRTIO_STATUS_DRIVER_OK)
		interrupt(d, VIRTIO_INT_CONFIG);
}

static void transport_reset(struct dev *d)
{
	memset(vst(d), 0, sizeof(struct dev_virtio_state));
	if (vops(d)->reset)
		vops(d)->reset(d);
	dev_raise_irq(d, 0);
}

static int queue_live(const struct dev *d, unsigned qi)
{
	const struct dev_virtio_state *s = vst(d);
	uint32_t want = VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK;

	return qi < vops(d)->num_queues && s->q[qi].ready &&
	       (s->status & want) == want &&
	       !(s->status & VIRTIO_STATUS_NEEDS_RESET);
}

static int vring_map(struct dev *d, struct dev_virtio_queue *q,
		     struct vring *vr)
{
	uint64_t n = q->num;

	if (!n || n > VIRTIO_QUEUE_MAX)
		return -EINVAL;
	vr->q = q;
	vr->desc = dev_virtio_guest_ptr(d->env, q->desc, 16 * n);
	vr->avail = dev_virtio_guest_ptr(d->env, q->driver, 6 + 2 * n);
	vr->used = dev_virtio_guest_ptr(d->env, q->device, 6 + 8 * n);
	if (!vr->desc || !vr->avail || !vr->used)
		return -EFAULT;
	if ((uintptr_t)vr->desc % 16 || (uintptr_t)vr->avail % 2 ||
	    (uintptr_t)vr->used % 4)
		return -EINVAL;
	return 0;
}

static void read_desc(const uint8_t *p, struct vring_desc *e)
{
	memcpy(e, p, sizeof(*e));
	compiler_barrier();
}

/* Append descriptor @e to @req, refusing anything outside guest RAM. */
static int add_seg(struct dev *d, struct dev_virtio_req *req,
		   const struct vring_desc *e)
{
	void *p = dev_virtio_guest_ptr(d->env, e->addr, e->len);

	if (!p)
		return -EFAULT;
	if (req->nout + req->nin >= VIRTIO_MAX_SEGS)
		return -E2BIG;
	if (e->flags & VRING_DESC_F_WRITE)
		req->in[req->nin++] = (struct iovec){ p, e->len };
	else if (req->nin)
		return -EINVAL;     /* readable after writable: malformed */
	else
		req->out[req->nout++] = (struct iovec){ p, e->len };
	return 0;
}

/* Walk the indirect table that descriptor @ind points to. */
static int walk_indirect(struct dev *d, struct dev_virtio_req *req,
			 const struct vring_desc *ind)
{
	unsigned n = ind->len / sizeof(struct vring_desc), i = 0;
	const uint8_t *t;

	if (!negotiated(d, VIRTIO_F_INDIRECT_DESC) ||
	    (ind->flags & VRING_DESC_F_NEXT) ||
	    ind->len % sizeof(struct vring_desc) || !n || n > VIRTIO_QUEUE_MAX)
		return -EINVAL;
	t = dev_virtio_guest_ptr(d->env, ind->addr, ind->len);
	if (!t)
		return -EFAULT;
	for (unsigned hops = 0; hops < n; hops++) {
		struct vring_desc e;
		int err;

		read_desc(t + i * sizeof(e), &e);
		if (e.flags & VRING_DESC_F_INDIRECT)
			return -EINVAL;
		err = add_seg(d, req, &e);
		if (err < 0 || !(e.flags & VRING_DESC_F_NEXT))
			return err;
		if (e.next >= n)
			return -EINVAL;
		i = e.next;
	}
	return -ELOOP;
}

/* Gather the chain starting at @head into @req. */
static int walk_chain(struct dev *d, const struct vring *vr, uint16_t head,
		      struct dev_virtio_req *req)
{
	unsigned num = vr->q->num, i = head;

	req->head = head;
	req->nout = req->nin = 0;
	for (unsigned hops = 0; hops < num; hops++) {
		struct vring_desc e;
		int err;

		read_desc(vr->desc + i * sizeof(e), &e);
		if (e.flags & VRING_DESC_F_INDIRECT)
			return walk_indirect(d, req, &e);
		err = add_seg(d, req, &e);
		if (err < 0 || !(e.flags & VRING_DESC_F_NEXT))
			return err;
		if (e.next >= num)
			return -EINVAL;
		i = e.next;
	}
	return -ELOOP;
}

/* Step 1 of virtio.h's protocol: 1 with *@head taken, 0 if the ring is
 * empty, -errno for a driver error. */
static int vq_take(struct vring *vr, uint16_t *head)
{
	struct dev_virtio_queue *q = vr->q;
	uint16_t idx = __atomic_load_n(&vr->avail[1], __ATOMIC_ACQUIRE), h;
	struct dev_virtio_inflight *e;

	if (idx == q->last_avail)
		return 0;
	if ((uint16_t)(idx - q->last_avail) > q->num)
		return -EINVAL;
	h = __atomic_load_n(&vr->avail[2 + q->last_avail % q->num],
			    __ATOMIC_RELAXED);
	if (h >= q->num || q->inflight[h].state != DEV_VIRTIO_FREE)
		return -EINVAL;
	e = &q->inflight[h];
	e->avail_pos = q->last_avail;
	e->state = DEV_VIRTIO_TAKEN;
	q->ninflight++;
	compiler_barrier();
	q->last_avail++;
	compiler_barrier();
	*head = h;
	return 1;
}

/* Step 2: walk and serve; the bytes written, or -errno. */
static int vq_execute(struct dev *d, unsigned qi, const struct vring *vr,
		      uint16_t head)
{
	struct dev_virtio_req req;
	int err = walk_chain(d, vr, head, &req);

	return err < 0 ? err : vops(d)->handle(d, qi, &req);
}

/* Steps 3 and 4: publish the completion of @head, @len bytes written. */
static void vq_complete(struct vring *vr, uint16_t head, uint32_t len)
{
	struct dev_virtio_queue *q = vr->q;
	struct dev_virtio_inflight *e = &q->inflight[head];
	uint32_t elem[2] = { head, len };

	e->len = len;
	e->used_pos = q->used_idx;
	compiler_barrier();
	e->state = DEV_VIRTIO_DONE;
	compiler_barrier();
	memcpy(vr->used + 4 + 8 * (q->used_idx % q->num), elem, sizeof(elem));
	__atomic_store_n((uint16_t *)(vr->used + 2), (uint16_t)(q->used_idx + 1),
			 __ATOMIC_RELEASE);
	q->used_idx++;
	compiler_barrier();
	e->state = DEV_VIRTIO_FREE;
	q->ninflight--;
}

/* EVENT_IDX: ask for a notification past what we took, then look again
 * (the driver may have added entries before seeing it). 1 if it did. */
static int vq_rearm(struct vring *vr)
{
	struct dev_virtio_queue *q = vr->q;
	uint16_t *avail_event = (uint16_t *)(vr->used + 4 + 8 * q->num);

	__atomic_store_n(avail_event, q->last_avail, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&vr->avail[1], __ATOMIC_ACQUIRE) != q->last_avail;
}

/* Whether the driver wants an interrupt for used entries [@old, now). */
static int vq_wants_irq(struct dev *d, const struct vring *vr, uint16_t old)
{
	uint16_t now = vr->q->used_idx, ev;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!negotiated(d, VIRTIO_F_EVENT_IDX))
		return !(__atomic_load_n(&vr->avail[0], __ATOMIC_RELAXED) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	ev = __atomic_load_n(&vr->avail[2 + vr->q->num], __ATOMIC_RELAXED);
	return (uint16_t)(now - ev - 1) < (uint16_t)(now - old);
}

/* Serve queue @qi until it is empty or the batch is used up. Returns the
 * requests completed; a driver error sets NEEDS_RESET. */
static int queue_run(struct dev *d, unsigned qi)
{
	struct dev_virtio_queue *q = &vst(d)->q[qi];
	unsigned budget = BATCH_PER_NOTIFY * q->num;
	uint16_t old = q->used_idx, head;
	struct vring vr;
	int r, n;

	if (!queue_live(d, qi))
		return 0;
	r = vring_map(d, q, &vr);
	while (r >= 0) {
		if (!budget--) {
			vst(d)->pending |= 1u << qi;   /* poll() carries on */
			break;
		}
		r = vq_take(&vr, &head);
		if (r == 0 && negotiated(d, VIRTIO_F_EVENT_IDX) && vq_rearm(&vr))
			continue;
		if (r <= 0)
			break;
		n = vq_execute(d, qi, &vr, head);
		if (n < 0) {
			r = n;
			break;
		}
		vq_complete(&vr, head, (uint32_t)n);
	}
	if (r < 0)
		needs_reset(d);
	if (q->used_idx != old && (r < 0 || vq_wants_irq(d, &vr, old)))
		interrupt(d, VIRTIO_INT_USED);
	return (uint16_t)(q->used_idx - old);
}

/* The oldest entry of @q's in-flight table that is not FREE, or -1. */
static int oldest_inflight(const struct dev_virtio_queue *q)
{
	int best = -1;
	unsigned best_age = 0;

	for (unsigned h = 0; h < q->num; h++) {
		unsigned age = (uint16_t)(q->last_avail - q->inflight[h].avail_pos);

		if (q->inflight[h].state != DEV_VIRTIO_FREE &&
		    (best < 0 || age > best_age)) {
			best = (int)h;
			best_age = age;
		}
	}
	return best;
}

/* Settle in-flight entry @h by the replay rule; 1 if it completed a
 * request, 0 if nothing was due, -errno on a driver error. */
static int settle_one(struct dev *d, unsigned qi, struct vring *vr, uint16_t h)
{
	struct dev_virtio_queue *q = vr->q;
	struct dev_virtio_inflight *e = &q->inflight[h];
	int n;

	if (e->state == DEV_VIRTIO_TAKEN && e->avail_pos != q->last_avail) {
		n = vq_execute(d, qi, vr, h);
		if (n < 0)
			return n;
		vq_complete(vr, h, (uint32_t)n);
		return 1;
	}
	if (e->state == DEV_VIRTIO_DONE && e->used_pos == q->used_idx) {
		/* Written again at the same position with the same index:
		 * idempotent if the guest already saw it. */
		vq_complete(vr, h, e->len);
		return 1;
	}
	e->state = DEV_VIRTIO_FREE;    /* never taken, or already recorded */
	return 0;
}

/* Resume queue @qi of a state block a previous devmgr left. */
static void queue_replay(struct dev *d, unsigned qi)
{
	struct dev_virtio_queue *q = &vst(d)->q[qi];
	struct vring vr;
	int h, r = 0, done = 0;

	if (!queue_live(d, qi))
		return;
	if (vring_map(d, q, &vr) < 0) {
		needs_reset(d);
		return;
	}
	while (r >= 0 && (h = oldest_inflight(q)) >= 0) {
		r = settle_one(d, qi, &vr, (uint16_t)h);
		done += r > 0;
	}
	if (r < 0) {
		needs_reset(d);
		return;
	}
	q->ninflight = 0;
	if (done)
		interrupt(d, VIRTIO_INT_USED);
	queue_run(d, qi);   /* what the driver queued while we were away */
}

int dev_virtio_mmio_attach(struct dev *d, const char *args, int fresh)
{
	int err;

	if (d->size < R_CONFIG || vops(d)->num_queues > VIRTIO_MAX_QUEUES)
		return -EINVAL;
	if (fresh)
		memset(d->state, 0, d->ops->state_size);
	err = vops(d)->attach(d, args, fresh);
	if (err < 0)
		return err;
	if (fresh)
		return 0;
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
		if (vst(d)->q[i].num > VIRTIO_QUEUE_MAX)
			vst(d)->q[i].ready = 0;     /* damaged: never used */
	for (unsigned i = 0; i < vops(d)->num_queues; i++)
		queue_replay(d, i);
	dev_raise_irq(d, vst(d)->interrupt_status != 0);
	return 0;
}

void dev_virtio_mmio_detach(struct dev *d)
{
	if (vops(d)->detach)
		vops(d)->detach(d);
}

void dev_virtio_mmio_reset(struct dev *d)
{
	transport_reset(d);
}

int dev_virtio_mmio_poll(struct dev *d)
{
	struct dev_virtio_state *s = vst(d);
	uint32_t pending = s->pending;
	int done = 0;

	s->pending = 0;
	for (unsigned i = 0; pending && i < vops(d)->num_queues; i++)
		if (pending & (1u << i))
			done += queue_run(d, i);
	return done;
}

static struct dev_virtio_queue *cur_queue(struct dev *d)
{
	struct dev_virtio_state *s = vst(d);

	return s->queue_sel < vops(d)->num_queues ? &s->q[s->queue_sel] : NULL;
}

static uint32_t queue_reg(struct dev *d, uint64_t off)
{
	struct dev_virtio_queue *q = cur_queue(d);

	if (!q)
		return 0;
	switch (off) {
	case R_QUEUE_NUM_MAX: return VIRTIO_QUEUE_MAX;
	case R_QUEUE_NUM: return q->num;
	case R_QUEUE_READY: return q->ready;
	case R_DESC_LO: return (uint32_t)q->desc;
	case R_DESC_HI: return (uint32_t)(q->desc >> 32);
	case R_DRIVER_LO: return (uint32_t)q->driver;
	case R_DRIVER_HI: return (uint32_t)(q->driver >> 32);
	case R_DEVICE_LO: return (uint32_t)q->device;
	case R_DEVICE_HI: return (uint32_t)(q->device >> 32);
	default: return 0;
	}
}

int dev_virtio_mmio_read(struct dev *d, uint64_t off, unsigned size,
			 uint64_t *val)
{
	struct dev_virtio_state *s = vst(d);

	if (off >= R_CONFIG) {
		*val = vops(d)->config_read ?
		       vops(d)->config_read(d, off - R_CONFIG, size) : 0;
		return 0;
	}
	if (size != 4 || off % 4)
		return -EINVAL;
	switch (off) {
	case R_MAGIC: *val = VIRTIO_MAGIC; break;
	case R_VERSION: *val = 2; break;
	case R_DEVICE_ID: *val = vops(d)->device_id; break;
	case R_VENDOR_ID: *val = VIRTIO_VENDOR; break;
	case R_DEV_FEATURES:
		*val = s->device_features_sel > 1 ? 0 :
		       (uint32_t)(all_features(d) >> (32 * s->device_features_sel));
		break;
	case R_INT_STATUS: *val = s->interrupt_status; break;
	case R_STATUS: *val = s->status; break;
	case R_CONFIG_GEN: *val = s->config_generation; break;
	default: *val = queue_reg(d, off); break;
	}
	return 0;
}

static void set_half(uint64_t *v, int high, uint32_t half)
{
	*v = high ? (*v & 0xffffffffull) | (uint64_t)half << 32 :
		    (*v & ~0xffffffffull) | half;
}

static void write_queue_reg(struct dev *d, uint64_t off, uint32_t v)
{
	struct dev_virtio_queue *q = cur_queue(d);

	if (!q || (q->ready && off != R_QUEUE_READY))
		return;   /* a live queue's layout is frozen */
	switch (off) {
	case R_QUEUE_NUM:
		if (v && v <= VIRTIO_QUEUE_MAX && !(v & (v - 1)))
			q->num = v;
		break;
	case R_QUEUE_READY: q->ready = (v & 1) && q->num; break;
	case R_DESC_LO: case R_DESC_HI: set_half(&q->desc, off == R_DESC_HI, v); break;
	case R_DRIVER_LO: case R_DRIVER_HI:
		set_half(&q->driver, off == R_DRIVER_HI, v);
		break;
	case R_DEVICE_LO: case R_DEVICE_HI:
		set_half(&q->device, off == R_DEVICE_HI, v);
		break;
	}
}

static void write_status(struct dev *d, uint32_t v)
{
	struct dev_virtio_state *s = vst(d);
	uint64_t f = s->driver_features;

	if (v == 0) {
		transport_reset(d);
		return;
	}
	/* FEATURES_OK only for a subset of ours that includes VERSION_1
	 * (no legacy interface here); the driver reads it back. */
	if ((v & VIRTIO_STATUS_FEATURES_OK) &&
	    !(s->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((f & ~all_features(d)) || !(f & (1ull << VIRTIO_F_VERSION_1))))
		v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
	s->status = (v & ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET) |
		    (s->status & VIRTIO_STATUS_NEEDS_RESET);
}

int dev_virtio_mmio_write(struct dev *d, uint64_t off, unsigned size,
			  uint64_t val)
{
	struct dev_virtio_state *s = vst(d);
	uint32_t v = (uint32_t)val;

	if (off >= R_CONFIG) {
		if (vops(d)->config_write)
			vops(d)->config_write(d, off - R_CONFIG, size, val);
		return 0;
	}
	if (size != 4 || off % 4)
		return -EINVAL;
	switch (off) {
	case R_DEV_FEATURES_SEL: s->device_features_sel = v; break;
	case R_DRV_FEATURES:
		if (s->driver_features_sel <= 1 &&
		    !(s->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&s->driver_features, s->driver_features_sel == 1, v);
		break;
	case R_DRV_FEATURES_SEL: s->driver_features_sel = v; break;
	case R_QUEUE_SEL: s->queue_sel = v; break;
	case R_QUEUE_NOTIFY: queue_run(d, v); break;
	case R_INT_ACK:
		s->interrupt_status &= ~v;
		dev_raise_irq(d, s->interrupt_status != 0);
		break;
	case R_STATUS: write_status(d, v); break;
	default: write_queue_reg(d, off, v); break;
	}
	return 0;
}

size_t dev_virtio_iov_size(const struct iovec *iov, unsigned n)
{
	size_t t = 0;

	for (unsigned i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

/* Copy between a flat buffer and the segments, starting @off bytes in. */
static size_t iov_copy(const struct iovec *iov, unsigned n, size_t off,
		       void *buf, size_t len, int to_iov)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t k;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		k = iov[i].iov_len - off;
		if (k > len - done)
			k = len - done;
		if (to_iov)
			memcpy((uint8_t *)iov[i].iov_base + off,
			       (uint8_t *)buf + done, k);
		else
			memcpy((uint8_t *)buf + done,
			       (uint8_t *)iov[i].iov_base + off, k);
		done += k;
		off = 0;
	}
	return done;
}

size_t dev_virtio_iov_read(const struct iovec *iov, unsigned n, size_t off,
			   void *buf, size_t len)
{
	return iov_copy(iov, n, off, buf, len, 0);
}

size_t dev_virtio_iov_write(const struct iovec *iov, unsigned n, size_t off,
			    const void *buf, size_t len)
{
	return iov_copy(iov, n, off, (void *)buf, len, 1);
}
