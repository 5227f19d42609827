/*
 * metric.h: the names of PROTOCOL §2's figures and what kind of value each is.
 *
 * One table, used by the config (alert rules name a metric), the snapshot
 * encoder (key order) and the alert engine (reading a figure by name).
 */
#ifndef WALLBOARD_METRIC_H
#define WALLBOARD_METRIC_H

#include <stdbool.h>
#include <stddef.h>

enum metric_kind {
	METRIC_COUNT,     /* an integer count */
	METRIC_RATIO,     /* a fraction in [0, 1]; config writes "80%" or 0.8 */
	METRIC_DURATION,  /* milliseconds; config writes "20s" */
	METRIC_SCORE,     /* a mean survey score, 1 to 5 */
};

/* Every windowed figure, in snapshot order. The order is the index used by
 * struct kpi_figures (kpi.h). */
enum metric_id {
	M_OFFERED, M_ANSWERED, M_ANSWERED_IN_SL, M_ABANDONED, M_SHORT_ABANDONED,
	M_ABANDONED_IN_SL, M_EXITED, M_SERVICE_LEVEL, M_ASA_MS, M_AVG_ABANDON_MS,
	M_MAX_WAIT_MS, M_ABANDON_RATE, M_HANDLED, M_TALK_MS, M_WRAP_MS, M_AHT_MS,
	M_OCCUPANCY, M_TRANSFER_RATE, M_FCR, M_REPEAT_RATE, M_CSAT, M_CSAT_AVG,
	M_WINDOWED_COUNT,
	/* Figures of `now`, not windowed. */
	M_WAITING = M_WINDOWED_COUNT, M_LONGEST_WAIT_MS,
	M_COUNT
};

struct metric_info {
	const char *key;
	enum metric_kind kind;
	bool windowed;          /* false: a figure of `now` */
	bool queue_outcome;     /* null for a team without configured queues */
};

/*
 * One number, one rounding: a figure as every board and alert shows it.
 * A share to the whole percent (nearest, a half up: 0.615 is 62%), a
 * duration to the second below it (a timer reads 0:41 until 42 s), a score
 * to one decimal (nearest), a count whole. Colours and alerts judge the
 * value as shown, so a tile never reads "80%" in amber against an 80%
 * target and an alert never reads "SL 80% < 80%".
 */
double metric_shown(enum metric_kind kind, double value);
/* The shown value written: "81%", "0:41", "1h05", "12", "4.2". */
void metric_format(enum metric_kind kind, double value, char *buf, size_t len);
/* A level from the config written: as metric_format, but a share keeps one
 * decimal when it has one ("82.5%"). */
void metric_format_level(enum metric_kind kind, double value, char *buf,
    size_t len);
/* A duration: "m:ss" under an hour, then "1h05" (hours and minutes). */
void metric_format_duration(long long ms, char *buf, size_t len);

/* The metric with this key, or NULL. */
const struct metric_info *metric_find(const char *key);
/* By id; id < M_COUNT. */
const struct metric_info *metric_get(enum metric_id id);
/* The id of a metric returned by metric_find/metric_get. */
enum metric_id metric_id_of(const struct metric_info *info);

#endif
