/*
 * units.h: the configuration's value syntaxes.
 *
 * Durations are strings with a unit ("500ms", "20s", "15m", "24h", "1d";
 * "1h30m" is accepted too); shares are "80%" or "0.8".
 */
#ifndef WALLBOARD_UNITS_H
#define WALLBOARD_UNITS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* Parse a duration into milliseconds. Returns false (and *out untouched) for
 * anything but one or more <integer><unit> groups with unit ms, s, m, h or d. */
bool units_parse_duration(const char *s, int64_t *out_ms);

/* Parse a share: "80%", "80.5%" or a number in [0, 1]. Returns false for
 * anything else or out of [0, 1]. */
bool units_parse_share(const char *s, double *out);

/* Parse a size in bytes: an integer with a unit B, KiB, MiB or GiB
 * ("64KiB", "1MiB"; the binary units, so there is one reading). Returns
 * false for anything else, or above 2^62. */
bool units_parse_size(const char *s, int64_t *out_bytes);
/* Write a size the way the config would say it ("64KiB", "1MiB", "100B"). */
char *units_format_size(int64_t bytes, char *buf, size_t len);

/* Parse "HH:MM" (00:00 to 23:59) into minutes after midnight. */
bool units_parse_clock(const char *s, int *out_minutes);

/* Write a duration the way the config would say it ("15m", "90s", "1h30m",
 * "250ms") into buf; returns buf. A window's name in snapshots is this. */
char *units_format_duration(int64_t ms, char *buf, size_t len);

#endif
