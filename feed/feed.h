/*
 * feed/ is wallboard-feed: the simulator, replay, and the command lines of
 * the PBX bridges, whose dialects are pbx/'s. It uses core/ and pbx/.
 *
 * feed.h: wallboard-feed's subcommands and the few helpers they share.
 *
 * Each event source is one subcommand with its own main; feed/main.c
 * dispatches on the first word. sim and replay live here; the Asterisk and
 * FreeSWITCH bridges are built from their own files, and main.c carries weak
 * stand-ins so the program links before (and after) they land.
 */
#ifndef WALLBOARD_FEED_H
#define WALLBOARD_FEED_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

int sim_main(int, char **);
int replay_main(int, char **);
int asterisk_ami_main(int, char **);
int asterisk_queue_log_main(int, char **);
int freeswitch_main(int, char **);

/* Set by SIGINT and SIGTERM once feed_pace_signals() has run; a source
 * checks it between events and stops cleanly. */
extern volatile sig_atomic_t feed_pace_stop;

/* SIGUSR1 pauses the source (feed_pace_until holds, its clock stands
 * still) and SIGUSR1 again resumes it. */
/* Catch SIGINT and SIGTERM (setting feed_pace_stop, without SA_RESTART so
 * sleeps and blocking sends return early) and ignore SIGPIPE (a closed
 * stdout is a write error, reported, not a silent death). */
void feed_pace_signals(void);

/* The wall clock in ms since the epoch, and a monotonic clock in ms. */
int64_t feed_pace_wall_ms(void);
int64_t feed_pace_mono_ms(void);

/* Sleep until the monotonic clock reaches `mono_ms`; returns false at once
 * if feed_pace_stop is (or becomes) set. */
bool feed_pace_until(int64_t mono_ms);

/* Parse a positive, finite number ("10", "0.5"); false for anything else. */
bool feed_pace_parse_factor(const char *s, double *out);

#endif
