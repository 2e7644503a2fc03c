/* SPDX-License-Identifier: MIT */
/*
 * SCM_RIGHTS messaging with validation on receipt, peer credentials and
 * SOCK_SEQPACKET socket helpers (see fdpass.h).
 */
#include "shm/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

_Static_assert(sizeof(struct shm_fd_desc) == 64, "wire layout");

#define MSG_BUF_MAX (sizeof(struct shm_msg_hdr) + \
		     SHM_MSG_MAX_FDS * sizeof(struct shm_fd_desc) + \
		     SHM_MSG_MAX_PAYLOAD)

/* Room for a full set of fds plus credentials: anything larger is cut
 * by the kernel and flagged MSG_CTRUNC. */
union ctl_buf {
	char buf[CMSG_SPACE(SHM_MSG_MAX_FDS * sizeof(int)) +
		 CMSG_SPACE(sizeof(struct ucred))];
	struct cmsghdr align;
};

/* What came with one datagram besides its bytes. */
struct rx {
	int fds[SHM_MSG_MAX_FDS];
	unsigned nfds;
	struct ucred cred;
	int have_cred;
	int bad;         /* foreign control message or more fds than room */
};

static void close_all(const int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		close(fds[i]);
}

static int send_with_fds(int sock, struct iovec *iov, int niov,
			 const int *fds, unsigned n, size_t total)
{
	union ctl_buf ctl;
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)niov };
	ssize_t sent;

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
	return (size_t)sent == total ? 0 : -EMSGSIZE;
}

/* Take the fds and credentials out of the control data. Every fd ends up
 * in @rx (or closed), so that the caller can release them all at once. */
static void collect(struct msghdr *m, struct rx *rx)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		size_t k;

		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			memcpy(&rx->cred, CMSG_DATA(c), sizeof(rx->cred));
			rx->have_cred = 1;
			continue;
		}
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0)) {
			rx->bad = 1;
			continue;
		}
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (rx->nfds < SHM_MSG_MAX_FDS) {
				rx->fds[rx->nfds++] = fd;
			} else {
				close(fd);
				rx->bad = 1;
			}
		}
	}
}

/* Receive one datagram into @buf. Returns its length with the fds in @rx,
 * or -errno with every fd that came along closed. */
static int rx_msg(int sock, void *buf, size_t cap, struct rx *rx)
{
	union ctl_buf ctl;
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	ssize_t got;
	int err = 0;

	memset(rx, 0, sizeof(*rx));
	do
		got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	collect(&m, rx);
	if (rx->bad || (m.msg_flags & MSG_CTRUNC))
		err = -EPROTO;
	else if (m.msg_flags & MSG_TRUNC)
		err = -EMSGSIZE;
	else if (got == 0 && rx->nfds == 0)
		err = -ECONNRESET;
	if (err) {
		close_all(rx->fds, rx->nfds);
		rx->nfds = 0;
		return err;
	}
	return (int)got;
}

int shm_fds_send(int sock, const int *fds, const struct shm_fd_desc *descs,
		 unsigned n, const void *payload, size_t len)
{
	struct shm_msg_hdr h = { SHM_MSG_MAGIC, SHM_MSG_VERSION, n,
				  (uint32_t)len };
	struct iovec iov[3] = {
		{ &h, sizeof(h) },
		{ (void *)descs, n * sizeof(*descs) },
		{ (void *)payload, len },
	};

	if (n > SHM_MSG_MAX_FDS || len > SHM_MSG_MAX_PAYLOAD ||
	    (len && !payload) || (n && (!fds || !descs)))
		return -EINVAL;
	return send_with_fds(sock, iov, 3, fds, n,
			     sizeof(h) + n * sizeof(*descs) + len);
}

/* Check a received datagram of @got bytes in @buf carrying @nfds fds. */
static int check_msg(const char *buf, size_t got, unsigned nfds,
		     struct shm_msg_hdr *h)
{
	size_t off = sizeof(*h);

	if (got < sizeof(*h))
		return -EPROTO;
	memcpy(h, buf, sizeof(*h));
	if (h->magic != SHM_MSG_MAGIC || h->version != SHM_MSG_VERSION ||
	    h->nfds > SHM_MSG_MAX_FDS || h->payload_len > SHM_MSG_MAX_PAYLOAD)
		return -EPROTO;
	if (got != sizeof(*h) + h->nfds * sizeof(struct shm_fd_desc) +
		   h->payload_len || h->nfds != nfds)
		return -EPROTO;
	for (unsigned i = 0; i < nfds; i++, off += sizeof(struct shm_fd_desc))
		if (!memchr(buf + off, 0, SHM_NAME_MAX))
			return -EPROTO;
	return 0;
}

