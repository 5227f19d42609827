/*
 * notes.c: what people add to the day: the team leader's message and the
 * acknowledgements of alerts. Asked for through the control socket
 * (service.h), journaled as the request came, and replayed from the journal
 * at start and reload, so a restart keeps them.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "engine.h"
#include "journal.h"
#include "log.h"
#include "server-internal.h"
#include "xalloc.h"

#define NOTES_MESSAGE_MAX 500
#define NOTES_MESSAGE_FOR_MS (10 * 60 * 1000LL)

static const char *
notes_string(const cJSON *req, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(req, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Set or clear the message from its request; `clock` is when it was said. */
static int
notes_apply_message(struct server *s, const cJSON *req, int64_t clock)
{
	const char *text = notes_string(req, "text");
	const char *from = notes_string(req, "from");
	const cJSON *for_ms = cJSON_GetObjectItemCaseSensitive(req, "for_ms");

	free(s->message_text);
	free(s->message_from);
	s->message_text = s->message_from = NULL;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "clear")))
		return 0;
	if (text == NULL || *text == '\0' || strlen(text) > NOTES_MESSAGE_MAX)
		return -1;
	s->message_text = xstrdup(text);
	s->message_from = xstrdup(from ? from : "team leader");
	s->message_until = clock + (cJSON_IsNumber(for_ms) && for_ms->valuedouble > 0 ?
	    (int64_t)for_ms->valuedouble : NOTES_MESSAGE_FOR_MS);
	return 0;
}

int
notes_message(void *server, const char *raw, size_t len, char *out, size_t outlen)
{
	struct server *s = server;
	cJSON *req = cJSON_ParseWithLength(raw, len);
	int64_t clock = server_clock(s);
	int rc = req != NULL ? notes_apply_message(s, req, clock) : -1;

	cJSON_Delete(req);
	if (rc != 0) {
		snprintf(out, outlen, "a message needs \"text\" (1 to %d bytes), or "
		    "\"clear\": true", NOTES_MESSAGE_MAX);
		return -1;
	}
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
	if (r->type == JOURNAL_MESSAGE)
		notes_apply_message(s, req, r->clock_ms);
	else if (r->type == JOURNAL_ACK && acks && notes_string(req, "id") &&
	    notes_string(req, "by"))
		alerts_ack(s->alerts, notes_string(req, "id"),
		    notes_string(req, "by"), r->clock_ms);
	cJSON_Delete(req);
}
