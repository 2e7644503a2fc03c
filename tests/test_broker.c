/* SPDX-License-Identifier: MIT */
/*
 * Unit suite for the event plane (broker/): every catalogue topic through
 * the codec and back, rejection of malformed input (random bytes, every
 * truncation, wrong types, unknown topics), subscription prefix flags,
 * per-topic sequence numbering, batch unpacking, and a publisher ->
 * proxy -> subscriber round trip over ipc:// in a temporary directory.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "broker/codec.h"
#include "broker/event.h"
#include "broker/proxy.h"
#include "broker/pub.h"
#include "broker/sub.h"
#include "broker/subset.h"

/* Fill every field of @ev from @salt so that no two fields are equal. */
static void fill_event(struct ev_event *ev, enum ev_topic t, unsigned salt)
{
	const struct ev_topic_info *ti = &ev_topics[t];

	memset(ev, 0, sizeof(*ev));
	ev->topic = t;
	snprintf(ev->h.vm_id, EV_STR_MAX, "vm-%u", salt);
	snprintf(ev->h.source, EV_STR_MAX, "vcpu%u", salt % 8);
	ev->h.seq = 1000u + salt;
	ev->h.occurred_at.sec = 1700000000 + (int64_t)salt;
	ev->h.occurred_at.nsec = 123456789u;
	for (unsigned i = 0; i < ti->nfields; i++) {
		const struct ev_field *f = &ti->fields[i];
		char *p = (char *)ev + f->offset;
		uint32_t u32 = 0x80000000u + salt * 7 + i;
		uint64_t u64 = 0xfedcba9876543210ull + salt * 13 + i;
		int64_t i64 = -5000000000ll - (int64_t)(salt + i);

		switch (f->type) {
		case EV_T_U32: memcpy(p, &u32, sizeof(u32)); break;
		case EV_T_U64: memcpy(p, &u64, sizeof(u64)); break;
		case EV_T_I64: memcpy(p, &i64, sizeof(i64)); break;
		case EV_T_STR: snprintf(p, EV_STR_MAX, "%s-%u", f->name, salt); break;
		case EV_T_ACC: *p = "rwx"[(salt + i) % 3]; break;
		default: break;
		}
	}
}

/* Compare the header and the topic's fields (not padding). */
static void check_equal(const struct ev_event *a, const struct ev_event *b)
{
	const struct ev_topic_info *ti = &ev_topics[a->topic];

	ck_assert_int_eq(a->topic, b->topic);
	ck_assert_str_eq(a->h.vm_id, b->h.vm_id);
	ck_assert_str_eq(a->h.source, b->h.source);
	ck_assert_uint_eq(a->h.seq, b->h.seq);
	ck_assert_int_eq(a->h.occurred_at.sec, b->h.occurred_at.sec);
	ck_assert_uint_eq(a->h.occurred_at.nsec, b->h.occurred_at.nsec);
	for (unsigned i = 0; i < ti->nfields; i++) {
		const struct ev_field *f = &ti->fields[i];
		const char *pa = (const char *)a + f->offset;
		const char *pb = (const char *)b + f->offset;

		if (f->type == EV_T_STR)
			ck_assert_str_eq(pa, pb);
		else if (f->type == EV_T_U32)
			ck_assert_mem_eq(pa, pb, 4);
		else if (f->type == EV_T_ACC)
			ck_assert_int_eq(*pa, *pb);
		else
			ck_assert_mem_eq(pa, pb, 8);
	}
}

