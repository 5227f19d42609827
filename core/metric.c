/*
 * metric.c: the table of PROTOCOL §2's figures.
 */
#include "metric.h"

#include <string.h>

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
