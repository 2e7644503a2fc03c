/* SPDX-License-Identifier: MIT */
/*
 * SCM_RIGHTS messaging with validation on receipt (see fdpass.h).
 */
#include "shm/fdpass.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MSG_MAGIC   0x54534d46u  /* "TSMF" */
#define MSG_VERSION 1u

struct msg_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t nfds;
	uint32_t payload_len;
};

#define MSG_BUF_MAX (sizeof(struct msg_hdr) + \
		     SHM_MSG_MAX_FDS * sizeof(struct shm_fd_desc) + \
		     SHM_MSG_MAX_PAYLOAD)

int shm_fds_send(int sock, const int *fds, const struct shm_fd_desc *descs,
		 unsigned n, const void *payload, size_t len)
{
	struct msg_hdr h = { MSG_MAGIC, MSG_VERSION, n, (uint32_t)len };
	union {
		char buf[CMSG_SPACE(SHM_MSG_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov[3] = {
		{ &h, sizeof(h) },
		{ (void *)descs, n * sizeof(*descs) },
		{ (void *)payload, len },
	};
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3 };
	ssize_t sent;

	if (n > SHM_MSG_MAX_FDS || len > SHM_MSG_MAX_PAYLOAD ||
	    (len && !payload))
		return -EINVAL;
	if (n) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	do
		sent = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	if ((size_t)sent != sizeof(h) + n * sizeof(*descs) + len)
		return -EMSGSIZE;
	return 0;
}

/* Collect the fds of every SCM_RIGHTS block into @fds (closing any past
 * @cap) and return their count; *@bad is set when other control messages
 * came along, so that the caller rejects the message and closes them. */
static int take_fds(struct msghdr *m, int *fds, unsigned cap, int *bad)
{
	unsigned got = 0;

	*bad = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			*bad = 1;
			continue;
		}
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (got < cap)
				fds[got++] = fd;
			else
				close(fd);
		}
	}
	return (int)got;
}

static void close_all(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		close(fds[i]);
}

/* Check a received datagram of @got bytes in @buf carrying @nfds fds. */
static int check_msg(const char *buf, size_t got, unsigned nfds,
		     struct msg_hdr *h)
{
	const struct shm_fd_desc *d;

	if (got < sizeof(*h))
		return -EPROTO;
	memcpy(h, buf, sizeof(*h));
	if (h->magic != MSG_MAGIC || h->version != MSG_VERSION ||
	    h->nfds > SHM_MSG_MAX_FDS || h->payload_len > SHM_MSG_MAX_PAYLOAD)
		return -EPROTO;
	if (got != sizeof(*h) + h->nfds * sizeof(*d) + h->payload_len ||
	    h->nfds != nfds)
		return -EPROTO;
	d = (const struct shm_fd_desc *)(buf + sizeof(*h));
	for (unsigned i = 0; i < nfds; i++)
		if (memchr(d[i].name, 0, SHM_NAME_MAX) == NULL)
			return -EPROTO;
	return 0;
}

int shm_fds_recv(int sock, int *fds, struct shm_fd_desc *descs,
		 unsigned max, void *payload, size_t *len)
{
	union {
		char buf[CMSG_SPACE(SHM_MSG_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	int tmp[SHM_MSG_MAX_FDS];
	struct msg_hdr h;
	char *buf;
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	ssize_t got;
	int n, err, bad;

	buf = malloc(MSG_BUF_MAX + 1);
	if (!buf)
		return -ENOMEM;
	iov.iov_base = buf;
	iov.iov_len = MSG_BUF_MAX + 1;
	do
		got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		err = -errno;
		goto err_free_buf;
	}
	n = take_fds(&m, tmp, SHM_MSG_MAX_FDS, &bad);
	if (got == 0 && n == 0) {
		*len = 0;
		free(buf);
		return 0;
	}
	err = bad ? -EPROTO : 0;
	if (!err && (m.msg_flags & (MSG_CTRUNC | MSG_TRUNC)))
		err = -EPROTO;
	if (!err)
		err = check_msg(buf, (size_t)got, (unsigned)n, &h);
	if (!err && ((unsigned)n > max || h.payload_len > *len))
		err = -EMSGSIZE;
	if (err)
		goto err_close_fds;
	memcpy(fds, tmp, (size_t)n * sizeof(int));
	memcpy(descs, buf + sizeof(h), (size_t)n * sizeof(*descs));
	if (h.payload_len)
		memcpy(payload, buf + sizeof(h) + n * sizeof(*descs),
		       h.payload_len);
	*len = h.payload_len;
	free(buf);
	return n;

err_close_fds:
	if (n > 0)
		close_all(tmp, (unsigned)n);
err_free_buf:
	free(buf);
	return err;
}

int shm_regions_send(int sock, struct shm_region *const *regions,
		     unsigned n, uint32_t kind)
{
	struct shm_fd_desc d[SHM_MSG_MAX_FDS];
	int fds[SHM_MSG_MAX_FDS];

	if (n > SHM_MSG_MAX_FDS)
		return -EINVAL;
	memset(d, 0, sizeof(d));
	for (unsigned i = 0; i < n; i++) {
		memcpy(d[i].name, regions[i]->name, SHM_NAME_MAX);
		d[i].size = regions[i]->size;
		d[i].kind = kind;
		fds[i] = regions[i]->fd;
	}
	return shm_fds_send(sock, fds, d, n, NULL, 0);
}

int shm_regions_recv(int sock, struct shm_region **out, unsigned max)
{
	struct shm_fd_desc d[SHM_MSG_MAX_FDS];
	int fds[SHM_MSG_MAX_FDS];
	size_t len = 0;
	int n, i, err = 0;

	if (max > SHM_MSG_MAX_FDS)
		max = SHM_MSG_MAX_FDS;
	n = shm_fds_recv(sock, fds, d, max, NULL, &len);
	if (n <= 0)
		return n == 0 ? -ECONNRESET : n;
	for (i = 0; i < n; i++) {
		out[i] = shm_region_adopt(fds[i], d[i].name, d[i].size);
		if (!out[i]) {
			err = -errno;
			break;
		}
	}
	if (!err)
		return n;
	for (int j = 0; j < i; j++)
		shm_region_destroy(&out[j]);
	close_all(fds + i + 1, (unsigned)(n - i - 1));
	return err;
}

int shm_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred uc;
	socklen_t sl = sizeof(uc);

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &uc, &sl) < 0)
		return -errno;
	if (pid)
		*pid = uc.pid;
	if (uid)
		*uid = uc.uid;
	if (gid)
		*gid = uc.gid;
	return 0;
}
