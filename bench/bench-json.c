/*
 * bench-json.c: what it costs to parse one protocol-v1 event into a struct
 * with each JSON library Debian offers us (docs/json-choice.md).
 *
 *   bench-json [PARSES]     default 1200000 parses per run
 *
 * Three typical events (call.queued, call.answered, agent.state with a queues
 * array) are parsed in turn, walked member by member and their strings copied
 * into a struct, as a decoder would. Each parser runs 5 times, the parsers
 * interleaved so that a noisy neighbour hurts them alike; the median run is
 * reported in ns/event of the thread's CPU time (time-slicing on a shared
 * machine does not count), with the fastest and slowest run and the median
 * wall-clock figure. One thread, pinned to the core it started on.
 *
 * jansson's and json-c's headers cannot meet in one translation unit (both
 * define json_object, json_object_get, json_object_iter_next...), so the
 * Makefile compiles this file twice: with BENCH_JSON_C, only the json-c part.
 * At link time jansson comes first; both libraries version their symbols, so
 * each keeps its own json_object_get.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_JSON_C
#include <json_object.h>
#include <json_tokener.h>
#include <linkhash.h>
#else
#include <cJSON.h>
#include <jansson.h>
#endif

#define BENCH_RUNS		5
#define BENCH_DEFAULT_PARSES	1200000
#define BENCH_MAX_QUEUES	8
#define BENCH_ARENA_SIZE	(16 * 1024)

/* What the decoder keeps of an event. */
struct bench_event {
	char type[24];
	char src[24];
	char call[40];
	char agent[24];
	char queue[24];
	char caller[40];
	char state[16];
	char name[48];
	char team[24];
	int64_t ts;
	int64_t seq;
	int64_t priority;
	char queues[BENCH_MAX_QUEUES][24];
	int nqueues;
};

/* Shared by the two parts of this file. */
void bench_set_string(struct bench_event *, const char *, const char *,
    size_t);
void bench_set_int(struct bench_event *, const char *, int64_t);
void bench_add_queue(struct bench_event *, const char *, size_t);
bool bench_jsonc_init(void);
bool bench_jsonc(const char *, size_t, struct bench_event *);
void bench_jsonc_free(void);

#ifdef BENCH_JSON_C
/* json-c: json_tokener_parse_ex with one tokener, reset per event. */

static struct json_tokener *bench_tokener;

bool
bench_jsonc_init(void)
{
	return (bench_tokener = json_tokener_new()) != NULL;
}

void
bench_jsonc_free(void)
{
	json_tokener_free(bench_tokener);
}

static void
bench_jsonc_value(struct bench_event *ev, const char *key,
    struct json_object *v)
{
	struct json_object *q;

	switch (json_object_get_type(v)) {
	case json_type_string:
		bench_set_string(ev, key, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_int:
		bench_set_int(ev, key, json_object_get_int64(v));
		break;
	case json_type_array:
		if (strcmp(key, "queues") != 0)
			break;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			q = json_object_array_get_idx(v, i);
			if (json_object_is_type(q, json_type_string))
				bench_add_queue(ev, json_object_get_string(q),
				    (size_t)json_object_get_string_len(q));
		}
		break;
	default:
		break;
	}
}

bool
bench_jsonc(const char *text, size_t len, struct bench_event *ev)
{
	struct json_object *root;

	json_tokener_reset(bench_tokener);
	root = json_tokener_parse_ex(bench_tokener, text, (int)len);
	if (root == NULL || !json_object_is_type(root, json_type_object) ||
	    json_tokener_get_error(bench_tokener) != json_tokener_success) {
		json_object_put(root);
		return false;
	}
	/* Not json_object_iter_*: jansson's names, in this binary. */
	for (struct lh_entry *e = json_object_get_object(root)->head;
	    e != NULL; e = e->next)
		bench_jsonc_value(ev, lh_entry_k(e), lh_entry_v(e));
	json_object_put(root);
	return true;
}

#else /* !BENCH_JSON_C */

static const char *const bench_events[] = {
	"{\"type\":\"call.queued\",\"ts\":1795424371442,\"src\":\"pbx1\","
	"\"seq\":91233,\"call\":\"1795424371.4411\",\"queue\":\"support\","
	"\"caller\":\"c9f2a41d07be\",\"priority\":2}",
	"{\"type\":\"call.answered\",\"ts\":1795424400123,\"src\":\"pbx1\","
	"\"seq\":91234,\"call\":\"1795424371.4411\",\"agent\":\"a17\","
	"\"queue\":\"support\"}",
	"{\"type\":\"agent.state\",\"ts\":1795424400125,\"src\":\"pbx1\","
	"\"seq\":91235,\"agent\":\"a17\",\"state\":\"busy\",\"name\":"
	"\"Ada Lovelace\",\"team\":\"tier1\",\"queues\":[\"support\","
	"\"sales\",\"billing\"]}",
};
#define BENCH_NEVENTS (sizeof bench_events / sizeof bench_events[0])

