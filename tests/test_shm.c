/* SPDX-License-Identifier: MIT */
/*
 * shm/ suite: memfd regions, fd passing and the SPSC ring, exercised
 * across real fork()ed processes.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm/fdpass.h"
#include "shm/futex.h"
#include "shm/region.h"
#include "shm/ring.h"

/* Wait for @pid and return its exit status (or 128 + signal). */
static int reap(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(region_create_seal_map)
{
	struct shm_region *r = shm_region_create("ram", 1 << 20);

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "ram");
	ck_assert_uint_eq(r->size, 1 << 20);
	ck_assert_int_eq(ftruncate(r->fd, 2 << 20), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ftruncate(r->fd, 4096), -1);
	ck_assert_int_eq(shm_region_map(r), 0);
	memset(r->addr, 0xab, r->size);

	pid_t pid = fork();
	if (pid == 0) {
		uint8_t *p = r->addr;
		int ok = p[12345] == 0xab;
		p[777] = 0x5a;
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(reap(pid), 0);
	ck_assert_uint_eq(((uint8_t *)r->addr)[777], 0x5a);
	shm_region_destroy(&r);
	ck_assert_ptr_null(r);
	shm_region_destroy(&r);
}
END_TEST

START_TEST(region_bad_args)
{
	ck_assert_ptr_null(shm_region_create("", 4096));
	ck_assert_ptr_null(shm_region_create("a/b", 4096));
	ck_assert_ptr_null(shm_region_create("ram", 0));
	ck_assert_int_eq(shm_region_valid_name("vcpu-state.0"), 1);
	/* A plain pipe fd is no memfd region. */
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_ptr_null(shm_region_adopt(p[0], "x", 4096));
	close(p[1]);
}
END_TEST

START_TEST(region_huge_is_lazy)
{
	struct shm_region *r = shm_region_create("big", 16ull << 30);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(shm_region_map(r), 0);
	((volatile uint8_t *)r->addr)[(16ull << 30) - 1] = 1;
	shm_region_destroy(&r);
}
END_TEST

/* Child: receive regions, write a marker into each, report by exit code. */
static int child_recv_regions(int sock)
{
	struct shm_region *got[4];
	int n = shm_regions_recv(sock, got, 4);

	if (n != 2 || strcmp(got[0]->name, "a") || got[1]->size != 8192)
		return 1;
	for (int i = 0; i < n; i++) {
		if (shm_region_map(got[i]) < 0)
			return 2;
		((uint8_t *)got[i]->addr)[100] = (uint8_t)(0x10 + i);
		shm_region_destroy(&got[i]);
	}
	return 0;
}

START_TEST(fdpass_regions_to_child)
{
	int sv[2];
	struct shm_region *a = shm_region_create("a", 4096);
	struct shm_region *b = shm_region_create("b", 8192);
	struct shm_region *both[2] = { a, b };

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(child_recv_regions(sv[1]));
	}
	close(sv[1]);
	ck_assert_int_eq(shm_regions_send(sv[0], both, 2, 7), 0);
	ck_assert_int_eq(reap(pid), 0);
	ck_assert_int_eq(shm_region_map(a), 0);
	ck_assert_int_eq(shm_region_map(b), 0);
	ck_assert_uint_eq(((uint8_t *)a->addr)[100], 0x10);
	ck_assert_uint_eq(((uint8_t *)b->addr)[100], 0x11);

	/* A socketpair's credentials are those of its creator, us. */
	pid_t peer;
	uid_t uid;
	ck_assert_int_eq(shm_peer_cred(sv[0], &peer, &uid, NULL), 0);
	ck_assert_int_eq(peer, getpid());
	ck_assert_int_eq(uid, getuid());
	close(sv[0]);
	shm_region_destroy(&a);
	shm_region_destroy(&b);
}
END_TEST

/* Count the fds open in this process. */
static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