int shm_fds_recv(int sock, int *fds, struct shm_fd_desc *descs,
		 unsigned max, void *payload, size_t *len)
{
	char buf[MSG_BUF_MAX + 1];   /* one spare byte catches overlong data */
	size_t cap = len ? *len : 0;
	struct shm_msg_hdr h;
	struct rx rx;
	int got, err;

	got = rx_msg(sock, buf, sizeof(buf), &rx);
	if (got < 0)
		return got == -EMSGSIZE ? -EPROTO : got;
	err = check_msg(buf, (size_t)got, rx.nfds, &h);
	if (!err && (h.nfds > max || h.payload_len > cap))
		err = -EMSGSIZE;
	if (err) {
		close_all(rx.fds, rx.nfds);
		return err;
	}
	if (h.nfds) {
		memcpy(fds, rx.fds, h.nfds * sizeof(int));
		memcpy(descs, buf + sizeof(h), h.nfds * sizeof(*descs));
	}
	if (h.payload_len)
		memcpy(payload, buf + sizeof(h) + h.nfds * sizeof(*descs),
		       h.payload_len);
	if (len)
		*len = h.payload_len;
	return (int)h.nfds;
}

int shm_regions_send(int sock, struct shm_region *const *regions,
		     unsigned n, const void *payload, size_t len)
{
	struct shm_fd_desc d[SHM_MSG_MAX_FDS];
	int fds[SHM_MSG_MAX_FDS];

	if (n > SHM_MSG_MAX_FDS)
		return -EINVAL;
	memset(d, 0, n * sizeof(*d));
	for (unsigned i = 0; i < n; i++) {
		memcpy(d[i].name, regions[i]->name, SHM_NAME_MAX);
		d[i].name[SHM_NAME_MAX - 1] = '\0';
		d[i].size = regions[i]->size;
		d[i].kind = regions[i]->kind;
		d[i].flags = regions[i]->flags;
		fds[i] = regions[i]->fd;
	}
	return shm_fds_send(sock, fds, d, n, payload, len);
}

/* Adopt @fd as described by @d; the fd is consumed either way. */
static struct shm_region *adopt_desc(int fd, const struct shm_fd_desc *d)
{
	struct shm_region *r;

	if (d->size == 0 || (d->flags & ~SHM_REGION_FLAGS)) {
		close(fd);
		errno = EPROTO;
		return NULL;
	}
	r = shm_region_adopt(fd, d->name, d->size);
	if (!r)
		return NULL;
	r->kind = d->kind;
	r->flags = d->flags;
	return r;
}

int shm_regions_recv(int sock, struct shm_region **out, unsigned max,
		     void *payload, size_t *len)
{
	struct shm_fd_desc d[SHM_MSG_MAX_FDS];
	int fds[SHM_MSG_MAX_FDS];
	int n, i, err = 0;

	if (max > SHM_MSG_MAX_FDS)
		max = SHM_MSG_MAX_FDS;
	n = shm_fds_recv(sock, fds, d, max, payload, len);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		out[i] = adopt_desc(fds[i], &d[i]);
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

int shm_fdset_send(int sock, const int *fds, unsigned n, const void *buf,
		   size_t len)
{
	struct iovec iov = { (void *)buf, len };

	if (n > SHM_MSG_MAX_FDS || len == 0 || !buf || (n && !fds))
		return -EINVAL;
	return send_with_fds(sock, &iov, 1, fds, n, len);
}

int shm_fdset_recv(int sock, int *fds, unsigned max, unsigned *nfds,
		   void *buf, size_t cap, struct ucred *cred)
{
	struct rx rx;
	int got;

	*nfds = 0;
	got = rx_msg(sock, buf, cap, &rx);
	if (got < 0)
		return got;
	if (rx.nfds > max) {
		close_all(rx.fds, rx.nfds);
		return -EMSGSIZE;
	}
	if (rx.nfds)
		memcpy(fds, rx.fds, rx.nfds * sizeof(int));
	*nfds = rx.nfds;
	if (cred) {
		cred->pid = rx.have_cred ? rx.cred.pid : 0;
		cred->uid = rx.have_cred ? rx.cred.uid : (uid_t)-1;
		cred->gid = rx.have_cred ? rx.cred.gid : (gid_t)-1;
	}
	return got;
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

int shm_peer_check_uid(int sock)
{
	uid_t uid = (uid_t)-1;
	int err = shm_peer_cred(sock, NULL, &uid, NULL);

	if (err < 0)
		return err;
	return uid == geteuid() || uid == 0 ? 0 : -EACCES;
}

static int fill_addr(struct sockaddr_un *a, const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, path, n);
	return 0;
}

int shm_sock_listen(const char *path)
{
	struct sockaddr_un a;
	int fd, err = fill_addr(&a, path);

	if (err < 0)
		return err;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 16) < 0)
		goto err_close_fd;
	return fd;

err_close_fd:
	err = -errno;
	close(fd);
	return err;
}

int shm_sock_accept(int lsock)
{
	int fd;

	do
		fd = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

int shm_sock_connect(const char *path)
{
	struct sockaddr_un a;
	int fd, err = fill_addr(&a, path);

	if (err < 0)
		return err;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		goto err_close_fd;
	return fd;

err_close_fd:
	err = -errno;
	close(fd);
	return err;
}

int shm_sock_pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	return 0;
}