/* One library's way to parse TEXT (LEN bytes) into EV; false if invalid. */
struct bench_parser {
	const char *name;
	bool (*parse)(const char *text, size_t len, struct bench_event *ev);
};

static void
bench_copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Store the string member KEY; unknown keys are ignored, as the protocol says. */
void
bench_set_string(struct bench_event *ev, const char *key, const char *s,
    size_t len)
{
	static const struct {
		const char *key;
		size_t offset;
		size_t size;
	} fields[] = {
#define F(name) { #name, offsetof(struct bench_event, name), \
	sizeof ((struct bench_event *)0)->name }
		F(type), F(src), F(call), F(agent), F(queue), F(caller),
		F(state), F(name), F(team),
#undef F
	};

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strcmp(key, fields[i].key) == 0) {
			bench_copy((char *)ev + fields[i].offset,
			    fields[i].size, s, len);
			return;
		}
	}
}

void
bench_set_int(struct bench_event *ev, const char *key, int64_t v)
{
	if (strcmp(key, "ts") == 0)
		ev->ts = v;
	else if (strcmp(key, "seq") == 0)
		ev->seq = v;
	else if (strcmp(key, "priority") == 0)
		ev->priority = v;
}

void
bench_add_queue(struct bench_event *ev, const char *s, size_t len)
{
	if (ev->nqueues < BENCH_MAX_QUEUES)
		bench_copy(ev->queues[ev->nqueues++], sizeof ev->queues[0], s,
		    len);
}

/* jansson: json_loadb, then json_object_foreach. */

static void
bench_jansson_value(struct bench_event *ev, const char *key, json_t *v)
{
	size_t i;
	json_t *q;

	if (json_is_string(v))
		bench_set_string(ev, key, json_string_value(v),
		    json_string_length(v));
	else if (json_is_integer(v))
		bench_set_int(ev, key, json_integer_value(v));
	else if (json_is_array(v) && strcmp(key, "queues") == 0) {
		json_array_foreach(v, i, q) {
			if (json_is_string(q))
				bench_add_queue(ev, json_string_value(q),
				    json_string_length(q));
		}
	}
}

static bool
bench_jansson(const char *text, size_t len, struct bench_event *ev)
{
	json_error_t error;
	json_t *root = json_loadb(text, len, 0, &error), *v;
	const char *key;

	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return false;
	}
	json_object_foreach(root, key, v)
		bench_jansson_value(ev, key, v);
	json_decref(root);
	return true;
}

/* cJSON: cJSON_ParseWithLength, then the child list. */

static void
bench_cjson_value(struct bench_event *ev, const cJSON *v)
{
	const cJSON *q;

	if (cJSON_IsString(v))
		bench_set_string(ev, v->string, v->valuestring,
		    strlen(v->valuestring));
	else if (cJSON_IsNumber(v))
		bench_set_int(ev, v->string, (int64_t)v->valuedouble);
	else if (cJSON_IsArray(v) && strcmp(v->string, "queues") == 0) {
		cJSON_ArrayForEach(q, v) {
			if (cJSON_IsString(q))
				bench_add_queue(ev, q->valuestring,
				    strlen(q->valuestring));
		}
	}
}

/* Parse into EV; the caller frees the tree (or drops the arena). */
static cJSON *
bench_cjson_tree(const char *text, size_t len, struct bench_event *ev)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *v;

	if (root == NULL)
		return NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return NULL;
	}
	cJSON_ArrayForEach(v, root)
		bench_cjson_value(ev, v);
	return root;
}

static bool
bench_cjson(const char *text, size_t len, struct bench_event *ev)
{
	cJSON *root = bench_cjson_tree(text, len, ev);

	cJSON_Delete(root);
	return root != NULL;
}

/*
 * cJSON with its (process-global) hooks on a bump arena: free is a no-op and
 * the whole tree goes at once when the arena is reset for the next event.
 */
static struct {
	size_t used;
	_Alignas(max_align_t) unsigned char bytes[BENCH_ARENA_SIZE];
} bench_arena;

static void *
bench_arena_malloc(size_t size)
{
	size_t at = (bench_arena.used + _Alignof(max_align_t) - 1) &
	    ~(_Alignof(max_align_t) - 1);

	if (size > sizeof bench_arena.bytes - at)
		return NULL;	/* cJSON fails the parse cleanly */
	bench_arena.used = at + size;
	return bench_arena.bytes + at;
}

static void
bench_arena_free(void *p)
{
}

static bool
bench_cjson_arena(const char *text, size_t len, struct bench_event *ev)
{
	bench_arena.used = 0;
	return bench_cjson_tree(text, len, ev) != NULL;
}

static void
bench_cjson_hooks(bool arena)
{
	cJSON_Hooks hooks = { bench_arena_malloc, bench_arena_free };

	cJSON_InitHooks(arena ? &hooks : NULL);
}

/* Measuring. */

static const struct bench_parser bench_parsers[] = {
	{ "jansson json_loadb", bench_jansson },
	{ "cJSON ParseWithLength", bench_cjson },
	{ "cJSON + bump arena", bench_cjson_arena },
	{ "json-c parse_ex", bench_jsonc },
};
#define BENCH_NPARSERS (sizeof bench_parsers / sizeof bench_parsers[0])

