/*
 * fuzz-control.c: the control socket's requests, as wallboardctl (or anyone
 * who can reach STATE_DIR/control.sock) sends them, through control_answer
 * (daemon/control.c) and the message and ack handling behind it
 * (daemon/notes.c), over a small real day: an engine with calls waiting in
 * a dozen queues, alert rules that fire on them (pending and firing, ids
 * with multibyte names, some prefixes of others), a journal in a temporary
 * directory.
 *
 * The input is up to REQUESTS_MAX requests, one per line (a line is the
 * bytes up to '\n', any bytes: NULs, invalid UTF-8 and all); each goes to
 * control_answer as the socket would hand it over. Then a snapshot and the
 * alerts are asked for too. Every reply must be:
 *
 *   - one whole JSON value (cJSON), an object, with "ok" except the snapshot;
 *   - text a board may show: valid UTF-8 with no raw control character
 *     (U+0000-U+001F, U+007F-U+009F), core/text.c's text_problem;
 *   - bounded: REPLY_SMALL_MAX bytes for what answers a message, an ack or
 *     a bad request, REPLY_MAX for the rest.
 *
 * And the state must follow: a message request answered ok is on the next
 * snapshot as given (text, from, until), an ack answered ok names an alert
 * acked by the request's "by"; finally the journal, replayed through
 * notes_replay into a fresh day, gives back the same message and acks.
 *
 * What server.c does for control.c is done here on the same core parts
 * (service.h's functions; server_clock and server_journal_flush, which
 * notes.c calls): the daemon's loop and sockets are left out. The clock is
 * the engine's own, as the daemon's is before its first live event.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "config.h"
#include "engine.h"
#include "event.h"
#include "fuzz.h"
#include "journal.h"
#include "jsonw.h"
#include "log.h"
#include "server-internal.h"
#include "snapshot.h"
#include "text.h"

#define REQUESTS_MAX 16
#define REPLY_SMALL_MAX 2048
#define REPLY_MAX (1024 * 1024)
/* 2026-03-02T10:00Z, a Monday */
#define T0 1772445600000LL

/* Queues whose alert ids start alike and carry multibyte names, so that an
 * ack's prefix can match several and the lists of them in a reply run long
 * (notes.c cuts them to fit). */
static const char *const queues[] = {
	"support", "support-fr", "support-fr-été", "sales", "sales-ñ",
	"billing", "billing-日本語-desk", "tech", "tech-2", "überweisungen",
	"x", "a-very-long-queue-name-for-the-lists-that-fill-up-0123456789",
};
#define N_QUEUES (sizeof queues / sizeof queues[0])

struct state {
	struct server s;
	struct engine *engine;
};

static struct config *config;
static const char *config_path;
static struct event_decoder *decoder;
static char *journal_dir;

/* ---- what server.c gives notes.c and control.c ------------------------- */

int64_t
server_clock(struct server *s)
{
	return engine_now(s->engine);
}

void
server_journal_flush(struct server *s)
{
	journal_flush(s->journal);
}

static void
svc_state(void *server, bool to_clock, struct service_state *st)
{
	struct server *s = server;

	*st = (struct service_state){ .config_path = s->config_path,
	    .config = s->config, .engine = s->engine, .alerts = s->alerts,
	    .journal = s->journal, .stats = &s->stats, .now = server_clock(s) };
}

/* As server.c's snapshot: the alerts and the message beside the figures. */
static const char *
svc_snapshot(void *server)
{
	struct server *s = server;
	struct snapshot_meta meta;
	struct jsonw *w = &s->message_json;

	jsonw_reset(&s->alerts_json);
	alerts_write_json(s->alerts, &s->alerts_json);
	jsonw_reset(w);
	if (s->message_text == NULL || s->message_until <= engine_now(s->engine))
		jsonw_null(w);
	else {
		jsonw_object(w);
		jsonw_key(w, "text"); jsonw_string(w, s->message_text);
		jsonw_key(w, "from"); jsonw_string(w, s->message_from);
		jsonw_key(w, "until"); jsonw_int(w, s->message_until);
		jsonw_end_object(w);
	}
	meta = (struct snapshot_meta){ .seq = ++s->snapshot_seq,
	    .alerts_json = jsonw_text(&s->alerts_json),
	    .message_json = jsonw_text(&s->message_json) };
	snapshot_write(&s->snapshot, s->engine, &meta);
	return jsonw_text(&s->snapshot);
}

