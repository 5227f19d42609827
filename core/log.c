/*
 * log.c: levelled, rate-limited log lines on stderr.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "text.h"

static enum log_level log_max = LOG_INFO;

void
log_set_level(enum log_level max)
{
	log_max = max;
}

bool
log_enabled(enum log_level level)
{
	return level <= log_max;
}

/* Whether stderr is the journal's stream: JOURNAL_STREAM ("DEV:INODE", set
 * by systemd for StandardError=journal) names the file stderr is, as
 * sd_journal_stream_fd(3) and systemd's own tools check. Asked once. */
static bool
log_to_journal(void)
{
	static int answer = -1;
	const char *env;
	unsigned long long dev, ino;
	struct stat sb;

	if (answer == -1) {
		env = getenv("JOURNAL_STREAM");
		answer = env != NULL && sscanf(env, "%llu:%llu", &dev, &ino) == 2 &&
		    fstat(STDERR_FILENO, &sb) == 0 &&
		    (unsigned long long)sb.st_dev == dev &&
		    (unsigned long long)sb.st_ino == ino;
	}
	return answer == 1;
}

const char *
log_prefix(int priority)
{
	static const char *const prefixes[] = {
		"<0>", "<1>", "<2>", "<3>", "<4>", "<5>", "<6>", "<7>",
	};

	if (priority < 0 || priority > 7 || !log_to_journal())
		return "";
	return prefixes[priority];
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof line, fmt, ap);
	/* Whatever a name held, the record is one line of plain text: no
	 * CR/LF forging another (a "<0>" line), no escape for a terminal. */
	text_clean(line);
	fprintf(stderr, "%s%s\n", log_prefix((int)level), line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
log_limited(struct log_limiter *l, int64_t now, enum log_level level,
    const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	if (now - l->window_start >= l->period_ms) {
		if (l->suppressed > 0)
			log_msg(level, "(%lld similar lines suppressed)",
			    (long long)l->suppressed);
		l->window_start = now;
		l->used = 0;
		l->suppressed = 0;
	}
	if (l->used >= l->burst) {
		if (l->suppressed++ == 0)
			log_msg(level, "(more lines like this are suppressed for %lld s)",
			    (long long)((l->window_start + l->period_ms - now + 999) / 1000));
		return;
	}
	l->used++;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
