/*
 * util.c: the benchmarks' shared helpers (see util.h).
 */
#define _GNU_SOURCE
#include "util.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

double
bench_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
bench_runs(int most)
{
	const char *v = getenv("WB_BENCH_RUNS");
	int n = v != NULL ? atoi(v) : most;

	return n >= 1 && n < most ? n : most;
}

double
bench_scale(void)
{
	const char *v = getenv("WB_BENCH_QUICK");

	return v != NULL && strcmp(v, "1") == 0 ? 0.25 : 1.0;
}

double
bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp);
	return v[n / 2];
}

void
bench_pin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof set, &set);
}

struct config *
bench_config(const char *yaml)
{
	char path[] = "/tmp/wallboard-bench-XXXXXX";
	struct config_errors errors = { 0 };
	struct config *c;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f == NULL)
		fatal("bench config");
	fputs(yaml, f);
	fclose(f);
	c = config_load(path, &errors);
	unlink(path);
	if (c == NULL)
		fatalx("bench config: %s", errors.n ? errors.lines[0] : "?");
	return c;
}

long
bench_status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field) + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}