static const char *
svc_alerts(void *server)
{
	struct server *s = server;

	alerts_write_day(s->alerts, &s->history, s->config, server_clock(s),
	    engine_day_start(s->engine));
	return jsonw_text(&s->history);
}

/* The config file read again, as a reload does (the running one stays). */
static int
svc_reload(void *server, struct config_errors *errors)
{
	struct config *c = config_load(config_path, errors);

	if (c == NULL)
		return -1;
	config_free(&c);
	return 0;
}

static void
svc_count(void *server)
{
	((struct server *)server)->stats.control_requests++;
}

/* ---- the day ----------------------------------------------------------- */

static void
setup_once(void)
{
	struct config_errors errors = { 0 };
	FILE *f;
	char *yaml = NULL;
	size_t len = 0;

	log_set_level(LOG_ERR);         /* notes.c says each message and ack */
	f = open_memstream(&yaml, &len);
	FUZZ_CHECK(f != NULL, "open_memstream");
	fprintf(f, "site: {name: \"Fuzz \\u00e9\", timezone: UTC}\n"
	    "windows: [15m]\nqueues:\n");
	for (size_t q = 0; q < N_QUEUES; q++)
		fprintf(f, "  \"%s\": {}\n", queues[q]);
	fprintf(f, "alerts:\n"
	    "  - {name: busy, metric: waiting, scope: \"queue:*\", above: 1}\n"
	    "  - {name: busy-long, metric: longest_wait_ms, scope: \"queue:*\","
	    " above: 1m, for: 1h}\n"
	    "  - {name: wait, metric: longest_wait_ms, scope: all, above: 30s}\n"
	    "feeds: {stale_after: 30s}\n");
	fclose(f);
	config_path = fuzz_temp_file(yaml, len);
	free(yaml);
	config = config_load(config_path, &errors);
	if (config == NULL) {
		for (size_t i = 0; i < errors.n; i++)
			fprintf(stderr, "config: %s\n", errors.lines[i]);
		FUZZ_CHECK(config != NULL, "the harness's config does not load");
	}
	decoder = event_decoder_new();
	journal_dir = strdup(fuzz_temp_dir());
}

static void
apply_line(struct engine *e, const char *line)
{
	struct event ev;

	FUZZ_CHECK(event_decode(decoder, line, strlen(line), &ev) == REJECT_NONE,
	    "event %s: %s", line, event_decoder_error(decoder));
	engine_apply(e, &ev);
}

/* Two calls waiting in each queue (busy fires at once; busy-long stays
 * pending), an agent on a call, a feed that has gone quiet. */
static void
day_make(struct state *st, bool with_journal)
{
	struct server *s = &st->s;
	char line[512];
	int64_t seq = 0;

	memset(st, 0, sizeof *st);
	st->engine = engine_new(config, T0 - 10 * 60 * 1000);
	for (size_t q = 0; q < N_QUEUES; q++)
		for (int c = 0; c < 2; c++) {
			snprintf(line, sizeof line, "{\"type\":\"call.queued\","
			    "\"ts\":%lld,\"src\":\"pbx\",\"seq\":%lld,\"call\":"
			    "\"c%zu-%d\",\"queue\":\"%s\",\"caller\":\"k%d\"}",
			    (long long)(T0 - 5 * 60 * 1000 + (int64_t)q * 1000 + c),
			    (long long)++seq, q, c, queues[q], c);
			apply_line(st->engine, line);
		}
	snprintf(line, sizeof line, "{\"type\":\"agent.state\",\"ts\":%lld,"
	    "\"src\":\"pbx\",\"seq\":%lld,\"agent\":\"a1\",\"state\":\"busy\","
	    "\"name\":\"Ann \\u00e9\",\"queues\":[\"support\"]}",
	    (long long)(T0 - 60 * 1000), (long long)++seq);
	apply_line(st->engine, line);
	engine_advance(st->engine, T0);
	s->config_path = config_path;
	s->config = config;
	s->engine = st->engine;
	s->alerts = alerts_new(config);
	alerts_evaluate(s->alerts, s->engine, T0);
	if (with_journal)
		s->journal = journal_open(journal_dir, engine_day_start(s->engine),
		    NULL);
	s->service = (struct service){ .server = s, .state = svc_state,
	    .snapshot = svc_snapshot, .alerts = svc_alerts, .reload = svc_reload,
	    .message = notes_message, .ack = notes_ack,
	    .count_request = svc_count };
}

