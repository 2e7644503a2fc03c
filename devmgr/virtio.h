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
 */
#ifndef TESSERA_DEVMGR_VIRTIO_H
#define TESSERA_DEVMGR_VIRTIO_H

#include <stdint.h>
#include <sys/uio.h>

#include "devmgr/device.h"

#define VIRTIO_MAX_QUEUES  2
#define VIRTIO_QUEUE_MAX   256
#define VIRTIO_MAX_SEGS    (VIRTIO_QUEUE_MAX + 2)
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_INDIRECT_DESC 28

#define VIRTIO_STATUS_ACK         1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

#define VIRTIO_NO_INFLIGHT 0xffffffffu

struct dev_virtio_queue {
	uint32_t num, ready;
	uint64_t desc, driver, device;   /* guest physical addresses */
	uint16_t last_avail, used_idx;
	/* The request being served: its head, and used_idx when taken, so
	 * that a restarted devmgr can finish it exactly once. */
	uint32_t inflight_head;
	uint16_t inflight_used, pad;
};

struct dev_virtio_state {
	uint32_t status, interrupt_status, config_generation;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
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
	unsigned num_queues;
	size_t priv_state_size;      /* the device's part of the state block */
	int (*attach)(struct dev *d, const char *args, int fresh);
	void (*detach)(struct dev *d);
	/* Read config space byte offset @off (size 1/2/4/8). */
	uint64_t (*config_read)(struct dev *d, uint64_t off, unsigned size);
	/* Serve one request; return the bytes written into req->in, or
	 * -errno to put the device into NEEDS_RESET. */
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

/* dev_virtio_priv_state - the device's own part of the state block. */
void *dev_virtio_priv_state(struct dev *d);

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
