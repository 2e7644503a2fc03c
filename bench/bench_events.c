/* SPDX-License-Identifier: MIT */
/*
 * Event plane throughput: publisher -> broker -> subscriber, all in this
 * process (the broker is broker/proxy.c's ev_proxy on its own thread, the
 * same code tessera-broker runs, not the separate process), over ipc:// in
 * a temporary directory. The same run sends raw ZeroMQ PUB -> the same
 * broker -> SUB with frames of the same sizes (so the ratio isolates the
 * cost of the event library: encoding, decoding, flags, seq), prints the
 * ratio, and the cost of one publish call for a topic nobody subscribed
 * to. Rates count events received over the time between the first and
 * the last one; publishers never block, so the rest were dropped at the
 * high-water mark, which the received counts show.
 *
 *   bench_events [EVENTS]      (default 1000000)
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "broker/codec.h"
#include "broker/proxy.h"
#include "broker/pub.h"
#include "broker/sub.h"

struct bench {
	char in[160], out[160];
	long events;
	unsigned batch;
	void *zctx;
	size_t body_len;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *proxy_thread(void *arg)
{
	void **a = arg;

	ev_proxy_run(a[0], (int)(intptr_t)a[1]);
	return NULL;
}

static void *ev_pub_thread(void *arg)
{
	struct bench *b = arg;
	struct ev_pub *p = ev_pub_new(b->in, "bench", "vcpu0");
	double t0 = now_s();

	if (!p)
		return NULL;
	if (b->batch > 1)
		ev_pub_set_batch(p, b->batch, 1000);
	while (!ev_pub_wants(p, EV_TOPIC_PAGE_FAULT) && now_s() - t0 < 10) {
		ev_pub_poll(p);
		usleep(1000);
	}
	usleep(100000);
	for (long i = 0; i < b->events; i++)
		ev_emit_page_fault(p, 0x80000000u + (uint64_t)i * 8,
				   0x80001000u + (uint64_t)i, 'w', 15);
	ev_pub_flush(p);
	usleep(200000);
	ev_pub_destroy(&p);
	return NULL;
}

static void count_event(const struct ev_event *ev, void *user)
{
	(void)ev;
	(*(long *)user)++;
}

/* Events received per second through the event library and ev_proxy. */
static double run_ev(struct bench *b, long *got)
{
	struct ev_sub *s = ev_sub_new(b->out);
	double first = 0, last = 0, idle_since = now_s();
	pthread_t th;

	*got = 0;
	ev_subscribe(s, "memory.", count_event, NULL, got);
	pthread_create(&th, NULL, ev_pub_thread, b);
	while (now_s() - idle_since < 1.0 && *got < b->events) {
		long before = *got;

		ev_sub_dispatch(s, 50);
		if (*got != before) {
			last = idle_since = now_s();
			if (!first)
				first = last;
		}
	}
	pthread_join(th, NULL);
	ev_sub_destroy(&s);
	return last > first ? (double)*got / (last - first) : 0;
}

static void *raw_pub_thread(void *arg)
{
	struct bench *b = arg;
	void *pub = zmq_socket(b->zctx, ZMQ_PUB);
	int hwm = EV_PUB_SNDHWM;
	char body[EV_EVENT_MAX];

	memset(body, 0x5a, sizeof(body));
	zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof(hwm));
	zmq_connect(pub, b->in);
	usleep(300000);
	for (long i = 0; i < b->events; i++) {
		if (zmq_send(pub, "memory.page_fault", 17,
			     ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
			continue;
		zmq_send(pub, body, b->body_len, ZMQ_DONTWAIT);
	}
	usleep(200000);
	zmq_close(pub);
	return NULL;
}

/* The same through bare ZeroMQ sockets and the same broker. */
static double run_raw(struct bench *b, long *got)
{
	void *sub = zmq_socket(b->zctx, ZMQ_SUB);
	int tmo = 50;
	double first = 0, last = 0, idle_since;
	char buf[EV_EVENT_MAX];
	pthread_t th;

	*got = 0;
	zmq_setsockopt(sub, ZMQ_RCVTIMEO, &tmo, sizeof(tmo));
	zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "memory.", 7);
	zmq_connect(sub, b->out);
	pthread_create(&th, NULL, raw_pub_thread, b);
	idle_since = now_s();
	while (now_s() - idle_since < 1.0 && *got < b->events) {
		int more = 0;
		size_t ml = sizeof(more);

		if (zmq_recv(sub, buf, sizeof(buf), 0) < 0)
			continue;
		zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &ml);
		if (more && zmq_recv(sub, buf, sizeof(buf), 0) >= 0)
			(*got)++;
		last = idle_since = now_s();
		if (!first)
			first = last;
	}
	pthread_join(th, NULL);
	zmq_close(sub);
	return last > first ? (double)*got / (last - first) : 0;
}