START_TEST(test_roundtrip_every_topic)
{
	for (int t = 0; t < EV_TOPIC_COUNT; t++) {
		struct ev_event in, out;
		struct ev_error err;
		uint8_t buf[EV_EVENT_MAX];
		const char *name = ev_topic_name((enum ev_topic)t);
		int n;

		fill_event(&in, (enum ev_topic)t, (unsigned)t + 1);
		n = ev_encode(&in, buf, sizeof(buf));
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(ev_decode((enum ev_topic)t, buf, (size_t)n,
					   &out, &err), 0);
		check_equal(&in, &out);
		ck_assert_int_eq(ev_decode_frame(name, strlen(name), buf,
						 (size_t)n, &out, 1, &err), 1);
		check_equal(&in, &out);
		ck_assert_int_eq(ev_topic_lookup(name, strlen(name)), t);
	}
}
END_TEST

START_TEST(test_every_truncation_rejected)
{
	for (int t = 0; t < EV_TOPIC_COUNT; t++) {
		struct ev_event in, out;
		struct ev_error err;
		uint8_t buf[EV_EVENT_MAX];
		int n;

		fill_event(&in, (enum ev_topic)t, 3);
		n = ev_encode(&in, buf, sizeof(buf));
		ck_assert_int_gt(n, 0);
		for (int len = 0; len < n; len++) {
			int rc = ev_decode((enum ev_topic)t, buf, (size_t)len,
					   &out, &err);
			ck_assert_int_lt(rc, 0);
			ck_assert(err.msg[0] != '\0');
		}
	}
}
END_TEST

START_TEST(test_trailing_and_unknown_topic)
{
	struct ev_event in, out;
	struct ev_error err;
	uint8_t buf[EV_EVENT_MAX + 1];
	int n;

	fill_event(&in, EV_TOPIC_PAGE_FAULT, 9);
	n = ev_encode(&in, buf, EV_EVENT_MAX);
	ck_assert_int_gt(n, 0);
	buf[n] = 0xc0;
	ck_assert_int_lt(ev_decode(EV_TOPIC_PAGE_FAULT, buf, (size_t)n + 1,
				   &out, &err), 0);
	ck_assert_int_eq(err.code, EV_ERR_TRAILING);
	ck_assert_int_lt(ev_decode_frame("memory.nope", 11, buf, (size_t)n,
					 &out, 1, &err), 0);
	ck_assert_int_eq(err.code, EV_ERR_TOPIC);
	/* The right body under another topic misses that topic's fields. */
	ck_assert_int_lt(ev_decode(EV_TOPIC_DEVICE_ADDED, buf, (size_t)n,
				   &out, &err), 0);
}
END_TEST

/* Find key @k (a fixstr) in @buf and return the offset of its value. */
static int value_of(const uint8_t *buf, int n, const char *k)
{
	size_t kl = strlen(k);

	for (int i = 0; i + 1 + (int)kl < n; i++) {
		if (buf[i] == (0xa0 | kl) && memcmp(buf + i + 1, k, kl) == 0)
			return i + 1 + (int)kl;
	}
	return -1;
}

START_TEST(test_wrong_types_rejected)
{
	struct ev_event in, out;
	struct ev_error err;
	uint8_t buf[EV_EVENT_MAX];
	int n, off;

	fill_event(&in, EV_TOPIC_PAGE_FAULT, 5);
	n = ev_encode(&in, buf, sizeof(buf));
	/* access: a str "r"/"w"/"x"; make it "q". */
	off = value_of(buf, n, "access");
	ck_assert_int_ge(off, 0);
	ck_assert_int_eq(buf[off], 0xa1);
	buf[off + 1] = 'q';
	ck_assert_int_lt(ev_decode(EV_TOPIC_PAGE_FAULT, buf, (size_t)n, &out,
				   &err), 0);
	/* vm_id as nil instead of a string: retype the str header byte. */
	n = ev_encode(&in, buf, sizeof(buf));
	off = value_of(buf, n, "vm_id");
	ck_assert_int_ge(off, 0);
	buf[off] = 0xc0;
	ck_assert_int_lt(ev_decode(EV_TOPIC_PAGE_FAULT, buf, (size_t)n, &out,
				   &err), 0);
	/* occurred_at with extension type 5 instead of -1. */
	n = ev_encode(&in, buf, sizeof(buf));
	off = value_of(buf, n, "occurred_at");
	ck_assert_int_ge(off, 0);
	ck_assert(buf[off] == 0xd7 || buf[off] == 0xc7 || buf[off] == 0xd6);
	buf[off + (buf[off] == 0xc7 ? 2 : 1)] = 5;
	ck_assert_int_lt(ev_decode(EV_TOPIC_PAGE_FAULT, buf, (size_t)n, &out,
				   &err), 0);
	ck_assert_int_eq(err.code, EV_ERR_EXTENSION);
}
END_TEST

