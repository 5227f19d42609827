/*
 * main.c: wallboard-feed, the event sources, one subcommand each.
 *
 *   wallboard-feed sim [OPTIONS]              a simulated contact centre
 *   wallboard-feed replay FILE.jsonl [...]    a recorded stream, re-published
 *   wallboard-feed asterisk-ami | asterisk-queue-log | freeswitch [...]
 */
#include <stdio.h>
#include <string.h>

#include "feed.h"

#define FEED_VERSION "0.1.0"

/*
 * The bridges are built from their own files (feed/asterisk*.c,
 * feed/freeswitch*.c), which may not exist yet in a given tree: these weak
 * stand-ins keep the program linking, and a bridge's strong definition
 * replaces them when its file is there.
 */
__attribute__((weak)) int
asterisk_ami_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "wallboard-feed: asterisk-ami: not built\n");
	return 2;
}

__attribute__((weak)) int
asterisk_queue_log_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "wallboard-feed: asterisk-queue-log: not built\n");
	return 2;
}

__attribute__((weak)) int
freeswitch_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "wallboard-feed: freeswitch: not built\n");
	return 2;
}

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *what;
} main_commands[] = {
	{ "sim", sim_main, "a simulated contact centre, live or to JSON Lines" },
	{ "replay", replay_main, "publish a recorded JSON Lines stream" },
	{ "asterisk-ami", asterisk_ami_main, "Asterisk app_queue over AMI" },
	{ "asterisk-queue-log", asterisk_queue_log_main, "Asterisk's queue_log" },
	{ "freeswitch", freeswitch_main, "FreeSWITCH mod_callcenter" },
};

static void
main_usage(FILE *out)
{
	fprintf(out, "usage: wallboard-feed COMMAND [OPTIONS]   (COMMAND --help for its options)\n\n");
	for (size_t i = 0; i < sizeof main_commands / sizeof main_commands[0]; i++)
		fprintf(out, "  %-20s %s\n", main_commands[i].name, main_commands[i].what);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("wallboard-feed %s\n", FEED_VERSION);
		return 0;
	}
	/* Each command parses its own options with getopt from argv[0] on. */
	for (size_t i = 0; i < sizeof main_commands / sizeof main_commands[0]; i++)
		if (strcmp(argv[1], main_commands[i].name) == 0)
			return main_commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "wallboard-feed: unknown command '%s'\n", argv[1]);
	main_usage(stderr);
	return 2;
}
