/*
 * log.h: log lines on stderr. When stderr is systemd's journal
 * (JOURNAL_STREAM), each carries its priority as a prefix ("<3>" ...) so
 * the journal files it at its level; a person at a terminal, or a file,
 * gets the plain line.
 *
 * Floods (a feed sending garbage) are rate-limited per kind of message: the
 * caller passes its clock and a limiter; what is suppressed is counted and
 * said in the next line that gets through.
 */
#ifndef WALLBOARD_LOG_H
#define WALLBOARD_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_ERR = 3, LOG_WARNING = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

/* Lines above `max` are dropped; default LOG_INFO (-v raises it). */
void log_set_level(enum log_level max);
bool log_enabled(enum log_level level);

/* "<N>" for priority N (0..7) when stderr goes to the journal, else "". */
const char *log_prefix(int priority);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* At most `burst` lines per `period_ms`. Zero-initialise, then set both. */
struct log_limiter {
	int64_t period_ms;
	int burst;
	int64_t window_start;
	int used;
	int64_t suppressed;
};

/* Like log_msg, unless the limiter is spent for this period at `now`. */
void log_limited(struct log_limiter *, int64_t now, enum log_level level,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