START_TEST(test_missing_and_oversized_rejected)
{
	struct ev_event in, out;
	struct ev_error err;
	uint8_t buf[EV_EVENT_MAX], big[EV_EVENT_MAX + 128];
	int n, off;
	size_t len;

	/* Renaming "cause" leaves an unknown key and a missing field. */
	fill_event(&in, EV_TOPIC_PAGE_FAULT, 2);
	n = ev_encode(&in, buf, sizeof(buf));
	off = value_of(buf, n, "cause");
	ck_assert_int_ge(off, 0);
	buf[off - 1] = 'f';
	ck_assert_int_lt(ev_decode(EV_TOPIC_PAGE_FAULT, buf, (size_t)n, &out,
				   &err), 0);
	ck_assert_int_eq(err.code, EV_ERR_MISSING);
	/* region: a fixstr replaced by a str8 longer than EV_STR_MAX. */
	fill_event(&in, EV_TOPIC_MEMORY_ALLOCATED, 2);
	n = ev_encode(&in, buf, sizeof(buf));
	off = value_of(buf, n, "region");
	ck_assert_int_ge(off, 0);
	ck_assert_int_eq(buf[off] & 0xe0, 0xa0);
	memcpy(big, buf, (size_t)off);
	big[off] = 0xd9;
	big[off + 1] = 100;
	memset(big + off + 2, 'a', 100);
	len = (size_t)off + 102;
	memcpy(big + len, buf + off + 1 + (buf[off] & 0x1f),
	       (size_t)n - (size_t)off - 1 - (buf[off] & 0x1f));
	len += (size_t)n - (size_t)off - 1 - (buf[off] & 0x1f);
	ck_assert_int_lt(ev_decode(EV_TOPIC_MEMORY_ALLOCATED, big, len, &out,
				   &err), 0);
	ck_assert_int_eq(err.code, EV_ERR_OVERSIZE);
}
END_TEST

START_TEST(test_random_garbage_survived)
{
	uint8_t buf[512];
	struct ev_event out[4];
	struct ev_error err;
	unsigned seed = 12345;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(rand_r(&seed) % (int)sizeof(buf));

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		/* A map header first makes the decoder go deeper. */
		if (len && (iter & 1))
			buf[0] = 0x80 | (buf[0] & 0x0f);
		(void)ev_decode_frame("memory.page_fault", 17, buf, len, out,
				      4, &err);
	}
}
END_TEST

START_TEST(test_batch_unbatched)
{
	struct ev_event in[3], out[4];
	struct ev_error err;
	uint8_t body[4 * EV_EVENT_MAX];
	size_t off = 1;
	int n;

	body[0] = 0x93;
	for (int i = 0; i < 3; i++) {
		fill_event(&in[i], EV_TOPIC_DEVICE_INTERRUPT, (unsigned)i + 20);
		n = ev_encode(&in[i], body + off, sizeof(body) - off);
		ck_assert_int_gt(n, 0);
		off += (size_t)n;
	}
	n = ev_decode_frame("device.interrupt", 16, body, off, out, 4, &err);
	ck_assert_int_eq(n, 3);
	for (int i = 0; i < 3; i++)
		check_equal(&in[i], &out[i]);
	/* Every truncation of the batch is rejected as a whole. */
	for (size_t len = 0; len < off; len++)
		ck_assert_int_lt(ev_decode_frame("device.interrupt", 16, body,
						 len, out, 4, &err), 0);
}
END_TEST

