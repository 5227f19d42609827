/*
 * fuzz-tz.c: a TZif file of any bytes (RFC 8536, versions 1 to 4, with its
 * POSIX TZ footer) through tz_load, as the daemon reads site.timezone from
 * tzdata, and the day arithmetic of 'today' on what it accepts.
 *
 * The first two input bytes are the day start (minutes after midnight, mod
 * 1440), the next eight an extra instant to test; the rest is the file,
 * written as zone "Fuzz/Zone" of a private $TZDIR. For every instant tried,
 * tz.h promises: the day that contains it starts at or before it and the
 * next day starts after it.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tz.h"

#define T0 1795165200000LL      /* 2026-11-20T09:00:00Z */
#define YEAR (366 * 86400 * 1000LL)

static void
check_day(const struct tz *tz, int minutes, int64_t t)
{
	int64_t start = tz_day_start(tz, minutes, t), next;

	tz_offset(tz, t);
	FUZZ_CHECK(start <= t, "day of %lld starts later, at %lld", (long long)t,
	    (long long)start);
	next = tz_next_day_start(tz, minutes, start);
	FUZZ_CHECK(next > start, "the day after %lld starts at %lld",
	    (long long)start, (long long)next);
	FUZZ_CHECK(next > t, "%lld is after its day, which ends at %lld",
	    (long long)t, (long long)next);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t instants[] = { T0, T0 + YEAR / 2, 946684800000LL,
	    4102444800000LL, 7258118399999LL, 1792888200000LL, 1774746000000LL };
	char dirpath[300], path[320], err[256];
	const char *dir;
	struct tz *tz;
	int minutes;
	uint64_t bits = 0;
	int64_t extra;
	FILE *f;

	if (size < 10)
		return 0;
	minutes = (data[0] << 8 | data[1]) % 1440;
	for (int i = 0; i < 8; i++)
		bits = bits << 8 | data[2 + i];
	/* Within the decoder's times: 2000 to 2200. */
	extra = 946684800000LL + (int64_t)(bits % 6311433600000ULL);
	dir = fuzz_temp_dir();
	snprintf(dirpath, sizeof dirpath, "%s/Fuzz", dir);
	snprintf(path, sizeof path, "%s/Zone", dirpath);
	if ((mkdir(dirpath, 0700) == -1) || (f = fopen(path, "wb")) == NULL ||
	    fwrite(data + 10, 1, size - 10, f) != size - 10 || fclose(f) != 0) {
		perror(path);
		abort();
	}
	setenv("TZDIR", dir, 1);
	tz = tz_load("Fuzz/Zone", err, sizeof err);
	if (tz == NULL) {
		FUZZ_CHECK(err[0] != '\0', "refused without a reason");
		return 0;
	}
	FUZZ_CHECK(strcmp(tz_name(tz), "Fuzz/Zone") == 0, "name");
	for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++)
		check_day(tz, minutes, instants[i]);
	check_day(tz, minutes, extra);
	/* A year of day starts, one after the other. */
	for (int64_t d = tz_day_start(tz, minutes, extra), k = 0; k < 370; k++) {
		int64_t next = tz_next_day_start(tz, minutes, d);

		FUZZ_CHECK(next > d && tz_day_start(tz, minutes, next) == next,
		    "day start %lld, next %lld, whose day starts at %lld",
		    (long long)d, (long long)next,
		    (long long)tz_day_start(tz, minutes, next));
		if (next >= 7258118400000LL)
			break;
		d = next;
	}
	tz_free(&tz);
	return 0;
}
