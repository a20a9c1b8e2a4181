/* Action scripts: the first input record format. One timed action per line:
 *
 *   # time  action          parameters (name=value, units written with the number)
 *   0:05    check_responsiveness
 *   0:20    start_cpr       rate=110/min depth=55mm
 *   1:52    shock           energy=200J
 *   3:10    give_drug       drug=epinephrine dose=1mg route=IV
 *   5:00    instructor_jump to=rosc
 *
 *   1:58    start_cpr       rate=110/min depth=55mm by=ben role=compressor
 *
 * `by=NAME role=ROLE` (any action) say who did it in a team session.
 * Times are m:ss(.ss), h:mm:ss or a number with a unit (95s, 1.5min); they never go back.
 * Blank lines and text after '#' are ignored. Every problem is reported with its line and
 * column; nothing is half-read. */
#ifndef SCRUB_SCRIPT_H
#define SCRUB_SCRIPT_H

#include "actions.h"
#include "arena.h"
#include "diag.h"
#include "json.h"
#include "result.h"

typedef struct script_loc {
	const char *file;   /* NULL: the diagnostics' own file */
	int line;           /* line of the text's first line */
	int col;            /* column of the text's first character on each line (1 = as is) */
	const act_scope *scope; /* the scenario's own actions (NULL: built-in ones only) */
} script_loc;

/* Parses one line into `out` (must be zeroed). Returns SCRUB_OK, SCRUB_DONE for an empty or
 * comment line, or SCRUB_ERR_INVALID with diagnostics. `line_col` is the column of s[0]; `scope`
 * (may be NULL) adds a scenario's own actions. */
scrub_result script_parse_line(const char *s, size_t n, const char *file, int line, int line_col,
                               const act_scope *scope, scrub_arena *arena, scrub_diags *diags, sim_action *out);

/* Parses a whole script. Allocates the action array in `arena`. Limits: 100000 actions. */
scrub_result script_parse(const char *text, size_t len, const script_loc *loc, scrub_arena *arena,
                          scrub_diags *diags, sim_action **out, int *out_n);

/* Parses one parameter value ("200J", "1 mg", "epinephrine") for parameter `p`. Returns
 * NULL on success or a message (written into `why`). */
const char *script_parse_value(const act_param_def *p, const char *s, size_t n, scrub_arena *arena,
                               act_value *out, char *why, size_t why_size);

/* Writes an action's parameters in the script's own syntax ("energy=200J dose=1mg"), in a
 * form that script_parse_value reads back to the same value. */
void script_format_params(const sim_action *a, scrub_buf *out);
/* Appends who did it when known ("by=ann role=compressor", which script_parse_line reads back),
 * after a space when `out` is not empty. */
void script_format_author(const sim_action *a, scrub_buf *out);
/* Writes one parameter's value alone ("200 J", "epinephrine"). */
void script_format_value(const act_param_def *p, const act_value *v, scrub_buf *out);

#endif
