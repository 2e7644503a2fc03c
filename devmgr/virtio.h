/* SPDX-License-Identifier: MIT */
/*
 * virtio devices over the virtio-mmio transport (version 2, "modern").
 *
 * The transport (virtio_mmio.c) owns the register file, feature
 * negotiation, the split virtqueues and the interrupt; a device file
 * (virtio_blk.c, ...) supplies a struct dev_virtio_ops whose first member
 * is the struct dev_ops every device exports, so the device table sees an
 * ordinary device. Everything a restarted devmgr needs is in the state
 * block: struct dev_virtio_state first, then the device's own part.
 *
 * In-flight requests and the replay rule. Each queue keeps, in the state
 * block, its positions (last_avail: the next available-ring entry to take;
 * used_idx: the device's copy of the used index) and a table indexed by
 * head descriptor. Serving a request goes through these steps, each
 * store ordered after the previous one:
 *   1. entry[head] = TAKEN at avail_pos = last_avail; then last_avail++
 *   2. the device does the I/O (descriptors walked, data moved, status
 *      byte written into guest memory)
 *   3. entry[head] = DONE with used_pos = used_idx and the length
 *   4. the used element is written, the guest's used->idx published,
 *      used_idx++, then entry[head] = FREE
 * A devmgr that resumes a state block (attach with fresh = 0) settles
 * every entry not FREE, oldest first:
 *   - TAKEN at avail_pos == last_avail: never taken (died inside step 1);
 *     dropped, the normal queue scan takes it.
 *   - TAKEN otherwise: the I/O may have happened or not; the request is
 *     executed again from its descriptors. This is safe because the guest
 *     cannot reuse the buffers of a request it has not seen completed,
 *     and a device's requests must be idempotent (virtio-blk's are: the
 *     same data to the same sectors, reads, flushes).
 *   - DONE: the I/O is finished, only the completion may be missing:
 *     if used_idx moved past used_pos it was recorded -> FREE; otherwise
 *     the element is written again at used_pos and used->idx set to
 *     used_pos + 1, which changes nothing if the guest already saw them
 *     (same position, same values) and completes the request if not.
 * Hence every request the guest made available is completed in the used
 * ring exactly once, and its I/O is done at least once.
 */
#ifndef TESSERA_DEVMGR_VIRTIO_H
#define TESSERA_DEVMGR_VIRTIO_H

#include <stdint.h>
#include <sys/uio.h>

#include "devmgr/device.h"

#define VIRTIO_MAX_QUEUES  2
#define VIRTIO_QUEUE_MAX   256
#define VIRTIO_MAX_SEGS    (VIRTIO_QUEUE_MAX + 2)
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1     32

#define VIRTIO_STATUS_ACK         1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

#define VIRTIO_INT_USED   1
#define VIRTIO_INT_CONFIG 2

enum dev_virtio_inflight_state {
	DEV_VIRTIO_FREE = 0,
	DEV_VIRTIO_TAKEN,          /* off the available ring, I/O under way */
	DEV_VIRTIO_DONE,           /* I/O finished, completion being published */
};

/* One entry of a queue's in-flight table, indexed by head descriptor. */
struct dev_virtio_inflight {
	uint8_t state;             /* enum dev_virtio_inflight_state */
	uint8_t pad;
	uint16_t avail_pos;        /* available-ring position it came from */
	uint16_t used_pos;         /* DONE: used-ring position it goes to */
	uint16_t pad2;
	uint32_t len;              /* DONE: bytes the device wrote */
};

struct dev_virtio_queue {
	uint32_t num, ready;
	uint64_t desc, driver, device;   /* guest physical addresses */
	uint16_t last_avail, used_idx;
	uint16_t ninflight, pad;
	struct dev_virtio_inflight inflight[VIRTIO_QUEUE_MAX];
};

struct dev_virtio_state {
	uint32_t status, interrupt_status, config_generation;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint32_t pending;            /* queues with work left for poll() */
	uint64_t driver_features;
	struct dev_virtio_queue q[VIRTIO_MAX_QUEUES];
};

/* One request popped from a queue: its segments in guest memory. */
struct dev_virtio_req {
	uint16_t head;
	unsigned nout, nin;                    /* readable, then writable */
	struct iovec out[VIRTIO_MAX_SEGS];     /* device reads these */
	struct iovec in[VIRTIO_MAX_SEGS];      /* device writes these */
};

struct dev_virtio_ops {
	struct dev_ops dev;          /* first: what the device table sees */
	uint32_t device_id;
	uint64_t features;           /* device features, transport ones added */
	unsigned num_queues;         /* <= VIRTIO_MAX_QUEUES */
	size_t priv_state_size;      /* the device's part of the state block */
	int (*attach)(struct dev *d, const char *args, int fresh);
	void (*detach)(struct dev *d);
	/* Features that depend on the instance (read-only disk...); ORed
	 * with .features. May be NULL. */
	uint64_t (*get_features)(struct dev *d);
	/* Read config space byte offset @off (size 1/2/4/8). */
	uint64_t (*config_read)(struct dev *d, uint64_t off, unsigned size);
	/* Config space write; may be NULL (writes ignored). */
	void (*config_write)(struct dev *d, uint64_t off, unsigned size,
			     uint64_t val);
	/* Serve one request; return the bytes written into req->in, or
	 * -errno to put the device into NEEDS_RESET. Must be idempotent
	 * (see the replay rule above). */
	int (*handle)(struct dev *d, unsigned queue, struct dev_virtio_req *req);
	void (*reset)(struct dev *d);
};

/* The transport's dev_ops callbacks, used to fill dev_virtio_ops.dev. */
int dev_virtio_mmio_attach(struct dev *d, const char *args, int fresh);
int dev_virtio_mmio_read(struct dev *d, uint64_t off, unsigned size,
			 uint64_t *val);
int dev_virtio_mmio_write(struct dev *d, uint64_t off, unsigned size,
			  uint64_t val);
void dev_virtio_mmio_reset(struct dev *d);
void dev_virtio_mmio_detach(struct dev *d);
/* Serves what a notification left over (a driver that keeps a queue
 * full gets at most a few queue sizes per notification). */
int dev_virtio_mmio_poll(struct dev *d);

/* dev_virtio_priv_state - the device's own part of the state block. */
void *dev_virtio_priv_state(struct dev *d);

/*
 * dev_virtio_config_changed - the device changed its config space: bump
 * ConfigGeneration and send a configuration change interrupt.
 */
void dev_virtio_config_changed(struct dev *d);

/*
 * dev_virtio_guest_ptr - host pointer for guest physical [@gpa, @gpa+@len)
 * if the whole range lies in guest RAM, else NULL. Overflow-safe.
 */
void *dev_virtio_guest_ptr(const struct dev_env *env, uint64_t gpa,
			   uint64_t len);

/* Byte helpers over a request's segments (for headers split anywhere). */
size_t dev_virtio_iov_read(const struct iovec *iov, unsigned n, size_t off,
			   void *buf, size_t len);
size_t dev_virtio_iov_write(const struct iovec *iov, unsigned n, size_t off,
			    const void *buf, size_t len);
size_t dev_virtio_iov_size(const struct iovec *iov, unsigned n);

#endif
