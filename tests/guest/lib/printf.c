/* SPDX-License-Identifier: MIT */
/*
 * A small printf for guest programs: %d %i %u %x %X %p %s %c %%, the flags
 * '-' and '0', a decimal or '*' width, and the length modifiers l, ll, z.
 * Output goes through a sink (a bounded buffer or the UART), so printf and
 * snprintf share one formatter. rt_fmt_fixed prints doubles in fixed point.
 */
#include "rt.h"

struct sink {
	char *buf;      /* NULL: write to the UART */
	size_t size;
	size_t len;     /* bytes produced so far, written or not */
};

static void sink_put(struct sink *s, char c)
{
	if (!s->buf)
		rt_putc(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

struct spec {
	int left, zero, width, lng;
};

static void put_padded(struct sink *s, const struct spec *sp, const char *body,
		       int n, int neg)
{
	int pad = sp->width - n - neg;

	if (!sp->left && !sp->zero)
		for (; pad > 0; pad--)
			sink_put(s, ' ');
	if (neg)
		sink_put(s, '-');
	if (!sp->left && sp->zero)
		for (; pad > 0; pad--)
			sink_put(s, '0');
	for (int i = 0; i < n; i++)
		sink_put(s, body[i]);
	for (; pad > 0; pad--)
		sink_put(s, ' ');
}

static void put_num(struct sink *s, const struct spec *sp, uint64_t v,
		    unsigned base, int upper, int neg)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], body[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	for (int i = 0; i < n; i++)
		body[i] = tmp[n - 1 - i];
	put_padded(s, sp, body, n, neg);
}

static void put_str(struct sink *s, const struct spec *sp, const char *str)
{
	struct spec plain = *sp;

	if (!str)
		str = "(null)";
	plain.zero = 0;
	put_padded(s, &plain, str, (int)strlen(str), 0);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '-')
			sp->left = 1;
		else if (*f == '0')
			sp->zero = 1;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	for (; *f == 'l' || *f == 'z'; f++)
		sp->lng = 1;
	return f;
}

static void format_one(struct sink *s, char conv, const struct spec *sp,
		       va_list *ap)
{
	uint64_t u;
	int64_t v;
	char c;

	switch (conv) {
	case 'd':
	case 'i':
		v = sp->lng ? va_arg(*ap, long) : va_arg(*ap, int);
		put_num(s, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, 0, v < 0);
		break;
	case 'u':
	case 'x':
	case 'X':
		u = sp->lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned);
		put_num(s, sp, u, conv == 'u' ? 10 : 16, conv == 'X', 0);
		break;
	case 'p':
		put_num(s, sp, (uintptr_t)va_arg(*ap, void *), 16, 0, 0);
		break;
	case 's':
		put_str(s, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(s, sp, &c, 1, 0);
		break;
	default:
		sink_put(s, conv);
		break;
	}
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			sink_put(s, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &aq);
		if (!*fmt)
			break;
		format_one(s, *fmt++, &sp, &aq);
	}
	va_end(aq);
	if (s->buf && s->size)
		s->buf[s->len < s->size ? s->len : s->size - 1] = 0;
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size };

	format(&s, fmt, ap);
	return (int)s.len;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int rt_printf(const char *fmt, ...)
{
	struct sink s = { 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&s, fmt, ap);
	va_end(ap);
	return (int)s.len;
}

int rt_fmt_fixed(char *buf, size_t size, double v, int decimals)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000,
		1000000, 10000000, 100000000, 1000000000 };
	uint64_t scale, scaled;
	int neg = v < 0;

	if (v != v)
		return rt_snprintf(buf, size, "nan");
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	scale = pow10[decimals];
	if (neg)
		v = -v;
	if (v > 9e15 / (double)scale)
		return rt_snprintf(buf, size, v > 1.7976931348623157e308 ? "%sinf" : "%sbig",
				   neg ? "-" : "");
	scaled = (uint64_t)(v * (double)scale + 0.5);
	if (decimals == 0)
		return rt_snprintf(buf, size, "%s%lu", neg ? "-" : "", scaled);
	return rt_snprintf(buf, size, "%s%lu.%0*lu", neg ? "-" : "",
			   scaled / scale, decimals, scaled % scale);
}
