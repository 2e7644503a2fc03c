/* SPDX-License-Identifier: MIT */
/*
 * Table-driven flag parsing over getopt_long (see flags.h).
 */
#include "services/lib/flags.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "services/lib/log.h"
#include "services/lib/runtime.h"

#define HELP_VAL 0x100       /* getopt value of --help */

static int store(const struct svc_flag *f, const char *prog, const char *arg)
{
	struct svc_strlist *l;
	char *end;
	long v;

	switch (f->type) {
	case SVC_FLAG_BOOL:
		*(int *)f->ptr = 1;
		return 0;
	case SVC_FLAG_STR:
		*(const char **)f->ptr = arg;
		return 0;
	case SVC_FLAG_INT:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0) {
			fprintf(stderr, "%s: --%s wants a number >= 0, not "
				"'%s'\n", prog, f->name, arg);
			return -EINVAL;
		}
		*(long *)f->ptr = v;
		return 0;
	case SVC_FLAG_LIST:
		l = f->ptr;
		if (l->n == SVC_STRLIST_MAX) {
			fprintf(stderr, "%s: --%s given more than %d times\n",
				prog, f->name, SVC_STRLIST_MAX);
			return -EINVAL;
		}
		l->v[l->n++] = arg;
		return 0;
	}
	return -EINVAL;
}

/* getopt's tables: long options valued by index, and the short string. */
static void build(const struct svc_flag *flags, size_t n,
		  struct option *lo, char *so)
{
	size_t k = 0;

	so[k++] = ':';           /* report a missing argument as ':' */
	so[k++] = 'h';
	for (size_t i = 0; i < n; i++) {
		int has = flags[i].type != SVC_FLAG_BOOL;

		lo[i] = (struct option){ flags[i].name, has ? required_argument
					 : no_argument, NULL, (int)(i + 1) << 9 };
		if (flags[i].short_name) {
			so[k++] = flags[i].short_name;
			if (has)
				so[k++] = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, HELP_VAL };
	lo[n + 1] = (struct option){ 0 };
	so[k] = '\0';
}

static const struct svc_flag *by_short(const struct svc_flag *flags,
				       size_t n, int c)
{
	for (size_t i = 0; i < n; i++) {
		if (flags[i].short_name && flags[i].short_name == c)
			return &flags[i];
	}
	return NULL;
}

static int complain(const char *prog, int c, char **argv)
{
	const char *what = argv[optind - 1];

	if (c == ':')
		fprintf(stderr, "%s: %s needs an argument\n", prog, what);
	else if (optopt && optopt < 0x100)
		fprintf(stderr, "%s: unknown option -%c\n", prog, optopt);
	else
		fprintf(stderr, "%s: unknown option %s\n", prog, what);
	return -EINVAL;
}

int svc_flags_parse(const struct svc_flag *flags, size_t n, int argc,
		    char **argv, int *first)
{
	struct option lo[SVC_FLAGS_MAX + 2];
	char so[2 * SVC_FLAGS_MAX + 4];
	const struct svc_flag *f;
	int c;

	if (n > SVC_FLAGS_MAX)
		return -EINVAL;
	build(flags, n, lo, so);
	optind = 0;              /* GNU: start over, also for a second parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h' || c == HELP_VAL)
			return 1;
		if (c == '?' || c == ':')
			return complain(argv[0], c, argv);
		f = c >= (1 << 9) ? &flags[(c >> 9) - 1] : by_short(flags, n, c);
		if (!f || store(f, argv[0], optarg) < 0)
			return -EINVAL;
	}
	*first = optind;
	return 0;
}

void svc_flags_usage(FILE *f, const char *prog, const char *synopsis,
		     const struct svc_flag *flags, size_t n)
{
	char left[64];

	fprintf(f, "usage: %s %s\n", prog, synopsis ? synopsis : "");
	for (size_t i = 0; i < n; i++) {
		const struct svc_flag *g = &flags[i];

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 g->short_name ? "-" : "", g->short_name ?
			 g->short_name : ' ', g->short_name ? ", " : "  ",
			 g->name, g->arg ? " " : "", g->arg ? g->arg : "");
		fprintf(f, "  %-30s %s\n", left, g->help ? g->help : "");
	}
	fprintf(f, "  %-30s %s\n", "-h, --help", "show this help");
}

int svc_common_setup(struct svc_common *c, const char *ident)
{
	int level = SVC_LOG_INFO;

	if (!c->vm)
		c->vm = SVC_VM_DEFAULT;
	if (!svc_vm_name_valid(c->vm)) {
		fprintf(stderr, "%s: invalid VM name '%s' (use [A-Za-z0-9._-],"
			" at most %d characters)\n", ident, c->vm,
			SVC_VM_NAME_MAX - 1);
		return -EINVAL;
	}
	if (c->log_level) {
		level = svc_log_parse_level(c->log_level);
		if (level < 0) {
			fprintf(stderr, "%s: invalid log level '%s'\n", ident,
				c->log_level);
			return -EINVAL;
		}
	}
	svc_log_init(ident, c->vm, level);
	return 0;
}
