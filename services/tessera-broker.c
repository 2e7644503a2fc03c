/* SPDX-License-Identifier: MIT */
/*
 * tessera-broker: the event plane's broker for one VM. It binds
 * events-in (XSUB, publishers connect) and events-out (XPUB, subscribers
 * connect; optionally also --tcp ENDPOINT) in the VM's runtime directory
 * and forwards events down and subscriptions up (broker/proxy.c), serves
 * status/stop on broker.ctl, and speaks sd_notify (READY=1 once bound,
 * WATCHDOG=1 at half the period). It holds no state worth keeping across
 * a restart: publishers and subscribers reconnect and resubscribe on
 * their own. A lock file makes a second broker for the same VM refuse.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker/proxy.h"
#include "services/lib/ctl.h"
#include "services/lib/flags.h"
#include "services/lib/log.h"
#include "services/lib/loop.h"
#include "services/lib/notify.h"
#include "services/lib/runtime.h"

struct broker {
	struct ev_proxy *proxy;
	struct svc_ctl *ctl;
	struct svc_loop *loop;
	struct timespec started;
};

static int on_proxy(struct svc_loop *l, int fd, uint32_t events, void *user)
{
	struct broker *b = user;

	(void)l, (void)fd, (void)events;
	return ev_proxy_pump(b->proxy, 4096);
}

static int on_ctl(struct svc_loop *l, int fd, uint32_t events, void *user)
{
	struct broker *b = user;
	int rc;

	(void)l, (void)fd, (void)events;
	rc = svc_ctl_handle(b->ctl);
	return rc < 0 ? rc : 0;
}

static int cmd_status(void *user, const msgpack_object *req,
		      struct svc_ctl_reply *r)
{
	struct broker *b = user;
	const struct ev_proxy_stats *st = ev_proxy_stats(b->proxy);
	struct timespec now;

	(void)req;
	clock_gettime(CLOCK_MONOTONIC, &now);
	svc_ctl_reply_i64(r, "pid", (int64_t)getpid());
	svc_ctl_reply_u64(r, "uptime_ms",
			  (uint64_t)((now.tv_sec - b->started.tv_sec) * 1000 +
				     (now.tv_nsec - b->started.tv_nsec) /
				     1000000));
	svc_ctl_reply_u64(r, "messages_in", st->messages_in);
	svc_ctl_reply_u64(r, "messages_out", st->messages_out);
	svc_ctl_reply_i64(r, "subscriptions", st->subscriptions);
	svc_ctl_reply_i64(r, "publishers", st->publishers);
	svc_ctl_reply_i64(r, "subscribers", st->subscribers);
	return 0;
}

static int cmd_stop(void *user, const msgpack_object *req,
		    struct svc_ctl_reply *r)
{
	struct broker *b = user;

	(void)req, (void)r;
	svc_loop_stop(b->loop);
	return 0;
}

static const struct svc_ctl_cmd broker_cmds[] = {
	{ "status", cmd_status },
	{ "stop", cmd_stop },
};

/* Bind everything and register it with the loop. */
static int broker_open(struct broker *b, const char *dir, const char *tcp)
{
	char in[SVC_PATH_MAX + 8], out[SVC_PATH_MAX + 8], ctl[SVC_PATH_MAX + 8];
	int fds[4], n, rc;

	if ((rc = svc_endpoint(dir, SVC_EP_EVENTS_IN, in, sizeof(in))) < 0 ||
	    (rc = svc_endpoint(dir, SVC_EP_EVENTS_OUT, out, sizeof(out))) < 0 ||
	    (rc = svc_ctl_endpoint(dir, "broker", ctl, sizeof(ctl))) < 0)
		return rc;
	b->proxy = ev_proxy_new(NULL, in, out, tcp);
	if (!b->proxy) {
		rc = -errno;
		svc_log(SVC_LOG_ERR, "cannot bind %s / %s%s%s: %s", in, out,
			tcp ? " / " : "", tcp ? tcp : "", strerror(-rc));
		return rc;
	}
	b->ctl = svc_ctl_new(NULL, ctl, broker_cmds,
			     sizeof(broker_cmds) / sizeof(broker_cmds[0]), b);
	if (!b->ctl) {
		rc = -errno;
		svc_log(SVC_LOG_ERR, "cannot bind %s: %s", ctl, strerror(-rc));
		return rc;
	}
	n = ev_proxy_fds(b->proxy, fds);
	for (int i = 0; i < n; i++) {
		if ((rc = svc_loop_add_zmq(b->loop, fds[i], on_proxy, b)) < 0)
			return rc;
	}
	return svc_loop_add_zmq(b->loop, svc_ctl_fd(b->ctl), on_ctl, b);
}

/* Lock the VM's broker and serve until SIGTERM or "stop". */
static int broker_main(const char *vm, const char *dir_override,
		       const char *tcp)
{
	struct broker b = { 0 };
	char dir[SVC_PATH_MAX];
	pid_t holder = 0;
	int lock = -1, rc;

	clock_gettime(CLOCK_MONOTONIC, &b.started);
	rc = svc_runtime_dir(vm, dir_override, 1, dir, sizeof(dir));
	if (rc < 0) {
		svc_log(SVC_LOG_ERR, "runtime directory: %s", strerror(-rc));
		return rc;
	}
	lock = svc_lock(dir, "broker.lock", &holder);
	if (lock < 0) {
		if (lock == -EBUSY)
			svc_log(SVC_LOG_ERR, "a broker for VM '%s' is already "
				"running (pid %d) in %s", vm, (int)holder, dir);
		else
			svc_log(SVC_LOG_ERR, "lock %s/broker.lock: %s", dir,
				strerror(-lock));
		return lock;
	}
	b.loop = svc_loop_new();
	if (!b.loop) {
		rc = -errno;
		goto out_unlock;
	}
	rc = broker_open(&b, dir, tcp);
	if (rc < 0)
		goto out_close;
	svc_loop_watchdog(b.loop);
	svc_notify_ready("forwarding events");
	svc_log(SVC_LOG_INFO, "serving VM '%s' in %s", vm, dir);
	rc = svc_loop_run(b.loop);
	svc_notify_stopping();
out_close:
	svc_ctl_destroy(&b.ctl);
	ev_proxy_destroy(&b.proxy);
	svc_loop_destroy(&b.loop);
out_unlock:
	close(lock);
	return rc;
}

int main(int argc, char **argv)
{
	struct svc_common c = { 0 };
	const char *tcp = NULL;
	const struct svc_flag flags[] = {
		SVC_COMMON_FLAGS(&c),
		{ "tcp", 0, SVC_FLAG_STR, &tcp, "ENDPOINT",
		  "also bind events-out here (tcp://host:port)" },
	};
	size_t nflags = sizeof(flags) / sizeof(flags[0]);
	int first = 0, rc;

	rc = svc_flags_parse(flags, nflags, argc, argv, &first);
	if (rc == 1) {
		svc_flags_usage(stdout, argv[0], "[OPTIONS]", flags, nflags);
		return 0;
	}
	if (rc < 0 || first < argc || svc_common_setup(&c, "tessera-broker") < 0) {
		svc_flags_usage(stderr, argv[0], "[OPTIONS]", flags, nflags);
		return 2;
	}
	rc = broker_main(c.vm, c.runtime_dir, tcp);
	return rc < 0 ? 1 : 0;
}
