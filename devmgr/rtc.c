/* SPDX-License-Identifier: MIT */
/*
 * google,goldfish-rtc, as Linux's rtc-goldfish driver uses it: a
 * nanosecond clock read as TIME_LOW (which latches the high half) then
 * TIME_HIGH, set by writing TIME_HIGH then TIME_LOW, kept as an offset
 * from the host's CLOCK_REALTIME in the state block (so the guest's clock
 * survives a devmgr restart), and one alarm (ALARM_HIGH then ALARM_LOW,
 * which arms it) that latches the interrupt once due. An alarm already due
 * fires on the ALARM_LOW write; a later one is checked by poll(), so its
 * resolution is the host's polling period.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "devmgr/devices.h"

enum {
	RTC_TIME_LOW = 0x00, RTC_TIME_HIGH = 0x04,
	RTC_ALARM_LOW = 0x08, RTC_ALARM_HIGH = 0x0c,
	RTC_IRQ_ENABLED = 0x10, RTC_CLEAR_ALARM = 0x14,
	RTC_ALARM_STATUS = 0x18, RTC_CLEAR_INTERRUPT = 0x1c,
};

struct rtc_state {
	int64_t offset_ns;       /* guest time - host realtime */
	uint64_t alarm_ns;
	uint32_t time_high_latch, alarm_high;
	uint32_t set_high;       /* TIME_HIGH written, waiting for TIME_LOW */
	uint32_t irq_enabled, alarm_armed, irq_pending;
};

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rtc_now(const struct rtc_state *r)
{
	return host_ns() + (uint64_t)r->offset_ns;
}

static int rtc_read(struct dev *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct rtc_state *r = d->state;
	uint64_t now;

	switch (off) {
	case RTC_TIME_LOW:
		now = rtc_now(r);
		r->time_high_latch = (uint32_t)(now >> 32);
		*val = (uint32_t)now;
		break;
	case RTC_TIME_HIGH: *val = r->time_high_latch; break;
	case RTC_ALARM_LOW: *val = (uint32_t)r->alarm_ns; break;
	case RTC_ALARM_HIGH: *val = (uint32_t)(r->alarm_ns >> 32); break;
	case RTC_IRQ_ENABLED: *val = r->irq_enabled; break;
	case RTC_ALARM_STATUS: *val = r->alarm_armed; break;
	default: *val = 0; break;
	}
	return 0;
}

/* Latch the interrupt if the armed alarm is due; 1 if it fired. */
static int rtc_check_alarm(struct rtc_state *r)
{
	if (!r->alarm_armed || rtc_now(r) < r->alarm_ns)
		return 0;
	r->alarm_armed = 0;
	r->irq_pending = 1;
	return 1;
}

static void rtc_update_irq(struct dev *d)
{
	struct rtc_state *r = d->state;

	dev_raise_irq(d, r->irq_pending && r->irq_enabled);
}

static int rtc_attach(struct dev *d, const char *args, int fresh)
{
	if (fresh)
		memset(d->state, 0, sizeof(struct rtc_state));
	else
		rtc_update_irq(d);
	return 0;
}

static int rtc_write(struct dev *d, uint64_t off, unsigned size, uint64_t val)
{
	struct rtc_state *r = d->state;
	uint32_t v = (uint32_t)val;

	switch (off) {
	case RTC_TIME_HIGH: r->set_high = v; break;
	case RTC_TIME_LOW:
		r->offset_ns = (int64_t)((((uint64_t)r->set_high << 32) | v) -
					 host_ns());
		break;
	case RTC_ALARM_HIGH: r->alarm_high = v; break;
	case RTC_ALARM_LOW:
		r->alarm_ns = ((uint64_t)r->alarm_high << 32) | v;
		r->alarm_armed = 1;
		rtc_check_alarm(r);
		break;
	case RTC_IRQ_ENABLED: r->irq_enabled = v & 1; break;
	case RTC_CLEAR_ALARM: r->alarm_armed = 0; break;
	case RTC_CLEAR_INTERRUPT: r->irq_pending = 0; break;
	default: return -EINVAL;
	}
	rtc_update_irq(d);
	return 0;
}

static int rtc_poll(struct dev *d)
{
	if (!rtc_check_alarm(d->state))
		return 0;
	rtc_update_irq(d);
	return 1;
}

static void rtc_reset(struct dev *d)
{
	struct rtc_state *r = d->state;
	int64_t keep = r->offset_ns;   /* the wall clock survives a reset */

	memset(r, 0, sizeof(*r));
	r->offset_ns = keep;
	dev_raise_irq(d, 0);
}

const struct dev_ops dev_rtc_ops = {
	.kind = "rtc",
	.state_size = sizeof(struct rtc_state),
	.attach = rtc_attach,
	.read = rtc_read,
	.write = rtc_write,
	.poll = rtc_poll,
	.reset = rtc_reset,
};
