/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 (virtio 1.1, section 4.2), and
 * split virtqueues (section 2.6).
 *
 * Guest RAM is shared with the vCPUs, which run concurrently in other
 * threads or processes: the available index is read with acquire
 * semantics before the ring entries it covers, and the used index is
 * published with release semantics after the entries. Every address and
 * length the driver gives is checked against guest RAM before use, chains
 * are bounded by the queue size, and any violation puts the device into
 * DEVICE_NEEDS_RESET instead of touching memory outside the guest.
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

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
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

static uint64_t all_features(const struct dev *d)
{
	return vops(d)->features | (1ull << VIRTIO_F_VERSION_1) |
	       (1ull << VIRTIO_F_INDIRECT_DESC);
}

static void update_irq(struct dev *d)
{
	dev_raise_irq(d, vst(d)->interrupt_status != 0);
}

static void needs_reset(struct dev *d)
{
	struct dev_virtio_state *s = vst(d);

	s->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (s->status & VIRTIO_STATUS_DRIVER_OK) {
		s->interrupt_status |= 2;   /* configuration change */
		update_irq(d);
	}
}

static void transport_reset(struct dev *d)
{
	memset(vst(d), 0, sizeof(struct dev_virtio_state));
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
		vst(d)->q[i].inflight_head = VIRTIO_NO_INFLIGHT;
	if (vops(d)->reset)
		vops(d)->reset(d);
	update_irq(d);
}

/* Append descriptor @desc to @req, refusing anything outside guest RAM. */
static int add_seg(struct dev *d, struct dev_virtio_req *req,
		   const struct vring_desc *desc)
{
	void *p = dev_virtio_guest_ptr(d->env, desc->addr, desc->len);

	if (!p || req->nout + req->nin >= VIRTIO_MAX_SEGS)
		return -EFAULT;
	if (desc->flags & VRING_DESC_F_WRITE)
		req->in[req->nin++] = (struct iovec){ p, desc->len };
	else if (req->nin)
		return -EINVAL;     /* readable after writable: malformed */
	else
		req->out[req->nout++] = (struct iovec){ p, desc->len };
	return 0;
}

