/*
 * notes.c: what people add to the day: the team leader's message and the
 * acknowledgements of alerts. Asked for through the control socket
 * (service.h), journaled as the request came, and replayed from the journal
 * at start and reload, so a restart keeps them.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "engine.h"
#include "journal.h"
#include "log.h"
#include "server-internal.h"
#include "text.h"
#include "xalloc.h"

#define NOTES_MESSAGE_MAX 500
#define NOTES_FROM_MAX 64       /* who said it, or who acked */
#define NOTES_MESSAGE_FOR_MS (10 * 60 * 1000LL)
#define NOTES_MESSAGE_FOR_MAX_MS (30 * 24 * 3600 * 1000LL)

static const char *
notes_string(const cJSON *req, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(req, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* A person's text from the control socket: 1 to max bytes of text a board
 * may show (core/text.h). NULL, or what is wrong, for the reply. */
static const char *
notes_text_problem(const char *s, size_t max)
{
	size_t len = s != NULL ? strlen(s) : 0;

	if (len == 0)
		return "is empty";
	if (len > max)
		return "is too long";
	return text_problem(s, len);
}

/*
 * Set or clear the message from its request; `clock` is when it was said.
 * The request is checked whole before anything changes: a bad one leaves
 * the message on the boards as it was. 0, or -1 with the reason in why.
 */
static int
notes_apply_message(struct server *s, const cJSON *req, int64_t clock,
    char *why, size_t whylen)
{
	const char *text = notes_string(req, "text");
	const char *from = notes_string(req, "from");
	const cJSON *for_ms = cJSON_GetObjectItemCaseSensitive(req, "for_ms");
	bool clear = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "clear"));
	int64_t lasts = NOTES_MESSAGE_FOR_MS;
	const char *bad;

	if (!clear && (bad = notes_text_problem(text, NOTES_MESSAGE_MAX)) != NULL) {
		snprintf(why, whylen, "a message needs \"text\" (1 to %d bytes of "
		    "text, no control character), or \"clear\": true: the text %s",
		    NOTES_MESSAGE_MAX, text == NULL ? "is missing" : bad);
		return -1;
	}
	if (!clear && from != NULL &&
	    (bad = notes_text_problem(from, NOTES_FROM_MAX)) != NULL) {
		snprintf(why, whylen, "\"from\" (1 to %d bytes of text) %s",
		    NOTES_FROM_MAX, bad);
		return -1;
	}
	if (!clear && for_ms != NULL && !cJSON_IsNull(for_ms)) {
		/* compared as a double first: a huge one is refused, never
		 * converted out of range */
		if (!cJSON_IsNumber(for_ms) || !(for_ms->valuedouble >= 1000) ||
		    !(for_ms->valuedouble <= (double)NOTES_MESSAGE_FOR_MAX_MS)) {
			snprintf(why, whylen, "\"for_ms\" must be a number of "
			    "milliseconds from 1 s to 30 days");
			return -1;
		}
		lasts = (int64_t)for_ms->valuedouble;
	}
	free(s->message_text);
	free(s->message_from);
	s->message_text = s->message_from = NULL;
	if (clear)
		return 0;
	s->message_text = xstrdup(text);
	s->message_from = xstrdup(from ? from : "team leader");
	s->message_until = clock + lasts;
	return 0;
}

int
notes_message(void *server, const char *raw, size_t len, char *out, size_t outlen)
{
	struct server *s = server;
	cJSON *req = cJSON_ParseWithLength(raw, len);
	int64_t clock = server_clock(s);
	int rc;

	if (req == NULL) {
		snprintf(out, outlen, "a message request must be a JSON object");
		return -1;
	}
	rc = notes_apply_message(s, req, clock, out, outlen);
	cJSON_Delete(req);
	if (rc != 0)
		return -1;
	journal_append(s->journal, JOURNAL_MESSAGE, clock, raw, len);
	server_journal_flush(s);
	log_msg(LOG_NOTICE, "message %s", s->message_text ? "set" : "cleared");
	s->dirty = true;
	snprintf(out, outlen, "%s", s->message_text ? "set" : "cleared");
	return 0;
}

/* Add ID to a comma-separated list for a person; "..." once it is full. */
static void
notes_list_add(char *list, size_t cap, const char *id)
{
	size_t used = strlen(list);

	if (used >= 3 && strcmp(list + used - 3, "...") == 0)
		return;
	if (used + strlen(id) + 8 < cap)
		snprintf(list + used, cap - used, "%s%s", used ? ", " : "", id);
	else
		snprintf(list + used, cap - used, "%s...", used ? ", " : "");
}

/* "#14 sl-breach/queue:support" for a person. */
static void
notes_list_alert(char *list, size_t cap, const struct alert_info *ai)
{
	char one[300];

	if (ai->short_id > 0)
		snprintf(one, sizeof one, "#%u %s", ai->short_id, ai->id);
	else
		snprintf(one, sizeof one, "%s", ai->id);
	notes_list_add(list, cap, one);
}

/* want as a short id, "14" or "#14"; 0 when it is not one. */
static unsigned
notes_short_id(const char *want)
{
	const char *p = want[0] == '#' ? want + 1 : want;
	unsigned long n = 0;

	if (*p == '\0' || strlen(p) > 9)
		return 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	return (unsigned)n;
}

