/*
 * bridge-agents.h: agent state as a PBX bridge sees it, turned into
 * protocol-v1 agent.state events only when the board-visible state changes.
 *
 * A PBX reports pauses per queue, membership per queue and device state per
 * member; the board has one state per agent. The rule, for every bridge:
 *   offline  the agent is in no queue it was seen joining and leaving, or its
 *            device is unavailable;
 *   away     paused in at least one queue (reason: the latest pause's);
 *   ready    otherwise.
 * "busy" comes from call.answered and the return to ready from call.ended,
 * both the daemon's rules (PROTOCOL §2): while an agent has a call the table
 * holds back pause changes and sends the held state after call.ended, so the
 * board never shows an agent on a call as ready.
 */
#ifndef WALLBOARD_BRIDGE_AGENTS_H
#define WALLBOARD_BRIDGE_AGENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "bridge-common.h"

struct bridge_agents;

/* A new, empty table writing to out (not owned). */
struct bridge_agents *bridge_agents_new(struct bridge_out *out);
/* Free the table; clears *tab. NULL ok. */
void bridge_agents_free(struct bridge_agents **tab);
/* Forget every agent (a PBX restart), sending nothing. */
void bridge_agents_clear(struct bridge_agents *);

/* Give the agent a display name (sent with its next agent.state). */
void bridge_agents_set_name(struct bridge_agents *, const char *id, const char *name);

/*
 * Pause or unpause in queue (NULL: every queue, PAUSEALL/UNPAUSEALL). An
 * unpause in one queue keeps an every-queue pause. Sends agent.state at ts if
 * the board state changes.
 */
void bridge_agents_pause(struct bridge_agents *, int64_t ts, const char *id,
    const char *queue, bool paused, const char *reason);

/* Membership of queue, added or removed (dynamic members, QueueStatus). */
void bridge_agents_member(struct bridge_agents *, int64_t ts, const char *id,
    const char *queue, bool member);

/*
 * All that a PBX says about one member of one queue at once (AMI's
 * QueueMember and QueueMemberStatus): membership, pause and device state,
 * applied together so that at most one agent.state goes out.
 */
void bridge_agents_member_state(struct bridge_agents *, int64_t ts,
    const char *id, const char *queue, bool paused, const char *reason,
    bool available);

/* The member's device can (not) take calls. */
void bridge_agents_available(struct bridge_agents *, int64_t ts, const char *id,
    bool available);

/* A call was answered by / ended for the agent (after the bridge sent
 * call.answered / call.ended). */
void bridge_agents_call_start(struct bridge_agents *, const char *id);
void bridge_agents_call_end(struct bridge_agents *, int64_t ts, const char *id);

/*
 * The table as JSON (an array, written into w where a value may go), and
 * back: so that a bridge stopped and started again carries on with the
 * same pauses, memberships and calls. restore replaces the table; false if
 * the value is not one that save wrote (the table is then empty).
 */
struct cJSON;
void bridge_agents_save(const struct bridge_agents *, struct jsonw *w);
bool bridge_agents_restore(struct bridge_agents *, const struct cJSON *array);

/* How many agents the table knows. */
size_t bridge_agents_count(const struct bridge_agents *);

#endif
