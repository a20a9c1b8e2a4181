#include "actions.h"
#include "diag.h"
#include "surgery.h"
#include "vocab.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define Q(n, d, lo, hi, req, h) {.name = n, .kind = ACT_PARAM_QUANTITY, .dim = d, .min = lo, .max = hi, .required = req, .help = h}
#define T(n, h) {.name = n, .kind = ACT_PARAM_TEXT, .help = h}

/* The actions code makes (the patient model's judgements, the instructor's jump) stay here; every
 * action a trainee performs is data: sim/vocabulary/actions.yaml (sim/vocab.c reads it). */
static const act_def builtin[] = {
	/* Judgements of the patient model, recorded so that a checklist can require or forbid them. */
	{ACT_COMPLICATION_NAME, "derived", "Derived: the patient model judged an action harmful or dangerous",
	 {{.name = "kind", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "what went wrong",
	   .symbols = {"shock_on_perfusing_rhythm", "shock_non_shockable", "shock_during_compressions", "vf_induced",
	               "iv_bolus_epinephrine", "needle_medial", "needle_too_low", "needle_wrong_side", "drain_wrong_side",
	               "compression_too_deep", "upright_while_hypotensive", "no_stand_clear", "shock_while_awake",
	               "injection_too_fast", "other"}},
	  T("action", "the action that caused it"),
	  T("reason", "the model's words")}},
	{ACT_NOT_DELIVERED_NAME, "derived", "Derived: an action that could not physically happen (nothing was delivered)",
	 {{.name = "why", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "why nothing was delivered",
	   .symbols = {"no_pads", "no_r_wave", "no_access", "already_running", "not_given_im", "not_given_neb",
	               "not_given_po", "not_given_in", "cannot_swallow", "tube_blocked", "no_trigger", "invalid", "slow_push", "not_given_iv",
	               "not_given_infusion", "not_given_io", "not_running", "other"}},
	  T("action", "the action that was not delivered"),
	  T("reason", "the model's words")}},
	{"glucose_reading", "derived", "Derived: the glucose meter's reading after check_glucose (from the patient model)",
	 {Q("glucose", SCRUB_DIM_CONC, 0, 100, true, "capillary blood glucose")}},
	{ACT_OUT_OF_ROLE_NAME, "derived", "Derived: an action done by a participant whose role may not do it (the scenario's roles:)",
	 {T("action", "the action done outside the role"),
	  T("reason", "who did it, in which role")}},
	{ACT_SET_NAME, "instructor", "Instructor: set a scenario variable now, or trend it to a value over a time",
	 {{.name = "var", .kind = ACT_PARAM_TEXT, .required = true, .help = "the variable"},
	  {.name = "value", .kind = ACT_PARAM_TEXT, .required = true, .help = "a number in the variable's unit, or one of its words"},
	  Q("over", SCRUB_DIM_TIME, 0, 4 * 3600.0, false, "a trend over this long (default: at once)")}},
	{ACT_MARK_NAME, "instructor", "Instructor: a debrief marker with a note",
	 {{.name = "note", .kind = ACT_PARAM_TEXT, .required = true, .help = "what to talk about"}}},
	{ACT_JUMP_NAME, "instructor", "Instructor: jump the scenario to a state marked jump_target",
	 {{.name = "to", .kind = ACT_PARAM_TEXT, .required = true, .help = "state name"}}},
};

#define MAX_ACTIONS 256

/* Entries [0, builtin_n) are the built-in vocabulary, found by name everywhere; later ones are
 * actions scenarios declared, found by name only through their scenario's act_scope. An entry is
 * written before registry_n counts it, so readers need no lock; writers hold registry_lock. */
static const act_def *registry[MAX_ACTIONS];
static const char *names[MAX_ACTIONS + 1];
static _Atomic int registry_n;
static int builtin_n;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static void init_builtin(void)
{
	registry_n = 0;
	for (int i = 0; i < vocab_action_count(); i++) {
		registry[registry_n] = vocab_action_get(i);
		names[registry_n] = registry[registry_n]->name;
		registry_n++;
	}
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
		registry[registry_n] = &builtin[i];
		names[registry_n] = builtin[i].name;
		registry_n++;
	}
	for (int i = 0; i < surgery_action_count; i++) {
		registry[registry_n] = &surgery_actions[i];
		names[registry_n] = surgery_actions[i].name;
		registry_n++;
	}
	names[registry_n] = NULL;
	builtin_n = registry_n;
}

/* The built-in table is filled once, whichever thread asks first. */
static void ensure_builtin(void)
{
	pthread_once(&registry_once, init_builtin);
}

int actions_count(void)
{
	ensure_builtin();
	return registry_n;
}

int actions_builtin_count(void)
{
	ensure_builtin();
	return builtin_n;
}

const act_def *actions_get(act_id id)
{
	ensure_builtin();
	return id < registry_n ? registry[id] : NULL;
}

static act_id find_between(int from, int to, const char *name, size_t len)
{
	for (int i = from; i < to; i++) {
		if (strlen(registry[i]->name) == len && memcmp(registry[i]->name, name, len) == 0)
			return (act_id)i;
	}
	return ACT_NONE;
}

act_id actions_find(const char *name, size_t len)
{
	ensure_builtin();
	return find_between(0, builtin_n, name, len);
}