/* Walk the indirect table at @desc. */
static int walk_indirect(struct dev *d, struct dev_virtio_req *req,
			 const struct vring_desc *desc)
{
	unsigned n = desc->len / sizeof(struct vring_desc), i = 0;
	const struct vring_desc *t;

	if (desc->len % sizeof(*t) || n == 0 || n > VIRTIO_QUEUE_MAX)
		return -EINVAL;
	t = dev_virtio_guest_ptr(d->env, desc->addr, desc->len);
	if (!t)
		return -EFAULT;
	for (unsigned hops = 0; hops < n; hops++) {
		struct vring_desc e = t[i];
		int err;

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

/* Gather the chain starting at @head of queue @q into @req. */
static int walk_chain(struct dev *d, struct dev_virtio_queue *q,
		      uint16_t head, struct dev_virtio_req *req)
{
	const struct vring_desc *table;
	unsigned i = head;

	table = dev_virtio_guest_ptr(d->env, q->desc,
				     (uint64_t)q->num * sizeof(*table));
	if (!table || head >= q->num)
		return -EFAULT;
	req->head = head;
	req->nout = req->nin = 0;
	for (unsigned hops = 0; hops < q->num; hops++) {
		struct vring_desc e = table[i];
		int err;

		if (e.flags & VRING_DESC_F_INDIRECT)
			err = walk_indirect(d, req, &e);
		else
			err = add_seg(d, req, &e);
		if (err < 0 || !(e.flags & VRING_DESC_F_NEXT) ||
		    (e.flags & VRING_DESC_F_INDIRECT))
			return err;
		if (e.next >= q->num)
			return -EINVAL;
		i = e.next;
	}
	return -ELOOP;
}

/* Publish @len bytes written for the request at @head. */
static int push_used(struct dev *d, struct dev_virtio_queue *q,
		     uint16_t head, uint32_t len)
{
	uint8_t *used = dev_virtio_guest_ptr(d->env, q->device,
					     4 + 8ull * q->num + 2);
	uint32_t elem[2] = { head, len };

	if (!used)
		return -EFAULT;
	memcpy(used + 4 + 8 * (q->used_idx % q->num), elem, sizeof(elem));
	q->used_idx++;
	__atomic_store_n((uint16_t *)(used + 2), q->used_idx, __ATOMIC_RELEASE);
	return 0;
}

static int avail_flags_and_idx(struct dev *d, struct dev_virtio_queue *q,
			       uint16_t **ring, uint16_t *flags, uint16_t *idx)
{
	uint16_t *avail = dev_virtio_guest_ptr(d->env, q->driver,
					       4 + 2ull * q->num + 2);

	if (!avail)
		return -EFAULT;
	*idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
	*flags = avail[0];
	*ring = &avail[2];
	return 0;
}

/* Serve one request from the head of queue @qi; 1 if one was served,
 * 0 if the queue was empty, -errno on a driver error. */
static int serve_one(struct dev *d, unsigned qi, int *notify)
{
	struct dev_virtio_queue *q = &vst(d)->q[qi];
	struct dev_virtio_req req;
	uint16_t *ring, flags, idx, head;
	int n, err;

	err = avail_flags_and_idx(d, q, &ring, &flags, &idx);
	if (err < 0)
		return err;
	if (idx == q->last_avail)
		return 0;
	if ((uint16_t)(idx - q->last_avail) > q->num)
		return -EINVAL;
	head = ring[q->last_avail % q->num];
	q->inflight_head = head;
	q->inflight_used = q->used_idx;
	q->last_avail++;
	err = walk_chain(d, q, head, &req);
	if (err < 0)
		return err;
	n = vops(d)->handle(d, qi, &req);
	if (n < 0)
		return n;
	err = push_used(d, q, head, (uint32_t)n);
	q->inflight_head = VIRTIO_NO_INFLIGHT;
	if (!(flags & VRING_AVAIL_F_NO_INTERRUPT))
		*notify = 1;
	return err < 0 ? err : 1;
}

static void queue_notify(struct dev *d, unsigned qi)
{
	struct dev_virtio_state *s = vst(d);
	int notify = 0, r;

	if (qi >= vops(d)->num_queues || !s->q[qi].ready ||
	    !(s->status & VIRTIO_STATUS_DRIVER_OK) ||
	    (s->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	while ((r = serve_one(d, qi, &notify)) > 0)
		;
	if (r < 0)
		needs_reset(d);
	if (notify) {
		s->interrupt_status |= 1;
		update_irq(d);
	}
}

/* Resume requests a previous devmgr took but did not complete. */
static void replay_inflight(struct dev *d)
{
	struct dev_virtio_state *s = vst(d);

	for (unsigned i = 0; i < vops(d)->num_queues; i++) {
		struct dev_virtio_queue *q = &s->q[i];

		if (q->inflight_head == VIRTIO_NO_INFLIGHT)
			continue;
		if (q->used_idx == q->inflight_used)
			q->last_avail--;        /* not completed: take it again */
		q->inflight_head = VIRTIO_NO_INFLIGHT;
		queue_notify(d, i);
	}
}

int dev_virtio_mmio_attach(struct dev *d, const char *args, int fresh)
{
	int err;

	if (d->size < R_CONFIG)
		return -EINVAL;
	if (fresh) {
		memset(d->state, 0, d->ops->state_size);
		for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
			vst(d)->q[i].inflight_head = VIRTIO_NO_INFLIGHT;
	}
	err = vops(d)->attach(d, args, fresh);
	if (err < 0)
		return err;
	if (!fresh)
		replay_inflight(d);
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
	case R_QUEUE_READY: q->ready = v & 1 && q->num; break;
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

	if (v == 0) {
		transport_reset(d);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) &&
	    !(s->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((s->driver_features & ~all_features(d)) ||
	     !(s->driver_features & (1ull << VIRTIO_F_VERSION_1))))
		v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;   /* refused */
	s->status = v | (s->status & VIRTIO_STATUS_NEEDS_RESET);
}

int dev_virtio_mmio_write(struct dev *d, uint64_t off, unsigned size,
			  uint64_t val)
{
	struct dev_virtio_state *s = vst(d);
	uint32_t v = (uint32_t)val;

	if (off >= R_CONFIG)
		return 0;   /* config space is read-only for our devices */
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
	case R_QUEUE_NOTIFY: queue_notify(d, v); break;
	case R_INT_ACK:
		s->interrupt_status &= ~v;
		update_irq(d);
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