START_TEST(test_prefix_flags)
{
	static struct ev_subset s;
	uint8_t w[EV_TOPIC_COUNT];
	const uint8_t sub_mem[] = "\x01memory.";
	const uint8_t unsub_mem[] = "\x00memory.";
	const uint8_t sub_irq[] = "\x01" "device.interrupt";
	const uint8_t sub_all[] = "\x01";
	const uint8_t unsub_all[] = "\x00";

	ev_subset_clear(&s);
	ev_subset_flags(&s, w);
	for (int t = 0; t < EV_TOPIC_COUNT; t++)
		ck_assert_int_eq(w[t], 0);
	ck_assert_int_eq(ev_subset_apply(&s, sub_mem, 8), 1);
	ck_assert_int_eq(ev_subset_apply(&s, sub_irq, 17), 1);
	ev_subset_flags(&s, w);
	for (int t = 0; t < EV_TOPIC_COUNT; t++) {
		const char *name = ev_topic_name((enum ev_topic)t);
		int want = strncmp(name, "memory.", 7) == 0 ||
			   strcmp(name, "device.interrupt") == 0;

		ck_assert_int_eq(!!w[t], want);
	}
	ck_assert_int_eq(ev_subset_apply(&s, unsub_mem, 8), 1);
	ev_subset_flags(&s, w);
	ck_assert_int_eq(w[EV_TOPIC_PAGE_FAULT], 0);
	ck_assert_int_ne(w[EV_TOPIC_DEVICE_INTERRUPT], 0);
	ck_assert_int_eq(ev_subset_apply(&s, sub_all, 1), 1);
	ev_subset_flags(&s, w);
	for (int t = 0; t < EV_TOPIC_COUNT; t++)
		ck_assert_int_ne(w[t], 0);
	ck_assert_int_eq(ev_subset_apply(&s, unsub_all, 1), 1);
	ck_assert_int_eq(ev_subset_apply(&s, "\x05junk", 5), -EPROTO);
	ev_subset_clear(&s);
	ev_subset_flags(&s, w);
	ck_assert_int_eq(w[EV_TOPIC_DEVICE_INTERRUPT], 0);
}
END_TEST

struct collect {
	struct ev_event ev[64];
	int n;
	uint64_t missed;
	int gaps;
};

static void on_event(const struct ev_event *ev, void *user)
{
	struct collect *c = user;

	if (c->n < 64)
		c->ev[c->n] = *ev;
	c->n++;
}

static void on_gap(const struct ev_gap *g, void *user)
{
	struct collect *c = user;

	c->gaps++;
	c->missed += g->got - g->expected;
}

static int only_irq5(const struct ev_event *ev, void *user)
{
	(void)user;
	return ev->u.device_interrupt.irq == 5;
}

START_TEST(test_sub_gap_and_filter)
{
	struct ev_sub *s = ev_sub_new("inproc://ev2-unused");
	static struct collect c;
	struct ev_event in;
	uint8_t buf[EV_EVENT_MAX];
	uint64_t seqs[] = { 0, 1, 2, 6, 7 };
	int n;

	ck_assert_ptr_nonnull(s);
	memset(&c, 0, sizeof(c));
	ck_assert_int_ge(ev_subscribe(s, "device.", on_event, only_irq5, &c), 0);
	ev_sub_on_gap(s, on_gap, &c);
	for (unsigned i = 0; i < 5; i++) {
		fill_event(&in, EV_TOPIC_DEVICE_INTERRUPT, 1);
		in.h.seq = seqs[i];
		in.u.device_interrupt.irq = (i == 3) ? 7 : 5;
		n = ev_encode(&in, buf, sizeof(buf));
		ck_assert_int_ge(ev_sub_feed(s, "device.interrupt", 16, buf,
					     (size_t)n), 0);
	}
	ck_assert_int_eq(c.n, 4);
	ck_assert_int_eq(c.gaps, 1);
	ck_assert_uint_eq(c.missed, 3);
	ck_assert_int_lt(ev_sub_feed(s, "device.interrupt", 16, "\x81", 1), 0);
	ck_assert_uint_eq(ev_sub_stats(s)->rejected, 1);
	ev_sub_destroy(&s);
	ck_assert_ptr_null(s);
	ev_sub_destroy(&s);
}
END_TEST

