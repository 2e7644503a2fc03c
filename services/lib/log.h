/* SPDX-License-Identifier: MIT */
/*
 * Service logging: to the journal when systemd runs us (JOURNAL_STREAM
 * names our stderr, or INVOCATION_ID is set), with the VM name as a
 * journal field; to stderr otherwise, one write per line. Levels are
 * syslog priorities; messages above the configured level are dropped.
 */
#ifndef TESSERA_SVC_LOG_H
#define TESSERA_SVC_LOG_H

enum svc_log_level {
	SVC_LOG_ERR = 3,
	SVC_LOG_WARNING = 4,
	SVC_LOG_NOTICE = 5,
	SVC_LOG_INFO = 6,
	SVC_LOG_DEBUG = 7,
};

/*
 * svc_log_init - log as @ident ("tessera-broker") for VM @vm (may be
 * NULL) at @level and below. Call once, early, from the main thread;
 * both strings must outlive the process's logging.
 */
void svc_log_init(const char *ident, const char *vm, int level);

/*
 * svc_log_parse_level - "err", "warning", "notice", "info", "debug" or a
 * digit 3..7. Returns the level, or -EINVAL.
 */
int svc_log_parse_level(const char *s);

/* svc_log_to_journal - 1 when messages go to the journal, else 0. */
int svc_log_to_journal(void);

/* svc_log - log one message (no newline needed). Any thread. */
__attribute__((format(printf, 2, 3)))
void svc_log(int level, const char *fmt, ...);

#endif