static void
day_free(struct state *st)
{
	struct server *s = &st->s;

	journal_free(&s->journal);
	alerts_free(&s->alerts);
	engine_free(&st->engine);
	jsonw_release(&s->snapshot);
	jsonw_release(&s->alerts_json);
	jsonw_release(&s->message_json);
	jsonw_release(&s->history);
	free(s->message_text);
	free(s->message_from);
}

/* ---- the checks -------------------------------------------------------- */

static cJSON *
check_reply(const char *reply, const char *what, size_t max)
{
	size_t len;
	const char *bad;
	cJSON *r;

	FUZZ_CHECK(reply != NULL, "%s: no reply", what);
	len = strlen(reply);
	FUZZ_CHECK(len > 0 && len <= max, "%s: a reply of %zu bytes (at most %zu)",
	    what, len, max);
	FUZZ_CHECK(fuzz_json_valid(reply, len), "%s: the reply is not JSON: %.300s",
	    what, reply);
	bad = text_problem(reply, len);
	FUZZ_CHECK(bad == NULL, "%s: the reply %s: %.300s", what, bad, reply);
	r = cJSON_ParseWithLength(reply, len);
	FUZZ_CHECK(cJSON_IsObject(r), "%s: the reply is not an object", what);
	return r;
}

/* The message and acks as they stand, to compare with a replay's. */
static char *
notes_now(struct state *st)
{
	struct server *s = &st->s;
	struct alert_info ai;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	FUZZ_CHECK(f != NULL, "open_memstream");
	if (s->message_text != NULL)
		fprintf(f, "message [%s] from [%s] until %lld\n", s->message_text,
		    s->message_from, (long long)s->message_until);
	for (size_t i = 0; i < alerts_count(s->alerts); i++) {
		alerts_get(s->alerts, i, &ai);
		if (ai.acked_by != NULL)
			fprintf(f, "%s acked by [%s] at %lld\n", ai.id, ai.acked_by,
			    (long long)ai.acked_at);
	}
	fclose(f);
	return text;
}

static int
replay_one(const struct journal_record *r, void *arg)
{
	notes_replay(arg, r, true);
	return 0;
}

