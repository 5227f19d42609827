/*
 * metric.c: the table of PROTOCOL §2's figures.
 */
#include "metric.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static const struct metric_info metric_table[M_COUNT] = {
	[M_OFFERED] = {"offered", METRIC_COUNT, true, true},
	[M_ANSWERED] = {"answered", METRIC_COUNT, true, true},
	[M_ANSWERED_IN_SL] = {"answered_in_sl", METRIC_COUNT, true, true},
	[M_ABANDONED] = {"abandoned", METRIC_COUNT, true, true},
	[M_SHORT_ABANDONED] = {"short_abandoned", METRIC_COUNT, true, true},
	[M_ABANDONED_IN_SL] = {"abandoned_in_sl", METRIC_COUNT, true, true},
	[M_EXITED] = {"exited", METRIC_COUNT, true, true},
	[M_SERVICE_LEVEL] = {"service_level", METRIC_RATIO, true, true},
	[M_ASA_MS] = {"asa_ms", METRIC_DURATION, true, true},
	[M_AVG_ABANDON_MS] = {"avg_abandon_ms", METRIC_DURATION, true, true},
	[M_MAX_WAIT_MS] = {"max_wait_ms", METRIC_DURATION, true, true},
	[M_ABANDON_RATE] = {"abandon_rate", METRIC_RATIO, true, true},
	[M_HANDLED] = {"handled", METRIC_COUNT, true, false},
	[M_TALK_MS] = {"talk_ms", METRIC_DURATION, true, false},
	[M_WRAP_MS] = {"wrap_ms", METRIC_DURATION, true, false},
	[M_AHT_MS] = {"aht_ms", METRIC_DURATION, true, false},
	[M_OCCUPANCY] = {"occupancy", METRIC_RATIO, true, false},
	[M_TRANSFER_RATE] = {"transfer_rate", METRIC_RATIO, true, false},
	[M_FCR] = {"fcr", METRIC_RATIO, true, false},
	[M_REPEAT_RATE] = {"repeat_rate", METRIC_RATIO, true, true},
	[M_CSAT] = {"csat", METRIC_RATIO, true, false},
	[M_CSAT_AVG] = {"csat_avg", METRIC_SCORE, true, false},
	[M_WAITING] = {"waiting", METRIC_COUNT, false, true},
	[M_LONGEST_WAIT_MS] = {"longest_wait_ms", METRIC_DURATION, false, true},
};

const struct metric_info *
metric_find(const char *key)
{
	for (size_t i = 0; i < M_COUNT; i++)
		if (strcmp(metric_table[i].key, key) == 0)
			return &metric_table[i];
	return NULL;
}

const struct metric_info *
metric_get(enum metric_id id)
{
	return &metric_table[id];
}

enum metric_id
metric_id_of(const struct metric_info *info)
{
	return (enum metric_id)(info - metric_table);
}

/* The epsilon keeps 0.12 * 100 = 12.000000000000002 at 12 and 0.615 * 100
 * (61.499999999999993) at the half it was written as. */
#define METRIC_EPS 1e-9

double
metric_shown(enum metric_kind kind, double v)
{
	switch (kind) {
	case METRIC_RATIO:
		return floor(v * 100 + 0.5 + METRIC_EPS) / 100;
	case METRIC_DURATION:
		return v < 0 ? 0 : floor(v / 1000 + METRIC_EPS) * 1000;
	case METRIC_SCORE:
		return floor(v * 10 + 0.5 + METRIC_EPS) / 10;
	default:
		return floor(v + 0.5 + METRIC_EPS);
	}
}

/*
 * Writing a figure, without printf for the figures a floor has (the alerts'
 * texts are made at evaluations): a whole number of units written, what
 * snprintf's "%.0f" of it would print. The rest (a negative, NaN, a
 * figure past 10^12) goes through snprintf as before.
 */
#define METRIC_PLAIN_MAX 1e12

static void
metric_write_duration(struct text_out *o, long long ms)
{
	long long s = ms < 0 ? 0 : ms / 1000;

	if (s < 3600) {         /* "m:ss" */
		text_out_uint(o, (unsigned long long)(s / 60), 1);
		text_out_str(o, ":");
		text_out_uint(o, (unsigned long long)(s % 60), 2);
	} else {                /* "1h05": hours and minutes */
		text_out_uint(o, (unsigned long long)(s / 3600), 1);
		text_out_str(o, "h");
		text_out_uint(o, (unsigned long long)(s / 60 % 60), 2);
	}
}

void
metric_format_duration(long long ms, char *buf, size_t len)
{
	struct text_out o;

	text_out_init(&o, buf, len);
	metric_write_duration(&o, ms);
}

void
metric_format(enum metric_kind kind, double v, char *buf, size_t len)
{
	double shown = metric_shown(kind, v);
	double scale = kind == METRIC_RATIO ? 100 : kind == METRIC_SCORE ? 10 : 1;
	unsigned long long k;
	struct text_out o;

	if (kind == METRIC_DURATION) {
		metric_format_duration((long long)shown, buf, len);
		return;
	}
	if (!(shown >= 0 && shown * scale < METRIC_PLAIN_MAX) ||
	    signbit(shown)) {
		switch (kind) {
		case METRIC_RATIO:
			snprintf(buf, len, "%.0f%%", shown * 100);
			break;
		case METRIC_SCORE:
			snprintf(buf, len, "%.1f", shown);
			break;
		default:
			snprintf(buf, len, "%.0f", shown);
			break;
		}
		return;
	}
	/* shown is a whole number of hundredths, tenths or units: within
	 * rounding of one once scaled, never near a half */
	k = (unsigned long long)llround(shown * scale);
	text_out_init(&o, buf, len);
	if (kind == METRIC_SCORE) {
		text_out_uint(&o, k / 10, 1);
		text_out_str(&o, ".");
		text_out_uint(&o, k % 10, 1);
	} else
		text_out_uint(&o, k, 1);
	if (kind == METRIC_RATIO)
		text_out_str(&o, "%");
}

void
metric_format_level(enum metric_kind kind, double v, char *buf, size_t len)
{
	double pct = v * 100;

	if (kind == METRIC_RATIO && fabs(pct - floor(pct + 0.5)) > 1e-6)
		snprintf(buf, len, "%.1f%%", pct);
	else
		metric_format(kind, v, buf, len);
}
