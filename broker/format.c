/* SPDX-License-Identifier: MIT */
/*
 * Event printers (see format.h), walking the descriptor tables.
 */
#include "broker/format.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct out {
	char *buf;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->cap ? o->buf + o->len : NULL,
		      o->len < o->cap ? o->cap - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void put_c(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c, o->buf[o->len + 1] = '\0';
	o->len++;
}

static int plain(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (!strchr("._:/-", *s) && !(*s >= 'a' && *s <= 'z') &&
		    !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9'))
			return 0;
	}
	return 1;
}

/* A quoted string, JSON escapes (valid for both outputs). */
static void put_quoted(struct out *o, const char *s)
{
	put_c(o, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			put(o, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			put(o, "\\u%04x", *c);
		else
			put_c(o, (char)*c);
	}
	put_c(o, '"');
}

static void put_value(struct out *o, const struct ev_event *ev,
		      const struct ev_field *f, int json)
{
	const uint8_t *v = (const uint8_t *)ev + f->offset;
	uint64_t u = 0;
	int64_t i;
	uint32_t u32;

	switch (f->type) {
	case EV_T_U32:
		memcpy(&u32, v, sizeof(u32));
		u = u32;
		/* fall through */
	case EV_T_U64:
		if (f->type == EV_T_U64)
			memcpy(&u, v, sizeof(u));
		if (!json && f->display == EV_D_HEX)
			put(o, "0x%" PRIx64, u);
		else
			put(o, "%" PRIu64, u);
		return;
	case EV_T_I64:
		memcpy(&i, v, sizeof(i));
		put(o, "%" PRId64, i);
		return;
	case EV_T_ACC:
		if (json)
			put(o, "\"%c\"", *(const char *)v);
		else
			put_c(o, *(const char *)v);
		return;
	case EV_T_STR:
		if (json || !plain((const char *)v))
			put_quoted(o, (const char *)v);
		else
			put(o, "%s", (const char *)v);
		return;
	default:
		return;           /* TIME is only in the header */
	}
}

int ev_format_text(const struct ev_event *ev, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	const struct ev_topic_info *ti;
	time_t sec = (time_t)ev->h.occurred_at.sec;
	struct tm tm = { 0 };

	if (cap)
		buf[0] = '\0';
	if ((unsigned)ev->topic >= EV_TOPIC_COUNT)
		return 0;
	ti = &ev_topics[ev->topic];
	if (!localtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	put(&o, "%02d:%02d:%02d.%06u %s #%" PRIu64 " %s", tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ev->h.occurred_at.nsec / 1000,
	    ev->h.source, ev->h.seq, ti->name);
	for (unsigned k = 0; k < ti->nfields; k++) {
		put(&o, " %s=", ti->fields[k].name);
		put_value(&o, ev, &ti->fields[k], 0);
	}
	return (int)o.len;
}

int ev_format_json(const struct ev_event *ev, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	const struct ev_topic_info *ti;
	time_t sec = (time_t)ev->h.occurred_at.sec;
	struct tm tm = { 0 };

	if (cap)
		buf[0] = '\0';
	if ((unsigned)ev->topic >= EV_TOPIC_COUNT)
		return 0;
	ti = &ev_topics[ev->topic];
	if (!gmtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	put(&o, "{\"topic\":\"%s\",\"vm_id\":", ti->name);
	put_quoted(&o, ev->h.vm_id);
	put(&o, ",\"source\":");
	put_quoted(&o, ev->h.source);
	put(&o, ",\"seq\":%" PRIu64 ",\"occurred_at\":\"%04d-%02d-%02dT"
	    "%02d:%02d:%02d.%09uZ\"", ev->h.seq, tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ev->h.occurred_at.nsec);
	for (unsigned k = 0; k < ti->nfields; k++) {
		put(&o, ",\"%s\":", ti->fields[k].name);
		put_value(&o, ev, &ti->fields[k], 1);
	}
	put_c(&o, '}');
	return (int)o.len;
}
