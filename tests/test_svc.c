/* SPDX-License-Identifier: MIT */
/*
 * services/lib suite: runtime directory rules and the instance lock
 * (across a fork), the epoll loop (timers, fds, ZeroMQ-style handlers,
 * stop from a thread, SIGTERM through the signalfd), the control plane
 * (real REP/REQ over ipc://, garbage requests survived), sd_notify
 * against a datagram socket standing in for the manager (READY, STATUS,
 * WATCHDOG, FDSTORE with a passed fd), flag parsing, and the tessera CLI
 * run as a real process (usage errors, exit codes, `events --json`
 * against a publisher through an in-process proxy).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "broker/proxy.h"
#include "broker/pub.h"
#include "services/lib/ctl.h"
#include "services/lib/flags.h"
#include "services/lib/log.h"
#include "services/lib/loop.h"
#include "services/lib/notify.h"
#include "services/lib/runtime.h"

static char tmp[64];

static void make_tmp(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test-svc-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void rm_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (int)(st.st_mode & 07777);
}

START_TEST(runtime_dir_rules)
{
	char buf[320], want[200], xdg[96];

	make_tmp();
	unsetenv("RUNTIME_DIRECTORY");
	snprintf(xdg, sizeof(xdg), "%s/xdg", tmp);
	ck_assert_int_eq(mkdir(xdg, 0755), 0);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	ck_assert_int_eq(svc_runtime_dir("vm1", NULL, 1, buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%s/tessera/vm1", xdg);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(mode_of(buf), 0700);
	snprintf(want, sizeof(want), "%s/tessera", xdg);
	ck_assert_int_eq(mode_of(want), 0700);
	/* systemd's RuntimeDirectory= wins, first of a ':' list. */
	snprintf(want, sizeof(want), "%s/sd", tmp);
	snprintf(buf, sizeof(buf), "%s:/nonexistent", want);
	setenv("RUNTIME_DIRECTORY", buf, 1);
	ck_assert_int_eq(svc_runtime_dir("vm1", NULL, 1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	/* The flag wins over both. */
	snprintf(want, sizeof(want), "%s/flag", tmp);
	ck_assert_int_eq(svc_runtime_dir("vm1", want, 1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(mode_of(want), 0700);
	unsetenv("RUNTIME_DIRECTORY");
	unsetenv("XDG_RUNTIME_DIR");
	rm_tree(tmp);
}
END_TEST

START_TEST(runtime_names_and_endpoints)
{
	char buf[256], longdir[200];

	ck_assert_int_eq(svc_vm_name_valid("vm-1.test_2"), 1);
	ck_assert_int_eq(svc_vm_name_valid(""), 0);
	ck_assert_int_eq(svc_vm_name_valid(".hidden"), 0);
	ck_assert_int_eq(svc_vm_name_valid("a/b"), 0);
	ck_assert_int_eq(svc_vm_name_valid(NULL), 0);
	ck_assert_int_eq(svc_runtime_dir("../x", NULL, 0, buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(svc_endpoint("/run/tessera/vm", SVC_EP_EVENTS_IN, buf,
				      sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ipc:///run/tessera/vm/events-in");
	ck_assert_int_eq(svc_ctl_endpoint("/d", "broker", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ipc:///d/broker.ctl");
	/* A socket path must fit sun_path (108 bytes with the NUL). */
	memset(longdir, 'a', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	ck_assert_int_eq(svc_endpoint(longdir, "events-in", buf, sizeof(buf)),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(lock_is_exclusive)
{
	pid_t holder = 0, child;
	int fd, st;

	make_tmp();
	fd = svc_lock(tmp, "broker.lock", &holder);
	ck_assert_int_ge(fd, 0);
	/* A second open file description conflicts, even in this process. */
	ck_assert_int_eq(svc_lock(tmp, "broker.lock", &holder), -EBUSY);
	ck_assert_int_eq(holder, getpid());
	child = fork();
	if (child == 0) {
		pid_t h = 0;

		_exit(svc_lock(tmp, "broker.lock", &h) == -EBUSY &&
		      h == getppid() ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd);
	fd = svc_lock(tmp, "broker.lock", NULL);
	ck_assert_int_ge(fd, 0);
	close(fd);
	rm_tree(tmp);
}
END_TEST

struct ticks {
	int timer, fd, zmq, zmq_more;
	int pipe_r;
};

static int on_timer(struct svc_loop *l, void *user)
{
	struct ticks *t = user;

	if (++t->timer == 3)
		svc_loop_stop(l);
	return 0;
}

static int on_pipe(struct svc_loop *l, int fd, uint32_t ev, void *user)
{
	struct ticks *t = user;
	char c;

	ck_assert_int_eq(read(fd, &c, 1), 1);
	t->fd++;
	/* Removing oneself from inside a handler is allowed. */
	ck_assert_int_eq(svc_loop_del_fd(l, fd), 0);
	return 0;
}

/* A ZeroMQ-style handler: reports more work twice, then none. */
static int on_zmq(struct svc_loop *l, int fd, uint32_t ev, void *user)
{
	struct ticks *t = user;

	t->zmq++;
	if (t->zmq_more > 0) {
		t->zmq_more--;
		return 1;
	}
	return 0;
}

START_TEST(loop_timers_fds_zmq)
{
	struct svc_loop *l = svc_loop_new();
	struct ticks t = { .zmq_more = 2 };
	int p[2], q[2];

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pipe(q), 0);
	ck_assert_int_ge(svc_loop_add_timer(l, 20, on_timer, &t), 0);
	ck_assert_int_eq(svc_loop_add_fd(l, p[0], EPOLLIN, on_pipe, &t), 0);
	ck_assert_int_eq(svc_loop_add_fd(l, p[0], EPOLLIN, on_pipe, &t),
			 -EINVAL);
	ck_assert_int_eq(svc_loop_add_zmq(l, q[0], on_zmq, &t), 0);
	ck_assert_int_eq(write(p[1], "xy", 2), 2);
	ck_assert_int_eq(svc_loop_run(l), 0);
	ck_assert_int_eq(t.timer, 3);
	ck_assert_int_eq(t.fd, 1);            /* removed after the first */
	/* Called on start, twice more while it said "more", then on each
	 * later wake-up (the timer's). */
	ck_assert_int_ge(t.zmq, 3 + 3);
	ck_assert_int_eq(svc_loop_signal(l), 0);
	ck_assert_int_eq(svc_loop_del_fd(l, p[0]), -ENOENT);
	svc_loop_destroy(&l);
	ck_assert_ptr_null(l);
	svc_loop_destroy(&l);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
}
END_TEST

static int fail_timer(struct svc_loop *l, void *user)
{
	return -EIO;
}

START_TEST(loop_handler_error_stops)
{
	struct svc_loop *l = svc_loop_new();

	ck_assert_ptr_nonnull(l);
	ck_assert_int_ge(svc_loop_add_timer(l, 5, fail_timer, NULL), 0);
	ck_assert_int_eq(svc_loop_run(l), -EIO);
	svc_loop_destroy(&l);
}
END_TEST

static void *stop_later(void *arg)
{
	usleep(50000);
	svc_loop_stop(arg);
	return NULL;
}

START_TEST(loop_stop_from_thread_and_signal)
{
	struct svc_loop *l = svc_loop_new();
	pthread_t th;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(pthread_create(&th, NULL, stop_later, l), 0);
	ck_assert_int_eq(svc_loop_run(l), 0);
	pthread_join(th, NULL);
	/* SIGTERM is blocked and arrives through the signalfd. */
	ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
	ck_assert_int_eq(svc_loop_run(l), 0);
	ck_assert_int_eq(svc_loop_signal(l), SIGTERM);
	svc_loop_destroy(&l);
}
END_TEST

/* ---- control plane ---------------------------------------------------- */

struct server {
	struct svc_ctl *ctl;
	volatile int stop;
	int calls;
};

static int cmd_status(void *user, const msgpack_object *req,
		      struct svc_ctl_reply *r)
{
	struct server *s = user;
	char who[16];

	s->calls++;
	svc_ctl_reply_u64(r, "calls", (uint64_t)s->calls);
	svc_ctl_reply_i64(r, "neg", -5);
	svc_ctl_reply_bool(r, "yes", 1);
	if (svc_ctl_map_str(req, "who", who, sizeof(who)) >= 0)
		svc_ctl_reply_str(r, "who", who);
	return 0;
}

static int cmd_fail(void *user, const msgpack_object *req,
		    struct svc_ctl_reply *r)
{
	return -ENOSPC;
}

static const struct svc_ctl_cmd cmds[] = {
	{ "status", cmd_status },
	{ "fail", cmd_fail },
};

static void *serve(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		svc_ctl_handle(s->ctl);
		usleep(1000);
	}
	return NULL;
}

/* Value of @key in map @m, or NULL. */
static const msgpack_object *get(const msgpack_object *m, const char *key)
{
	ck_assert_int_eq(m->type, MSGPACK_OBJECT_MAP);
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *k = &m->via.map.ptr[i].key;

		if (k->type == MSGPACK_OBJECT_STR &&
		    k->via.str.size == strlen(key) &&
		    !memcmp(k->via.str.ptr, key, k->via.str.size))
			return &m->via.map.ptr[i].val;
	}
	return NULL;
}

static int is_ok(const msgpack_object *m)
{
	const msgpack_object *ok = get(m, "ok");

	ck_assert_ptr_nonnull(ok);
	ck_assert_int_eq(ok->type, MSGPACK_OBJECT_BOOLEAN);
	return ok->via.boolean;
}

/* Send raw @req; expect {"ok": false, "error": "<starts with @err>"}. */
static void expect_error(const char *ep, const void *req, size_t len,
			 const char *err)
{
	msgpack_unpacked out;
	const msgpack_object *e;

	msgpack_unpacked_init(&out);
	ck_assert_int_eq(svc_ctl_call(NULL, ep, req, len, 5000, &out), 0);
	ck_assert_int_eq(is_ok(&out.data), 0);
	e = get(&out.data, "error");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, MSGPACK_OBJECT_STR);
	ck_assert_msg(e->via.str.size >= strlen(err) &&
		      !memcmp(e->via.str.ptr, err, strlen(err)),
		      "error %.*s, want %s", (int)e->via.str.size,
		      e->via.str.ptr, err);
	msgpack_unpacked_destroy(&out);
}

static void expect_status(const char *ep, int calls)
{
	msgpack_unpacked out;
	const msgpack_object *v;

	msgpack_unpacked_init(&out);
	ck_assert_int_eq(svc_ctl_call_cmd(NULL, ep, "status", 5000, &out), 0);
	ck_assert_int_eq(is_ok(&out.data), 1);
	v = get(&out.data, "calls");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->via.u64, (uint64_t)calls);
	ck_assert_int_eq(get(&out.data, "neg")->via.i64, -5);
	msgpack_unpacked_destroy(&out);
}

START_TEST(ctl_commands_and_garbage)
{
	static const uint8_t huge_array[] = { 0x81, 0xa3, 'c', 'm', 'd',
					      0xdd, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t no_cmd[] = { 0x81, 0xa1, 'x', 0x01 };
	static const uint8_t int_cmd[] = { 0x81, 0xa3, 'c', 'm', 'd', 0x07 };
	static const uint8_t arr[] = { 0x92, 0x01, 0x02 };
	static const uint8_t who[] = { 0x82, 0xa3, 'c', 'm', 'd', 0xa6, 's',
				       't', 'a', 't', 'u', 's', 0xa3, 'w',
				       'h', 'o', 0xa2, 'm', 'e' };
	struct server s = { 0 };
	char ep[128], junk[300];
	unsigned seed = 7;
	msgpack_unpacked out;
	pthread_t th;

	make_tmp();
	snprintf(ep, sizeof(ep), "ipc://%s/test.ctl", tmp);
	s.ctl = svc_ctl_new(NULL, ep, cmds, 2, &s);
	ck_assert_ptr_nonnull(s.ctl);
	ck_assert_int_ge(svc_ctl_fd(s.ctl), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, serve, &s), 0);
	expect_status(ep, 1);
	expect_error(ep, "\x81\xa3" "cmd\xa4nope", 10, "unknown command");
	expect_error(ep, huge_array, sizeof(huge_array), "malformed request");
	expect_error(ep, no_cmd, sizeof(no_cmd), "malformed request");
	expect_error(ep, int_cmd, sizeof(int_cmd), "malformed request");
	expect_error(ep, arr, sizeof(arr), "malformed request");
	expect_error(ep, "", 0, "malformed request");
	expect_error(ep, "\xc1", 1, "malformed request");
	expect_error(ep, "\x81\xa3" "cmd\xa4" "fail", 10, strerror(ENOSPC));
	for (int i = 0; i < 200; i++) {
		size_t len = (size_t)(rand_r(&seed) % (int)sizeof(junk));

		for (size_t k = 0; k < len; k++)
			junk[k] = (char)rand_r(&seed);
		msgpack_unpacked_init(&out);
		ck_assert_int_eq(svc_ctl_call(NULL, ep, junk, len, 5000,
					      &out), 0);
		msgpack_unpacked_destroy(&out);
	}
	/* Still serving, arguments reach the handler. */
	msgpack_unpacked_init(&out);
	ck_assert_int_eq(svc_ctl_call(NULL, ep, who, sizeof(who), 5000, &out),
			 0);
	ck_assert_int_eq(get(&out.data, "who")->via.str.size, 2);
	msgpack_unpacked_destroy(&out);
	expect_status(ep, 3);
	s.stop = 1;
	pthread_join(th, NULL);
	svc_ctl_destroy(&s.ctl);
	ck_assert_ptr_null(s.ctl);
	svc_ctl_destroy(&s.ctl);
	/* Nobody serving: a bounded wait, then -ETIMEDOUT. */
	msgpack_unpacked_init(&out);
	ck_assert_int_eq(svc_ctl_call_cmd(NULL, ep, "status", 100, &out),
			 -ETIMEDOUT);
	msgpack_unpacked_destroy(&out);
	rm_tree(tmp);
}
END_TEST

START_TEST(ctl_multipart_request_survived)
{
	struct server s = { 0 };
	char ep[128];
	void *ctx = zmq_ctx_new(), *req;
	char reply[256];
	int linger = 0, n;
	pthread_t th;

	make_tmp();
	snprintf(ep, sizeof(ep), "ipc://%s/multi.ctl", tmp);
	s.ctl = svc_ctl_new(NULL, ep, cmds, 2, &s);
	ck_assert_ptr_nonnull(s.ctl);
	ck_assert_int_eq(pthread_create(&th, NULL, serve, &s), 0);
	req = zmq_socket(ctx, ZMQ_REQ);
	zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof(linger));
	ck_assert_int_eq(zmq_connect(req, ep), 0);
	ck_assert_int_ge(zmq_send(req, "a", 1, ZMQ_SNDMORE), 0);
	ck_assert_int_ge(zmq_send(req, "b", 1, 0), 0);
	n = zmq_recv(req, reply, sizeof(reply), 0);
	ck_assert_int_gt(n, 0);
	ck_assert(memmem(reply, (size_t)n, "several frames", 14) != NULL);
	zmq_close(req);
	zmq_ctx_term(ctx);
	expect_status(ep, 1);
	s.stop = 1;
	pthread_join(th, NULL);
	svc_ctl_destroy(&s.ctl);
	rm_tree(tmp);
}
END_TEST

/* ---- sd_notify -------------------------------------------------------- */

/* A datagram socket standing in for the service manager. */
static int manager_socket(const char *path)
{
	size_t len = strlen(path);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(len, sizeof(a.sun_path));
	memcpy(a.sun_path, path, len + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setenv("NOTIFY_SOCKET", path, 1);
	return fd;
}

/* Receive one notification into @buf, and a passed fd into *@fd. */
static ssize_t manager_recv(int sock, char *buf, size_t cap, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, cap - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &m, MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	c = CMSG_FIRSTHDR(&m);
	if (fd && c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

static int stop_timer(struct svc_loop *l, void *user)
{
	svc_loop_stop(l);
	return 0;
}

START_TEST(notify_protocol)
{
	char path[128], buf[256], c = 0;
	int sock, p[2], got = -1, pings = 0;
	struct svc_loop *l;
	uint64_t usec = 0;

	make_tmp();
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	ck_assert_int_eq(svc_notify_ready(NULL), 0);
	ck_assert_int_eq(svc_watchdog_usec(&usec), 0);
	snprintf(path, sizeof(path), "%s/notify", tmp);
	sock = manager_socket(path);
	ck_assert_int_eq(svc_notify_ready("serving"), 1);
	ck_assert_int_gt(manager_recv(sock, buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "READY=1\nSTATUS=serving");
	ck_assert_int_eq(svc_notify_status("%d subscribers", 3), 1);
	ck_assert_int_gt(manager_recv(sock, buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "STATUS=3 subscribers");
	ck_assert_int_eq(svc_notify_stopping(), 1);
	ck_assert_int_gt(manager_recv(sock, buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "STOPPING=1");
	/* FDSTORE passes a real descriptor. */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(svc_notify_fdstore("ram", &p[1], 1), 1);
	ck_assert_int_gt(manager_recv(sock, buf, sizeof(buf), &got), 0);
	ck_assert_str_eq(buf, "FDSTORE=1\nFDNAME=ram");
	ck_assert_int_ge(got, 0);
	ck_assert_int_eq(write(got, "z", 1), 1);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	ck_assert_int_eq(c, 'z');
	close(got), close(p[0]), close(p[1]);
	/* Watchdog: pings at half the period from the loop. */
	snprintf(buf, sizeof(buf), "%d", (int)getpid());
	setenv("WATCHDOG_PID", buf, 1);
	setenv("WATCHDOG_USEC", "100000", 1);
	ck_assert_int_eq(svc_watchdog_usec(&usec), 1);
	ck_assert_uint_eq(usec, 100000);
	l = svc_loop_new();
	ck_assert_int_eq(svc_loop_watchdog(l), 1);
	ck_assert_int_ge(svc_loop_add_timer(l, 500, stop_timer, NULL), 0);
	ck_assert_int_eq(svc_loop_run(l), 0);
	svc_loop_destroy(&l);
	while (manager_recv(sock, buf, sizeof(buf), NULL) > 0)
		pings += strcmp(buf, "WATCHDOG=1") == 0;
	ck_assert_int_ge(pings, 1);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	unsetenv("NOTIFY_SOCKET");
	close(sock);
	rm_tree(tmp);
}
END_TEST

/* ---- flags and log levels ------------------------------------------- */

START_TEST(flags_table)
{
	struct svc_common c = { 0 };
	struct svc_strlist topics = { 0 };
	int json = 0, first = -1;
	long count = -1;
	const struct svc_flag flags[] = {
		SVC_COMMON_FLAGS(&c),
		{ "topic", 't', SVC_FLAG_LIST, &topics, "P", "prefix" },
		{ "json", 0, SVC_FLAG_BOOL, &json, NULL, "json" },
		{ "count", 'n', SVC_FLAG_INT, &count, "N", "count" },
	};
	size_t n = sizeof(flags) / sizeof(flags[0]);
	char *ok[] = { "prog", "--vm", "v1", "-t", "memory.", "pos",
		       "--topic=device.", "--json", "-n", "12", NULL };
	char *bad_int[] = { "prog", "--count", "12x", NULL };
	char *unknown[] = { "prog", "--nope", NULL };
	char *missing[] = { "prog", "--vm", NULL };
	char *help[] = { "prog", "-h", NULL };
	FILE *devnull = fopen("/dev/null", "w");

	ck_assert_int_eq(svc_flags_parse(flags, n, 10, ok, &first), 0);
	ck_assert_str_eq(c.vm, "v1");
	ck_assert_uint_eq(topics.n, 2);
	ck_assert_str_eq(topics.v[0], "memory.");
	ck_assert_str_eq(topics.v[1], "device.");
	ck_assert_int_eq(json, 1);
	ck_assert_int_eq(count, 12);
	ck_assert_int_eq(first, 9);
	ck_assert_str_eq(ok[first], "pos");
	ck_assert_int_eq(svc_flags_parse(flags, n, 3, bad_int, &first),
			 -EINVAL);
	ck_assert_int_eq(svc_flags_parse(flags, n, 2, unknown, &first),
			 -EINVAL);
	ck_assert_int_eq(svc_flags_parse(flags, n, 2, missing, &first),
			 -EINVAL);
	ck_assert_int_eq(svc_flags_parse(flags, n, 2, help, &first), 1);
	svc_flags_usage(devnull, "prog", "[FLAGS]", flags, n);
	fclose(devnull);
	c.vm = NULL;
	c.log_level = "debug";
	ck_assert_int_eq(svc_common_setup(&c, "test"), 0);
	ck_assert_str_eq(c.vm, SVC_VM_DEFAULT);
	c.vm = "bad/name";
	ck_assert_int_eq(svc_common_setup(&c, "test"), -EINVAL);
	ck_assert_int_eq(svc_log_parse_level("warning"), SVC_LOG_WARNING);
	ck_assert_int_eq(svc_log_parse_level("7"), SVC_LOG_DEBUG);
	ck_assert_int_eq(svc_log_parse_level("loud"), -EINVAL);
	svc_log(SVC_LOG_DEBUG, "test_svc: logging to %s",
		svc_log_to_journal() ? "the journal" : "stderr");
}
END_TEST

/* ---- the tessera CLI, run as a real process ---------------------------- */

#define TESSERA TESSERA_BIN_DIR "/tessera"

/*
 * Run `tessera @argv...` with stdout and stderr into @out (@cap bytes,
 * NUL-terminated); returns the exit status, or 128 + signal.
 */
static int run_cli(char *const argv[], char *out, size_t cap)
{
	int pfd[2], st;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_msg(access(TESSERA, X_OK) == 0, "%s missing: build it", TESSERA);
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execv(TESSERA, argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(cli_usage_and_errors)
{
	static char out[8192];
	char *none[] = { "tessera", NULL };
	char *unknown[] = { "tessera", "frobnicate", NULL };
	char *help[] = { "tessera", "--help", NULL };
	char *ev_help[] = { "tessera", "events", "--help", NULL };
	char *ev_bad[] = { "tessera", "events", "--bogus", NULL };
	char *ev_vm[] = { "tessera", "events", "--vm", "no/slash", NULL };
	char *ev_count[] = { "tessera", "events", "--count", "x", NULL };
	char dir_arg[96];
	char *status[] = { "tessera", "status", "--runtime-dir", dir_arg,
			   "--timeout", "200", NULL };
	char *ctl[] = { "tessera", "ctl", "--runtime-dir", dir_arg,
			"--timeout", "200", "broker", "status", NULL };

	ck_assert_int_eq(run_cli(none, out, sizeof(out)), 2);
	ck_assert(strstr(out, "usage: tessera") != NULL);
	ck_assert_int_eq(run_cli(unknown, out, sizeof(out)), 2);
	ck_assert(strstr(out, "unknown command 'frobnicate'") != NULL);
	ck_assert(strstr(out, "events") != NULL);
	ck_assert_int_eq(run_cli(help, out, sizeof(out)), 0);
	ck_assert_int_eq(run_cli(ev_help, out, sizeof(out)), 0);
	ck_assert(strstr(out, "--topic") != NULL);
	ck_assert_int_eq(run_cli(ev_bad, out, sizeof(out)), 2);
	ck_assert(strstr(out, "unknown option --bogus") != NULL);
	ck_assert_int_eq(run_cli(ev_vm, out, sizeof(out)), 2);
	ck_assert_int_eq(run_cli(ev_count, out, sizeof(out)), 2);
	/* Nothing serves in an empty runtime directory: a bounded failure. */
	make_tmp();
	snprintf(dir_arg, sizeof(dir_arg), "%s", tmp);
	ck_assert_int_eq(run_cli(status, out, sizeof(out)), 1);
	ck_assert(strstr(out, "broker: not answering") != NULL);
	ck_assert_int_eq(run_cli(ctl, out, sizeof(out)), 1);
	ck_assert(strstr(out, "no answer") != NULL);
	rm_tree(tmp);
}
END_TEST

struct proxy_run {
	struct ev_proxy *px;
	int stop;
};

static void *proxy_main(void *arg)
{
	struct proxy_run *r = arg;

	ev_proxy_run(r->px, r->stop);
	return NULL;
}

/* `tessera events --json --count 3` receives what a publisher sends. */
START_TEST(cli_events_json_round_trip)
{
	static char out[8192];
	char in_ep[128], out_ep[128];
	char *argv[] = { "tessera", "events", "--endpoint", out_ep, "--json",
			 "--topic", "memory.", "--count", "3", NULL };
	struct proxy_run r = { 0 };
	struct ev_pub *p;
	pthread_t th;
	pid_t pid;
	int pfd[2], st, want = 0;
	uint64_t one = 1;
	size_t len = 0;
	ssize_t n;

	make_tmp();
	snprintf(in_ep, sizeof(in_ep), "ipc://%s/events-in", tmp);
	snprintf(out_ep, sizeof(out_ep), "ipc://%s/events-out", tmp);
	r.stop = eventfd(0, EFD_CLOEXEC);
	r.px = ev_proxy_new(NULL, in_ep, out_ep, NULL);
	ck_assert_ptr_nonnull(r.px);
	ck_assert_int_eq(pthread_create(&th, NULL, proxy_main, &r), 0);
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		execv(TESSERA, argv);
		_exit(127);
	}
	close(pfd[1]);
	p = ev_pub_new(in_ep, "clivm", "vcpu1");
	ck_assert_ptr_nonnull(p);
	/* The subscription reaches us once the CLI is attached. */
	for (int i = 0; i < 1000 && !want; i++) {
		ev_pub_poll(p);
		want = ev_pub_wants(p, EV_TOPIC_PAGE_FAULT);
		usleep(10000);
	}
	ck_assert_int_eq(want, 1);
	ck_assert_int_eq(ev_pub_wants(p, EV_TOPIC_DEVICE_INTERRUPT), 0);
	ck_assert_int_eq(ev_emit_page_fault(p, 0x80001000, 0x80000f00, 'w',
					    15), 1);
	ck_assert_int_eq(ev_emit_memory_mapped(p, 0x80000000, 4096, "ram",
					       "devmgr"), 1);
	ck_assert_int_eq(ev_emit_page_fault(p, 0x2000, 0x3000, 'x', 12), 1);
	while ((n = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(strstr(out, "{\"topic\":\"memory.page_fault\",\"vm_id\":"
			      "\"clivm\",\"source\":\"vcpu1\",\"seq\":0,") == out,
		      "got: %s", out);
	ck_assert(strstr(out, "\"addr\":2147487744,\"pc\":2147487488,"
			      "\"access\":\"w\",\"cause\":15}\n") != NULL);
	ck_assert(strstr(out, "\"region\":\"ram\",\"by\":\"devmgr\"}") != NULL);
	ck_assert(strstr(out, "\"seq\":1,") != NULL);
	ck_assert(strstr(out, "\"access\":\"x\",\"cause\":12}") != NULL);
	ev_pub_destroy(&p);
	ck_assert_int_eq(write(r.stop, &one, sizeof(one)), sizeof(one));
	pthread_join(th, NULL);
	ev_proxy_destroy(&r.px);
	close(r.stop);
	rm_tree(tmp);
}
END_TEST

static Suite *svc_suite(void)
{
	Suite *s = suite_create("svc");
	TCase *t = tcase_create("core");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, runtime_dir_rules);
	tcase_add_test(t, runtime_names_and_endpoints);
	tcase_add_test(t, lock_is_exclusive);
	tcase_add_test(t, loop_timers_fds_zmq);
	tcase_add_test(t, loop_handler_error_stops);
	tcase_add_test(t, loop_stop_from_thread_and_signal);
	tcase_add_test(t, ctl_commands_and_garbage);
	tcase_add_test(t, ctl_multipart_request_survived);
	tcase_add_test(t, notify_protocol);
	tcase_add_test(t, flags_table);
	tcase_add_test(t, cli_usage_and_errors);
	tcase_add_test(t, cli_events_json_round_trip);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(svc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
