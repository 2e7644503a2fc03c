/* SPDX-License-Identifier: MIT */
/*
 * Subscription prefix set of a publisher (see subset.h). Linear search is
 * fine: a handful of prefixes, changed only when a subscriber comes or goes.
 */
#include "broker/subset.h"

#include <errno.h>
#include <string.h>

static int find(const struct ev_subset *s, const char *pre, size_t len)
{
	for (unsigned i = 0; i < s->n; i++) {
		if (s->p[i].len == len && memcmp(s->p[i].s, pre, len) == 0)
			return (int)i;
	}
	return -1;
}

static int add(struct ev_subset *s, const char *pre, size_t len)
{
	int i = find(s, pre, len);

	if (i >= 0) {
		s->p[i].refs++;
		return 0;
	}
	if (s->n == EV_PREFIXES_MAX) {
		s->overflow++;
		return 1;
	}
	s->p[s->n].refs = 1;
	s->p[s->n].len = (uint8_t)len;
	memcpy(s->p[s->n].s, pre, len);
	s->n++;
	return 1;
}

static int del(struct ev_subset *s, const char *pre, size_t len)
{
	int i = find(s, pre, len);

	if (i < 0) {
		/* Not tracked exactly: it can only be one of the overflow. */
		if (s->overflow == 0)
			return 0;
		s->overflow--;
		return 1;
	}
	if (--s->p[i].refs > 0)
		return 0;
	s->p[i] = s->p[--s->n];
	return 1;
}

int ev_subset_apply(struct ev_subset *s, const void *msg, size_t len)
{
	const char *m = msg;

	if (len == 0 || (m[0] != 0 && m[0] != 1))
		return -EPROTO;
	/* Longer than every topic: matches nothing, changes nothing. */
	if (len - 1 >= EV_PREFIX_MAX)
		return 0;
	return m[0] ? add(s, m + 1, len - 1) : del(s, m + 1, len - 1);
}

void ev_subset_clear(struct ev_subset *s)
{
	s->n = 0;
	s->overflow = 0;
}

void ev_subset_flags(const struct ev_subset *s,
		     uint8_t wanted[EV_TOPIC_COUNT])
{
	for (unsigned t = 0; t < EV_TOPIC_COUNT; t++) {
		uint8_t w = s->overflow > 0;

		for (unsigned i = 0; i < s->n && !w; i++)
			w = (uint8_t)ev_topic_matches((enum ev_topic)t,
						      s->p[i].s, s->p[i].len);
		wanted[t] = w;
	}
}
