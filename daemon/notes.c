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
notes_message(void *server, const char *raw, size_t len, char *err, size_t errlen)
{
	struct server *s = server;
	cJSON *req = cJSON_ParseWithLength(raw, len);
	int64_t clock = server_clock(s);
	int rc = req != NULL ? notes_apply_message(s, req, clock) : -1;

	cJSON_Delete(req);
	if (rc != 0) {
		snprintf(err, errlen, "a message needs \"text\" (1 to %d bytes), or "
		    "\"clear\": true", NOTES_MESSAGE_MAX);
		return -1;
	}
	journal_append(s->journal, JOURNAL_MESSAGE, clock, raw, len);
	server_journal_flush(s);
	log_msg(LOG_NOTICE, "message %s", s->message_text ? "set" : "cleared");
	s->dirty = true;
	return 0;
}

int
notes_ack(void *server, const char *raw, size_t len, char *err, size_t errlen)
{
	struct server *s = server;
	cJSON *req = cJSON_ParseWithLength(raw, len);
	const char *id = req ? notes_string(req, "id") : NULL;
	const char *by = req ? notes_string(req, "by") : NULL;
	int64_t clock = server_clock(s);
	int rc = -1;

	if (id == NULL || by == NULL || *by == '\0')
		snprintf(err, errlen, "an ack needs \"id\" and \"by\"");
	else if (alerts_ack(s->alerts, id, by, clock) != 0)
		snprintf(err, errlen, "no pending or firing alert '%s'", id);
	else {
		journal_append(s->journal, JOURNAL_ACK, clock, raw, len);
		server_journal_flush(s);
		log_msg(LOG_NOTICE, "alert %s acked by %s", id, by);
		s->dirty = true;
		rc = 0;
	}
	cJSON_Delete(req);
	return rc;
}

void
notes_replay(struct server *s, const struct journal_record *r)
{
	cJSON *req = cJSON_ParseWithLength((const char *)r->payload, r->len);

	if (req == NULL)
		return;
	if (r->type == JOURNAL_MESSAGE)
		notes_apply_message(s, req, r->clock_ms);
	else if (r->type == JOURNAL_ACK && notes_string(req, "id") &&
	    notes_string(req, "by") && s->n_acks < SERVER_ACKS_MAX) {
		/* Acks wait for the alerts to be judged again after the replay. */
		s->acks[s->n_acks].id = xstrdup(notes_string(req, "id"));
		s->acks[s->n_acks].by = xstrdup(notes_string(req, "by"));
		s->acks[s->n_acks++].at = r->clock_ms;
	}
	cJSON_Delete(req);
}

void
notes_restore_acks(struct server *s)
{
	for (size_t i = 0; i < s->n_acks; i++) {
		alerts_ack(s->alerts, s->acks[i].id, s->acks[i].by, s->acks[i].at);
		free(s->acks[i].id);
		free(s->acks[i].by);
	}
	s->n_acks = 0;
}
