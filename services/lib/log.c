/* SPDX-License-Identifier: MIT */
/*
 * Service logging (see log.h).
 */
#include "services/lib/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

static const char *log_ident = "tessera";
static const char *log_vm;
static int log_level = SVC_LOG_INFO;
static int log_journal;

/* JOURNAL_STREAM is "dev:ino" of the stream systemd gave us as stderr. */
static int stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (getenv("INVOCATION_ID"))
		return 1;
	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void svc_log_init(const char *ident, const char *vm, int level)
{
	log_ident = ident ? ident : "tessera";
	log_vm = vm;
	log_level = level;
	log_journal = stderr_is_journal();
}

int svc_log_parse_level(const char *s)
{
	static const char *const names[] = { "err", "warning", "notice",
					     "info", "debug" };

	if (!s)
		return -EINVAL;
	for (int i = 0; i < 5; i++) {
		if (strcmp(s, names[i]) == 0)
			return SVC_LOG_ERR + i;
	}
	if (s[0] >= '3' && s[0] <= '7' && s[1] == '\0')
		return s[0] - '0';
	return -EINVAL;
}

int svc_log_to_journal(void)
{
	return log_journal;
}

void svc_log(int level, const char *fmt, ...)
{
	static const char *const tags[] = { [SVC_LOG_ERR] = "error: ",
					     [SVC_LOG_WARNING] = "warning: " };
	char msg[1024], line[1200];
	const char *tag = "";
	va_list ap;
	int n, err = errno;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_journal) {
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", level,
				"SYSLOG_IDENTIFIER=%s", log_ident,
				"TESSERA_VM=%s", log_vm ? log_vm : "", NULL);
		errno = err;
		return;
	}
	if (level >= 0 && level <= SVC_LOG_WARNING && tags[level])
		tag = tags[level];
	n = snprintf(line, sizeof(line), "%s%s%s%s: %s%s\n", log_ident,
		     log_vm ? "[" : "", log_vm ? log_vm : "",
		     log_vm ? "]" : "", tag, msg);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1, line[n - 1] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* stderr is gone: there is nowhere left to say so. */
	}
	errno = err;
}
