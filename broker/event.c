/* SPDX-License-Identifier: MIT */
/*
 * Descriptor tables of the catalogue (see event.h): names, offsets and
 * types of every field, generated from catalogue.h, and topic lookup.
 */
#include "broker/event.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* F for the field lists: X is the path from struct ev_event to the struct. */
#define EV_DESC_(path, t, n, d)                                               \
	{ .name = #n, .namelen = sizeof(#n) - 1, .type = EV_T_##t,            \
	  .display = EV_D_##d,                                                \
	  .offset = (uint16_t)offsetof(struct ev_event, path.n) },

const struct ev_field ev_header_fields[EV_HEADER_NFIELDS] = {
	EV_HEADER_FIELDS(EV_DESC_, h)
};

#define EV_TOPIC_DESC_(ID, name, str, batch)                                  \
	static const struct ev_field fields_##name[] = {                      \
		EV_FIELDS_##name(EV_DESC_, u.name)                            \
	};
EV_TOPICS(EV_TOPIC_DESC_)
#undef EV_TOPIC_DESC_

_Static_assert(sizeof(struct ev_event) < 0x10000, "offsets are 16-bit");

#define EV_COUNT_(x, t, n, d) + 1
#define EV_CHECK_(ID, name, str, batch)                                       \
	_Static_assert((0 EV_FIELDS_##name(EV_COUNT_, _)) <= EV_FIELDS_MAX,   \
		       #name ": too many fields");
EV_TOPICS(EV_CHECK_)
#undef EV_CHECK_

const struct ev_topic_info ev_topics[EV_TOPIC_COUNT] = {
#define EV_INFO_(ID, nm, str, batch)                                          \
	[EV_TOPIC_##ID] = {                                                   \
		.name = str, .namelen = sizeof(str) - 1,                      \
		.fields = fields_##nm,                                        \
		.nfields = sizeof(fields_##nm) / sizeof(fields_##nm[0]),      \
		.batchable = batch,                                           \
	},
	EV_TOPICS(EV_INFO_)
#undef EV_INFO_
};

const char *ev_topic_name(enum ev_topic t)
{
	if ((unsigned)t >= EV_TOPIC_COUNT)
		return NULL;
	return ev_topics[t].name;
}

int ev_topic_lookup(const void *name, size_t len)
{
	for (unsigned t = 0; t < EV_TOPIC_COUNT; t++) {
		if (ev_topics[t].namelen == len &&
		    memcmp(ev_topics[t].name, name, len) == 0)
			return (int)t;
	}
	return -ENOENT;
}

int ev_topic_matches(enum ev_topic t, const void *prefix, size_t len)
{
	if ((unsigned)t >= EV_TOPIC_COUNT || len > ev_topics[t].namelen)
		return 0;
	return len == 0 || memcmp(ev_topics[t].name, prefix, len) == 0;
}

struct ev_time ev_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (struct ev_time){ .sec = ts.tv_sec,
				 .nsec = (uint32_t)ts.tv_nsec };
}
