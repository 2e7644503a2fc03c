/* SPDX-License-Identifier: MIT */
/*
 * Typed domain events, generated from the catalogue (catalogue.h): one
 * enum constant and one plain C struct per topic, the tagged union
 * struct ev_event that publishers fill and subscribers receive, and
 * read-only descriptors of every topic and field that the codec and the
 * printers walk.
 *
 * Events are plain values without pointers: strings live in fixed arrays
 * (at most EV_STR_MAX - 1 bytes plus the NUL), so an event can be copied,
 * kept or put in shared memory freely.
 */
#ifndef TESSERA_BROKER_EVENT_H
#define TESSERA_BROKER_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "broker/catalogue.h"

#define EV_STR_MAX 64          /* bytes of a string field, NUL included */

enum ev_topic {
#define EV_ENUM_(ID, name, str, batch) EV_TOPIC_##ID,
	EV_TOPICS(EV_ENUM_)
#undef EV_ENUM_
	EV_TOPIC_COUNT
};

/* Field types and display hints, as named in the catalogue. */
enum ev_type { EV_T_U32, EV_T_U64, EV_T_I64, EV_T_STR, EV_T_ACC, EV_T_TIME };
enum ev_display { EV_D_HEX, EV_D_DEC, EV_D_TXT };

/* Values of an ACC (memory access kind) field. */
enum ev_access { EV_ACCESS_READ = 'r', EV_ACCESS_WRITE = 'w',
		 EV_ACCESS_EXEC = 'x' };

/* A wall-clock instant (msgpack timestamp: seconds since the epoch). */
struct ev_time {
	int64_t sec;
	uint32_t nsec;             /* < 1000000000 */
};

#define EV_MEMBER_U32(n)  uint32_t n;
#define EV_MEMBER_U64(n)  uint64_t n;
#define EV_MEMBER_I64(n)  int64_t n;
#define EV_MEMBER_STR(n)  char n[EV_STR_MAX];
#define EV_MEMBER_ACC(n)  char n;
#define EV_MEMBER_TIME(n) struct ev_time n;
#define EV_MEMBER_(x, type, n, display) EV_MEMBER_##type(n)

/* The header every event carries; publishers fill it in. */
struct ev_header {
	EV_HEADER_FIELDS(EV_MEMBER_, _)
};

#define EV_STRUCT_(ID, name, str, batch)                                      \
	struct ev_##name {                                                    \
		EV_FIELDS_##name(EV_MEMBER_, _)                                  \
	};
EV_TOPICS(EV_STRUCT_)
#undef EV_STRUCT_

/* One event: @topic says which member of @u is valid. */
struct ev_event {
	enum ev_topic topic;
	struct ev_header h;
	union {
#define EV_UNION_(ID, name, str, batch) struct ev_##name name;
		EV_TOPICS(EV_UNION_)
#undef EV_UNION_
	} u;
};

/* A field of the header or of a topic: where it lives in struct ev_event. */
struct ev_field {
	const char *name;
	uint16_t offset;           /* from the start of struct ev_event */
	uint8_t namelen;
	uint8_t type;              /* enum ev_type */
	uint8_t display;           /* enum ev_display */
};

struct ev_topic_info {
	const char *name;          /* "memory.page_fault" */
	const struct ev_field *fields;
	uint8_t namelen;
	uint8_t nfields;
	uint8_t batchable;
};

#define EV_HEADER_NFIELDS 4
#define EV_FIELDS_MAX 11       /* most fields of one topic, header excluded */

/* Descriptors, indexed by enum ev_topic; constant, shared by all threads. */
extern const struct ev_topic_info ev_topics[EV_TOPIC_COUNT];
extern const struct ev_field ev_header_fields[EV_HEADER_NFIELDS];

/* ev_topic_name - the topic string of @t, or NULL when out of range. */
const char *ev_topic_name(enum ev_topic t);

/*
 * ev_topic_lookup - the topic whose string is exactly the @len bytes at
 * @name (not NUL-terminated: a ZeroMQ frame). Returns the enum ev_topic
 * value, or -ENOENT.
 */
int ev_topic_lookup(const void *name, size_t len);

/*
 * ev_topic_matches - 1 when topic @t starts with the @len bytes of
 * @prefix (ZeroMQ subscription semantics; len 0 matches all), else 0.
 */
int ev_topic_matches(enum ev_topic t, const void *prefix, size_t len);

/* ev_time_now - the current wall-clock time (CLOCK_REALTIME). */
struct ev_time ev_time_now(void);

#endif
