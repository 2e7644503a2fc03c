/* SPDX-License-Identifier: MIT */
/*
 * The event wire format: msgpack encoding and strict decoding of the
 * events of event.h, both generated from the catalogue.
 *
 * Frames. An event travels as a two-frame ZeroMQ message [topic][body]:
 * the topic frame is the topic string exactly ("memory.page_fault"), which
 * is what subscribers' prefixes match; the body is a msgpack map whose keys
 * are the header and field names of the catalogue (vm_id, source, seq,
 * occurred_at, then the topic's fields) and whose values have the
 * catalogue's types; occurred_at is a msgpack timestamp (extension -1, in
 * its 32-, 64- or 96-bit form, the shortest that fits). A batch frame
 * carries several events of one topic: the same topic frame, and a body
 * that is a msgpack array of such maps (each with its own header). The
 * first byte of the body tells the two apart; subscribers unbatch.
 *
 * Decoding is written by hand rather than with msgpack-c's unpacker: it
 * reads the frame in place into the fixed-size struct ev_event with no
 * allocation (msgpack-c would build an object tree in a zone per message,
 * only to be walked once), which matters at a million events a second,
 * and every check is explicit so that each rejection carries a precise
 * code, offset and message. It never reads outside [buf, buf + len), caps
 * map and array sizes and nesting depth, and rejects: truncation, wrong
 * types, out-of-range numbers, oversized strings or frames, strings with
 * NUL bytes, missing or duplicated fields, unknown topics, extension
 * types other than the timestamp, trailing bytes. Unknown keys are
 * skipped (after the same checks), so a newer publisher that adds a field
 * does not break an older subscriber.
 */
#ifndef TESSERA_BROKER_CODEC_H
#define TESSERA_BROKER_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "broker/event.h"

#define EV_BODY_MAX   (64u * 1024u)  /* largest body built or accepted */
#define EV_EVENT_MAX  1024u          /* largest encoded single event */
#define EV_BATCH_MAX  256u           /* most events in one batch frame */
#define EV_BATCH_HDR  3u             /* bytes reserved for the array header */
#define EV_MAP_MAX    64u            /* most keys accepted in an event map */
#define EV_DEPTH_MAX  8u             /* nesting accepted in skipped values */

enum ev_errcode {
	EV_ERR_NONE,
	EV_ERR_TRUNCATED,   /* input ends inside a value */
	EV_ERR_TYPE,        /* a value of the wrong msgpack type */
	EV_ERR_RANGE,       /* a number or enum value out of the field's range */
	EV_ERR_OVERSIZE,    /* string, map, array or frame larger than allowed */
	EV_ERR_MISSING,     /* a required field is absent */
	EV_ERR_DUPLICATE,   /* a field appears twice */
	EV_ERR_TOPIC,       /* the topic frame names no known topic */
	EV_ERR_EXTENSION,   /* an extension type other than the timestamp */
	EV_ERR_TRAILING,    /* bytes after the body's value */
	EV_ERR_NESTING,     /* skipped value nested too deep */
	EV_ERR_INVALID,     /* malformed otherwise (bad byte, NUL in a string) */
};

/* Why a frame was rejected: @offset is the byte in the body at fault. */
struct ev_error {
	enum ev_errcode code;
	size_t offset;
	char msg[128];
};

/* ev_errcode_name - a short constant name for @code ("truncated"). */
const char *ev_errcode_name(enum ev_errcode code);

/*
 * An encoder pre-encodes the vm_id and source of one publisher so that
 * each event costs only its own fields. Plain value, no resources.
 */
struct ev_encoder {
	uint16_t prefix_len;
	uint8_t prefix[2 * (EV_STR_MAX + 8)];
};

/*
 * ev_encoder_init - prepare @e for events from @source in VM @vm_id (each
 * 1 to EV_STR_MAX - 1 bytes). Returns 0 or -EINVAL.
 */
int ev_encoder_init(struct ev_encoder *e, const char *vm_id,
		    const char *source);

/*
 * ev_encoder_put - encode the body map of @ev (its topic and fields; its
 * header is ignored) stamped with @e's vm_id and source, @seq and @at,
 * into @buf. Returns the bytes written, -EINVAL for an invalid event
 * (unknown topic, unterminated string, bad access kind, nsec out of
 * range) or -ENOBUFS when @cap is too small (EV_EVENT_MAX always fits).
 */
int ev_encoder_put(const struct ev_encoder *e, const struct ev_event *ev,
		   uint64_t seq, struct ev_time at, void *buf, size_t cap);

/*
 * ev_encode - encode the body map of @ev, header included, into @buf.
 * Returns the bytes written, -EINVAL or -ENOBUFS as ev_encoder_put.
 */
int ev_encode(const struct ev_event *ev, void *buf, size_t cap);

/*
 * ev_decode - decode @len bytes at @buf, which must be exactly one event
 * map of topic @topic, into @out. Returns 0, or -EBADMSG with @err (may be
 * NULL) saying why; @out is then unspecified.
 */
int ev_decode(enum ev_topic topic, const void *buf, size_t len,
	      struct ev_event *out, struct ev_error *err);

/*
 * ev_decode_frame - decode a whole message: topic frame @topic (@tlen
 * bytes) and body @body (@blen bytes), single event or batch, into
 * @out[0..max). Returns the number of events (>= 1), or -EBADMSG with
 * @err filled (a batch is accepted or rejected as a whole).
 */
int ev_decode_frame(const void *topic, size_t tlen, const void *body,
		    size_t blen, struct ev_event *out, size_t max,
		    struct ev_error *err);

/*
 * ev_msgpack_check - check that @len bytes at @buf are exactly one
 * well-formed msgpack value of any shape and extension types, nested at
 * most @max_depth deep, whose container counts fit the bytes present
 * (so that a generic unpacker such as msgpack-c's cannot be made to
 * allocate for elements that are not there). Returns 0, or -EBADMSG with
 * @err (may be NULL) saying why.
 */
int ev_msgpack_check(const void *buf, size_t len, unsigned max_depth,
		     struct ev_error *err);

/*
 * ev_batch_seal - write the msgpack array header for @n (1..EV_BATCH_MAX)
 * events into the EV_BATCH_HDR bytes a batch body starts with; the
 * encoded events follow it back to back.
 */
void ev_batch_seal(void *body, unsigned n);

#endif
