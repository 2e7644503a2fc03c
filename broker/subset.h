/* SPDX-License-Identifier: MIT */
/*
 * The set of subscription prefixes a publisher has been told about, and
 * the per-topic "wanted" flags derived from it.
 *
 * A publisher's XPUB socket receives one message per subscription change
 * that reaches it through the broker: byte 1 then the prefix for a new
 * subscription, byte 0 then the prefix when the last subscriber of that
 * prefix left (or the connection to the broker dropped). Prefix matching
 * is ZeroMQ's: "memory." wants every memory topic, "" wants everything.
 * Kept apart from the sockets so that it can be tested on its own.
 */
#ifndef TESSERA_BROKER_SUBSET_H
#define TESSERA_BROKER_SUBSET_H

#include <stddef.h>
#include <stdint.h>

#include "broker/event.h"

#define EV_PREFIX_MAX   64   /* longest prefix that can match a topic + 1 */
#define EV_PREFIXES_MAX 128  /* distinct prefixes tracked exactly */

struct ev_prefix {
	uint32_t refs;
	uint8_t len;
	char s[EV_PREFIX_MAX];
};

/*
 * Plain value, zero-initialised to empty. When more than EV_PREFIXES_MAX
 * prefixes are live, the extra ones are only counted (@overflow) and every
 * topic counts as wanted: publishing too much is harmless, too little not.
 */
struct ev_subset {
	unsigned n;
	unsigned overflow;
	struct ev_prefix p[EV_PREFIXES_MAX];
};

/*
 * ev_subset_apply - apply one XPUB subscription message (@len bytes at
 * @msg) to @s. Returns 1 when the set changed, 0 when not (a repeated
 * subscription, or a prefix too long to match any topic), -EPROTO for a
 * message that is not a subscription message.
 */
int ev_subset_apply(struct ev_subset *s, const void *msg, size_t len);

/* ev_subset_clear - forget every prefix (the broker connection is gone). */
void ev_subset_clear(struct ev_subset *s);

/*
 * ev_subset_flags - set @wanted[t] to 1 for every topic some prefix in @s
 * matches, 0 for the others.
 */
void ev_subset_flags(const struct ev_subset *s,
		     uint8_t wanted[EV_TOPIC_COUNT]);

#endif
