/* The scenario loader's private parts, shared by its files (one parser per section family):
 * scenario.c (helpers, the top level, loading), scenario_vars.c (variables, action matchers, effects),
 * scenario_states.c (the state machine), scenario_checklist.c (the checklist), scenario_runs.c (model
 * runs and action checks), scenario_roles.c (team roles), scenario_patient.c (the patient model), scenario_tissue.c (the tissue). */
#ifndef SCRUB_SCENARIO_INTERNAL_H
#define SCRUB_SCENARIO_INTERNAL_H

#include "scenario.h"
#include "yaml.h"

#include <stdbool.h>
#include <stddef.h>

/* Limits for untrusted files. */
#define MAX_FILE_BYTES (1u << 20)
#define MAX_VARS 256
#define MAX_STATES 256
#define MAX_TRANSITIONS 64
#define MAX_EFFECTS 64
#define MAX_ITEMS 512
#define MAX_RUNS 64
#define MAX_LIST 64
#define MAX_DURATION_S (4 * 3600.0)
#define MAX_STEPS 1500000

typedef struct loader {
	scenario *s;
	scrub_arena *a;
	scrub_diags *d;
	const char *base_dir;
	bool no_runs;
} loader;

#define ERR_AT(L, node, code, ...) \
	scrub_diag_add((L)->d, SCRUB_SEV_ERROR, code, (node) ? (node)->line : 0, (node) ? (node)->col : 0, span_of(node), __VA_ARGS__)
#define WARN_AT(L, node, code, ...) \
	scrub_diag_add((L)->d, SCRUB_SEV_WARNING, code, (node) ? (node)->line : 0, (node) ? (node)->col : 0, span_of(node), __VA_ARGS__)

/* scenario.c */
int span_of(const yaml_node *n);
yaml_node *key_of(yaml_node *map, yaml_node *value);
void check_fields(loader *L, yaml_node *map, const char *const *allowed, const char *what);
bool expect_type(loader *L, yaml_node *n, yaml_type t, const char *what);
const char *get_text(loader *L, yaml_node *map, const char *key, bool required, const char *what);
bool is_name(const char *s);
bool check_name(loader *L, yaml_node *n, const char *what);
bool parse_number(loader *L, yaml_node *n, double *out, const char *what);
bool parse_bool(loader *L, yaml_node *n, bool *out, const char *what);
bool parse_duration(loader *L, yaml_node *n, double *out, const char *what);
bool parse_time_range(loader *L, yaml_node *n, double *lo, double *hi, bool single_is_max, const char *what);
int col_in(const yaml_node *n, size_t off);
int find_name(loader *L, yaml_node *n, const char *what, const char *kind, const char *plural, const char *const *names,
              int count);
scn_var *provided_var(loader *L, const char *name, const char *provider);
bool expect_seq(loader *L, yaml_node *n, const char *what, int max, const char *too_many);

/* scenario_vars.c */
void parse_variables(loader *L, yaml_node *vars);
bool parse_match(loader *L, yaml_node *v, yaml_node *with, scn_match *m);
void parse_effects(loader *L, yaml_node *set, yaml_node *trend, scn_effects *fx);

/* scenario_states.c */
int find_state_node(loader *L, yaml_node *n, const char *what);
expr_prog *compile(loader *L, yaml_node *n, const char *what);
void collect_states(loader *L, yaml_node *states);
void parse_states(loader *L, yaml_node *states);
void check_graph(loader *L);

/* scenario_checklist.c */
void collect_items(loader *L, yaml_node *items);
int find_item_node(loader *L, yaml_node *n, const char *what);
const char *parse_ref(loader *L, yaml_node *ref);
void parse_item(loader *L, yaml_node *n, scn_item *it, double default_partial);
void parse_checklist_head(loader *L, yaml_node *cl, double *partial);
void check_items(loader *L);

/* scenario_runs.c */
void parse_model_runs(loader *L, yaml_node *runs);

/* scenario_roles.c */
void parse_roles(loader *L, yaml_node *roles);
int find_role_node(loader *L, yaml_node *n, const char *what);
void check_action_roles(const scenario *scn, const sim_action *acts, int n, const char *file, scrub_diags *d);

/* scenario_patient.c */
void parse_patient(loader *L, yaml_node *p);

/* scenario_tissue.c */
void parse_tissue(loader *L, yaml_node *key, yaml_node *m);

#endif
