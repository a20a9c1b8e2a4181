/* Conditions in scenario files: a small, fully checked expression language.
 *
 *   spo2 < 88 and time_in_state > 30 s
 *   rhythm == vf or count(shock) >= 3
 *   since(give_drug) > 3 min and not done(first_shock)
 *   total(give_drug, dose, drug == atropine) <= 3 mg and count(shock, synchronised == yes) == 0
 *
 * Names are resolved and types and units checked when the scenario loads: an unknown name,
 * a unit of the wrong kind or a comparison of a word with a number is a load error, never a
 * surprise during a session. Evaluation is a short bytecode loop with no allocation; programs
 * have no loops, so evaluation time is bounded by their length (at most EXPR_MAX_NODES). */
#ifndef SCRUB_EXPR_H
#define SCRUB_EXPR_H

#include "arena.h"
#include "diag.h"
#include "scenario.h"

#include <stdbool.h>
#include <stdint.h>

#define EXPR_MAX_LEN 1000
#define EXPR_MAX_NODES 256

typedef struct expr_env {
	const double *vars;          /* current values, in each variable's unit */
	double time;                 /* seconds since start */
	double time_in_state;        /* seconds in the current state */
	int state;
	const uint32_t *action_count;/* per action id */
	const double *action_last;   /* per action id: time of the last one, or -1 */
	const uint8_t *item_done;    /* per checklist item: 1 once done (in any way) */
	const double *tally;         /* per scenario tally: count(...)/total(...) with conditions */
} expr_env;

/* Compiles `src` (found at line/col of the scenario file). Needs the scenario's variables,
 * states and checklist item ids already known; count(...)/total(...) with conditions add a tally
 * to the scenario. NULL on error, with diagnostics added. */
expr_prog *expr_compile(const char *src, size_t len, int line, int col, scenario *scn,
                        scrub_arena *arena, scrub_diags *diags);
bool expr_eval(const expr_prog *p, const expr_env *env);
/* The text it was compiled from. */
const char *expr_source(const expr_prog *p);

#endif
