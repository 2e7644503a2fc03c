/* SPDX-License-Identifier: MIT */
/*
 * Printing events for people and for tools, from the catalogue's
 * descriptors: one line of text, or one JSON object with every field.
 */
#ifndef TESSERA_BROKER_FORMAT_H
#define TESSERA_BROKER_FORMAT_H

#include <stddef.h>

#include "broker/event.h"

#define EV_FORMAT_MAX 2048   /* always enough for one event */

/*
 * ev_format_text - "12:00:01.123456 vcpu0 #42 memory.page_fault
 * addr=0x80001000 pc=0x80000f00 access=w cause=15" (local time; strings
 * quoted when they contain anything but [A-Za-z0-9._:/-]), no newline,
 * into @buf. Returns the length, like snprintf (output truncated to @cap).
 */
int ev_format_text(const struct ev_event *ev, char *buf, size_t cap);

/*
 * ev_format_json - {"topic":...,"vm_id":...,"source":...,"seq":...,
 * "occurred_at":"2025-01-01T12:00:01.123456789Z", then every field},
 * numbers as JSON integers, no newline, into @buf. Returns the length,
 * like snprintf.
 */
int ev_format_json(const struct ev_event *ev, char *buf, size_t cap);

#endif
