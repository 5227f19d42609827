/*
 * tz.h: time-zone arithmetic for the site's 'today' window (protocol.md 6.1).
 *
 * A zone is read once from its TZif file (RFC 8536, versions 1 to 4: the
 * 64-bit section and the POSIX TZ footer that rules after the last
 * transition), so "fat" and "slim" files both work for any date. Nothing here
 * touches the process-global TZ state (no setenv, tzset, localtime, mktime):
 * several zones may be loaded side by side and used from any thread.
 *
 * All instants are UTC milliseconds since 1970-01-01T00:00:00Z; offsets are
 * seconds east of UTC. Leap-second ("right/") zones are refused.
 */
#ifndef WALLBOARD_TZ_H
#define WALLBOARD_TZ_H

#include <stddef.h>
#include <stdint.h>

struct tz;

/*
 * Load the IANA zone ZONE from $TZDIR (default /usr/share/zoneinfo). "UTC" and
 * "Etc/UTC" always work, even without tzdata. On failure return NULL and put
 * a message for a person (naming the zone and the reason) in ERR (ERRLEN
 * bytes, always terminated; ERR may be NULL if ERRLEN is 0). The caller owns
 * the result and frees it with tz_free().
 */
struct tz *tz_load(const char *zone, char *err, size_t errlen);

/* Free *TZ and set *TZ to NULL. TZ or *TZ may be NULL. */
void tz_free(struct tz **tz);

/* The zone's name as given to tz_load(); owned by TZ. */
const char *tz_name(const struct tz *tz);

/* Seconds east of UTC in force in TZ at the instant UTC_MS. */
int32_t tz_offset(const struct tz *tz, int64_t utc_ms);

/*
 * The start (UTC ms) of the local 'day' containing T_MS, where a day begins
 * DAY_START_MINUTES (0 to 1439) after local midnight. If that local time does
 * not exist (a spring-forward gap), the day begins at the first instant after
 * it, which is the transition itself; if it happens twice (a fall-back
 * overlap), at the earlier. The result is <= T_MS and the day runs to
 * tz_next_day_start() of it (exclusive): 23, 24 or 25 hours in most zones.
 */
int64_t tz_day_start(const struct tz *tz, int day_start_minutes, int64_t t_ms);

/*
 * The start (UTC ms) of the day following the one that starts at
 * DAY_START_MS (a value returned by tz_day_start() with the same
 * DAY_START_MINUTES). Always > DAY_START_MS.
 */
int64_t tz_next_day_start(const struct tz *tz, int day_start_minutes,
    int64_t day_start_ms);

#endif
