/* SPDX-License-Identifier: MIT */
/*
 * `tessera events [--vm NAME] [--topic PREFIX]... [--json] [--count N]
 * [--endpoint EP]`: subscribe to the VM's broker and print one event per
 * line, as text or JSON; gaps and rejected messages go to stderr. It
 * runs until Ctrl-C/SIGTERM or N events, and survives broker restarts
 * (the subscriber reconnects by itself). The broker need not be up yet.
 */
#include "services/lib/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "broker/format.h"
#include "broker/sub.h"
#include "services/lib/flags.h"
#include "services/lib/loop.h"
#include "services/lib/runtime.h"

struct events {
	struct svc_common common;
	struct svc_strlist topics;
	const char *endpoint;
	int json;
	long count;               /* 0: no limit */
	long seen;
	int failed;               /* stdout went away */
	struct ev_sub *sub;
	struct svc_loop *loop;
};

static void print_event(const struct ev_event *ev, void *user)
{
	struct events *e = user;
	char line[EV_FORMAT_MAX];

	if (e->count && e->seen >= e->count)
		return;
	if (e->json)
		ev_format_json(ev, line, sizeof(line));
	else
		ev_format_text(ev, line, sizeof(line));
	if (puts(line) < 0)
		e->failed = 1;
	if (++e->seen == e->count || e->failed)
		svc_loop_stop(e->loop);
}

static void print_gap(const struct ev_gap *g, void *user)
{
	fprintf(stderr, "tessera events: gap: %s/%s %s: %llu events lost "
		"(expected #%llu, got #%llu)\n", g->vm_id, g->source,
		ev_topic_name(g->topic), (unsigned long long)(g->got - g->expected),
		(unsigned long long)g->expected, (unsigned long long)g->got);
}

static void print_reject(const void *topic, size_t tlen,
			 const struct ev_error *err, void *user)
{
	fprintf(stderr, "tessera events: rejected a message (%s): %s\n",
		ev_errcode_name(err->code), err->msg);
}

static int on_sub(struct svc_loop *l, int fd, uint32_t events, void *user)
{
	struct events *e = user;
	int n = ev_sub_dispatch(e->sub, 0);

	if (fflush(stdout) != 0)
		e->failed = 1;
	if (e->failed)
		svc_loop_stop(l);
	return n < 0 ? n : n > 0;
}

static int open_sub(struct events *e)
{
	char dir[SVC_PATH_MAX], ep[SVC_PATH_MAX + 8];
	const char *endpoint = e->endpoint;
	int rc;

	if (!endpoint) {
		rc = svc_runtime_dir(e->common.vm, e->common.runtime_dir, 0,
				     dir, sizeof(dir));
		if (rc == 0)
			rc = svc_endpoint(dir, SVC_EP_EVENTS_OUT, ep, sizeof(ep));
		if (rc < 0) {
			fprintf(stderr, "tessera events: runtime directory: "
				"%s\n", strerror(-rc));
			return rc;
		}
		endpoint = ep;
	}
	e->sub = ev_sub_new(endpoint);
	if (!e->sub) {
		fprintf(stderr, "tessera events: cannot attach to %s: %s\n",
			endpoint, strerror(errno));
		return -errno;
	}
	ev_sub_on_gap(e->sub, print_gap, e);
	ev_sub_on_reject(e->sub, print_reject, e);
	if (e->topics.n == 0)
		e->topics.v[e->topics.n++] = "";
	for (unsigned i = 0; i < e->topics.n; i++) {
		rc = ev_subscribe(e->sub, e->topics.v[i], print_event, NULL, e);
		if (rc < 0) {
			fprintf(stderr, "tessera events: bad topic prefix "
				"'%s'\n", e->topics.v[i]);
			return rc;
		}
	}
	return 0;
}

static int run(struct events *e)
{
	int fd, rc;

	/* Before any ZeroMQ thread exists, so that they block the signals. */
	e->loop = svc_loop_new();
	if (!e->loop)
		return -errno;
	rc = open_sub(e);
	if (rc < 0)
		return rc;
	fd = ev_sub_fd(e->sub);
	rc = fd < 0 ? fd : svc_loop_add_zmq(e->loop, fd, on_sub, e);
	if (rc == 0)
		rc = svc_loop_run(e->loop);
	if (rc < 0)
		fprintf(stderr, "tessera events: %s\n", strerror(-rc));
	return e->failed ? -EPIPE : rc;
}

int svc_cli_events(int argc, char **argv)
{
	struct events e = { 0 };
	const struct svc_flag flags[] = {
		SVC_COMMON_FLAGS(&e.common),
		{ "topic", 't', SVC_FLAG_LIST, &e.topics, "PREFIX",
		  "only topics starting with PREFIX (repeatable)" },
		{ "json", 0, SVC_FLAG_BOOL, &e.json, NULL,
		  "one JSON object per line, every field" },
		{ "count", 'n', SVC_FLAG_INT, &e.count, "N",
		  "exit after N events" },
		{ "endpoint", 0, SVC_FLAG_STR, &e.endpoint, "EP",
		  "broker events-out endpoint (e.g. tcp://host:5556)" },
	};
	size_t nf = sizeof(flags) / sizeof(flags[0]);
	int first, rc;

	rc = svc_flags_parse(flags, nf, argc, argv, &first);
	if (rc == 1 || rc < 0 || first < argc) {
		if (rc == 0)
			fprintf(stderr, "%s: unexpected argument '%s'\n",
				argv[0], argv[first]);
		svc_flags_usage(rc == 1 ? stdout : stderr, argv[0], "[FLAGS]",
				flags, nf);
		return rc == 1 ? SVC_EXIT_OK : SVC_EXIT_USAGE;
	}
	if (svc_common_setup(&e.common, "tessera events") < 0)
		return SVC_EXIT_USAGE;
	rc = run(&e);
	ev_sub_destroy(&e.sub);
	svc_loop_destroy(&e.loop);
	return rc < 0 ? SVC_EXIT_FAIL : SVC_EXIT_OK;
}
