/*
 * board-layout.c: which layout a board draws (board-layout.h).
 *
 * Several daemons (a hot standby, standby.h) may send different layouts:
 * the one with the newest "loaded" (the daemon's config load, wall ms)
 * wins, so the board follows the last reload anywhere, whatever order the
 * messages come in; a repeat (the relay's cache, a re-subscription) costs
 * a compare.
 */
#include "board-layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "standby.h"
#include "tz.h"
#include "xalloc.h"

#define BOARD_LAYOUT_LOG_MS 10000

void
board_layout_init(struct board_layout *l, const char *name,
    const struct config *local, const struct config_board *board,
    bool local_wins)
{
	memset(l, 0, sizeof *l);
	snprintf(l->name, sizeof l->name, "%s", name);
	l->local_wins = local_wins;
	l->local = local;
	l->loaded = -1;
	if (local != NULL && board != NULL) {
		l->config = local;
		l->board = board;
		return;
	}
	/* An empty page, titled so: what shows until the daemon's comes. */
	l->waiting = config_default();
	l->waiting_page.title = "waiting for the layout";
	l->waiting_board.name = l->name;
	l->waiting_board.title = l->name;
	l->waiting_board.pages = &l->waiting_page;
	l->waiting_board.n_pages = 1;
	l->config = l->waiting;
	l->board = &l->waiting_board;
}

void
board_layout_topic(const struct board_layout *l, char *buf, size_t len)
{
	snprintf(buf, len, "layout/%s", l->name);
}

void
board_layout_timing(const struct board_layout *l, struct tz **tz,
    int64_t *stale_after_ms, int64_t *grace_ms)
{
	char err[256];

	tz_free(tz);
	*tz = tz_load(l->config->timezone, err, sizeof err);
	*stale_after_ms = 3 * l->config->publish_heartbeat_ms;
	*grace_ms = (int64_t)(l->config->publish_heartbeat_ms * STANDBY_GRACE);
}

bool
board_layout_waiting(const struct board_layout *l)
{
	return l->board == &l->waiting_board;
}

static void
board_layout_refuse(struct board_layout *l, bool log)
{
	int64_t now = proc_mono_ms();

	l->refused++;
	if (!log || (l->refusal_logged != 0 &&
	    now - l->refusal_logged < BOARD_LAYOUT_LOG_MS))
		return;
	l->refusal_logged = now;
	fprintf(stderr, "board %s: layout refused (%llu so far), the last good "
	    "one stays: %s\n", l->name, (unsigned long long)l->refused,
	    l->refusal);
}

bool
board_layout_take(struct board_layout *l, const char *doc, size_t len,
    bool log)
{
	struct config *c;
	const struct config_board *b;
	int64_t loaded;
	char err[200];

	if (l->local_wins)
		return false;
	if (l->text != NULL && len == l->text_len &&
	    memcmp(doc, l->text, len) == 0)
		return false;
	if ((c = config_load_layout(doc, len, l->name, &loaded, err,
	    sizeof err)) == NULL) {
		snprintf(l->refusal, sizeof l->refusal, "%s", err);
		board_layout_refuse(l, log);
		return false;
	}
	if (loaded >= 0 && l->loaded >= 0 && loaded < l->loaded) {
		/* An older config's, from another daemon: the newest wins. */
		l->older++;
		config_free(&c);
		return false;
	}
	b = &c->boards[0];
	config_free(&l->wire);
	l->wire = c;
	l->config = c;
	l->board = b;
	l->loaded = loaded;
	free(l->text);
	l->text = xmalloc(len + 1);
	memcpy(l->text, doc, len);
	l->text_len = len;
	l->taken++;
	return true;
}

void
board_layout_report(const struct board_layout *l, const char *prog)
{
	if (l->refused > 0)
		fprintf(stderr, "%s: %llu layout%s refused (last: %s)\n", prog,
		    (unsigned long long)l->refused, l->refused == 1 ? "" : "s",
		    l->refusal);
}

void
board_layout_free(struct board_layout *l)
{
	config_free(&l->wire);
	config_free(&l->waiting);
	free(l->text);
	l->text = NULL;
}
