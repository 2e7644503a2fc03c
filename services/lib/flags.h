/* SPDX-License-Identifier: MIT */
/*
 * Command-line flags from a table, shared by every daemon and CLI
 * command, so that --vm, --runtime-dir and --log-level mean the same
 * everywhere and usage text is generated rather than written.
 */
#ifndef TESSERA_SVC_FLAGS_H
#define TESSERA_SVC_FLAGS_H

#include <stddef.h>
#include <stdio.h>

enum svc_flag_type {
	SVC_FLAG_BOOL,    /* int *: set to 1 */
	SVC_FLAG_STR,     /* const char **: points into argv */
	SVC_FLAG_INT,     /* long *: decimal, range-checked to >= 0 */
	SVC_FLAG_LIST,    /* struct svc_strlist *: repeatable */
};

#define SVC_STRLIST_MAX 32
#define SVC_FLAGS_MAX   48

struct svc_strlist {
	unsigned n;
	const char *v[SVC_STRLIST_MAX];
};

struct svc_flag {
	const char *name;         /* long name, without "--" */
	char short_name;          /* 0: none */
	enum svc_flag_type type;
	void *ptr;
	const char *arg;          /* placeholder in usage: "NAME" */
	const char *help;
};

/* The flags every service takes, and where they land. */
struct svc_common {
	const char *vm;
	const char *runtime_dir;
	const char *log_level;
};

#define SVC_COMMON_FLAGS(c)                                                   \
	{ "vm", 0, SVC_FLAG_STR, &(c)->vm, "NAME",                            \
	  "VM instance name (default: " "default" ")" },                      \
	{ "runtime-dir", 0, SVC_FLAG_STR, &(c)->runtime_dir, "DIR",          \
	  "directory of the VM's sockets (default: see README)" },            \
	{ "log-level", 0, SVC_FLAG_STR, &(c)->log_level, "LEVEL",            \
	  "err, warning, notice, info (default) or debug" }

/*
 * svc_flags_parse - parse @argv[1..@argc) against @flags[0..@n) (at most
 * SVC_FLAGS_MAX); --help and -h are built in. getopt permutes argv so
 * that positional arguments end up last: they are argv[*@first..@argc).
 * Returns 0, 1 when --help was given, or -EINVAL after printing
 * "<argv[0]>: <problem>" to stderr.
 */
int svc_flags_parse(const struct svc_flag *flags, size_t n, int argc,
		    char **argv, int *first);

/*
 * svc_flags_usage - print "usage: <prog> <synopsis>" and one line per
 * flag to @f.
 */
void svc_flags_usage(FILE *f, const char *prog, const char *synopsis,
		     const struct svc_flag *flags, size_t n);

/*
 * svc_common_setup - after parsing: default the VM name, check it and the
 * log level, and start logging as @ident. Returns 0, or -EINVAL after
 * printing the problem to stderr.
 */
int svc_common_setup(struct svc_common *c, const char *ident);

#endif