static void
one_request(struct state *st, const char *req, size_t len)
{
	struct server *s = &st->s;
	struct jsonw w = { 0 };
	cJSON *parsed = cJSON_ParseWithLength(req, len), *reply;
	const cJSON *cmdj = cJSON_GetObjectItemCaseSensitive(parsed, "cmd");
	const char *cmd = cJSON_IsString(cmdj) ? cmdj->valuestring : "";
	bool small = strcmp(cmd, "status") != 0 && strcmp(cmd, "snapshot") != 0 &&
	    strcmp(cmd, "alerts") != 0 && strcmp(cmd, "reload") != 0;
	const cJSON *ok;
	const char *text;

	text = control_answer(&s->service, req, len, &w);
	if (getenv("FUZZ_CONTROL_SHOW") != NULL)
		fprintf(stderr, "> %.*s\n< %.400s\n", (int)(len < 400 ? len : 400),
		    req, text);
	reply = check_reply(text, cmd, small ? REPLY_SMALL_MAX : REPLY_MAX);
	ok = cJSON_GetObjectItemCaseSensitive(reply, "ok");
	if (strcmp(cmd, "snapshot") != 0)
		FUZZ_CHECK(cJSON_IsBool(ok), "%s: no \"ok\": %.300s", cmd, text);
	if (cJSON_IsFalse(ok)) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(reply, "error");

		FUZZ_CHECK(cJSON_IsString(e) && e->valuestring[0] != '\0',
		    "%s: refused without a reason: %.300s", cmd, text);
	}
	if (strcmp(cmd, "message") == 0 && cJSON_IsTrue(ok) &&
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(parsed, "clear"))) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(parsed, "text");

		FUZZ_CHECK(cJSON_IsString(t) && s->message_text != NULL &&
		    strcmp(t->valuestring, s->message_text) == 0,
		    "message: accepted, but the text is not the request's");
		FUZZ_CHECK(s->message_until > server_clock(s),
		    "message: accepted, but already over");
	}
	if (strcmp(cmd, "ack") == 0 && cJSON_IsTrue(ok)) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(reply, "id");
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(parsed, "by");
		struct alert_info ai;
		long i;

		FUZZ_CHECK(cJSON_IsString(id) && cJSON_IsString(by),
		    "ack: accepted without an id: %.300s", text);
		i = alerts_find(s->alerts, id->valuestring);
		FUZZ_CHECK(i >= 0, "ack: accepted for no alert %s", id->valuestring);
		alerts_get(s->alerts, (size_t)i, &ai);
		FUZZ_CHECK(ai.acked_by != NULL &&
		    strcmp(ai.acked_by, by->valuestring) == 0,
		    "ack: %s accepted but not acked by the request's \"by\"",
		    id->valuestring);
	}
	cJSON_Delete(reply);
	cJSON_Delete(parsed);
	jsonw_release(&w);
}

/* The snapshot shows the message as it stands. */
static void
check_snapshot(struct state *st)
{
	struct server *s = &st->s;
	cJSON *snap = check_reply(svc_snapshot(s), "snapshot", REPLY_MAX);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(snap, "message");

	if (s->message_text == NULL)
		FUZZ_CHECK(m == NULL || cJSON_IsNull(m),
		    "snapshot: a message that was cleared");
	else {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "text");
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(m, "from");

		FUZZ_CHECK(cJSON_IsString(t) &&
		    strcmp(t->valuestring, s->message_text) == 0 &&
		    cJSON_IsString(f) &&
		    strcmp(f->valuestring, s->message_from) == 0,
		    "snapshot: the message is not the one set");
	}
	cJSON_Delete(snap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct state live, again;
	const char *p = (const char *)data, *end = p + size, *nl;
	struct jsonw w = { 0 };
	char *before, *after;
	struct journal_replay_result res = { 0 };
	int n = 0;

	if (!ready) {
		setup_once();
		ready = true;
	}
	fuzz_temp_dir();                /* empty: a new journal each input */
	day_make(&live, true);
	while (n++ < REQUESTS_MAX) {
		nl = memchr(p, '\n', (size_t)(end - p));
		one_request(&live, p, (size_t)((nl ? nl : end) - p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	check_snapshot(&live);
	cJSON_Delete(check_reply(control_answer(&live.s.service,
	    "{\"cmd\":\"alerts\"}", 16, &w), "alerts", REPLY_MAX));
	jsonw_release(&w);

	/* What the journal keeps gives the same notes back after a restart. */
	FUZZ_CHECK(journal_flush(live.s.journal) == 0, "journal: %s",
	    journal_error(live.s.journal));
	before = notes_now(&live);
	day_make(&again, false);
	journal_replay(journal_path(live.s.journal), replay_one, &again.s, &res);
	FUZZ_CHECK(!res.corrupt && !res.torn_tail, "journal: %s", res.error);
	after = notes_now(&again);
	FUZZ_CHECK(strcmp(before, after) == 0,
	    "the journal gives back other notes:\n--- live\n%s--- replayed\n%s",
	    before, after);
	free(before);
	free(after);
	day_free(&again);
	day_free(&live);
	return 0;
}