static size_t bench_lengths[BENCH_NEVENTS];
static volatile int64_t bench_sink;

static int64_t
bench_now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Parse the events in turn PARSES times with P; CPU ns per event, and the
 * wall-clock figure in *WALL.
 */
static double
bench_run(const struct bench_parser *p, long parses, double *wall)
{
	struct bench_event ev;
	int64_t start, start_wall, sum = 0;
	size_t e = 0;

	bench_cjson_hooks(p->parse == bench_cjson_arena);
	start_wall = bench_now_ns(CLOCK_MONOTONIC);
	start = bench_now_ns(CLOCK_THREAD_CPUTIME_ID);
	for (long i = 0; i < parses; i++) {
		memset(&ev, 0, sizeof ev);
		if (!p->parse(bench_events[e], bench_lengths[e], &ev)) {
			fprintf(stderr, "bench-json: %s failed\n", p->name);
			exit(1);
		}
		sum += ev.ts + ev.nqueues + ev.type[5];
		e = e + 1 == BENCH_NEVENTS ? 0 : e + 1;
	}
	bench_sink = sum;
	*wall = (double)(bench_now_ns(CLOCK_MONOTONIC) - start_wall) /
	    (double)parses;
	return (double)(bench_now_ns(CLOCK_THREAD_CPUTIME_ID) - start) /
	    (double)parses;
}

/* Every parser must decode every event as jansson does, before timing. */
static void
bench_check(void)
{
	struct bench_event want, got;

	for (size_t e = 0; e < BENCH_NEVENTS; e++) {
		memset(&want, 0, sizeof want);
		if (!bench_jansson(bench_events[e], bench_lengths[e], &want) ||
		    want.ts == 0 || want.type[0] == '\0')
			exit(1);
		for (size_t i = 0; i < BENCH_NPARSERS; i++) {
			bench_cjson_hooks(bench_parsers[i].parse ==
			    bench_cjson_arena);
			memset(&got, 0, sizeof got);
			if (!bench_parsers[i].parse(bench_events[e],
			    bench_lengths[e], &got) ||
			    memcmp(&got, &want, sizeof got) != 0) {
				fprintf(stderr, "bench-json: %s decodes event "
				    "%zu differently\n", bench_parsers[i].name,
				    e);
				exit(1);
			}
		}
	}
}

static int
bench_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
bench_pin(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	if (cpu >= 0) {
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) != 0)
			perror("bench-json: sched_setaffinity");
	}
}

static void
bench_report(double runs[BENCH_NPARSERS][BENCH_RUNS],
    double walls[BENCH_NPARSERS][BENCH_RUNS], long parses)
{
	size_t total = 0;

	for (size_t e = 0; e < BENCH_NEVENTS; e++)
		total += bench_lengths[e];
	printf("json: %zu events of %zu bytes on average, %ld parses per run, "
	    "median of %d runs\n", BENCH_NEVENTS, total / BENCH_NEVENTS,
	    parses, BENCH_RUNS);
	for (size_t i = 0; i < BENCH_NPARSERS; i++) {
		qsort(runs[i], BENCH_RUNS, sizeof runs[i][0], bench_compare);
		qsort(walls[i], BENCH_RUNS, sizeof walls[i][0], bench_compare);
	}
	for (size_t i = 0; i < BENCH_NPARSERS; i++)
		printf("json: %-22s %7.1f ns/event CPU (runs %.1f to %.1f), "
		    "%.2fx cJSON; wall %.1f\n", bench_parsers[i].name,
		    runs[i][BENCH_RUNS / 2], runs[i][0],
		    runs[i][BENCH_RUNS - 1], runs[i][BENCH_RUNS / 2] /
		    runs[1][BENCH_RUNS / 2], walls[i][BENCH_RUNS / 2]);
}

int
main(int argc, char **argv)
{
	long parses = argc > 1 ? strtol(argv[1], NULL, 10) :
	    BENCH_DEFAULT_PARSES;
	double runs[BENCH_NPARSERS][BENCH_RUNS], walls[BENCH_NPARSERS][BENCH_RUNS];

	if (parses <= 0) {
		fprintf(stderr, "usage: bench-json [PARSES]\n");
		return 2;
	}
	bench_pin();
	for (size_t e = 0; e < BENCH_NEVENTS; e++)
		bench_lengths[e] = strlen(bench_events[e]);
	if (!bench_jsonc_init())
		return 1;
	bench_check();
	for (size_t i = 0; i < BENCH_NPARSERS; i++)
		bench_run(&bench_parsers[i], parses / 10, &walls[i][0]); /* warm */
	for (int r = 0; r < BENCH_RUNS; r++)
		for (size_t i = 0; i < BENCH_NPARSERS; i++)
			runs[i][r] = bench_run(&bench_parsers[i], parses,
			    &walls[i][r]);
	bench_cjson_hooks(false);
	bench_jsonc_free();
	bench_report(runs, walls, parses);
	return 0;
}

#endif /* BENCH_JSON_C */