act_id actions_find_in(const act_scope *scope, const char *name, size_t len)
{
	act_id id = actions_find(name, len);
	for (int i = 0; id == ACT_NONE && scope && i < scope->n; i++)
		if (strlen(registry[scope->ids[i]]->name) == len && memcmp(registry[scope->ids[i]]->name, name, len) == 0)
			id = scope->ids[i];
	return id;
}

bool actions_declared_broken(const act_scope *scope, const char *name, size_t len)
{
	for (int i = 0; scope && i < scope->nbroken; i++)
		if (strlen(scope->broken[i]) == len && memcmp(scope->broken[i], name, len) == 0)
			return true;
	return false;
}

const char *actions_suggest(const act_scope *scope, const char *word)
{
	ensure_builtin();
	const char *cand[MAX_ACTIONS];
	size_t n = 0;
	for (int i = 0; i < builtin_n; i++)
		cand[n++] = registry[i]->name;
	for (int i = 0; scope && i < scope->n && n < MAX_ACTIONS; i++)
		cand[n++] = registry[scope->ids[i]]->name;
	for (int i = 0; scope && i < scope->nbroken && n < MAX_ACTIONS; i++)
		cand[n++] = scope->broken[i];
	return scrub_suggest(word, cand, n);
}

scrub_result actions_register(const act_def *def)
{
	ensure_builtin();
	pthread_mutex_lock(&registry_lock);
	scrub_result r = SCRUB_OK;
	if (actions_find(def->name, strlen(def->name)) != ACT_NONE)
		r = SCRUB_ERR_INVALID;
	else if (registry_n >= MAX_ACTIONS || registry_n != builtin_n)
		r = SCRUB_ERR_LIMIT; /* full, or too late: scenarios have declared theirs */
	if (r == SCRUB_OK) {
		registry[registry_n] = def;
		names[registry_n] = def->name;
		names[registry_n + 1] = NULL;
		builtin_n++;
		registry_n++;
	}
	pthread_mutex_unlock(&registry_lock);
	return r;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_def(const act_def *a, const act_def *b)
{
	if (!same_text(a->name, b->name) || !same_text(a->category, b->category) || !same_text(a->help, b->help))
		return false;
	for (int i = 0; i < ACT_MAX_PARAMS; i++) {
		const act_param_def *p = &a->params[i], *q = &b->params[i];
		if (!same_text(p->name, q->name) || p->kind != q->kind || p->dim != q->dim || p->min != q->min ||
		    p->max != q->max || p->required != q->required || p->one_of != q->one_of || !same_text(p->help, q->help))
			return false;
		for (int k = 0; k < ACT_MAX_SYMBOLS; k++)
			if (!same_text(p->symbols[k], q->symbols[k]))
				return false;
	}
	return true;
}

static char *dup_text(const char *s)
{
	return s ? strdup(s) : NULL;
}

act_id actions_declare(const act_def *def)
{
	ensure_builtin();
	pthread_mutex_lock(&registry_lock);
	act_id id = ACT_NONE;
	for (int i = builtin_n; i < registry_n && id == ACT_NONE; i++)
		if (same_def(registry[i], def))
			id = (act_id)i;
	act_def *copy = id == ACT_NONE && registry_n < MAX_ACTIONS ? calloc(1, sizeof *copy) : NULL;
	if (copy) {
		/* kept for the life of the process, like the built-in table; identical ones are shared */
		*copy = *def;
		copy->name = dup_text(def->name);
		copy->category = dup_text(def->category);
		copy->help = dup_text(def->help);
		for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
			copy->params[i].name = dup_text(def->params[i].name);
			copy->params[i].help = dup_text(def->params[i].help);
			for (int k = 0; k < ACT_MAX_SYMBOLS && def->params[i].symbols[k]; k++)
				copy->params[i].symbols[k] = dup_text(def->params[i].symbols[k]);
		}
		id = (act_id)registry_n;
		registry[registry_n] = copy;
		registry_n++;
	}
	pthread_mutex_unlock(&registry_lock);
	return id;
}

const char *const *actions_names(void)
{
	ensure_builtin();
	return names;
}

int act_param_find(const act_def *def, const char *name, size_t len)
{
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
		if (strlen(def->params[i].name) == len && memcmp(def->params[i].name, name, len) == 0)
			return i;
	}
	return -1;
}

int act_param_nsymbols(const act_param_def *p)
{
	int n = 0;
	while (n < ACT_MAX_SYMBOLS && p->symbols[n])
		n++;
	return n;
}

int act_symbol_find(const act_param_def *p, const char *s, size_t len)
{
	for (int i = 0; i < ACT_MAX_SYMBOLS && p->symbols[i]; i++) {
		if (strlen(p->symbols[i]) == len && memcmp(p->symbols[i], s, len) == 0)
			return i;
	}
	return -1;
}

bool act_name_valid(const char *s, size_t n)
{
	if (n == 0 || n >= ACT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

void act_name_set(char dst[], const char *s, size_t n)
{
	if (n >= ACT_NAME_MAX)
		n = ACT_NAME_MAX - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

bool act_is_derived(const act_def *def)
{
	return def && strcmp(def->category, "derived") == 0;
}

bool act_is_tracking(const act_def *def)
{
	return def && strcmp(def->category, "tracking") == 0;
}
