/*
 * jetstream.c: a NATS connection that never gives up, and the events'
 * stream (see jetstream.h).
 */
#include "jetstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"

#define JS_MAX_SERVERS 16

/* The comma-separated list into up to JS_MAX_SERVERS URLs (in `copy`). */
static int
js_split_servers(char *copy, const char **urls)
{
	int n = 0;

	for (char *save = NULL, *tok = strtok_r(copy, ", ", &save);
	    tok != NULL && n < JS_MAX_SERVERS; tok = strtok_r(NULL, ", ", &save))
		urls[n++] = tok;
	return n;
}

static void
js_say(char *err, size_t errlen, const char *what, natsStatus s)
{
	const char *last = nats_GetLastError(NULL);

	snprintf(err, errlen, "%s: %s%s%s", what, natsStatus_GetText(s),
	    last != NULL && *last != '\0' ? ": " : "", last != NULL ? last : "");
}

/* The last callback the library makes on a connection (its callbacks run
 * one after another on one thread): after it, nothing of the caller's is
 * touched, and its memory may go. */
static void
js_link_on_closed(natsConnection *nc, void *closure)
{
	struct js_link *l = closure;

	(void)nc;
	__atomic_store_n(&l->closed, 1, __ATOMIC_RELEASE);
}

bool
js_link_open(struct js_link *l, const struct js_link_options *o, char *err,
    size_t errlen)
{
	natsOptions *opts = NULL;
	const char *urls[JS_MAX_SERVERS];
	char *copy = xstrdup(o->servers != NULL ? o->servers : "");
	int n = js_split_servers(copy, urls);
	natsStatus s;

	memset(l, 0, sizeof *l);
	if (n == 0) {
		snprintf(err, errlen, "no NATS server given");
		free(copy);
		return false;
	}
	s = natsOptions_Create(&opts);
	if (s == NATS_OK)
		s = natsOptions_SetServers(opts, urls, n);
	if (s == NATS_OK && o->name != NULL)
		s = natsOptions_SetName(opts, o->name);
	/* For ever, every 250 ms a server (a leader election takes seconds,
	 * a restarted node some more). What is published while disconnected
	 * waits in an 8 MB buffer, then publishes fail and are tried again. */
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(opts, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(opts, 250);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectBufSize(opts, o->reconnect_buffer > 0 ?
		    o->reconnect_buffer : 8 * 1024 * 1024);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(opts, 2000);
	/* A server that stops answering without closing the connection (a
	 * cable pulled, a frozen box, a firewall dropping packets) is given
	 * up after 3 pings 2 s apart unanswered, ~6 s: the library's default,
	 * 2 pings 2 minutes apart, would publish into the void for minutes. */
	if (s == NATS_OK)
		s = natsOptions_SetPingInterval(opts, 2000);
	if (s == NATS_OK)
		s = natsOptions_SetMaxPingsOut(opts, 3);
	/* Not reachable at start is like a loss later: keep trying. */
	if (s == NATS_OK)
		s = natsOptions_SetRetryOnFailedConnect(opts, true, NULL, NULL);
	if (s == NATS_OK && o->disconnected != NULL)
		s = natsOptions_SetDisconnectedCB(opts, o->disconnected, o->closure);
	if (s == NATS_OK && o->reconnected != NULL)
		s = natsOptions_SetReconnectedCB(opts, o->reconnected, o->closure);
	if (s == NATS_OK && o->error != NULL)
		s = natsOptions_SetErrorHandler(opts, o->error, o->closure);
	if (s == NATS_OK && o->credentials != NULL)
		s = natsOptions_SetUserCredentialsFromFiles(opts, o->credentials, NULL);
	__atomic_store_n(&l->closed, 0, __ATOMIC_RELEASE);
	if (s == NATS_OK)
		s = natsOptions_SetClosedCB(opts, js_link_on_closed, l);
	free(copy);
	if (s != NATS_OK) {
		js_say(err, errlen, "NATS options", s);
		natsOptions_Destroy(opts);
		return false;
	}
	s = natsConnection_Connect(&l->nc, opts);
	natsOptions_Destroy(opts);
	if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
		js_say(err, errlen, o->servers, s);
		return false;
	}
	jsOptions jo;

	jsOptions_Init(&jo);
	jo.PublishAsync.AckHandler = o->ack;
	jo.PublishAsync.AckHandlerClosure = o->ack_closure;
	s = natsConnection_JetStream(&l->js, l->nc, &jo);
	if (s != NATS_OK) {
		js_say(err, errlen, "JetStream", s);
		js_link_close(l);
		return false;
	}
	return true;
}

void
js_link_close(struct js_link *l)
{
	if (l->js != NULL)
		jsCtx_Destroy(l->js);
	if (l->nc != NULL) {
		natsConnection_Close(l->nc);
		/* A disconnected callback may still be on its way from the
		 * library's thread: wait for the closed one behind it (1 s at
		 * most), so the caller may free what the callbacks touch. */
		for (int i = 0; i < 1000 &&
		    !__atomic_load_n(&l->closed, __ATOMIC_ACQUIRE); i++) {
			struct timespec tick = { 0, 1000000L };

			nanosleep(&tick, NULL);
		}
		natsConnection_Destroy(l->nc);
	}
	memset(l, 0, sizeof *l);
}

bool
js_stream_ensure(struct js_link *l, const struct js_stream_options *o,
    bool *made, char *err, size_t errlen)
{
	jsStreamInfo *si = NULL;
	jsStreamConfig cfg;
	jsErrCode jerr = 0;
	natsStatus s;

	*made = false;
	s = js_GetStreamInfo(&si, l->js, o->stream, NULL, &jerr);
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		return true;
	}
	if (s != NATS_NOT_FOUND && jerr != JSStreamNotFoundErr) {
		js_say(err, errlen, o->stream, s);
		return false;
	}
	jsStreamConfig_Init(&cfg);
	cfg.Name = o->stream;
	cfg.Subjects = (const char **)o->subjects;
	cfg.SubjectsLen = (int)o->n_subjects;
	cfg.Storage = js_FileStorage;
	cfg.Retention = js_LimitsPolicy;
	cfg.Replicas = o->replicas > 0 ? o->replicas : 1;
	cfg.MaxAge = (o->max_age_ms > 0 ? o->max_age_ms : JS_DEFAULT_MAX_AGE_MS) *
	    1000000LL;
	cfg.Duplicates = (o->duplicates_ms > 0 ? o->duplicates_ms :
	    JS_DEFAULT_DUPLICATES_MS) * 1000000LL;
	jerr = 0;
	s = js_AddStream(&si, l->js, &cfg, NULL, &jerr);
	if (s == NATS_OK || jerr == JSStreamNameExistErr) {
		/* made here, or by another daemon a moment before */
		*made = s == NATS_OK;
		jsStreamInfo_Destroy(si);
		return true;
	}
	js_say(err, errlen, o->stream, s);
	return false;
}

void
js_msg_id(char *buf, size_t size, const char *src, uint64_t seq)
{
	snprintf(buf, size, "%s:%llu", src, (unsigned long long)seq);
}
