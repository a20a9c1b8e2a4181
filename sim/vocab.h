/* The clinical vocabulary as data: the built-in actions (sim/vocabulary/actions.yaml) and drugs
 * (sim/vocabulary/drugs.yaml), compiled into scrub and read once, whichever thread asks first.
 * The same reader takes the actions a scenario declares in its `actions:` section.
 * docs/vocabulary.md describes both files. */
#ifndef SCRUB_VOCAB_H
#define SCRUB_VOCAB_H

#include "actions.h"
#include "arena.h"
#include "diag.h"
#include "yaml.h"

#include <stdbool.h>
#include <stddef.h>

#define VOCAB_MAX_LIST 16

typedef struct vocab_drug {
	const char *name;
	const char *klass;                       /* "class:" */
	const char *aliases[VOCAB_MAX_LIST];     /* NULL-terminated */
	const char *forms[VOCAB_MAX_LIST];
	const char *routes[VOCAB_MAX_LIST];
	const char *dose_units[VOCAB_MAX_LIST];
	const char *infusion_units[VOCAB_MAX_LIST];
	const char *model;                       /* the patient model's drug, or NULL */
	int line;                                /* where it is written in drugs.yaml */
} vocab_drug;

int vocab_drug_count(void);
const vocab_drug *vocab_drug_get(int i);
/* A drug by its name or one of its aliases ("adrenaline" is epinephrine); -1 when unknown. */
int vocab_drug_find(const char *s, size_t n);

/* The built-in actions of actions.yaml, in the file's order. */
int vocab_action_count(void);
const act_def *vocab_action_get(int i);

/* Reads one action definition, `name: {category, help, params}`, into `out` (strings in
 * the tree's arena). Problems are diagnostics at the node's line and column; false when there was one.
 * `scenario`: a scenario's own action (category defaults to "scenario", and the categories
 * Scrub reserves for what code makes are refused). */
bool vocab_parse_action(yaml_node *key, yaml_node *val, bool scenario, scrub_diags *diags, act_def *out);

/* A scenario's `actions:` section: each action is read, refused when its name is a built-in one,
 * and registered (actions_declare); `out` gets their ids (in `arena`). False after diagnostics. */
bool vocab_declare_actions(yaml_node *section, scrub_arena *arena, scrub_diags *diags, act_scope *out);
/* The same from a scenario's whole text, quietly (a session record names the scenario's own
 * actions before the scenario is loaded again): problems leave `out` empty. */
void vocab_declare_from_source(const char *src, size_t len, scrub_arena *arena, act_scope *out);

/* The files are part of the program: a problem in them (or a drug of the patient model missing
 * from drugs.yaml) is printed and aborts at the first use, so every test catches it. This reads
 * other texts of the two files with every check, for tests of the checks: false after diagnostics
 * in `dd` (drugs) or `da` (actions). */
typedef struct vocab_set vocab_set;
bool vocab_check_text(const char *actions, size_t alen, const char *drugs, size_t dlen, scrub_diags *dd, scrub_diags *da);

#endif
