/* SPDX-License-Identifier: MIT */
/*
 * shm/ suite: memfd regions, fd passing, doorbells and the SPSC ring,
 * exercised across real fork()ed processes. A child shares with its
 * parent only what the region and socket mechanisms share, as the VM's
 * processes do. Children report through their exit status (0: every
 * check passed, another value names the failed check), since Check's
 * asserts belong to the test process.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm/bell.h"
#include "shm/fdpass.h"
#include "shm/futex.h"
#include "shm/region.h"
#include "shm/ring.h"

/* Long enough to mean "never" for a wait that must be woken: a lost
 * wake-up shows up as -ETIMEDOUT instead of a hung suite. */
#define LONG_NS (10ll * 1000000000)

/* Wait for @pid and return its exit status (or 128 + signal). */
static int reap(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Count the fds open in this process. */
static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* A fresh private directory under /tmp (short: it holds socket paths). */
static void temp_dir(char *out, size_t n)
{
	size_t len;

	snprintf(out, n, "/tmp/tessera-shm-");
	len = strlen(out);
	ck_assert_uint_lt(len + 6, n);
	memset(out + len, 'X', 6);   /* the mkdtemp template */
	out[len + 6] = '\0';
	ck_assert_ptr_nonnull(mkdtemp(out));
}

/* ---- regions ---------------------------------------------------------- */

START_TEST(region_create_seal)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct shm_region *r = shm_region_create("ram", (1 << 20) + 1, 0);
	char link[64], target[256];
	ssize_t n;

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "ram");
	ck_assert_uint_eq(r->size, (1 << 20) + page);
	ck_assert_ptr_null(r->addr);
	ck_assert_int_eq(fcntl(r->fd, F_GET_SEALS), SHM_SEALS);
	ck_assert_int_eq(ftruncate(r->fd, (off_t)r->size * 2), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ftruncate(r->fd, (off_t)page), -1);
	ck_assert_int_eq(errno, EPERM);
	/* Writing past the end would grow the file: refused too. */
	ck_assert_int_eq(pwrite(r->fd, "x", 1, (off_t)r->size), -1);
	ck_assert_int_eq(errno, EPERM);
	/* F_SEAL_SEAL: nobody can add a write seal to freeze the guest. */
	ck_assert_int_eq(fcntl(r->fd, F_ADD_SEALS, F_SEAL_WRITE), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(fcntl(r->fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", r->fd);
	n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_ptr_nonnull(strstr(target, "memfd:tessera:ram"));
	shm_region_destroy(&r);
	ck_assert_ptr_null(r);
	shm_region_destroy(&r);
	shm_region_destroy(NULL);
}
END_TEST

START_TEST(region_shared_across_fork)
{
	struct shm_region *r = shm_region_create("state", 64 << 10, 0);
	volatile uint8_t *p;
	int go[2];
	char c = 'g';

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* The child maps the inherited fd itself: its own mapping. */
		if (shm_region_map(r) < 0)
			_exit(1);
		p = r->addr;
		p[2000] = 0xa5;
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(p[1000] == 0x5a ? 0 : 3);
	}
	ck_assert_int_eq(shm_region_map(r), 0);
	ck_assert_int_eq(shm_region_map(r), 0);   /* idempotent */
	p = r->addr;
	p[1000] = 0x5a;
	ck_assert_int_eq(write(go[1], &c, 1), 1);
	ck_assert_int_eq(reap(pid), 0);
	ck_assert_uint_eq(p[2000], 0xa5);
	ck_assert_int_eq(shm_region_unmap(r), 0);
	ck_assert_ptr_null(r->addr);
	ck_assert_int_eq(shm_region_unmap(r), 0);
	close(go[0]);
	close(go[1]);
	shm_region_destroy(&r);
}
END_TEST

START_TEST(region_huge_is_lazy)
{
	uint64_t size = 16ull << 30;
	struct shm_region *r = shm_region_create("big", size, SHM_REGION_HUGE);
	volatile uint8_t *p;
	struct stat st;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(shm_region_map(r), 0);
	ck_assert_uint_eq((uintptr_t)r->addr & ((2u << 20) - 1), 0);
	p = r->addr;
	p[0] = 1;
	p[size - 1] = 2;
	/* Two touched pages, huge or not: nothing else was allocated. */
	ck_assert_int_eq(fstat(r->fd, &st), 0);
	ck_assert_int_le((long long)st.st_blocks * 512, 8ll << 20);
	ck_assert_int_eq(shm_region_unmap(r), 0);
	ck_assert_int_eq(shm_region_map(r), 0);
	p = r->addr;
	ck_assert_uint_eq(p[size - 1], 2);
	shm_region_destroy(&r);
}
END_TEST

START_TEST(region_bad_args)
{
	char name[SHM_NAME_MAX + 1];

	memset(name, 'a', SHM_NAME_MAX);
	name[SHM_NAME_MAX] = '\0';
	ck_assert_int_eq(shm_region_valid_name(name), 0);
	name[SHM_NAME_MAX - 1] = '\0';
	ck_assert_int_eq(shm_region_valid_name(name), 1);
	ck_assert_int_eq(shm_region_valid_name("vcpu-state.0_x"), 1);
	ck_assert_int_eq(shm_region_valid_name(NULL), 0);
	ck_assert_int_eq(shm_region_valid_name("a b"), 0);
	errno = 0;
	ck_assert_ptr_null(shm_region_create("", 4096, 0));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(shm_region_create("a/b", 4096, 0));
	ck_assert_ptr_null(shm_region_create("../ram", 4096, 0));
	ck_assert_ptr_null(shm_region_create("ram", 0, 0));
	ck_assert_ptr_null(shm_region_create("ram", SHM_REGION_MAX_SIZE + 1, 0));
	errno = 0;
	ck_assert_ptr_null(shm_region_create("ram", 4096, 0x80));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* shm_region_adopt on @fd must fail with @err and close @fd. */
static void adopt_fails(int fd, const char *name, uint64_t size, int err)
{
	errno = 0;
	ck_assert_ptr_null(shm_region_adopt(fd, name, size));
	ck_assert_int_eq(errno, err);
	ck_assert(!fd_is_open(fd));
}

START_TEST(region_adopt_checks)
{
	int p[2], raw, before = open_fds();
	struct shm_region *r = shm_region_create("ram", 8192, 0), *a;
	char dir[64], path[96], link[64];

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(pipe(p), 0);
	adopt_fails(p[0], "x", 4096, EINVAL);
	close(p[1]);
	raw = memfd_create("raw", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ck_assert_int_eq(ftruncate(raw, 4096), 0);
	ck_assert_int_eq(fcntl(raw, F_ADD_SEALS, F_SEAL_GROW), 0);
	adopt_fails(raw, "raw", 4096, EPERM);
	adopt_fails(dup(r->fd), "ram", 4096, EINVAL);
	adopt_fails(dup(r->fd), "a/b", 8192, EINVAL);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", r->fd);
	adopt_fails(open(link, O_RDONLY | O_CLOEXEC), "ram", 8192, EACCES);
	temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/file", dir);
	raw = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(raw, 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	ck_assert_int_eq(ftruncate(raw, 4096), 0);
	ck_assert_ptr_null(shm_region_adopt(raw, "file", 4096));
	ck_assert(!fd_is_open(raw));
	errno = 0;
	ck_assert_ptr_null(shm_region_adopt(-1, "x", 4096));
	ck_assert_int_eq(errno, EBADF);
	/* Size 0: the fd store gives fds back without sizes. */
	a = shm_region_adopt(dup(r->fd), "ram", 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->size, 8192);
	shm_region_destroy(&a);
	shm_region_destroy(&r);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* ---- fd passing ------------------------------------------------------- */

/* Child: take two regions and a payload, check what came, write markers,
 * then send a region of its own back. */
static int child_regions(int sock)
{
	struct shm_region *got[4], *mine;
	char pl[16];
	size_t len = sizeof(pl);
	int n = shm_regions_recv(sock, got, 4, pl, &len);

	if (n != 2)
		return 1;
	if (strcmp(got[0]->name, "a") || got[0]->size != 4096 ||
	    got[0]->kind != 3 || got[0]->flags != 0)
		return 2;
	if (strcmp(got[1]->name, "guest-ram") || got[1]->size != 4 << 20 ||
	    got[1]->kind != 1 || got[1]->flags != SHM_REGION_HUGE)
		return 3;
	if (len != 5 || memcmp(pl, "hello", 5))
		return 4;
	for (int i = 0; i < n; i++) {
		uint8_t *p;

		if (shm_region_map(got[i]) < 0)
			return 5;
		p = got[i]->addr;
		if (p[7] != 0x11 * (i + 1))
			return 6;
		p[100] = (uint8_t)(0x10 + i);
		shm_region_destroy(&got[i]);
	}
	mine = shm_region_create("from-child", 8192, 0);
	if (!mine || shm_region_map(mine) < 0)
		return 7;
	((uint8_t *)mine->addr)[5] = 0x77;
	mine->kind = 9;
	if (shm_regions_send(sock, &mine, 1, NULL, 0) < 0)
		return 8;
	shm_region_destroy(&mine);
	return 0;
}

START_TEST(fdpass_regions_both_ways)
{
	struct shm_region *a = shm_region_create("a", 4096, 0);
	struct shm_region *b = shm_region_create("guest-ram", 4 << 20,
						 SHM_REGION_HUGE);
	struct shm_region *both[2] = { a, b }, *back[2];
	int sv[2];

	ck_assert_int_eq(shm_sock_pair(sv), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(child_regions(sv[1]));
	}
	close(sv[1]);
	a->kind = 3;
	b->kind = 1;
	ck_assert_int_eq(shm_region_map(a), 0);
	ck_assert_int_eq(shm_region_map(b), 0);
	((uint8_t *)a->addr)[7] = 0x11;
	((uint8_t *)b->addr)[7] = 0x22;
	ck_assert_int_eq(shm_regions_send(sv[0], both, 2, "hello", 5), 0);
	ck_assert_int_eq(shm_regions_recv(sv[0], back, 2, NULL, NULL), 1);
	ck_assert_int_eq(reap(pid), 0);
	ck_assert_uint_eq(((uint8_t *)a->addr)[100], 0x10);
	ck_assert_uint_eq(((uint8_t *)b->addr)[100], 0x11);
	ck_assert_str_eq(back[0]->name, "from-child");
	ck_assert_uint_eq(back[0]->kind, 9);
	ck_assert_int_eq(shm_region_map(back[0]), 0);
	ck_assert_uint_eq(((uint8_t *)back[0]->addr)[5], 0x77);
	shm_region_destroy(&back[0]);
	close(sv[0]);
	shm_region_destroy(&a);
	shm_region_destroy(&b);
}
END_TEST

/* A hand-made message: what a faulty or hostile peer might send. */
enum { FD_GOOD, FD_PIPE, FD_RAW };

struct garbage {
	const char *what;
	uint32_t magic, version;
	unsigned nclaim, ndesc, nfds;  /* header count, descriptors, fds */
	int fd, fd2;           /* the first fd attached, and the others */
	const char *name;      /* NULL: unterminated */
	uint64_t size;
	uint32_t flags;
	uint32_t payload;      /* claimed and sent */
	size_t cut;            /* send only this many bytes (0: all) */
	int expect;            /* what shm_regions_recv must say */
};

#define M SHM_MSG_MAGIC
#define V SHM_MSG_VERSION
static const struct garbage garbage[] = {
	{ "wrong magic", 0xdeadbeef, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "wrong version", M, 99, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "short header", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 3, -EPROTO },
	{ "truncated body", M, V, 1, 0, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "fewer fds than claimed", M, V, 2, 2, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "more fds than claimed", M, V, 1, 1, 2, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "no fds", M, V, 1, 1, 0, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "65 fds", M, V, 65, 0, 65, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "100 fds, control data cut", M, V, 100, 0, 100, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EPROTO },
	{ "unterminated name", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, NULL, 4096, 0, 0, 0, -EPROTO },
	{ "overlong datagram", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 9000, 0, -EPROTO },
	{ "pipe as region", M, V, 1, 1, 1, FD_PIPE, FD_PIPE, "g", 4096, 0, 0, 0, -EINVAL },
	{ "unsealed memfd", M, V, 1, 1, 1, FD_RAW, FD_RAW, "g", 4096, 0, 0, 0, -EPERM },
	{ "size mismatch", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 8192, 0, 0, 0, -EINVAL },
	{ "size 0", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 0, 0, 0, 0, -EPROTO },
	{ "unknown flags", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 4096, 0x80, 0, 0, -EPROTO },
	{ "bad name", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "../etc", 4096, 0, 0, 0, -EINVAL },
	{ "second region bad", M, V, 2, 2, 2, FD_GOOD, FD_PIPE, "g", 4096, 0, 0, 0, -EINVAL },
	{ "more regions than taken", M, V, 5, 5, 5, FD_GOOD, FD_GOOD, "g", 4096, 0, 0, 0, -EMSGSIZE },
	{ "payload too big", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 100, 0, -EMSGSIZE },
	{ "good", M, V, 1, 1, 1, FD_GOOD, FD_GOOD, "g", 4096, 0, 2, 0, 1 },
};
#undef M
#undef V
#define NGARBAGE (sizeof(garbage) / sizeof(garbage[0]))

static int send_raw(int sock, const void *buf, size_t len, const int *fds,
		    unsigned n)
{
	union {
		char b[CMSG_SPACE(128 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.b;
		m.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	return sendmsg(sock, &m, 0) == (ssize_t)len ? 0 : -1;
}

static int send_garbage(int sock, const struct garbage *g, const int *kinds)
{
	static uint8_t buf[16384];
	struct shm_msg_hdr h = { g->magic, g->version, g->nclaim, g->payload };
	struct shm_fd_desc d;
	int fds[128];
	size_t off = sizeof(h);

	memset(&d, 0, sizeof(d));
	if (g->name)
		snprintf(d.name, sizeof(d.name), "%s", g->name);
	else
		memset(d.name, 'x', sizeof(d.name));
	d.size = g->size;
	d.flags = g->flags;
	memcpy(buf, &h, sizeof(h));
	for (unsigned i = 0; i < g->ndesc; i++, off += sizeof(d))
		memcpy(buf + off, &d, sizeof(d));
	memset(buf + off, 'p', g->payload);
	off += g->payload;
	for (unsigned i = 0; i < g->nfds; i++)
		fds[i] = kinds[i ? g->fd2 : g->fd];
	return send_raw(sock, buf, g->cut ? g->cut : off, fds, g->nfds);
}

/* The hostile child: makes its own fds, sends every bad message. */
static int child_garbage(int sock)
{
	struct shm_region *good = shm_region_create("g", 4096, 0);
	int kinds[3], p[2];

	if (!good || pipe(p) < 0)
		return 1;
	kinds[FD_GOOD] = good->fd;
	kinds[FD_PIPE] = p[0];
	kinds[FD_RAW] = memfd_create("raw", MFD_CLOEXEC);
	if (kinds[FD_RAW] < 0 || ftruncate(kinds[FD_RAW], 4096) < 0)
		return 2;
	for (unsigned i = 0; i < NGARBAGE; i++)
		if (send_garbage(sock, &garbage[i], kinds) < 0)
			return 10 + (int)i;
	return 0;
}

START_TEST(fdpass_rejects_garbage)
{
	struct shm_region *out[4];
	char pl[16];
	int sv[2], before;

	ck_assert_int_eq(shm_sock_pair(sv), 0);
	before = open_fds();
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(child_garbage(sv[1]));
	}
	close(sv[1]);
	for (unsigned i = 0; i < NGARBAGE; i++) {
		size_t len = sizeof(pl);
		int n = shm_regions_recv(sv[0], out, 4, pl, &len);

		ck_assert_msg(n == garbage[i].expect, "%s: got %d, want %d",
			      garbage[i].what, n, garbage[i].expect);
		if (n > 0) {
			ck_assert_uint_eq(len, 2);
			ck_assert_uint_eq(out[0]->size, 4096);
			shm_region_destroy(&out[0]);
		}
	}
	ck_assert_int_eq(shm_regions_recv(sv[0], out, 4, NULL, NULL),
			 -ECONNRESET);
	ck_assert_int_eq(reap(pid), 0);
	/* Every fd of every rejected message was closed. */
	ck_assert_int_eq(open_fds(), before - 1);
	close(sv[0]);
}
END_TEST

static int child_fdset(int sock)
{
	static const char store[] = "FDSTORE=1\nFDNAME=ram";
	struct shm_region *r = shm_region_create("ram", 4096, 0);
	int p[2], three[3];

	if (!r || pipe(p) < 0)
		return 1;
	three[0] = r->fd;
	three[1] = p[0];
	three[2] = p[1];
	if (shm_fdset_send(sock, three, 2, store, strlen(store)) < 0 ||
	    shm_fdset_send(sock, three, 2, store, strlen(store)) < 0 ||
	    shm_fdset_send(sock, three, 3, "x", 1) < 0)
		return 2;
	return 0;
}

START_TEST(fdpass_fdset_and_creds)
{
	struct shm_region *r;
	struct ucred cred;
	char buf[64];
	int sv[2], fds[4], one = 1, before;
	unsigned n;

	ck_assert_int_eq(shm_sock_pair(sv), 0);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one,
				    sizeof(one)), 0);
	ck_assert_int_eq(shm_fdset_send(sv[0], NULL, 0, "", 0), -EINVAL);
	ck_assert_int_eq(shm_fdset_send(sv[0], fds, 65, "x", 1), -EINVAL);
	ck_assert_int_eq(shm_fds_send(sv[0], fds, NULL, 65, NULL, 0), -EINVAL);
	ck_assert_int_eq(shm_fds_send(sv[0], NULL, NULL, 0, buf,
				      SHM_MSG_MAX_PAYLOAD + 1), -EINVAL);
	before = open_fds();
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_fdset(sv[1]));
	ck_assert_int_eq(shm_fdset_recv(sv[0], fds, 4, &n, buf, sizeof(buf),
					&cred), 20);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(buf, "FDSTORE=1\nFDNAME=ram", 20);
	ck_assert_int_eq(cred.pid, pid);
	ck_assert_int_eq(cred.uid, getuid());
	r = shm_region_adopt(fds[0], "ram", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->size, 4096);
	shm_region_destroy(&r);
	close(fds[1]);
	/* Too small a buffer, then too many fds: refused, nothing leaks. */
	ck_assert_int_eq(shm_fdset_recv(sv[0], fds, 4, &n, buf, 4, NULL),
			 -EMSGSIZE);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(shm_fdset_recv(sv[0], fds, 2, &n, buf, sizeof(buf),
					NULL), -EMSGSIZE);
	ck_assert_int_eq(reap(pid), 0);
	close(sv[1]);
	ck_assert_int_eq(shm_fdset_recv(sv[0], fds, 4, &n, buf, sizeof(buf),
					&cred), -ECONNRESET);
	ck_assert_int_eq(open_fds(), before - 1);
	close(sv[0]);
}
END_TEST

START_TEST(fdpass_listen_peer_cred)
{
	char dir[64], path[128], longp[200];
	struct shm_region *got[1];
	pid_t peer;
	uid_t uid;
	gid_t gid;
	int l, c;

	temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/mmu.sock", dir);
	l = shm_sock_listen(path);
	ck_assert_int_ge(l, 0);
	ck_assert_int_eq(shm_sock_listen(path), -EADDRINUSE);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(shm_sock_listen(longp), -ENAMETOOLONG);
	snprintf(longp, sizeof(longp), "%s/none", dir);
	ck_assert_int_eq(shm_sock_connect(longp), -ENOENT);
	pid_t pid = fork();
	if (pid == 0) {
		struct shm_region *r = shm_region_create("x", 4096, 0);
		int s = shm_sock_connect(path);
		char ack;
		unsigned n;

		if (s < 0 || !r || shm_regions_send(s, &r, 1, NULL, 0) < 0)
			_exit(1);
		_exit(shm_fdset_recv(s, NULL, 0, &n, &ack, 1, NULL) == 1 ? 0 : 2);
	}
	c = shm_sock_accept(l);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(shm_peer_cred(c, &peer, &uid, &gid), 0);
	ck_assert_int_eq(peer, pid);
	ck_assert_int_eq(uid, getuid());
	ck_assert_int_eq(gid, getgid());
	ck_assert_int_eq(shm_peer_check_uid(c), 0);
	ck_assert_int_eq(shm_regions_recv(c, got, 1, NULL, NULL), 1);
	ck_assert_int_eq(shm_fdset_send(c, NULL, 0, "k", 1), 0);
	ck_assert_int_eq(reap(pid), 0);
	shm_region_destroy(&got[0]);
	close(c);
	close(l);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- ring ------------------------------------------------------------- */

static struct shm_region *ring_mem(uint32_t entry_size, uint32_t cap)
{
	struct shm_region *m;

	m = shm_region_create("ring", shm_ring_bytes(entry_size, cap), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(shm_region_map(m), 0);
	return m;
}

START_TEST(ring_geometry)
{
	struct shm_region *m = ring_mem(16, 8);
	struct shm_ring r, c;
	struct shm_ring_hdr *h = m->addr;

	ck_assert_uint_eq(shm_ring_bytes(12, 8), 0);
	ck_assert_uint_eq(shm_ring_bytes(16, 6), 0);
	ck_assert_uint_eq(shm_ring_bytes(16, 1), 0);
	ck_assert_uint_eq(shm_ring_bytes(8192, 2), 0);
	ck_assert_uint_eq(shm_ring_bytes(16, 8), SHM_RING_HDR_BYTES + 128);
	ck_assert_int_eq(shm_ring_init(&r, h, m->size, 12, 8), -EINVAL);
	ck_assert_int_eq(shm_ring_init(&r, h, m->size, 16, 6), -EINVAL);
	ck_assert_int_eq(shm_ring_init(&r, h, SHM_RING_HDR_BYTES + 127, 16, 8),
			 -EINVAL);
	ck_assert_int_eq(shm_ring_init(&r, (uint8_t *)h + 8, 2048, 16, 8),
			 -EINVAL);
	ck_assert_int_eq(shm_ring_attach(&c, h, m->size), -EPROTO);
	ck_assert_int_eq(shm_ring_init(&r, h, m->size, 16, 8), 0);
	ck_assert_int_eq(shm_ring_attach(&c, h, m->size), 0);
	ck_assert_int_eq(shm_ring_attach(&c, h, SHM_RING_HDR_BYTES + 64),
			 -EPROTO);
	/* One bad field at a time: version, geometry, more entries than
	 * slots, capacity beyond the memory, and the magic last. */
	struct { uint32_t *field, bad; } bad[] = {
		{ &h->version, 1 }, { &h->capacity, 6 }, { &h->entry_size, 12 },
		{ &h->head, 9 }, { &h->capacity, 1 << 20 }, { &h->magic, 0 },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t keep = *bad[i].field;

		*bad[i].field = bad[i].bad;
		ck_assert_int_eq(shm_ring_attach(&c, h, m->size), -EPROTO);
		*bad[i].field = keep;
	}
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_order_full_empty)
{
	struct shm_region *m = ring_mem(16, 8);
	struct shm_ring p, c;
	uint64_t e[2];

	ck_assert_int_eq(shm_ring_init(&p, m->addr, m->size, 16, 8), 0);
	ck_assert_int_eq(shm_ring_attach(&c, m->addr, m->size), 0);
	ck_assert_int_eq(shm_ring_pop(&c, e), -EAGAIN);
	ck_assert_int_eq(shm_ring_peek(&c, e), -EAGAIN);
	ck_assert_int_eq(shm_ring_drop(&c), -EAGAIN);
	for (uint64_t i = 0; i < 8; i++) {
		e[0] = i;
		e[1] = ~i;
		ck_assert_int_eq(shm_ring_push(&p, e), 0);
	}
	ck_assert_int_eq(shm_ring_push(&p, e), -EAGAIN);
	ck_assert_int_eq(shm_ring_count(&c), 8);
	ck_assert_int_eq(shm_ring_peek(&c, e), 0);
	ck_assert_int_eq(shm_ring_peek(&c, e), 0);
	ck_assert_uint_eq(e[0], 0);
	ck_assert_int_eq(shm_ring_drop(&c), 0);
	ck_assert_int_eq(shm_ring_push(&p, e), 0);   /* room again */
	for (uint64_t i = 1; i < 9; i++) {
		ck_assert_int_eq(shm_ring_pop(&c, e), 0);
		ck_assert_uint_eq(e[0], i < 8 ? i : 0);
	}
	ck_assert_int_eq(shm_ring_pop(&c, e), -EAGAIN);
	ck_assert_int_eq(shm_ring_count(&p), 0);
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_index_wrap)
{
	struct shm_region *m = ring_mem(8, 16);
	struct shm_ring init, p, c;
	struct shm_ring_hdr *h = m->addr;
	uint64_t next = 0, got = 0, v;

	ck_assert_int_eq(shm_ring_init(&init, h, m->size, 8, 16), 0);
	/* As after a long uptime: the 32-bit indices are about to wrap. */
	h->head = h->tail = 0xffffff00u;
	ck_assert_int_eq(shm_ring_attach(&p, h, m->size), 0);
	ck_assert_int_eq(shm_ring_attach(&c, h, m->size), 0);
	while (got < 1000) {
		while (shm_ring_push(&p, &next) == 0)
			next++;
		ck_assert_int_eq(shm_ring_count(&c), 16);
		for (int k = 0; k < 11 && shm_ring_pop(&c, &v) == 0; k++)
			ck_assert_uint_eq(v, got++);
	}
	ck_assert_uint_lt(h->head, 0x1000);   /* it did wrap */
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_restart_resumes)
{
	struct shm_region *m = ring_mem(8, 8);
	struct shm_ring p, c1, c2;
	uint64_t v;

	ck_assert_int_eq(shm_ring_init(&p, m->addr, m->size, 8, 8), 0);
	ck_assert_int_eq(shm_ring_attach(&c1, m->addr, m->size), 0);
	for (v = 0; v < 5; v++)
		ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	for (uint64_t i = 0; i < 2; i++) {
		ck_assert_int_eq(shm_ring_pop(&c1, &v), 0);
		ck_assert_uint_eq(v, i);
	}
	ck_assert_int_eq(shm_ring_peek(&c1, &v), 0);
	/* The consumer dies before dropping entry 2; its successor sees it. */
	ck_assert_int_eq(shm_ring_attach(&c2, m->addr, m->size), 0);
	for (uint64_t i = 2; i < 5; i++) {
		ck_assert_int_eq(shm_ring_pop(&c2, &v), 0);
		ck_assert_uint_eq(v, i);
	}
	ck_assert_int_eq(shm_ring_pop(&c2, &v), -EAGAIN);
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_scribbled_header)
{
	struct shm_region *m = ring_mem(8, 8);
	struct shm_ring p, c;
	struct shm_ring_hdr *h = m->addr;
	uint64_t v;

	ck_assert_int_eq(shm_ring_init(&p, h, m->size, 8, 8), 0);
	ck_assert_int_eq(shm_ring_attach(&c, h, m->size), 0);
	/* A peer rewrites the geometry after both attached: the handles
	 * keep what they validated and stay inside the 8 slots. */
	h->capacity = SHM_RING_MAX_CAP;
	h->entry_size = SHM_RING_MAX_ENTRY;
	h->magic = 0;
	for (v = 0; v < 8; v++)
		ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	ck_assert_int_eq(shm_ring_push(&p, &v), -EAGAIN);
	for (uint64_t i = 0; i < 8; i++) {
		ck_assert_int_eq(shm_ring_pop(&c, &v), 0);
		ck_assert_uint_eq(v, i);
	}
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_corrupt_producer_index)
{
	struct shm_region *m = ring_mem(8, 16);
	struct shm_ring c;
	struct shm_ring_hdr *h = m->addr;
	uint64_t v;

	ck_assert_int_eq(shm_ring_init(&c, h, m->size, 8, 16), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct shm_ring p;

		if (shm_ring_attach(&p, h, m->size) < 0)
			_exit(1);
		for (v = 0; v < 6; v++)
			if (shm_ring_push(&p, &v) < 0)
				_exit(2);
		h->head = 16 + 7;    /* then the producer goes mad */
		_exit(0);
	}
	ck_assert_int_eq(reap(pid), 0);
	ck_assert_int_eq(shm_ring_pop(&c, &v), -EPROTO);
	ck_assert_int_eq(shm_ring_peek(&c, &v), -EPROTO);
	ck_assert_int_eq(shm_ring_count(&c), -EPROTO);
	ck_assert_int_eq(shm_ring_wait_data(&c, LONG_NS), -EPROTO);
	ck_assert_int_eq(shm_ring_arm(&c, SHM_RING_DATA), -EPROTO);
	ck_assert_uint_eq(c.tail, 0);        /* nothing was consumed */
	h->head = 6;                         /* sane again */
	for (uint64_t i = 0; i < 6; i++) {
		ck_assert_int_eq(shm_ring_pop(&c, &v), 0);
		ck_assert_uint_eq(v, i);
	}
	h->head = 3;                         /* now it runs backwards */
	ck_assert_int_eq(shm_ring_pop(&c, &v), -EPROTO);
	ck_assert_int_eq(shm_ring_wait_data(&c, 0), -EPROTO);
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_corrupt_consumer_index)
{
	struct shm_region *m = ring_mem(8, 8);
	struct shm_ring p;
	struct shm_ring_hdr *h = m->addr;
	uint64_t v = 0;

	ck_assert_int_eq(shm_ring_init(&p, h, m->size, 8, 8), 0);
	while (shm_ring_push(&p, &v) == 0)
		v++;
	h->tail = 8 + 3;              /* past the producer's own index */
	ck_assert_int_eq(shm_ring_push(&p, &v), -EPROTO);
	ck_assert_int_eq(shm_ring_wait_space(&p, LONG_NS), -EPROTO);
	h->tail = (uint32_t)-5;       /* backwards */
	ck_assert_int_eq(shm_ring_push(&p, &v), -EPROTO);
	h->tail = 2;                  /* a real consumer took two */
	ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	ck_assert_int_eq(shm_ring_push(&p, &v), -EAGAIN);
	shm_region_destroy(&m);
}
END_TEST

/* A self-checking entry: its fields are derived from its sequence number
 * so that the consumer can check each one without a shared table. */
struct rec {
	uint64_t seq, a, b, sum;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void rec_make(struct rec *e, uint64_t i)
{
	e->seq = i;
	e->a = mix(i);
	e->b = mix(e->a ^ i);
	e->sum = e->seq ^ e->a ^ (e->b << 17 | e->b >> 47) ^ 0x5bd1e995;
}

static int rec_ok(const struct rec *e, uint64_t i)
{
	struct rec want;

	rec_make(&want, i);
	return memcmp(e, &want, sizeof(want)) == 0;
}

#define STREAM_N 2000000u
#define BURST_N  150000u

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Child: push @n self-checking entries. @bursty: in bursts of 1..200 with
 * pauses of up to 1.5 ms between some of them, so that the consumer keeps
 * falling asleep and every wake-up counts. @efd: the consumer's eventfd.
 */
static int producer(struct shm_region *m, uint64_t n, int bursty, int efd)
{
	uint64_t s = 0x9e3779b97f4a7c15ull, i = 0;
	struct shm_ring p;
	struct rec e;

	if (shm_ring_attach(&p, m->addr, m->size) < 0)
		return 1;
	shm_ring_set_wake_fd(&p, SHM_RING_DATA, efd);
	shm_ring_set_spin(&p, bursty ? 0 : 1000);
	while (i < n) {
		uint64_t burst = bursty ? 1 + xorshift(&s) % 200 : n;
		uint64_t r = xorshift(&s);

		for (; burst && i < n; burst--, i++) {
			rec_make(&e, i);
			while (shm_ring_push(&p, &e) == -EAGAIN)
				if (shm_ring_wait_space(&p, LONG_NS) < 0)
					return 2;
		}
		if (bursty && r % 4 == 0)
			usleep((useconds_t)(r >> 8) % 1500);
		else if (bursty && r % 4 == 1)
			sched_yield();
	}
	return 0;
}

/* Parent: consume @n entries from a @producer child, checking each one;
 * a lost wake-up fails the wait after 10 s. Returns the ring's stats. */
static struct shm_ring_stats consume(uint64_t n, int bursty, uint32_t spin)
{
	struct shm_region *m = ring_mem(sizeof(struct rec), bursty ? 64 : 256);
	struct shm_ring_stats st;
	struct shm_ring c;
	struct rec e;
	uint64_t bad = 0;

	ck_assert_int_eq(shm_ring_init(&c, m->addr, m->size, sizeof(e),
				       bursty ? 64 : 256), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(producer(m, n, bursty, -1));
	shm_ring_set_spin(&c, spin);
	for (uint64_t i = 0; i < n; i++) {
		while (shm_ring_pop(&c, &e) == -EAGAIN)
			ck_assert_int_eq(shm_ring_wait_data(&c, LONG_NS), 0);
		bad += !rec_ok(&e, i);
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_int_eq(shm_ring_pop(&c, &e), -EAGAIN);
	ck_assert_int_eq(reap(pid), 0);
	shm_ring_stats(&c, &st);
	shm_region_destroy(&m);
	return st;
}

/* Millions of entries through 256 slots: the indices wrap thousands of
 * times, and each entry is checked. */
START_TEST(ring_stream_millions)
{
	consume(STREAM_N, 0, 1000);
}
END_TEST

START_TEST(ring_bursts_no_lost_wake)
{
	static const uint32_t spins[] = { 0, 300 };   /* sleep at once, adapt */

	for (unsigned k = 0; k < 2; k++) {
		struct shm_ring_stats st = consume(BURST_N, 1, spins[k]);

		ck_assert_uint_gt(st.data_sleeps, 0);
		ck_assert_uint_gt(st.data_wakes, 0);
		ck_assert_uint_eq(st.missed, 0);
	}
}
END_TEST

#define AWAKE_N 300000u

START_TEST(ring_no_syscall_when_awake)
{
	struct shm_region *m = ring_mem(8, 1024);
	struct shm_ring p;
	struct shm_ring_stats st;
	uint64_t v;

	ck_assert_int_eq(shm_ring_init(&p, m->addr, m->size, 8, 1024), 0);
	/* Both sides busy: a consumer that polls and never waits. */
	pid_t pid = fork();
	if (pid == 0) {
		struct shm_ring c;

		if (shm_ring_attach(&c, m->addr, m->size) < 0)
			_exit(1);
		for (uint64_t i = 0; i < AWAKE_N; i++) {
			while (shm_ring_pop(&c, &v) == -EAGAIN)
				sched_yield();
			if (v != i)
				_exit(2);
		}
		_exit(0);
	}
	for (v = 0; v < AWAKE_N; v++)
		while (shm_ring_push(&p, &v) == -EAGAIN)
			sched_yield();
	ck_assert_int_eq(reap(pid), 0);
	shm_ring_stats(&p, &st);
	ck_assert_uint_eq(st.data_wakes, 0);
	ck_assert_uint_eq(st.data_sleeps, 0);
	ck_assert_uint_eq(st.space_wakes, 0);
	ck_assert_uint_eq(st.space_sleeps, 0);
	shm_region_destroy(&m);
}
END_TEST

/* Child: sleep until data comes, then (awake, not waiting) hold on until
 * told to go, and check all that was pushed meanwhile. */
static int sleeper(struct shm_region *m, int go)
{
	struct shm_ring c;
	uint64_t v;
	char ch;

	if (shm_ring_attach(&c, m->addr, m->size) < 0)
		return 1;
	if (shm_ring_wait_data(&c, LONG_NS) < 0)
		return 2;
	if (read(go, &ch, 1) != 1)
		return 3;
	for (uint64_t i = 0; i < 101; i++)
		if (shm_ring_pop(&c, &v) < 0 || v != i)
			return 4;
	return 0;
}

START_TEST(ring_one_wake_per_sleep)
{
	struct shm_region *m = ring_mem(8, 1024);
	struct shm_ring p;
	struct shm_ring_stats st;
	int go[2];

	ck_assert_int_eq(shm_ring_init(&p, m->addr, m->size, 8, 1024), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(sleeper(m, go[0]));
	/* sleeps counts a waiter committed to FUTEX_WAIT: nothing but a
	 * wake-up (or 10 s) gets it out now. */
	for (int t = 0; t < 100000 &&
	     !__atomic_load_n(&p.h->data.sleeps, __ATOMIC_ACQUIRE); t++)
		usleep(100);
	ck_assert_uint_eq(p.h->data.waiter, SHM_BELL_FUTEX);
	/* The first push claims the wake-up; the other 100 find the
	 * consumer marked awake and make no system call. */
	for (uint64_t v = 0; v < 101; v++)
		ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	shm_ring_stats(&p, &st);
	ck_assert_uint_eq(st.data_wakes, 1);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert_int_eq(reap(pid), 0);
	close(go[0]);
	close(go[1]);
	shm_region_destroy(&m);
}
END_TEST

/* Child: the consumer of a devmgr-style epoll loop on an eventfd. */
static int epoll_consumer(struct shm_region *m, int efd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct shm_ring c;
	struct rec e;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0 ||
	    shm_ring_attach(&c, m->addr, m->size) < 0)
		return 1;
	for (uint64_t i = 0; i < BURST_N;) {
		int rc = shm_ring_pop(&c, &e);

		if (rc == 0) {
			if (!rec_ok(&e, i++))
				return 2;
			continue;
		}
		if (rc != -EAGAIN)
			return 3;
		rc = shm_ring_arm(&c, SHM_RING_DATA);
		if (rc < 0)
			return 4;
		if (rc == 1)
			continue;
		if (epoll_wait(ep, &ev, 1, 10000) != 1)
			return 5;     /* lost wake-up */
		shm_eventfd_drain(efd);
		shm_ring_disarm(&c, SHM_RING_DATA);
	}
	return 0;
}

START_TEST(ring_eventfd_epoll)
{
	struct shm_region *m = ring_mem(sizeof(struct rec), 64);
	struct shm_ring init;
	struct shm_ring_stats st;
	int efd = shm_eventfd_new();

	ck_assert_int_ge(efd, 0);
	ck_assert_int_eq(shm_ring_init(&init, m->addr, m->size,
				       sizeof(struct rec), 64), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(epoll_consumer(m, efd));
	ck_assert_int_eq(producer(m, BURST_N, 1, efd), 0);
	ck_assert_int_eq(reap(pid), 0);
	shm_ring_stats(&init, &st);
	ck_assert_uint_gt(st.data_sleeps, 0);
	ck_assert_uint_gt(st.data_wakes, 0);
	ck_assert_uint_eq(st.missed, 0);
	close(efd);
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_eventfd_modes)
{
	struct shm_region *m = ring_mem(8, 8);
	struct shm_ring p, c;
	struct shm_ring_stats st;
	int efd = shm_eventfd_new();
	uint64_t v = 1;

	ck_assert_int_ge(efd, 0);
	ck_assert_int_eq(shm_eventfd_drain(efd), 0);
	ck_assert_int_eq(shm_ring_init(&p, m->addr, m->size, 8, 8), 0);
	ck_assert_int_eq(shm_ring_attach(&c, m->addr, m->size), 0);
	/* Armed, and the producer was given the eventfd: one write. */
	shm_ring_set_wake_fd(&p, SHM_RING_DATA, efd);
	ck_assert_int_eq(shm_ring_arm(&c, SHM_RING_DATA), 0);
	ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	ck_assert_int_eq(shm_eventfd_drain(efd), 1);
	ck_assert_int_eq(shm_ring_arm(&c, SHM_RING_DATA), 1);  /* has data */
	ck_assert_int_eq(shm_ring_pop(&c, &v), 0);
	ck_assert_int_eq(shm_ring_pop(&c, &v), 0);
	/* Disarmed: no call at all. */
	ck_assert_int_eq(shm_ring_arm(&c, SHM_RING_DATA), 0);
	shm_ring_disarm(&c, SHM_RING_DATA);
	ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	ck_assert_int_eq(shm_eventfd_drain(efd), 0);
	ck_assert_int_eq(shm_ring_pop(&c, &v), 0);
	/* Armed, but the producer has no eventfd: counted as missed. */
	shm_ring_set_wake_fd(&p, SHM_RING_DATA, -1);
	ck_assert_int_eq(shm_ring_arm(&c, SHM_RING_DATA), 0);
	ck_assert_int_eq(shm_ring_push(&p, &v), 0);
	shm_ring_stats(&p, &st);
	ck_assert_uint_eq(st.data_wakes, 2);
	ck_assert_uint_eq(st.missed, 1);
	ck_assert_uint_eq(p.h->data.waiter, SHM_BELL_AWAKE);
	close(efd);
	shm_region_destroy(&m);
}
END_TEST

START_TEST(ring_wait_timeout_and_spin)
{
	struct shm_region *m = ring_mem(8, 8);
	struct shm_ring r;
	struct shm_ring_stats st;
	uint64_t v = 5;

	ck_assert_int_eq(shm_ring_init(&r, m->addr, m->size, 8, 8), 0);
	shm_ring_set_spin(&r, 4096);
	ck_assert_uint_eq(r.spin, 4096);
	ck_assert_int_eq(shm_ring_wait_data(&r, 2000000), -ETIMEDOUT);
	/* The spin failed: the budget shrinks, but a mere poll (timeout 0)
	 * teaches nothing. */
	ck_assert_uint_eq(r.spin, 4096 - 4096 / 8);
	ck_assert_int_eq(shm_ring_wait_data(&r, 0), -ETIMEDOUT);
	ck_assert_uint_eq(r.spin, 4096 - 4096 / 8);
	shm_ring_stats(&r, &st);
	ck_assert_uint_eq(st.data_sleeps, 1);
	ck_assert_int_eq(shm_ring_wait_space(&r, 0), 0);
	ck_assert_int_eq(shm_ring_push(&r, &v), 0);
	ck_assert_int_eq(shm_ring_wait_data(&r, LONG_NS), 0);
	shm_region_destroy(&m);
}
END_TEST

/* ---- bells and futexes ------------------------------------------------ */

struct bell_page {
	struct shm_bell bell;
	uint32_t flag;
};

static int flag_set(void *arg)
{
	return __atomic_load_n((uint32_t *)arg, __ATOMIC_ACQUIRE) != 0;
}

START_TEST(bell_single_claim)
{
	struct shm_region *m = ring_mem(8, 8);
	struct bell_page *bp = m->addr;
	pid_t notifier[2];
	int claims = 0;

	pid_t waiter = fork();
	if (waiter == 0) {
		while (!flag_set(&bp->flag))
			if (shm_bell_wait(&bp->bell, flag_set, &bp->flag,
					  LONG_NS) == -ETIMEDOUT)
				_exit(1);
		_exit(0);
	}
	for (int t = 0; t < 100000 &&
	     !__atomic_load_n(&bp->bell.sleeps, __ATOMIC_ACQUIRE); t++)
		usleep(100);
	ck_assert_uint_eq(bp->bell.waiter, SHM_BELL_FUTEX);
	__atomic_store_n(&bp->flag, 1, __ATOMIC_RELEASE);
	/* Two notifiers race (devices raising lines at once): one call. */
	for (int i = 0; i < 2; i++) {
		notifier[i] = fork();
		if (notifier[i] == 0)
			_exit(shm_bell_notify(&bp->bell, -1));
	}
	for (int i = 0; i < 2; i++)
		claims += reap(notifier[i]);
	ck_assert_int_eq(claims, 1);
	ck_assert_int_eq(reap(waiter), 0);
	ck_assert_uint_eq(bp->bell.wakes, 1);
	ck_assert_uint_eq(bp->bell.sleeps, 1);
	shm_region_destroy(&m);
}
END_TEST

START_TEST(bell_bad_input)
{
	struct shm_bell b;
	uint32_t flag = 0;

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(shm_bell_wait(&b, NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(shm_bell_arm(&b, NULL, NULL), -EINVAL);
	ck_assert_int_eq(shm_bell_notify(&b, -1), 0);
	b.waiter = 77;      /* scribbled by a peer: a harmless futex wake */
	ck_assert_int_eq(shm_bell_notify(&b, -1), 1);
	ck_assert_uint_eq(b.waiter, SHM_BELL_AWAKE);
	ck_assert_int_eq(shm_bell_wait(&b, flag_set, &flag, 1000), -ETIMEDOUT);
	flag = 1;
	ck_assert_int_eq(shm_bell_wait(&b, flag_set, &flag, LONG_NS), 0);
	ck_assert_int_eq(shm_bell_arm(&b, flag_set, &flag), 1);
	ck_assert_uint_eq(b.waiter, SHM_BELL_AWAKE);
}
END_TEST

START_TEST(futex_timeout_and_wake)
{
	struct shm_region *m = ring_mem(8, 8);
	uint32_t *w = m->addr;

	ck_assert_int_eq(shm_futex_wait(w, 0, 1000000), -ETIMEDOUT);
	ck_assert_int_eq(shm_futex_wait(w, 1, -1), 0);  /* value differs */
	ck_assert_int_eq(shm_futex_wake(w, 1), 0);      /* nobody there */
	pid_t pid = fork();
	if (pid == 0) {
		while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 0)
			if (shm_futex_wait(w, 0, LONG_NS) == -ETIMEDOUT)
				_exit(1);
		_exit(*w == 7 ? 0 : 2);
	}
	usleep(10000);
	__atomic_store_n(w, 7, __ATOMIC_RELEASE);
	ck_assert_int_ge(shm_futex_wake(w, 1), 0);
	ck_assert_int_eq(reap(pid), 0);
	shm_region_destroy(&m);
}
END_TEST

static TCase *tcase(const char *name)
{
	TCase *t = tcase_create(name);

	tcase_set_timeout(t, 240);
	return t;
}

static Suite *shm_suite(void)
{
	Suite *s = suite_create("shm");
	TCase *region = tcase("region"), *fdpass = tcase("fdpass");
	TCase *ring = tcase("ring"), *bell = tcase("bell");

	tcase_add_test(region, region_create_seal);
	tcase_add_test(region, region_shared_across_fork);
	tcase_add_test(region, region_huge_is_lazy);
	tcase_add_test(region, region_bad_args);
	tcase_add_test(region, region_adopt_checks);
	tcase_add_test(fdpass, fdpass_regions_both_ways);
	tcase_add_test(fdpass, fdpass_rejects_garbage);
	tcase_add_test(fdpass, fdpass_fdset_and_creds);
	tcase_add_test(fdpass, fdpass_listen_peer_cred);
	tcase_add_test(ring, ring_geometry);
	tcase_add_test(ring, ring_order_full_empty);
	tcase_add_test(ring, ring_index_wrap);
	tcase_add_test(ring, ring_restart_resumes);
	tcase_add_test(ring, ring_scribbled_header);
	tcase_add_test(ring, ring_corrupt_producer_index);
	tcase_add_test(ring, ring_corrupt_consumer_index);
	tcase_add_test(ring, ring_stream_millions);
	tcase_add_test(ring, ring_bursts_no_lost_wake);
	tcase_add_test(ring, ring_no_syscall_when_awake);
	tcase_add_test(ring, ring_one_wake_per_sleep);
	tcase_add_test(ring, ring_eventfd_epoll);
	tcase_add_test(ring, ring_eventfd_modes);
	tcase_add_test(ring, ring_wait_timeout_and_spin);
	tcase_add_test(bell, bell_single_claim);
	tcase_add_test(bell, bell_bad_input);
	tcase_add_test(bell, futex_timeout_and_wake);
	suite_add_tcase(s, region);
	suite_add_tcase(s, fdpass);
	suite_add_tcase(s, ring);
	suite_add_tcase(s, bell);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(shm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