/*
 * The pending or firing alert `want` names: the one whose short id it is
 * ("14", "#14", as the boards show it), else the one whose id it is, or
 * else the only one whose id starts with it (a team leader types
 * "sl-breach/queue:su"). Its id, copied (caller frees), or NULL with a
 * sentence in out naming the alerts it could have meant, or those that
 * can be acked.
 */
static char *
notes_resolve(struct server *s, const char *want, char *out, size_t outlen)
{
	struct alert_info ai;
	size_t n = alerts_count(s->alerts), open = 0, matches = 0;
	size_t wlen = strlen(want);
	unsigned no = notes_short_id(want);
	char found[512] = "", matching[400] = "", acks[400] = "";

	for (size_t i = 0; i < n; i++) {
		alerts_get(s->alerts, i, &ai);
		if (ai.state != ALERT_PENDING && ai.state != ALERT_FIRING)
			continue;
		if (no > 0 && ai.short_id == no)
			return xstrdup(ai.id);
	}
	for (size_t i = 0; i < n; i++) {
		alerts_get(s->alerts, i, &ai);
		if (ai.state != ALERT_PENDING && ai.state != ALERT_FIRING)
			continue;
		open++;
		notes_list_alert(acks, sizeof acks, &ai);
		if (strcmp(ai.id, want) == 0)
			return xstrdup(ai.id);
		if (wlen > 0 && strncmp(ai.id, want, wlen) == 0) {
			matches++;
			snprintf(found, sizeof found, "%s", ai.id);
			notes_list_alert(matching, sizeof matching, &ai);
		}
	}
	if (matches == 1)
		return xstrdup(found);
	if (matches > 1)
		snprintf(out, outlen, "'%s' could be any of %zu alerts: %s; give more "
		    "of the id", want, matches, matching);
	else if (open == 0)
		snprintf(out, outlen, "no pending or firing alert '%s': no alert can "
		    "be acknowledged now", want);
	else
		snprintf(out, outlen, "no pending or firing alert '%s'; these can be "
		    "acknowledged: %s", want, acks);
	return NULL;
}

/* The ack as it is journaled: the whole id, so that a replay acks the same
 * alert whatever else is open then. */
static char *
notes_ack_record(const char *id, const char *by)
{
	cJSON *rec = cJSON_CreateObject();
	char *text;

	if (rec == NULL || cJSON_AddStringToObject(rec, "cmd", "ack") == NULL ||
	    cJSON_AddStringToObject(rec, "id", id) == NULL ||
	    cJSON_AddStringToObject(rec, "by", by) == NULL ||
	    (text = cJSON_PrintUnformatted(rec)) == NULL)
		fatalx("out of memory journaling an ack");
	cJSON_Delete(rec);
	return text;
}

int
notes_ack(void *server, const char *raw, size_t len, char *out, size_t outlen)
{
	struct server *s = server;
	cJSON *req = cJSON_ParseWithLength(raw, len);
	const char *want = req ? notes_string(req, "id") : NULL;
	const char *by = req ? notes_string(req, "by") : NULL;
	int64_t clock = server_clock(s);
	char *id = NULL, *record;
	int rc = -1;

	if (want == NULL || by == NULL || *by == '\0')
		snprintf(out, outlen, "an ack needs \"id\" and \"by\"");
	else if (notes_text_problem(by, NOTES_FROM_MAX) != NULL)
		snprintf(out, outlen, "\"by\" (1 to %d bytes of text) %s",
		    NOTES_FROM_MAX, notes_text_problem(by, NOTES_FROM_MAX));
	else if (strlen(want) > 256 || text_problem(want, strlen(want)) != NULL)
		snprintf(out, outlen, "no such alert: an id is at most 256 bytes of "
		    "text with no control character");
	else if ((id = notes_resolve(s, want, out, outlen)) != NULL &&
	    alerts_ack(s->alerts, id, by, clock) == 0) {
		record = notes_ack_record(id, by);
		journal_append(s->journal, JOURNAL_ACK, clock, record, strlen(record));
		free(record);
		server_journal_flush(s);
		log_msg(LOG_NOTICE, "alert %s acked by %s", id, by);
		s->dirty = true;
		snprintf(out, outlen, "%s", id);
		rc = 0;
	} else if (id != NULL)
		snprintf(out, outlen, "no pending or firing alert '%s'", id);
	free(id);
	cJSON_Delete(req);
	return rc;
}

void
notes_replay(struct server *s, const struct journal_record *r, bool acks)
{
	cJSON *req = cJSON_ParseWithLength((const char *)r->payload, r->len);

	if (req == NULL)
		return;
	if (r->type == JOURNAL_MESSAGE) {
		char why[256];

		notes_apply_message(s, req, r->clock_ms, why, sizeof why);
	}
	else if (r->type == JOURNAL_ACK && acks && notes_string(req, "id") &&
	    notes_string(req, "by"))
		alerts_ack(s->alerts, notes_string(req, "id"),
		    notes_string(req, "by"), r->clock_ms);
	cJSON_Delete(req);
}
