#include "actions.h"
#include "surgery.h"
#include "vocab.h"

#include <pthread.h>
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
	               "compression_too_deep", "upright_while_hypotensive", "no_stand_clear", "other"}},
	  T("action", "the action that caused it"),
	  T("reason", "the model's words")}},
	{ACT_NOT_DELIVERED_NAME, "derived", "Derived: an action that could not physically happen (nothing was delivered)",
	 {{.name = "why", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "why nothing was delivered",
	   .symbols = {"no_pads", "no_r_wave", "no_access", "already_running", "not_given_im", "not_given_neb",
	               "not_given_po", "cannot_swallow", "tube_blocked", "no_trigger", "invalid", "other"}},
	  T("action", "the action that was not delivered"),
	  T("reason", "the model's words")}},
	{"glucose_reading", "derived", "Derived: the glucose meter's reading after check_glucose (from the patient model)",
	 {Q("glucose", SCRUB_DIM_CONC, 0, 100, true, "capillary blood glucose")}},
	{ACT_JUMP_NAME, "instructor", "Instructor: jump the scenario to a state marked jump_target",
	 {{.name = "to", .kind = ACT_PARAM_TEXT, .required = true, .help = "state name"}}},
};

#define MAX_ACTIONS 256

static const act_def *registry[MAX_ACTIONS];
static const char *names[MAX_ACTIONS + 1];
static int registry_n;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

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

const act_def *actions_get(act_id id)
{
	ensure_builtin();
	return id < registry_n ? registry[id] : NULL;
}

act_id actions_find(const char *name, size_t len)
{
	ensure_builtin();
	for (int i = 0; i < registry_n; i++) {
		if (strlen(registry[i]->name) == len && memcmp(registry[i]->name, name, len) == 0)
			return (act_id)i;
	}
	return ACT_NONE;
}

scrub_result actions_register(const act_def *def)
{
	ensure_builtin();
	if (actions_find(def->name, strlen(def->name)) != ACT_NONE)
		return SCRUB_ERR_INVALID;
	if (registry_n >= MAX_ACTIONS)
		return SCRUB_ERR_LIMIT;
	registry[registry_n] = def;
	names[registry_n] = def->name;
	registry_n++;
	names[registry_n] = NULL;
	return SCRUB_OK;
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

bool act_is_derived(const act_def *def)
{
	return def && strcmp(def->category, "derived") == 0;
}

bool act_is_tracking(const act_def *def)
{
	return def && strcmp(def->category, "tracking") == 0;
}
