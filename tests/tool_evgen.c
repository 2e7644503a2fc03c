/* SPDX-License-Identifier: MIT */
/*
 * tool_evgen: a test publisher. With no mode it waits (bounded) until a
 * subscriber shows up, publishes one event of every catalogue topic with
 * values derived from the topic and field index, and optionally writes
 * the values it sent as JSON lines to --expect FILE so that a test can
 * compare what a subscriber printed. With --loop MS it instead publishes
 * execution.hotspot_detected with execution_count = 0, 1, 2, ... every
 * MS milliseconds until SIGTERM/SIGINT, to exercise reconnection.
 *
 *   tool_evgen --endpoint ipc://DIR/events-in [--vm VM] [--source SRC]
 *              [--expect FILE] [--loop MS] [--wait-ms N]
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker/pub.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The value of field @i of topic @t, as the test expects it. */
static void fill(struct ev_event *ev, enum ev_topic t)
{
	const struct ev_topic_info *ti = &ev_topics[t];

	memset(ev, 0, sizeof(*ev));
	ev->topic = t;
	for (unsigned i = 0; i < ti->nfields; i++) {
		const struct ev_field *f = &ti->fields[i];
		char *p = (char *)ev + f->offset;
		uint32_t u32 = 1000u * (unsigned)t + i;
		uint64_t u64 = 0x100000000ull * (t + 1) + i;
		int64_t i64 = -1000 * (int64_t)t - i;

		switch (f->type) {
		case EV_T_U32: memcpy(p, &u32, 4); break;
		case EV_T_U64: memcpy(p, &u64, 8); break;
		case EV_T_I64: memcpy(p, &i64, 8); break;
		case EV_T_STR: snprintf(p, EV_STR_MAX, "%s-%d", f->name, t); break;
		case EV_T_ACC: *p = "rwx"[t % 3]; break;
		default: break;
		}
	}
}

static void write_expect(FILE *f, const struct ev_event *ev)
{
	const struct ev_topic_info *ti = &ev_topics[ev->topic];

	fprintf(f, "{\"topic\":\"%s\"", ti->name);
	for (unsigned i = 0; i < ti->nfields; i++) {
		const struct ev_field *fd = &ti->fields[i];
		const char *p = (const char *)ev + fd->offset;
		uint32_t u32;
		uint64_t u64;
		int64_t i64;

		fprintf(f, ",\"%s\":", fd->name);
		switch (fd->type) {
		case EV_T_U32: memcpy(&u32, p, 4); fprintf(f, "%u", u32); break;
		case EV_T_U64:
			memcpy(&u64, p, 8);
			fprintf(f, "%" PRIu64, u64);
			break;
		case EV_T_I64:
			memcpy(&i64, p, 8);
			fprintf(f, "%" PRId64, i64);
			break;
		case EV_T_STR: fprintf(f, "\"%s\"", p); break;
		case EV_T_ACC: fprintf(f, "\"%c\"", *p); break;
		default: fprintf(f, "null"); break;
		}
	}
	fprintf(f, "}\n");
}

/* Wait until every topic is wanted (or @ms pass), polling the socket. */
static void wait_subscribed(struct ev_pub *p, unsigned ms)
{
	for (unsigned waited = 0; waited < ms && !stop_flag; waited += 10) {
		int all = 1;

		ev_pub_poll(p);
		for (int t = 0; t < EV_TOPIC_COUNT; t++)
			all &= !!ev_pub_wants(p, (enum ev_topic)t);
		if (all)
			return;
		sleep_ms(10);
	}
}

static int publish_all(struct ev_pub *p, const char *expect)
{
	FILE *f = expect ? fopen(expect, "w") : NULL;
	struct ev_event ev;

	if (expect && !f) {
		perror(expect);
		return 1;
	}
	for (int t = 0; t < EV_TOPIC_COUNT; t++) {
		fill(&ev, (enum ev_topic)t);
		ev_publish(p, &ev);
		if (f)
			write_expect(f, &ev);
	}
	ev_pub_flush(p);
	if (f)
		fclose(f);
	return 0;
}

static void publish_loop(struct ev_pub *p, unsigned ms)
{
	uint64_t n = 0;

	while (!stop_flag) {
		ev_pub_poll(p);
		ev_emit_hotspot_detected(p, 0x80000000u, n++);
		ev_pub_flush(p);
		sleep_ms(ms);
	}
}

int main(int argc, char **argv)
{
	const char *ep = NULL, *vm = "default", *src = "evgen", *expect = NULL;
	long loop_ms = 0, wait_ms = 10000;
	struct ev_pub *p;
	int rc = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--endpoint")) ep = argv[i + 1];
		else if (!strcmp(argv[i], "--vm")) vm = argv[i + 1];
		else if (!strcmp(argv[i], "--source")) src = argv[i + 1];
		else if (!strcmp(argv[i], "--expect")) expect = argv[i + 1];
		else if (!strcmp(argv[i], "--loop")) loop_ms = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--wait-ms")) wait_ms = atol(argv[i + 1]);
		else {
			fprintf(stderr, "tool_evgen: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (!ep || argc % 2 == 0) {
		fprintf(stderr, "usage: tool_evgen --endpoint EP [--vm VM] "
			"[--source S] [--expect FILE] [--loop MS]\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	p = ev_pub_new(ep, vm, src);
	if (!p) {
		perror("tool_evgen: ev_pub_new");
		return 1;
	}
	if (loop_ms > 0) {
		publish_loop(p, (unsigned)loop_ms);
	} else {
		wait_subscribed(p, (unsigned)wait_ms);
		rc = publish_all(p, expect);
		sleep_ms(300);
	}
	fprintf(stderr, "tool_evgen: sent %" PRIu64 " dropped %" PRIu64 "\n",
		p->stats.sent, p->stats.dropped);
	ev_pub_destroy(&p);
	return rc;
}