START_TEST(test_pub_seq_unsubscribed)
{
	struct ev_pub *p = ev_pub_new("inproc://ev2-nobroker", "vmx", "vcpu0");

	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(ev_pub_wants(p, EV_TOPIC_PAGE_FAULT), 0);
	for (int i = 0; i < 5; i++)
		ev_emit_page_fault(p, 0x1000, 0x80000000, 'w', 15);
	ck_assert_uint_eq(p->seq[EV_TOPIC_PAGE_FAULT], 5);
	ck_assert_uint_eq(p->seq[EV_TOPIC_DEVICE_INTERRUPT], 0);
	ck_assert_uint_eq(p->stats.sent, 0);
	ev_pub_destroy(&p);
	ck_assert_ptr_null(p);
	ev_pub_destroy(&p);
}
END_TEST

/* Publish until the subscriber has @want events or the bound expires. */
static void pump_until(struct ev_proxy *px, struct ev_pub *p,
		       struct ev_sub *s, struct collect *c, int want)
{
	for (int i = 0; i < 2000 && c->n < want; i++) {
		ev_proxy_pump(px, 1000);
		ev_pub_poll(p);
		if (ev_pub_wants(p, EV_TOPIC_PAGE_FAULT) && c->n == 0 && i % 50 == 0)
			ev_emit_page_fault(p, 0xdead000, 0x80001234, 'x', 12);
		ev_pub_flush(p);
		ev_proxy_pump(px, 1000);
		ev_sub_dispatch(s, 5);
	}
}

START_TEST(test_ipc_round_trip)
{
	char dir[] = "/tmp/ev2-test-XXXXXX", in[128], out[128];
	struct ev_proxy *px;
	struct ev_pub *p;
	struct ev_sub *s;
	static struct collect c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(in, sizeof(in), "ipc://%s/events-in", dir);
	snprintf(out, sizeof(out), "ipc://%s/events-out", dir);
	memset(&c, 0, sizeof(c));
	px = ev_proxy_new(NULL, in, out, NULL);
	ck_assert_ptr_nonnull(px);
	p = ev_pub_new(in, "vmt", "vcpu3");
	s = ev_sub_new(out);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_ge(ev_subscribe(s, "memory.page", on_event, NULL, &c), 0);
	pump_until(px, p, s, &c, 1);
	ck_assert_int_ge(c.n, 1);
	ck_assert_int_eq(c.ev[0].topic, EV_TOPIC_PAGE_FAULT);
	ck_assert_str_eq(c.ev[0].h.vm_id, "vmt");
	ck_assert_str_eq(c.ev[0].h.source, "vcpu3");
	ck_assert_uint_eq(c.ev[0].u.page_fault.addr, 0xdead000);
	ck_assert_uint_eq(c.ev[0].u.page_fault.pc, 0x80001234);
	ck_assert_int_eq(c.ev[0].u.page_fault.access, 'x');
	ck_assert_uint_eq(c.ev[0].u.page_fault.cause, 12);
	ck_assert_int_eq(ev_pub_wants(p, EV_TOPIC_DEVICE_ADDED), 0);
	ck_assert_uint_ge(ev_proxy_stats(px)->messages_in, 1);
	ev_sub_destroy(&s);
	ev_pub_destroy(&p);
	ev_proxy_destroy(&px);
	snprintf(in, sizeof(in), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(in), 0);
}
END_TEST

