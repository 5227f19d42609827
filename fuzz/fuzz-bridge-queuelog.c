/*
 * fuzz-bridge-queuelog.c: Asterisk queue_log text of any bytes through
 * bridge_queuelog_line, as wallboard-feed tails the file.
 *
 * The input is split at newlines into lines (NUL bytes kept: a crash leaves
 * runs of them). It goes through two mappers: one sending every event, and
 * one rebuilding the calls in flight with no emit for the first half of the
 * lines, as after a restart, then sending. Every event must be one the
 * daemon accepts, and the daemon's engine must stay sane fed with them
 * (fuzz_sink_emit). The counters must add up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge-queuelog.h"
#include "fuzz.h"

static void
run(const uint8_t *data, size_t size, size_t quiet_lines)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct bridge_secret secret;
	struct bridge_queuelog_stats st;
	struct fuzz_sink sink;
	struct bridge_queuelog *b;
	size_t lines = 0;
	int n, sum = 0;

	fuzz_sink_begin(&sink);
	bridge_secret_init(&secret, "fuzz", 4);
	b = bridge_queuelog_new(&secret, fuzz_sink_emit, &sink);
	if (quiet_lines > 0)
		bridge_queuelog_set_emit(b, NULL, NULL);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (lines++ == quiet_lines && quiet_lines > 0)
			bridge_queuelog_set_emit(b, fuzz_sink_emit, &sink);
		n = bridge_queuelog_line(b, p, (size_t)(nl - p));
		FUZZ_CHECK(n >= 0, "%d events", n);
		sum += n;
	}
	bridge_queuelog_stats(b, &st);
	FUZZ_CHECK(st.lines == lines, "%llu lines counted, %zu given",
	    (unsigned long long)st.lines, lines);
	FUZZ_CHECK(st.events == (uint64_t)sum, "%llu events counted, %d returned",
	    (unsigned long long)st.events, sum);
	FUZZ_CHECK(st.mapped + st.malformed <= st.lines && st.mapped <= st.events,
	    "mapped %llu, malformed %llu of %llu lines",
	    (unsigned long long)st.mapped, (unsigned long long)st.malformed,
	    (unsigned long long)st.lines);
	FUZZ_CHECK(quiet_lines > 0 || sink.events == st.events,
	    "%lu events sent, %llu counted", sink.events,
	    (unsigned long long)st.events);
	bridge_queuelog_visits(b);
	bridge_queuelog_free(&b);
	FUZZ_CHECK(b == NULL, "free");
	fuzz_sink_end(&sink);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t lines = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	run(data, size, 0);
	if (lines >= 2)
		run(data, size, lines / 2);
	return 0;
}
