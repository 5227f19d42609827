/*
 * bench-replay.c: the real wallboardd replaying a recorded day
 * (`wallboardd -c CONFIG --replay FILE`: decode, engine and the alerts judged
 * along event time, one snapshot at the end), on one core.
 *
 *   bench-replay shape   a 50-queue, 1,600-agent site, 40 feeds, ~1M events
 *                        over a 12-hour day; the config names 5 of its queues
 *                        (the others come from the events)
 *   bench-replay curve   events/s as the floor grows: 50, 200 and 1,000
 *                        queues by 1,000, 5,000 and 20,000 agents, ~1M events
 *                        each; the cost of an event should not grow with them
 *   bench-replay         both
 *   bench-replay files DIR   writes the site's day and the biggest floor's
 *                        (with their configs) into DIR, and the 1,000-queue
 *                        1,000-agent floor (alerts.jsonl: hundreds of alerts
 *                        active), and exits: for a
 *                        profiler (`perf record wallboardd -c DIR/site.yaml
 *                        --replay DIR/site.jsonl`, or callgrind)
 *
 * The stream comes from bench/gen.c, written to a temporary file first; the
 * figure is events in the file over the child's wall time (the median of
 * 3 for the site and the curve's 1,000 x 20,000 point, one run for each
 * other point of the curve), the child pinned to CPU 0. Beside it,
 * events over the child's CPU time (user + system, from wait4): the
 * replay is one thread reading a file in the page cache,
 * so on a quiet machine the two agree, and on a shared one (other work on
 * CPU 0) the CPU figure is the one that still compares runs; the ratios
 * are worked out from both. The target's ratio, the 1,000 x 20,000 floor's
 * rate over the site's, is also taken from 7 pairs of runs of the two
 * alternated (bench_ratio_pairs), each pair sharing a minute's noise.
 * $WALLBOARDD, else $BUILD/wallboardd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen.h"
#include "util.h"
#include "xalloc.h"

#define RUNS 3
#define PAIRS 7         /* site and big floor alternated, for their ratio */
#define DAY_START 1795161600000LL       /* 2026-11-20T08:00Z */
#define TWELVE_HOURS (12 * 3600 * 1000LL)

static const char *wallboardd;
static char *dir;

/* The generated day into path; returns its number of events. */
static size_t
bench_write_day(const char *path, const struct gen_params *p)
{
	struct gen *g = gen_new(p);
	struct gen_stream s = { 0 };
	FILE *f = fopen(path, "w");
	size_t n = 0;

	if (f == NULL)
		fatal("%s", path);
	while (gen_fill(g, &s, 100000)) {
		if (fwrite(s.text, 1, s.len, f) != s.len)
			fatal("%s", path);
		n += s.n;
	}
	if (fclose(f) != 0)
		fatal("%s", path);
	gen_stream_free(&s);
	gen_free(&g);
	return n;
}

static void
bench_write_config(const char *path, int named_queues)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		fatal("%s", path);
	fprintf(f, "site: {name: Bench, timezone: Europe/London}\n"
	    "windows: [15m, 60m]\n"
	    "limits: {agents: 20000, queues: 2000}\n"
	    "defaults: {sl_threshold: 20s, sl_target: 80%%}\n");
	if (named_queues > 0) {
		fprintf(f, "queues:\n");
		for (int q = 0; q < named_queues; q++)
			fprintf(f, "  queue%04d: {label: Queue %d}\n", q, q);
	}
	if (fclose(f) != 0)
		fatal("%s", path);
}

/* Wall and CPU time of a replay. */
struct bench_time {
	double wall, cpu;
};

