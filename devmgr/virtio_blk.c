/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk on a raw image file (virtio 1.1, section 5.2).
 *
 * Data moves with preadv/pwritev straight between the image and guest
 * RAM; nothing is cached in devmgr, so a request the guest sees completed
 * has reached the file (the host's page cache, which outlives devmgr), and
 * FLUSH makes everything before it durable (fdatasync). Requests outside
 * the disk, writes to a read-only disk and malformed headers get
 * VIRTIO_BLK_S_IOERR, unknown types VIRTIO_BLK_S_UNSUPP; only a request
 * without room for a status byte sends the device to NEEDS_RESET. Every
 * request is idempotent, as the transport's replay rule requires.
 *
 * args: "path=FILE[,ro][,serial=ID]"; the serial (GET_ID, at most 20
 * bytes) defaults to "tessera-" and the device id.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devmgr/devices.h"
#include "devmgr/virtio.h"

#define VIRTIO_ID_BLOCK       2
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9
#define VIRTIO_BLK_T_IN       0
#define VIRTIO_BLK_T_OUT      1
#define VIRTIO_BLK_T_FLUSH    4
#define VIRTIO_BLK_T_GET_ID   8
#define VIRTIO_BLK_S_OK       0
#define VIRTIO_BLK_S_IOERR    1
#define VIRTIO_BLK_S_UNSUPP   2
#define VIRTIO_BLK_ID_BYTES   20
#define SECTOR                512
#define SEG_MAX               (VIRTIO_QUEUE_MAX - 2)
#define ARGS_MAX              320
#define REQ_MAX               (1u << 30)  /* data bytes of one request */

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

/* The device's part of the state block. */
struct blk_state {
	uint64_t capacity;       /* sectors, fixed at creation */
	uint32_t ro;
	uint32_t pad;
	char serial[VIRTIO_BLK_ID_BYTES + 1];
	char path[235];
};

struct blk_priv {
	int fd;
};

_Static_assert(sizeof(struct dev_virtio_state) + sizeof(struct blk_state) <=
	       DEV_STATE_MAX, "virtio-blk state outgrows a devstate block");

static struct blk_state *bst(struct dev *d)
{
	return dev_virtio_priv_state(d);
}

static int copy_opt(char *dst, size_t cap, const char *src)
{
	if (strlen(src) >= cap)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

/* Parse "path=FILE[,ro][,serial=ID]" into @st. */
static int parse_args(const char *args, struct blk_state *st)
{
	char buf[ARGS_MAX], *save = NULL;
	int err = 0;

	if (!args || strlen(args) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, args);
	for (char *t = strtok_r(buf, ",", &save); t && !err;
	     t = strtok_r(NULL, ",", &save)) {
		if (!strncmp(t, "path=", 5))
			err = copy_opt(st->path, sizeof(st->path), t + 5);
		else if (!strncmp(t, "serial=", 7))
			err = copy_opt(st->serial, sizeof(st->serial), t + 7);
		else if (!strcmp(t, "ro"))
			st->ro = 1;
		else
			err = -EINVAL;
	}
	return err < 0 ? err : st->path[0] ? 0 : -EINVAL;
}

static int blk_attach(struct dev *d, const char *args, int fresh)
{
	struct blk_state *st = bst(d);
	struct blk_priv *p;
	off_t end;
	int err;

	if (fresh) {
		memset(st, 0, sizeof(*st));
		err = parse_args(args, st);
		if (err < 0)
			return err;
		if (!st->serial[0])
			snprintf(st->serial, sizeof(st->serial), "tessera-%.12s", d->id);
	}
	st->path[sizeof(st->path) - 1] = 0;
	st->serial[sizeof(st->serial) - 1] = 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fd = open(st->path, (st->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (p->fd < 0) {
		err = -errno;
		goto err_free_priv;
	}
	end = lseek(p->fd, 0, SEEK_END);   /* block devices have no st_size */
	if (end < 0) {
		err = -errno;
		goto err_close_fd;
	}
	if (fresh)
		st->capacity = (uint64_t)end / SECTOR;
	d->priv = p;
	return 0;

err_close_fd:
	close(p->fd);
err_free_priv:
	free(p);
	return err;
}

static void blk_detach(struct dev *d)
{
	struct blk_priv *p = d->priv;

	if (!p)
		return;
	close(p->fd);
	free(p);
	d->priv = NULL;
}

static uint64_t blk_features(struct dev *d)
{
	return bst(d)->ro ? 1ull << VIRTIO_BLK_F_RO : 0;
}

static uint64_t blk_config_read(struct dev *d, uint64_t off, unsigned size)
{
	uint8_t cfg[24] = { 0 };
	uint32_t seg_max = SEG_MAX, blk_size = SECTOR;
	uint64_t v = 0;

	memcpy(cfg + 0, &bst(d)->capacity, 8);
	memcpy(cfg + 12, &seg_max, 4);
	memcpy(cfg + 20, &blk_size, 4);
	if (off < sizeof(cfg) && size <= sizeof(v) && size <= sizeof(cfg) - off)
		memcpy(&v, cfg + off, size);
	return v;
}

/* The segments [@off, @off+@len) of @iov into @dst; returns the count. */
static unsigned iov_slice(const struct iovec *iov, unsigned n, size_t off,
			  size_t len, struct iovec *dst)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n && len; i++) {
		size_t take;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		take = iov[i].iov_len - off;
		if (take > len)
			take = len;
		dst[k++] = (struct iovec){ (uint8_t *)iov[i].iov_base + off, take };
		len -= take;
		off = 0;
	}
	return k;
}

/* Drop the first @got bytes from the segment list *@iov (*@n entries). */
static void iov_advance(struct iovec **iov, unsigned *n, size_t got)
{
	while (got && *n) {
		size_t k = got < (*iov)->iov_len ? got : (*iov)->iov_len;

		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + k;
		(*iov)->iov_len -= k;
		got -= k;
		if (!(*iov)->iov_len) {
			(*iov)++;
			(*n)--;
		}
	}
}

/* Read or write @len bytes at sector @sector; returns a VIRTIO_BLK_S_*. */
static uint8_t blk_rw(struct dev *d, int is_write, uint64_t sector,
		      struct iovec *iov, unsigned n, size_t len)
{
	struct blk_priv *p = d->priv;
	uint64_t cap = bst(d)->capacity;
	off_t pos = (off_t)(sector * SECTOR);
	ssize_t got;

	/* REQ_MAX keeps the byte count within the used ring's and the
	 * handler's range; Linux sends a few MiB at most. */
	if (len % SECTOR || len > REQ_MAX || sector > cap ||
	    len / SECTOR > cap - sector)
		return VIRTIO_BLK_S_IOERR;
	if (is_write && bst(d)->ro)
		return VIRTIO_BLK_S_IOERR;
	while (len) {
		got = is_write ? pwritev(p->fd, iov, (int)n, pos) :
				 preadv(p->fd, iov, (int)n, pos);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return VIRTIO_BLK_S_IOERR;
		len -= (size_t)got;
		pos += got;
		iov_advance(&iov, &n, (size_t)got);
	}
	return VIRTIO_BLK_S_OK;
}

/* One request of type @h->type; its status, data bytes in *@bytes. */
static uint8_t blk_do(struct dev *d, const struct blk_hdr *h,
		      struct dev_virtio_req *req, size_t *bytes)
{
	struct iovec io[VIRTIO_MAX_SEGS];
	size_t out_len = dev_virtio_iov_size(req->out, req->nout) - sizeof(*h);
	size_t in_len = dev_virtio_iov_size(req->in, req->nin) - 1;
	unsigned n;
	uint8_t st;

	switch (h->type) {
	case VIRTIO_BLK_T_IN:
		n = iov_slice(req->in, req->nin, 0, in_len, io);
		st = blk_rw(d, 0, h->sector, io, n, in_len);
		*bytes = st == VIRTIO_BLK_S_OK ? in_len : 0;
		return st;
	case VIRTIO_BLK_T_OUT:
		n = iov_slice(req->out, req->nout, sizeof(*h), out_len, io);
		st = blk_rw(d, 1, h->sector, io, n, out_len);
		*bytes = st == VIRTIO_BLK_S_OK ? out_len : 0;
		return st;
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(((struct blk_priv *)d->priv)->fd) ?
		       VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		if (in_len < VIRTIO_BLK_ID_BYTES)
			return VIRTIO_BLK_S_IOERR;
		*bytes = dev_virtio_iov_write(req->in, req->nin, 0,
					      bst(d)->serial, VIRTIO_BLK_ID_BYTES);
		return VIRTIO_BLK_S_OK;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static const char *op_name(uint32_t type)
{
	switch (type) {
	case VIRTIO_BLK_T_IN: return "read";
	case VIRTIO_BLK_T_OUT: return "write";
	case VIRTIO_BLK_T_FLUSH: return "flush";
	case VIRTIO_BLK_T_GET_ID: return "get_id";
	default: return "unsupported";
	}
}

static int blk_handle(struct dev *d, unsigned queue, struct dev_virtio_req *req)
{
	size_t in_len = dev_virtio_iov_size(req->in, req->nin);
	struct blk_hdr h = { 0 };
	size_t bytes = 0;
	uint8_t status = VIRTIO_BLK_S_IOERR;

	if (in_len < 1)
		return -EINVAL;             /* nowhere to put the status */
	if (dev_virtio_iov_read(req->out, req->nout, 0, &h, sizeof(h)) ==
	    sizeof(h)) {
		status = blk_do(d, &h, req, &bytes);
		dev_ev_io(d, bytes, op_name(h.type));
	}
	dev_virtio_iov_write(req->in, req->nin, in_len - 1, &status, 1);
	/* Bytes written into the request: read data or the id, + status. */
	return (int)((h.type == VIRTIO_BLK_T_OUT ? 0 : bytes) + 1);
}

const struct dev_virtio_ops dev_virtio_blk_ops = {
	.dev = {
		.kind = "virtio-blk",
		.state_size = sizeof(struct dev_virtio_state) +
			      sizeof(struct blk_state),
		.attach = dev_virtio_mmio_attach,
		.read = dev_virtio_mmio_read,
		.write = dev_virtio_mmio_write,
		.poll = dev_virtio_mmio_poll,
		.reset = dev_virtio_mmio_reset,
		.detach = dev_virtio_mmio_detach,
	},
	.device_id = VIRTIO_ID_BLOCK,
	.features = (1ull << VIRTIO_BLK_F_SEG_MAX) |
		    (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH),
	.num_queues = 1,
	.priv_state_size = sizeof(struct blk_state),
	.attach = blk_attach,
	.detach = blk_detach,
	.get_features = blk_features,
	.config_read = blk_config_read,
	.handle = blk_handle,
};
