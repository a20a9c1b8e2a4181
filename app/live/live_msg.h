/* Live sessions' messages (docs/live-sessions.md): the JSON a participant or the instructor sends over
 * the session's WebSocket, parsed with libfyaml (sim/yaml.h; JSON is YAML's flow style) and validated
 * against the scenario. A message that is not one of these, too large, with an unknown field, a value
 * of the wrong type or out of range, or an action the scenario does not know is refused with a
 * WebSocket close code and a reason: the server closes that connection only, and the session goes on.
 *
 *   {"type":"hello","name":"ben","role":"compressor","token":"...","since":12}
 *   {"type":"act","action":"start_cpr","params":{"rate":"110/min","depth":"55mm"},"seq":7}
 *   {"type":"pause"}  {"type":"resume"}  {"type":"end"}
 *   {"type":"jump","state":"asystole"}
 *   {"type":"trigger","event":"vomits"}
 *   {"type":"set","var":"hr","value":40,"over_s":60}
 *   {"type":"mark","note":"leader lost the count"}
 */
#ifndef SCRUB_LIVE_MSG_H
#define SCRUB_LIVE_MSG_H

#include "actions.h"
#include "arena.h"
#include "scenario.h"

#include <stddef.h>
#include <stdint.h>

#define LIVE_MSG_MAX 4096          /* bytes of one message */
#define LIVE_CLOSE_POLICY 1008     /* WebSocket close codes: a message that breaks the protocol */
#define LIVE_CLOSE_TOO_BIG 1009    /* ... a message over LIVE_MSG_MAX */
#define LIVE_TOKEN_MAX 64
#define LIVE_NOTE_MAX 512

typedef enum live_msg_kind {
	LIVE_HELLO,
	LIVE_ACT,
	LIVE_PAUSE,
	LIVE_RESUME,
	LIVE_JUMP,
	LIVE_TRIGGER,
	LIVE_SET,
	LIVE_MARK,
	LIVE_END,
} live_msg_kind;

typedef struct live_msg {
	live_msg_kind kind;
	/* HELLO */
	char name[ACT_NAME_MAX];
	char role[ACT_NAME_MAX];       /* empty: no role (an instructor, a single trainee) */
	char token[LIVE_TOKEN_MAX + 1];
	int64_t since;                 /* the last event the client has seen (-1: none) */
	/* ACT: the action without its time and author (the server stamps them) */
	sim_action action;
	int64_t seq;                   /* the client's number for it, increasing: a resent one is a duplicate */
	/* JUMP (a jump_target state), TRIGGER (a name), SET (a variable) */
	char name2[64];
	/* SET */
	double value;                  /* in the variable's unit, or a word's index */
	double over_s;                 /* 0: at once; else a trend over that long */
	/* MARK */
	char note[LIVE_NOTE_MAX + 1];
} live_msg;

/* Parses one message. Returns 0 (out filled), or a close code (LIVE_CLOSE_POLICY, LIVE_CLOSE_TOO_BIG)
 * with the reason in `why`. Text parameters of an action live in `arena`. Thread-safe with one arena
 * per thread; `scn` is read only. */
int live_msg_parse(const char *data, size_t len, const scenario *scn, scrub_arena *arena, live_msg *out,
                   char *why, size_t why_size);

const char *live_msg_kind_name(live_msg_kind k);

#endif