/* ns per publish call of a topic with no subscriber. */
static double run_unsubscribed(void)
{
	struct ev_pub *p = ev_pub_new("inproc://bench-nobody", "bench", "x");
	long n = 100000000;
	double t0, t1;

	if (!p)
		return -1;
	t0 = now_s();
	for (long i = 0; i < n; i++)
		ev_emit_page_fault(p, (uint64_t)i, 0x80000000u, 'r', 13);
	t1 = now_s();
	ev_pub_destroy(&p);
	return (t1 - t0) * 1e9 / (double)n;
}

static int body_size(void)
{
	struct ev_encoder e;
	struct ev_event ev = { .topic = EV_TOPIC_PAGE_FAULT };
	uint8_t buf[EV_EVENT_MAX];

	ev.u.page_fault.addr = 0x80000000u;
	ev.u.page_fault.pc = 0x80001000u;
	ev.u.page_fault.access = 'w';
	ev.u.page_fault.cause = 15;
	ev_encoder_init(&e, "bench", "vcpu0");
	return ev_encoder_put(&e, &ev, 12345, ev_time_now(), buf, sizeof(buf));
}

int main(int argc, char **argv)
{
	static struct bench b;
	char dir[] = "/tmp/bench-events-XXXXXX", cmd[200];
	struct ev_proxy *px;
	void *args[2];
	pthread_t th;
	long got_ev, got_b, got_raw;
	double ev_rate, b_rate, raw_rate, ns;
	int stop = eventfd(0, EFD_CLOEXEC);

	b.events = argc > 1 ? atol(argv[1]) : 1000000;
	if (!mkdtemp(dir) || stop < 0)
		return 1;
	snprintf(b.in, sizeof(b.in), "ipc://%s/events-in", dir);
	snprintf(b.out, sizeof(b.out), "ipc://%s/events-out", dir);
	b.zctx = zmq_ctx_new();
	b.body_len = (size_t)body_size();
	px = ev_proxy_new(b.zctx, b.in, b.out, NULL);
	if (!px)
		return 1;
	args[0] = px;
	args[1] = (void *)(intptr_t)stop;
	pthread_create(&th, NULL, proxy_thread, args);
	b.batch = 1;
	ev_rate = run_ev(&b, &got_ev);
	b.batch = 64;
	b_rate = run_ev(&b, &got_b);
	raw_rate = run_raw(&b, &got_raw);
	ns = run_unsubscribed();
	eventfd_write(stop, 1);
	pthread_join(th, NULL);
	ev_proxy_destroy(&px);
	zmq_ctx_term(b.zctx);
	printf("events: broker = in-process ev_proxy thread (same code as "
	       "tessera-broker), ipc://, body %zu bytes, %ld sent per run\n",
	       b.body_len, b.events);
	printf("events: ev unbatched  %.0f events/s (%ld received)\n",
	       ev_rate, got_ev);
	printf("events: ev batched/64 %.0f events/s (%ld received)\n",
	       b_rate, got_b);
	printf("events: raw zmq       %.0f msgs/s (%ld received)\n",
	       raw_rate, got_raw);
	printf("events: ratio unbatched/raw %.2f, batched/raw %.2f\n",
	       raw_rate > 0 ? ev_rate / raw_rate : 0,
	       raw_rate > 0 ? b_rate / raw_rate : 0);
	printf("events: unsubscribed publish %.2f ns/call\n", ns);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	close(stop);
	return system(cmd) == 0 ? 0 : 1;
}