START_TEST(fdpass_rejects_garbage)
{
	int sv[2], fds[4];
	struct shm_fd_desc d[4];
	struct shm_region *out[4];
	char junk[64], payload[16];
	size_t len;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	int before = open_fds();

	/* Random bytes, no fds. */
	memset(junk, 0x41, sizeof(junk));
	ck_assert_int_eq(send(sv[0], junk, sizeof(junk), 0), sizeof(junk));
	len = sizeof(payload);
	ck_assert_int_eq(shm_fds_recv(sv[1], fds, d, 4, payload, &len), -EPROTO);

	/* A truncated header. */
	ck_assert_int_eq(send(sv[0], junk, 3, 0), 3);
	len = sizeof(payload);
	ck_assert_int_eq(shm_fds_recv(sv[1], fds, d, 4, payload, &len), -EPROTO);

	/* A valid message carrying more fds than the receiver accepts. */
	struct shm_region *a = shm_region_create("a", 4096);
	struct shm_region *two[2] = { a, a };
	ck_assert_int_eq(shm_regions_send(sv[0], two, 2, 0), 0);
	ck_assert_int_eq(shm_regions_recv(sv[1], out, 1), -EMSGSIZE);

	/* A region whose announced size is a lie. */
	memset(d, 0, sizeof(d));
	strcpy(d[0].name, "liar");
	d[0].size = 8192;
	ck_assert_int_eq(shm_fds_send(sv[0], &a->fd, d, 1, NULL, 0), 0);
	ck_assert_int_eq(shm_regions_recv(sv[1], out, 4), -EINVAL);

	/* An unsealed memfd. */
	int raw = memfd_create("raw", MFD_CLOEXEC);
	ck_assert_int_eq(ftruncate(raw, 4096), 0);
	d[0].size = 4096;
	ck_assert_int_eq(shm_fds_send(sv[0], &raw, d, 1, NULL, 0), 0);
	ck_assert_int_eq(shm_regions_recv(sv[1], out, 4), -EPERM);
	close(raw);

	/* An unterminated name. */
	memset(d[0].name, 'x', SHM_NAME_MAX);
	ck_assert_int_eq(shm_fds_send(sv[0], &a->fd, d, 1, NULL, 0), 0);
	len = sizeof(payload);
	ck_assert_int_eq(shm_fds_recv(sv[1], fds, d, 4, payload, &len), -EPROTO);

	shm_region_destroy(&a);
	ck_assert_int_eq(open_fds(), before);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(fdpass_payload_roundtrip)
{
	int sv[2], fds[2];
	struct shm_fd_desc d[2];
	char buf[64];
	size_t len = sizeof(buf);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(shm_fds_send(sv[0], NULL, NULL, 0, "hello", 5), 0);
	ck_assert_int_eq(shm_fds_recv(sv[1], fds, d, 2, buf, &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(buf, "hello", 5);
	close(sv[0]);
	len = sizeof(buf);
	ck_assert_int_eq(shm_fds_recv(sv[1], fds, d, 2, buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	close(sv[1]);
}
END_TEST

static void *shared_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	return p;
}

START_TEST(ring_basic_order)
{
	size_t bytes = shm_ring_bytes(16, 8);
	void *mem = shared_map(bytes);
	struct shm_ring r, c;
	uint64_t e[2];

	ck_assert_int_eq(shm_ring_init(&r, mem, bytes, 16), 8);
	ck_assert_int_eq(shm_ring_attach(&c, mem, bytes), 0);
	ck_assert_int_eq(shm_ring_pop(&c, e), -EAGAIN);
	for (uint64_t i = 0; i < 8; i++) {
		e[0] = i;
		e[1] = ~i;
		ck_assert_int_eq(shm_ring_push(&r, e), 0);
	}
	ck_assert_int_eq(shm_ring_push(&r, e), -EAGAIN);
	ck_assert_int_eq(shm_ring_count(&c), 8);
	for (uint64_t i = 0; i < 8; i++) {
		ck_assert_int_eq(shm_ring_pop(&c, e), 0);
		ck_assert_uint_eq(e[0], i);
		ck_assert_uint_eq(e[1], ~i);
	}
	ck_assert_int_eq(shm_ring_init(&r, mem, bytes, 12), -EINVAL);
	munmap(mem, bytes);
}
END_TEST

START_TEST(ring_rejects_corruption)
{
	size_t bytes = shm_ring_bytes(8, 4);
	void *mem = shared_map(bytes);
	struct shm_ring r, c;
	uint64_t v = 1;

	ck_assert_int_eq(shm_ring_init(&r, mem, bytes, 8), 4);
	r.h->head = 1000;    /* a producer gone mad */
	ck_assert_int_eq(shm_ring_pop(&r, &v), -EPROTO);
	ck_assert_int_eq(shm_ring_wait_data(&r, 0, 1000000), -EPROTO);
	r.h->head = 0;
	r.h->capacity = 3;
	ck_assert_int_eq(shm_ring_attach(&c, mem, bytes), -EPROTO);
	r.h->capacity = 1u << 20;   /* claims more than the memory holds */
	ck_assert_int_eq(shm_ring_attach(&c, mem, bytes), -EPROTO);
	r.h->magic = 0;
	ck_assert_int_eq(shm_ring_attach(&c, mem, bytes), -EPROTO);
	munmap(mem, bytes);
}
END_TEST

#define STREAM_N 500000u

/* Child producer: STREAM_N entries in bursts with pauses, so that the
 * consumer falls asleep often and every wake-up matters. */
static int produce(void *mem, size_t bytes)
{
	struct shm_ring r;
	uint64_t e[2];

	if (shm_ring_attach(&r, mem, bytes) < 0)
		return 1;
	for (uint64_t i = 0; i < STREAM_N; i++) {
		e[0] = i;
		e[1] = i * 0x9e3779b97f4a7c15ull;
		while (shm_ring_push(&r, e) == -EAGAIN)
			if (shm_ring_wait_space(&r, 64, -1) < 0)
				return 2;
		if (i % 25000 == 0)
			usleep(2000);
	}
	return 0;
}

START_TEST(ring_cross_process_stream)
{
	size_t bytes = shm_ring_bytes(16, 256);
	void *mem = shared_map(bytes);
	struct shm_ring c;
	uint64_t e[2], sum = 0, want = 0;

	ck_assert_int_eq(shm_ring_init(&c, mem, bytes, 16), 256);
	pid_t pid = fork();
	if (pid == 0)
		_exit(produce(mem, bytes));
	for (uint64_t i = 0; i < STREAM_N; i++) {
		while (shm_ring_pop(&c, e) == -EAGAIN)
			ck_assert_int_eq(shm_ring_wait_data(&c, 64, -1), 0);
		ck_assert_uint_eq(e[0], i);
		sum += e[1];
		want += i * 0x9e3779b97f4a7c15ull;
	}
	ck_assert_uint_eq(sum, want);
	ck_assert_int_eq(reap(pid), 0);
	/* The consumer slept at least during the producer's pauses. */
	ck_assert_uint_gt(c.h->wakes, 0);
	munmap(mem, bytes);
}
END_TEST

START_TEST(ring_no_syscall_when_awake)
{
	size_t bytes = shm_ring_bytes(8, 1024);
	void *mem = shared_map(bytes);
	struct shm_ring r;
	uint64_t v;

	ck_assert_int_eq(shm_ring_init(&r, mem, bytes, 8), 1024);
	for (v = 0; v < 1000; v++)
		ck_assert_int_eq(shm_ring_push(&r, &v), 0);
	for (v = 0; v < 1000; v++)
		ck_assert_int_eq(shm_ring_pop(&r, &v), 0);
	ck_assert_uint_eq(r.h->wakes, 0);

	/* Now a consumer that really sleeps: one push must wake it. */
	pid_t pid = fork();
	if (pid == 0) {
		struct shm_ring c;
		if (shm_ring_attach(&c, mem, bytes) < 0 ||
		    shm_ring_wait_data(&c, 0, 5000000000ll) < 0 ||
		    shm_ring_pop(&c, &v) < 0)
			_exit(1);
		_exit(v == 42 ? 0 : 2);
	}
	while (!__atomic_load_n(&r.h->data.sleeping, __ATOMIC_ACQUIRE))
		usleep(100);
	v = 42;
	ck_assert_int_eq(shm_ring_push(&r, &v), 0);
	ck_assert_int_eq(reap(pid), 0);
	ck_assert_uint_eq(r.h->wakes, 1);
	munmap(mem, bytes);
}
END_TEST

START_TEST(futex_timeout_and_wake)
{
	uint32_t *w = shared_map(4096);

	ck_assert_int_eq(shm_futex_wait(w, 0, 1000000), -ETIMEDOUT);
	ck_assert_int_eq(shm_futex_wait(w, 1, -1), 0);  /* value differs */
	pid_t pid = fork();
	if (pid == 0) {
		while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 0)
			shm_futex_wait(w, 0, -1);
		_exit(*w == 7 ? 0 : 1);
	}
	usleep(10000);
	__atomic_store_n(w, 7, __ATOMIC_RELEASE);
	shm_futex_wake(w, 1);
	ck_assert_int_eq(reap(pid), 0);
	munmap(w, 4096);
}
END_TEST

static Suite *shm_suite(void)
{
	Suite *s = suite_create("shm");
	TCase *t = tcase_create("core");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, region_create_seal_map);
	tcase_add_test(t, region_bad_args);
	tcase_add_test(t, region_huge_is_lazy);
	tcase_add_test(t, fdpass_regions_to_child);
	tcase_add_test(t, fdpass_rejects_garbage);
	tcase_add_test(t, fdpass_payload_roundtrip);
	tcase_add_test(t, ring_basic_order);
	tcase_add_test(t, ring_rejects_corruption);
	tcase_add_test(t, ring_cross_process_stream);
	tcase_add_test(t, ring_no_syscall_when_awake);
	tcase_add_test(t, futex_timeout_and_wake);
	suite_add_tcase(s, t);
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