/* Set up proxy, publisher and subscriber in a fresh temporary directory. */
static void setup_ipc(char *dir, struct ev_proxy **px, struct ev_pub **p,
		      struct ev_sub **s)
{
	char in[128], out[128];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(in, sizeof(in), "ipc://%s/events-in", dir);
	snprintf(out, sizeof(out), "ipc://%s/events-out", dir);
	*px = ev_proxy_new(NULL, in, out, NULL);
	ck_assert_ptr_nonnull(*px);
	*p = ev_pub_new(in, "vmb", "vcpu1");
	*s = ev_sub_new(out);
	ck_assert_ptr_nonnull(*p);
	ck_assert_ptr_nonnull(*s);
}

START_TEST(test_ipc_batched)
{
	char dir[] = "/tmp/ev2-test-XXXXXX", cmd[160];
	struct ev_proxy *px;
	struct ev_pub *p;
	struct ev_sub *s;
	static struct collect c;
	/* A full-size array: gcc warns on strnlen bounds past a literal. */
	static const char uart[EV_STR_MAX] = "uart0";

	memset(&c, 0, sizeof(c));
	setup_ipc(dir, &px, &p, &s);
	ck_assert_int_eq(ev_pub_set_batch(p, 8, 1000000), 0);
	ck_assert_int_ge(ev_subscribe(s, "device.interrupt", on_event, NULL,
				      &c), 0);
	for (int i = 0; i < 2000 && !ev_pub_wants(p, EV_TOPIC_DEVICE_INTERRUPT);
	     i++) {
		ev_proxy_pump(px, 100);
		ev_pub_poll(p);
		ev_sub_dispatch(s, 2);
	}
	ck_assert_int_ne(ev_pub_wants(p, EV_TOPIC_DEVICE_INTERRUPT), 0);
	for (unsigned i = 0; i < 5; i++)
		ev_emit_device_interrupt(p, uart, 10 + i);
	ck_assert_int_eq(ev_pub_flush(p), 0);
	for (int i = 0; i < 2000 && c.n < 5; i++) {
		ev_proxy_pump(px, 100);
		ev_sub_dispatch(s, 2);
	}
	ck_assert_int_eq(c.n, 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(c.ev[i].u.device_interrupt.irq, 10 + i);
		ck_assert_str_eq(c.ev[i].u.device_interrupt.device_id, "uart0");
		ck_assert_uint_eq(c.ev[i].h.seq, c.ev[0].h.seq + (uint64_t)i);
	}
	ck_assert_uint_ge(ev_sub_stats(s)->batches, 1);
	ev_sub_destroy(&s);
	ev_pub_destroy(&p);
	ev_proxy_destroy(&px);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *broker_suite(void)
{
	Suite *s = suite_create("broker");
	TCase *codec = tcase_create("codec");
	TCase *lib = tcase_create("lib");

	tcase_add_test(codec, test_roundtrip_every_topic);
	tcase_add_test(codec, test_every_truncation_rejected);
	tcase_add_test(codec, test_trailing_and_unknown_topic);
	tcase_add_test(codec, test_wrong_types_rejected);
	tcase_add_test(codec, test_missing_and_oversized_rejected);
	tcase_add_test(codec, test_random_garbage_survived);
	tcase_add_test(codec, test_batch_unbatched);
	tcase_add_test(lib, test_prefix_flags);
	tcase_add_test(lib, test_sub_gap_and_filter);
	tcase_add_test(lib, test_pub_seq_unsubscribed);
	tcase_add_test(lib, test_ipc_round_trip);
	tcase_add_test(lib, test_ipc_batched);
	tcase_set_timeout(lib, 60);
	suite_add_tcase(s, codec);
	suite_add_tcase(s, lib);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(broker_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
