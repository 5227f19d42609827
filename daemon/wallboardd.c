/*
 * wallboardd.c: the daemon's command line.
 *
 *   wallboardd -c CONFIG                    run (foreground, systemd style)
 *   wallboardd -c CONFIG --check-config     validate the config
 *   wallboardd -c CONFIG --replay FILE [--at MS]
 *   wallboardd --journal-check DIR
 *   wallboardd [-c CONFIG] --journal-export FILE_OR_DAY
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "journaltool.h"
#include "log.h"
#include "replay.h"
#include "report.h"
#include "server.h"

#define WALLBOARD_VERSION "0.1.0"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: wallboardd -c CONFIG [-v]\n"
	    "       wallboardd -c CONFIG --check-config\n"
	    "       wallboardd -c CONFIG --replay EVENTS.jsonl [--at MS]\n"
	    "                  [--report 15m|30m|60m [--csv]]\n"
	    "       wallboardd --journal-check DIR\n"
	    "       wallboardd [-c CONFIG] --journal-export FILE_OR_DAY\n"
	    "\n"
	    "  -c, --config FILE   the configuration (YAML)\n"
	    "      --check-config  validate it: errors as FILE:LINE:COL: message\n"
	    "                      (exit 1), warnings as FILE:LINE:COL: warning:\n"
	    "                      message (exit 0)\n"
	    "      --replay FILE   apply a JSON Lines file of protocol-v1 events\n"
	    "                      with the clock driven by event time, print the\n"
	    "                      snapshot and exit; opens no socket\n"
	    "      --at MS         the snapshot's time (ms since the epoch);\n"
	    "                      default: the last event's ts\n"
	    "      --report INTERVAL\n"
	    "                      with --replay: print the day's complete\n"
	    "                      intervals (15m, 30m or 60m) up to --at as JSON\n"
	    "                      Lines, one row per scope and interval (with\n"
	    "                      --csv: CSV, a header row first)\n"
	    "      --journal-check DIR\n"
	    "                      verify each journal file in DIR (a state_dir)\n"
	    "                      and print its records, torn tail and damaged\n"
	    "                      regions; exit 0 if clean, 1 if damaged\n"
	    "      --journal-export FILE_OR_DAY\n"
	    "                      write a journal file's events, or a day's\n"
	    "                      (YYYY-MM-DD, in -c's state_dir), as protocol-v1\n"
	    "                      JSON Lines on stdout, for --replay\n"
	    "  -v, --verbose       more log lines (twice: debug)\n"
	    "  -V, --version       print the version\n"
	    "  -h, --help          this text\n");
}

static bool
parse_ms(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return false;
	*out = v;
	return true;
}

int
main(int argc, char **argv)
{
	enum { OPT_CHECK = 256, OPT_REPLAY, OPT_AT, OPT_JCHECK, OPT_JEXPORT,
	    OPT_REPORT, OPT_CSV };
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "at", required_argument, NULL, OPT_AT },
		{ "journal-check", required_argument, NULL, OPT_JCHECK },
		{ "journal-export", required_argument, NULL, OPT_JEXPORT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = NULL, *replay_path = NULL;
	const char *jcheck = NULL, *jexport = NULL;
	bool check = false, has_at = false, csv = false;
	int64_t at = 0, report_ms = 0;
	int verbose = 0, opt, status;
	struct config *config;

	while ((opt = getopt_long(argc, argv, "c:vVh", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case OPT_CHECK: check = true; break;
		case OPT_REPLAY: replay_path = optarg; break;
		case OPT_CSV: csv = true; break;
		case OPT_REPORT:
			if (!report_parse_interval(optarg, &report_ms)) {
				fprintf(stderr, "wallboardd: --report wants 15m, 30m "
				    "or 60m, not '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_JCHECK: jcheck = optarg; break;
		case OPT_JEXPORT: jexport = optarg; break;
		case OPT_AT:
			if (!parse_ms(optarg, &at)) {
				fprintf(stderr, "wallboardd: --at wants milliseconds "
				    "since the epoch, not '%s'\n", optarg);
				return 2;
			}
			has_at = true;
			break;
		case 'v': verbose++; break;
		case 'V': printf("wallboardd %s\n", WALLBOARD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (jcheck != NULL && optind == argc)
		return journaltool_check(jcheck);
	if (jexport != NULL && optind == argc) {
		/* A file needs no config; a day needs its state_dir. */
		config = config_path ? config_load_reporting(config_path) : NULL;
		if (config_path != NULL && config == NULL)
			return 1;
		status = journaltool_export(jexport, config);
		config_free(&config);
		return status;
	}
	if (config_path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	log_set_level(verbose >= 2 ? LOG_DEBUG : verbose ? LOG_INFO : LOG_NOTICE);
	/* A burst that outruns the daemon queues up in ZeroMQ's heap, freed
	 * as it drains. Keep what was freed (up to 64 MiB) instead of giving
	 * it back and faulting fresh zeroed pages in at the next burst, and
	 * serve even large messages from the heap, not one mmap each. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	config = config_load_reporting(config_path);
	if (config == NULL)
		return 1;
	if (check) {
		/* Warnings do not fail the check: the config would load. */
		for (size_t i = 0; i < config->n_warnings; i++)
			fprintf(stderr, "%s\n", config->warnings[i]);
		status = 0;
	}
	else if (replay_path != NULL)
		status = replay_run(config, replay_path, has_at, at, report_ms, csv);
	else
		return server_run(config_path, config);   /* it owns the config */
	config_free(&config);
	return status;
}