/* One replay, the child on CPU 0. */
static struct bench_time
bench_replay_once(const char *config, const char *events)
{
	double t0 = bench_seconds();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		bench_pin();
		dup2(null, STDOUT_FILENO);
		execl(wallboardd, "wallboardd", "-c", config, "--replay", events,
		    (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", wallboardd, strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		fatal("wait4");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fatalx("wallboardd --replay %s failed (status %d)", events, status);
	return (struct bench_time){ .wall = bench_seconds() - t0,
	    .cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6 };
}

/* Events per second of wall time (->wall) and of CPU time (->cpu)
 * replaying the floor p, config naming named_queues: medians of runs. */
static struct bench_time
bench_floor(const struct gen_params *p, int named_queues, int runs,
    size_t *events, double *mb)
{
	char *config = xasprintf("%s/floor.yaml", dir);
	char *path = xasprintf("%s/day.jsonl", dir);
	double wall[RUNS], cpu[RUNS];  /* runs <= RUNS */
	struct stat sb;

	bench_write_config(config, named_queues);
	*events = bench_write_day(path, p);
	*mb = stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
	for (int r = 0; r < runs; r++) {
		struct bench_time t = bench_replay_once(config, path);

		wall[r] = t.wall;
		cpu[r] = t.cpu;
	}
	unlink(path);
	unlink(config);
	free(path);
	free(config);
	return (struct bench_time){ .wall = (double)*events /
	    bench_median(wall, runs), .cpu = (double)*events /
	    bench_median(cpu, runs) };
}

/*
 * The big floor's rate over the site's, from runs of the two alternated
 * (site then big, big then site, ...): on a shared machine, two figures
 * taken half a minute apart can be a minute's noise apart, while a pair
 * run back to back shares it. Each pair gives a ratio of CPU rates; the
 * figure is their median, the pairs' spread printed beside it.
 */
static void
bench_ratio_pairs(const struct gen_params *site, const struct gen_params *big,
    int pairs)
{
	char *site_config = xasprintf("%s/site.yaml", dir);
	char *site_path = xasprintf("%s/site.jsonl", dir);
	char *big_path = xasprintf("%s/big.jsonl", dir);
	double ratio[PAIRS];   /* pairs <= PAIRS */
	size_t n_site, n_big;

	bench_write_config(site_config, 5);
	n_site = bench_write_day(site_path, site);
	n_big = bench_write_day(big_path, big);
	for (int r = 0; r < pairs; r++) {
		struct bench_time a, b;

		if (r % 2 == 0) {
			a = bench_replay_once(site_config, site_path);
			b = bench_replay_once(site_config, big_path);
		} else {
			b = bench_replay_once(site_config, big_path);
			a = bench_replay_once(site_config, site_path);
		}
		ratio[r] = ((double)n_big / b.cpu) / ((double)n_site / a.cpu);
	}
	printf("1,000 queues x 20,000 agents / the 50-queue site, in %d "
	    "alternated pair%s: %.2f (target >= 0.8; the pairs:", pairs,
	    pairs == 1 ? "" : "s", bench_median(ratio, pairs));
	for (int r = 0; r < pairs; r++)
		printf(" %.2f", ratio[r]);
	printf(")\n");
	unlink(site_path);
	unlink(big_path);
	unlink(site_config);
	free(site_path);
	free(big_path);
	free(site_config);
}

/* Calls a second that keep `agents` about 70% busy (AHT ~4 min with wrap). */
static double
bench_calls_per_s(int agents)
{
	return agents * 0.7 / 247.0;
}

static const struct gen_params site_floor = { .agents = 1600, .queues = 50,
    .teams = 20, .start_ms = DAY_START, .duration_ms = TWELVE_HOURS,
    .calls_per_s = 4.6, .seed = 7, .feeds = 40 };

/* A floor of the curve: about 1M events whatever its size. */
static struct gen_params
bench_curve_floor(int queues, int agents)
{
	struct gen_params p = { .agents = agents, .queues = queues,
	    .teams = agents / 80, .start_ms = DAY_START,
	    .calls_per_s = bench_calls_per_s(agents), .seed = 11,
	    .max_events = 0, .feeds = 40 };

	p.duration_ms = (int64_t)(1000000.0 / 5.0 / p.calls_per_s * 1000.0 *
	    bench_scale());
	return p;
}

static void
bench_files(const char *out)
{
	struct gen_params big = bench_curve_floor(1000, 20000);
	/* The curve's 1,000 queues x 1,000 agents: hundreds of queues
	 * understaffed at once, so hundreds of alerts active. */
	struct gen_params many_alerts = bench_curve_floor(1000, 1000);
	char *path;

	path = xasprintf("%s/site.yaml", out);
	bench_write_config(path, 5);
	free(path);
	path = xasprintf("%s/site.jsonl", out);
	printf("%s: %zu events\n", path, bench_write_day(path, &site_floor));
	free(path);
	path = xasprintf("%s/big.jsonl", out);
	printf("%s: %zu events (config: site.yaml)\n", path,
	    bench_write_day(path, &big));
	free(path);
	path = xasprintf("%s/alerts.jsonl", out);
	printf("%s: %zu events (config: site.yaml)\n", path,
	    bench_write_day(path, &many_alerts));
	free(path);
}

static struct bench_time
bench_shape(void)
{
	struct gen_params p = site_floor;
	size_t n;
	double mb;
	struct bench_time rate = bench_floor(&p, 5, bench_runs(RUNS), &n, &mb);
	struct bench_time named;

	printf("50 queues (5 in the config), 1,600 agents, 40 feeds, 12 h: "
	    "%zu events, %.0f MB\n", n, mb);
	printf("replay: %.2f M events/s of wall time, %.2f M a CPU second "
	    "(target >= 1.2)\n", rate.wall / 1e6, rate.cpu / 1e6);
	/* The PBX bridges name an agent's team and queues in every state
	 * they send: the same again must cost next to nothing. */
	p.named_states = true;
	named = bench_floor(&p, 5, bench_runs(RUNS), &n, &mb);
	printf("the same day, every agent.state naming the agent's team and "
	    "queues as the bridges send them (%.0f MB): %.2f M a CPU second\n",
	    mb, named.cpu / 1e6);
	return rate;
}

static void
bench_curve(struct bench_time site)
{
	static const int queues[] = { 50, 200, 1000 };
	static const int agents[] = { 1000, 5000, 20000 };
	struct bench_time lo = { 0 }, hi = { 0 }, big = { 0 };

	printf("%-8s %8s %10s %14s %14s\n", "queues", "agents", "events",
	    "M events/s", "M a CPU s");
	for (size_t i = 0; i < sizeof queues / sizeof *queues; i++)
		for (size_t k = 0; k < sizeof agents / sizeof *agents; k++) {
			struct gen_params p = bench_curve_floor(queues[i],
			    agents[k]);
			size_t n;
			double mb;
			/* the point the target compares: the median of as
			 * many runs as the site's */
			bool target = queues[i] == 1000 && agents[k] == 20000;
			struct bench_time rate = bench_floor(&p, 5,
			    target ? RUNS : 1, &n, &mb);

			printf("%-8d %8d %10zu %14.2f %14.2f\n", queues[i],
			    agents[k], n, rate.wall / 1e6, rate.cpu / 1e6);
			if (queues[i] == 1000 && agents[k] == 20000)
				big = rate;
			lo.wall = lo.wall == 0 || rate.wall < lo.wall ? rate.wall : lo.wall;
			lo.cpu = lo.cpu == 0 || rate.cpu < lo.cpu ? rate.cpu : lo.cpu;
			hi.wall = rate.wall > hi.wall ? rate.wall : hi.wall;
			hi.cpu = rate.cpu > hi.cpu ? rate.cpu : hi.cpu;
		}
	printf("slowest / fastest: %.2f (CPU: %.2f); 1,000 queues x 20,000 "
	    "agents: %.2f M events/s (%.2f M a CPU s)\n", lo.wall / hi.wall,
	    lo.cpu / hi.cpu, big.wall / 1e6, big.cpu / 1e6);
	if (site.wall > 0) {
		struct gen_params b = bench_curve_floor(1000, 20000);

		printf("1,000 queues x 20,000 agents / the 50-queue site, each "
		    "the median of its runs: %.2f (CPU: %.2f)\n",
		    big.wall / site.wall, big.cpu / site.cpu);
		bench_ratio_pairs(&site_floor, &b, bench_runs(PAIRS));
	}
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";
	const char *build = getenv("BUILD");
	char tmpl[] = "/tmp/wallboard-bench-replay-XXXXXX";
	struct stat sb;
	struct bench_time site = { 0 };

	if (strcmp(what, "files") == 0 && argc > 2) {
		bench_files(argv[2]);
		return 0;
	}
	wallboardd = getenv("WALLBOARDD");
	if (wallboardd == NULL)
		wallboardd = xasprintf("%s/wallboardd", build ? build : "build");
	if (stat(wallboardd, &sb) != 0)
		fatalx("%s: not built", wallboardd);
	dir = mkdtemp(tmpl);
	if (dir == NULL)
		fatal("mkdtemp");
	if (strcmp(what, "shape") == 0 || strcmp(what, "all") == 0)
		site = bench_shape();
	if (strcmp(what, "all") == 0)
		printf("\n");
	if (strcmp(what, "curve") == 0 || strcmp(what, "all") == 0)
		bench_curve(site);
	rmdir(dir);
	return 0;
}
