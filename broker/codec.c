/* SPDX-License-Identifier: MIT */
/*
 * msgpack encoding and strict decoding of domain events (see codec.h for
 * the format and why the reader is hand-written). The encoders are one
 * generated function per topic, type-checked against the structs; the
 * decoder walks the descriptor tables of event.c.
 */
#include "broker/codec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- writer ---------------------------------------------------------- */

struct wr {
	uint8_t *p, *end;
	int err;
};

static inline void put_be(uint8_t *dst, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		dst[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static inline void wr_bytes(struct wr *w, const void *b, size_t n)
{
	if ((size_t)(w->end - w->p) < n) {
		w->err = -ENOBUFS;
		return;
	}
	memcpy(w->p, b, n);
	w->p += n;
}

static inline void wr_be(struct wr *w, uint8_t tag, uint64_t v, unsigned n)
{
	uint8_t b[9];

	b[0] = tag;
	put_be(b + 1, v, n);
	wr_bytes(w, b, n + 1);
}

static inline void wr_uint(struct wr *w, uint64_t v)
{
	uint8_t b = (uint8_t)v;

	if (v < 0x80)
		wr_bytes(w, &b, 1);
	else if (v <= 0xff)
		wr_be(w, 0xcc, v, 1);
	else if (v <= 0xffff)
		wr_be(w, 0xcd, v, 2);
	else if (v <= 0xffffffffu)
		wr_be(w, 0xce, v, 4);
	else
		wr_be(w, 0xcf, v, 8);
}

static void wr_int(struct wr *w, int64_t v)
{
	uint8_t b = (uint8_t)v;

	if (v >= 0)
		wr_uint(w, (uint64_t)v);
	else if (v >= -32)
		wr_bytes(w, &b, 1);
	else if (v >= INT8_MIN)
		wr_be(w, 0xd0, (uint64_t)v, 1);
	else if (v >= INT16_MIN)
		wr_be(w, 0xd1, (uint64_t)v, 2);
	else if (v >= INT32_MIN)
		wr_be(w, 0xd2, (uint64_t)v, 4);
	else
		wr_be(w, 0xd3, (uint64_t)v, 8);
}

/* Strings of the catalogue are short: fixstr or str8. */
static inline void wr_str(struct wr *w, const char *s, size_t n)
{
	uint8_t h[2] = { 0xd9, (uint8_t)n };

	if (n < 32) {
		h[0] = (uint8_t)(0xa0 | n);
		wr_bytes(w, h, 1);
	} else {
		wr_bytes(w, h, 2);
	}
	wr_bytes(w, s, n);
}

/* A key is a field name from the catalogue (< 32 bytes: a fixstr). */
static inline void wr_key(struct wr *w, const char *k, size_t n)
{
	uint8_t h = (uint8_t)(0xa0 | n);

	wr_bytes(w, &h, 1);
	wr_bytes(w, k, n);
}

/* Timestamp extension -1 in the shortest of its three forms. */
static void wr_time(struct wr *w, struct ev_time t)
{
	uint8_t b[15];

	if (t.nsec >= 1000000000u) {
		w->err = -EINVAL;
		return;
	}
	if (t.nsec == 0 && t.sec >= 0 && t.sec <= 0xffffffffll) {
		b[0] = 0xd6, b[1] = 0xff;
		put_be(b + 2, (uint64_t)t.sec, 4);
		wr_bytes(w, b, 6);
	} else if (t.sec >= 0 && t.sec < (1ll << 34)) {
		b[0] = 0xd7, b[1] = 0xff;
		put_be(b + 2, ((uint64_t)t.nsec << 34) | (uint64_t)t.sec, 8);
		wr_bytes(w, b, 10);
	} else {
		b[0] = 0xc7, b[1] = 12, b[2] = 0xff;
		put_be(b + 3, t.nsec, 4);
		put_be(b + 7, (uint64_t)t.sec, 8);
		wr_bytes(w, b, 15);
	}
}

/* ---- generated encoders ---------------------------------------------- */

static inline void enc_U32(struct wr *w, const char *k, size_t kn,
			   const uint32_t *v)
{
	wr_key(w, k, kn);
	wr_uint(w, *v);
}

static inline void enc_U64(struct wr *w, const char *k, size_t kn,
			   const uint64_t *v)
{
	wr_key(w, k, kn);
	wr_uint(w, *v);
}

static inline void enc_I64(struct wr *w, const char *k, size_t kn,
			   const int64_t *v)
{
	wr_key(w, k, kn);
	wr_int(w, *v);
}

static inline void enc_STR(struct wr *w, const char *k, size_t kn,
			   const char (*v)[EV_STR_MAX])
{
	size_t n = strnlen(*v, EV_STR_MAX);

	if (n == EV_STR_MAX) {
		w->err = -EINVAL;
		return;
	}
	wr_key(w, k, kn);
	wr_str(w, *v, n);
}

static inline void enc_ACC(struct wr *w, const char *k, size_t kn,
			   const char *v)
{
	if (*v != EV_ACCESS_READ && *v != EV_ACCESS_WRITE &&
	    *v != EV_ACCESS_EXEC) {
		w->err = -EINVAL;
		return;
	}
	wr_key(w, k, kn);
	wr_str(w, v, 1);
}

#define ENC_FIELD_(x, t, n, d)                                                \
	_Static_assert(sizeof(#n) <= 32, "field names are fixstr keys");      \
	enc_##t(w, #n, sizeof(#n) - 1, &e->n);
#define ENC_TOPIC_(ID, name, str, batch)                                      \
	static void enc_##name(struct wr *w, const struct ev_##name *e)       \
	{                                                                     \
		EV_FIELDS_##name(ENC_FIELD_, _)                               \
	}
EV_TOPICS(ENC_TOPIC_)
#undef ENC_TOPIC_

static void enc_fields(struct wr *w, const struct ev_event *ev)
{
	switch (ev->topic) {
#define ENC_CASE_(ID, name, str, batch)                                       \
	case EV_TOPIC_##ID:                                                   \
		enc_##name(w, &ev->u.name);                                   \
		break;
	EV_TOPICS(ENC_CASE_)
#undef ENC_CASE_
	default:
		w->err = -EINVAL;
	}
}

int ev_encoder_init(struct ev_encoder *e, const char *vm_id,
		    const char *source)
{
	size_t nv = vm_id ? strnlen(vm_id, EV_STR_MAX) : 0;
	size_t ns = source ? strnlen(source, EV_STR_MAX) : 0;
	struct wr w = { e->prefix, e->prefix + sizeof(e->prefix), 0 };

	if (nv == 0 || nv == EV_STR_MAX || ns == 0 || ns == EV_STR_MAX)
		return -EINVAL;
	wr_key(&w, "vm_id", 5);
	wr_str(&w, vm_id, nv);
	wr_key(&w, "source", 6);
	wr_str(&w, source, ns);
	if (w.err < 0)
		return w.err;
	e->prefix_len = (uint16_t)(w.p - e->prefix);
	return 0;
}

int ev_encoder_put(const struct ev_encoder *e, const struct ev_event *ev,
		   uint64_t seq, struct ev_time at, void *buf, size_t cap)
{
	struct wr w = { buf, (uint8_t *)buf + cap, 0 };
	uint8_t map;

	if ((unsigned)ev->topic >= EV_TOPIC_COUNT)
		return -EINVAL;
	/* Every event map has fewer than 16 keys: a fixmap. */
	map = (uint8_t)(0x80 | (EV_HEADER_NFIELDS + ev_topics[ev->topic].nfields));
	wr_bytes(&w, &map, 1);
	wr_bytes(&w, e->prefix, e->prefix_len);
	wr_key(&w, "seq", 3);
	wr_uint(&w, seq);
	wr_key(&w, "occurred_at", 11);
	wr_time(&w, at);
	enc_fields(&w, ev);
	if (w.err < 0)
		return w.err;
	return (int)(w.p - (uint8_t *)buf);
}

int ev_encode(const struct ev_event *ev, void *buf, size_t cap)
{
	struct ev_encoder e;
	int rc = ev_encoder_init(&e, ev->h.vm_id, ev->h.source);

	if (rc < 0)
		return rc;
	return ev_encoder_put(&e, ev, ev->h.seq, ev->h.occurred_at, buf, cap);
}

void ev_batch_seal(void *body, unsigned n)
{
	uint8_t *b = body;

	b[0] = 0xdc;
	put_be(b + 1, n, 2);
}

_Static_assert(EV_HEADER_NFIELDS + EV_FIELDS_MAX < 16, "fixmap");
_Static_assert(EV_BATCH_MAX <= 0xffff, "array16");

/* ---- reader ---------------------------------------------------------- */

struct rd {
	const uint8_t *p, *end, *start;
	struct ev_error *err;
	unsigned max_depth;       /* for skipped values */
	int any_ext;              /* accept every extension type */
};

__attribute__((format(printf, 3, 4)))
static int rd_fail(struct rd *r, enum ev_errcode code, const char *fmt, ...)
{
	va_list ap;

	if (r->err && r->err->code == EV_ERR_NONE) {
		r->err->code = code;
		r->err->offset = (size_t)(r->p - r->start);
		va_start(ap, fmt);
		vsnprintf(r->err->msg, sizeof(r->err->msg), fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static const char *mp_type(uint8_t b)
{
	if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3))
		return "int";
	if (b <= 0x8f || b == 0xde || b == 0xdf)
		return "map";
	if (b <= 0x9f || b == 0xdc || b == 0xdd)
		return "array";
	if (b <= 0xbf || (b >= 0xd9 && b <= 0xdb))
		return "str";
	if (b >= 0xc4 && b <= 0xc6)
		return "bin";
	if ((b >= 0xc7 && b <= 0xc9) || (b >= 0xd4 && b <= 0xd8))
		return "ext";
	if (b == 0xca || b == 0xcb)
		return "float";
	if (b == 0xc2 || b == 0xc3)
		return "bool";
	return b == 0xc0 ? "nil" : "never-used byte 0xc1";
}

static inline int rd_need(struct rd *r, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return rd_fail(r, EV_ERR_TRUNCATED, "truncated: need %zu bytes, "
			       "%zu left", n, (size_t)(r->end - r->p));
	return 0;
}

static inline uint64_t get_be(const uint8_t *s, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | s[i];
	return v;
}

/* Any msgpack integer: @neg says whether *v holds a negative int64. */
static int rd_integer(struct rd *r, const char *what, uint64_t *v, int *neg)
{
	uint8_t b;
	unsigned n;
	int64_t sv;

	if (rd_need(r, 1) < 0)
		return -EBADMSG;
	b = *r->p;
	*neg = b >= 0xe0;
	if (b <= 0x7f || b >= 0xe0) {
		*v = (uint64_t)(int64_t)(int8_t)b;
		r->p++;
		return 0;
	}
	if (b < 0xcc || b > 0xd3)
		return rd_fail(r, EV_ERR_TYPE, "%s: expected int, got %s",
			       what, mp_type(b));
	n = 1u << ((b - 0xcc) & 3);
	if (rd_need(r, 1 + n) < 0)
		return -EBADMSG;
	*v = get_be(r->p + 1, n);
	if (b >= 0xd0) {
		sv = n == 1 ? (int8_t)*v : n == 2 ? (int16_t)*v :
		     n == 4 ? (int32_t)*v : (int64_t)*v;
		*neg = sv < 0;
		*v = (uint64_t)sv;
	}
	r->p += 1 + n;
	return 0;
}

static int rd_str(struct rd *r, const char *what, const uint8_t **s,
		  size_t *n)
{
	uint8_t b;
	unsigned h;

	if (rd_need(r, 1) < 0)
		return -EBADMSG;
	b = *r->p;
	if (b >= 0xa0 && b <= 0xbf)
		h = 1, *n = b & 31;
	else if (b >= 0xd9 && b <= 0xdb)
		h = 1 + (1u << (b - 0xd9));
	else
		return rd_fail(r, EV_ERR_TYPE, "%s: expected str, got %s",
			       what, mp_type(b));
	if (rd_need(r, h) < 0)
		return -EBADMSG;
	if (h > 1)
		*n = get_be(r->p + 1, h - 1);
	if (rd_need(r, h + *n) < 0)
		return -EBADMSG;
	*s = r->p + h;
	r->p += h + *n;
	return 0;
}

/* The body of an extension: its type (signed) and data length. */
static int rd_ext_header(struct rd *r, int *type, size_t *len, unsigned *h)
{
	uint8_t b = *r->p;

	if (b >= 0xd4 && b <= 0xd8)
		*h = 2, *len = 1u << (b - 0xd4);
	else if (b >= 0xc7 && b <= 0xc9)
		*h = 2 + (1u << (b - 0xc7));
	else
		return -EINVAL;
	if (rd_need(r, *h) < 0)
		return -EBADMSG;
	if (b >= 0xc7 && b <= 0xc9)
		*len = get_be(r->p + 1, *h - 2);
	*type = (int8_t)r->p[*h - 1];
	if (*type != -1 && !r->any_ext)
		return rd_fail(r, EV_ERR_EXTENSION,
			       "unknown extension type %d", *type);
	return rd_need(r, *h + *len);
}

static int rd_time(struct rd *r, const char *what, struct ev_time *t)
{
	const uint8_t *d;
	size_t len;
	unsigned h;
	int type, rc;
	uint64_t v;

	if (rd_need(r, 1) < 0)
		return -EBADMSG;
	rc = rd_ext_header(r, &type, &len, &h);
	if (rc == -EINVAL)
		return rd_fail(r, EV_ERR_TYPE, "%s: expected timestamp, got %s",
			       what, mp_type(*r->p));
	if (rc < 0)
		return rc;
	d = r->p + h;
	if (len == 4) {
		t->sec = (int64_t)get_be(d, 4), t->nsec = 0;
	} else if (len == 8) {
		v = get_be(d, 8);
		t->sec = (int64_t)(v & ((1ull << 34) - 1));
		t->nsec = (uint32_t)(v >> 34);
	} else if (len == 12) {
		t->nsec = (uint32_t)get_be(d, 4);
		t->sec = (int64_t)get_be(d + 4, 8);
	} else {
		return rd_fail(r, EV_ERR_INVALID, "%s: timestamp of %zu bytes",
			       what, len);
	}
	if (t->nsec >= 1000000000u)
		return rd_fail(r, EV_ERR_RANGE, "%s: nanoseconds %u out of range",
			       what, t->nsec);
	r->p += h + len;
	return 0;
}

/* Map or array header; @map selects which. Counts are capped by the caller. */
static int rd_container(struct rd *r, int map, const char *what, uint32_t *n)
{
	uint8_t b, fix = map ? 0x80 : 0x90, c16 = map ? 0xde : 0xdc;
	unsigned h;

	if (rd_need(r, 1) < 0)
		return -EBADMSG;
	b = *r->p;
	if (b >= fix && b <= fix + 15)
		h = 1, *n = b & 15;
	else if (b == c16 || b == c16 + 1)
		h = b == c16 ? 3 : 5;
	else
		return rd_fail(r, EV_ERR_TYPE, "%s: expected %s, got %s", what,
			       map ? "map" : "array", mp_type(b));
	if (rd_need(r, h) < 0)
		return -EBADMSG;
	if (h > 1)
		*n = (uint32_t)get_be(r->p + 1, h - 1);
	r->p += h;
	return 0;
}

/*
 * Skip one value that is not a map or an array. Returns 1 when skipped,
 * 0 when the value is a container (nothing consumed), -EBADMSG.
 */
static int rd_skip_scalar(struct rd *r, uint8_t b)
{
	static const uint8_t fixed[] = {
		[0xc0] = 1, [0xc2] = 1, [0xc3] = 1, [0xca] = 5, [0xcb] = 9,
		[0xcc] = 2, [0xcd] = 3, [0xce] = 5, [0xcf] = 9,
		[0xd0] = 2, [0xd1] = 3, [0xd2] = 5, [0xd3] = 9,
	};
	const uint8_t *s;
	size_t n, len;
	unsigned h;
	int type;

	if (b <= 0x7f || b >= 0xe0)
		n = 1;
	else if (b < sizeof(fixed) && fixed[b])
		n = fixed[b];
	else if ((b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb))
		return rd_str(r, "value", &s, &n) < 0 ? -EBADMSG : 1;
	else if ((b >= 0xc7 && b <= 0xc9) || (b >= 0xd4 && b <= 0xd8))
		n = rd_ext_header(r, &type, &len, &h) < 0 ? 0 : h + len;
	else if (b >= 0xc4 && b <= 0xc6)
		n = rd_need(r, 1u + (1u << (b - 0xc4))) < 0 ? 0 :
		    1u + (1u << (b - 0xc4)) +
		    get_be(r->p + 1, 1u << (b - 0xc4));
	else if (b == 0xc1)
		return rd_fail(r, EV_ERR_INVALID, "never-used byte 0xc1");
	else
		return 0;
	if (n == 0 || rd_need(r, n) < 0)
		return -EBADMSG;
	r->p += n;
	return 1;
}

/* Skip one value of an unknown key, with the same checks as known ones. */
static int rd_skip(struct rd *r, unsigned depth)
{
	uint32_t count;
	int map, rc;
	uint8_t b;

	if (depth > r->max_depth)
		return rd_fail(r, EV_ERR_NESTING, "value nested deeper than %u",
			       r->max_depth);
	if (rd_need(r, 1) < 0)
		return -EBADMSG;
	b = *r->p;
	rc = rd_skip_scalar(r, b);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	map = b <= 0x8f || b >= 0xde;
	if (rd_container(r, map, "value", &count) < 0)
		return -EBADMSG;
	/* Every element takes a byte at least: a huge count is truncation. */
	if ((uint64_t)count << map > (uint64_t)(r->end - r->p))
		return rd_fail(r, EV_ERR_TRUNCATED, "container of %u elements "
			       "in %zu bytes", count, (size_t)(r->end - r->p));
	for (uint64_t i = 0; i < (uint64_t)count << map; i++) {
		if (rd_skip(r, depth + 1) < 0)
			return -EBADMSG;
	}
	return 0;
}

static int rd_unsigned(struct rd *r, const char *what, uint64_t max,
		       uint64_t *v)
{
	int neg;

	if (rd_integer(r, what, v, &neg) < 0)
		return -EBADMSG;
	if (neg || *v > max)
		return rd_fail(r, EV_ERR_RANGE, "%s: %s%llu out of range",
			       what, neg ? "-" : "",
			       (unsigned long long)(neg ? 0 - *v : *v));
	return 0;
}

static int rd_string(struct rd *r, const struct ev_field *f, char *dst)
{
	const uint8_t *s;
	size_t n;

	if (rd_str(r, f->name, &s, &n) < 0)
		return -EBADMSG;
	if (n >= EV_STR_MAX)
		return rd_fail(r, EV_ERR_OVERSIZE, "%s: string of %zu bytes "
			       "(at most %u)", f->name, n, EV_STR_MAX - 1);
	if (memchr(s, 0, n))
		return rd_fail(r, EV_ERR_INVALID, "%s: NUL byte in string",
			       f->name);
	if (f->type == EV_T_ACC && (n != 1 || (*s != EV_ACCESS_READ &&
			*s != EV_ACCESS_WRITE && *s != EV_ACCESS_EXEC)))
		return rd_fail(r, EV_ERR_RANGE, "%s: expected \"r\", \"w\" or "
			       "\"x\"", f->name);
	if (f->type == EV_T_ACC) {
		*dst = (char)*s;
		return 0;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int rd_value(struct rd *r, const struct ev_field *f,
		    struct ev_event *out)
{
	uint8_t *dst = (uint8_t *)out + f->offset;
	uint64_t v;
	uint32_t v32;
	int neg;

	switch (f->type) {
	case EV_T_U32:
		if (rd_unsigned(r, f->name, UINT32_MAX, &v) < 0)
			return -EBADMSG;
		v32 = (uint32_t)v;
		memcpy(dst, &v32, sizeof(v32));
		return 0;
	case EV_T_U64:
		if (rd_unsigned(r, f->name, UINT64_MAX, &v) < 0)
			return -EBADMSG;
		memcpy(dst, &v, sizeof(v));
		return 0;
	case EV_T_I64:
		if (rd_integer(r, f->name, &v, &neg) < 0)
			return -EBADMSG;
		if (!neg && v > INT64_MAX)
			return rd_fail(r, EV_ERR_RANGE, "%s: %llu out of range",
				       f->name, (unsigned long long)v);
		memcpy(dst, &v, sizeof(v));
		return 0;
	case EV_T_TIME:
		return rd_time(r, f->name, (struct ev_time *)(void *)dst);
	default:
		return rd_string(r, f, (char *)dst);
	}
}

static const struct ev_field *field_at(const struct ev_topic_info *ti,
				       unsigned i)
{
	return i < EV_HEADER_NFIELDS ? &ev_header_fields[i] :
	       &ti->fields[i - EV_HEADER_NFIELDS];
}

/* Index of key @k among header + topic fields, trying @hint first:
 * publishers write keys in catalogue order, so the hint nearly always
 * hits. */
static int find_field(const struct ev_topic_info *ti, const uint8_t *k,
		      size_t n, unsigned hint)
{
	unsigned total = EV_HEADER_NFIELDS + ti->nfields;
	const struct ev_field *f;

	if (hint < total) {
		f = field_at(ti, hint);
		if (f->namelen == n && memcmp(f->name, k, n) == 0)
			return (int)hint;
	}
	for (unsigned i = 0; i < total; i++) {
		f = field_at(ti, i);
		if (f->namelen == n && memcmp(f->name, k, n) == 0)
			return (int)i;
	}
	return -1;
}

static int rd_event(struct rd *r, enum ev_topic t, struct ev_event *out)
{
	const struct ev_topic_info *ti = &ev_topics[t];
	unsigned total = EV_HEADER_NFIELDS + ti->nfields, hint = 0;
	uint32_t n, seen = 0;
	const uint8_t *k;
	size_t kn;
	int i;

	if (rd_container(r, 1, "event", &n) < 0)
		return -EBADMSG;
	if (n > EV_MAP_MAX)
		return rd_fail(r, EV_ERR_OVERSIZE, "map of %u keys (at most %u)",
			       n, EV_MAP_MAX);
	out->topic = t;
	for (uint32_t j = 0; j < n; j++) {
		if (rd_str(r, "key", &k, &kn) < 0)
			return -EBADMSG;
		i = find_field(ti, k, kn, hint);
		if (i < 0) {
			if (rd_skip(r, 1) < 0)
				return -EBADMSG;
			continue;
		}
		if (seen & (1u << i))
			return rd_fail(r, EV_ERR_DUPLICATE, "duplicate field %s",
				       field_at(ti, (unsigned)i)->name);
		seen |= 1u << i;
		hint = (unsigned)i + 1;
		if (rd_value(r, field_at(ti, (unsigned)i), out) < 0)
			return -EBADMSG;
	}
	for (unsigned j = 0; j < total; j++) {
		if (!(seen & (1u << j)))
			return rd_fail(r, EV_ERR_MISSING, "missing field %s in %s",
				       field_at(ti, j)->name, ti->name);
	}
	return 0;
}

static void err_reset(struct ev_error *err)
{
	if (err) {
		err->code = EV_ERR_NONE;
		err->offset = 0;
		err->msg[0] = '\0';
	}
}

static int rd_end(struct rd *r)
{
	if (r->p != r->end)
		return rd_fail(r, EV_ERR_TRAILING, "%zu bytes after the body",
			       (size_t)(r->end - r->p));
	return 0;
}

int ev_decode(enum ev_topic topic, const void *buf, size_t len,
	      struct ev_event *out, struct ev_error *err)
{
	struct rd r = { buf, (const uint8_t *)buf + len, buf, err,
			EV_DEPTH_MAX, 0 };

	err_reset(err);
	if ((unsigned)topic >= EV_TOPIC_COUNT)
		return rd_fail(&r, EV_ERR_TOPIC, "topic %d out of range",
			       (int)topic);
	if (len > EV_BODY_MAX)
		return rd_fail(&r, EV_ERR_OVERSIZE, "body of %zu bytes", len);
	if (rd_event(&r, topic, out) < 0)
		return -EBADMSG;
	return rd_end(&r);
}

/* A printable rendering of an unknown topic frame, for the message. */
static void show_topic(char *dst, size_t cap, const uint8_t *t, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap; i++)
		dst[i] = t[i] >= 0x20 && t[i] < 0x7f ? (char)t[i] : '?';
	dst[i] = '\0';
}

static int rd_batch(struct rd *r, enum ev_topic t, struct ev_event *out,
		    size_t max)
{
	uint32_t n;

	if (rd_container(r, 0, "batch", &n) < 0)
		return -EBADMSG;
	if (n == 0)
		return rd_fail(r, EV_ERR_INVALID, "empty batch");
	if (n > EV_BATCH_MAX || n > max)
		return rd_fail(r, EV_ERR_OVERSIZE, "batch of %u events "
			       "(at most %zu)", n, max < EV_BATCH_MAX ? max :
			       (size_t)EV_BATCH_MAX);
	for (uint32_t i = 0; i < n; i++) {
		if (rd_event(r, t, &out[i]) < 0)
			return -EBADMSG;
	}
	return (int)n;
}

int ev_decode_frame(const void *topic, size_t tlen, const void *body,
		    size_t blen, struct ev_event *out, size_t max,
		    struct ev_error *err)
{
	struct rd r = { body, (const uint8_t *)body + blen, body, err,
			EV_DEPTH_MAX, 0 };
	char shown[48];
	int t, n;
	uint8_t b;

	err_reset(err);
	t = ev_topic_lookup(topic, tlen);
	if (t < 0) {
		show_topic(shown, sizeof(shown), topic, tlen);
		return rd_fail(&r, EV_ERR_TOPIC, "unknown topic \"%s\"", shown);
	}
	if (blen > EV_BODY_MAX)
		return rd_fail(&r, EV_ERR_OVERSIZE, "body of %zu bytes (at most "
			       "%u)", blen, EV_BODY_MAX);
	if (max == 0)
		return rd_fail(&r, EV_ERR_OVERSIZE, "no room for an event");
	if (blen == 0)
		return rd_fail(&r, EV_ERR_TRUNCATED, "empty body");
	b = *r.p;
	if ((b >= 0x90 && b <= 0x9f) || b == 0xdc || b == 0xdd)
		n = rd_batch(&r, (enum ev_topic)t, out, max);
	else
		n = rd_event(&r, (enum ev_topic)t, out) < 0 ? -EBADMSG : 1;
	if (n < 0 || rd_end(&r) < 0)
		return -EBADMSG;
	return n;
}

int ev_msgpack_check(const void *buf, size_t len, unsigned max_depth,
		     struct ev_error *err)
{
	struct rd r = { buf, (const uint8_t *)buf + len, buf, err,
			max_depth, 1 };

	err_reset(err);
	if (rd_skip(&r, 1) < 0)
		return -EBADMSG;
	return rd_end(&r);
}

const char *ev_errcode_name(enum ev_errcode code)
{
	static const char *const names[] = {
		[EV_ERR_NONE] = "none",         [EV_ERR_TRUNCATED] = "truncated",
		[EV_ERR_TYPE] = "type",         [EV_ERR_RANGE] = "range",
		[EV_ERR_OVERSIZE] = "oversize", [EV_ERR_MISSING] = "missing",
		[EV_ERR_DUPLICATE] = "duplicate", [EV_ERR_TOPIC] = "topic",
		[EV_ERR_EXTENSION] = "extension", [EV_ERR_TRAILING] = "trailing",
		[EV_ERR_NESTING] = "nesting",   [EV_ERR_INVALID] = "invalid",
	};

	if ((unsigned)code >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[code];
}
