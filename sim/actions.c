#include "actions.h"
#include "surgery.h"

#include <pthread.h>
#include <string.h>

#define Q(n, d, lo, hi, req, h) {.name = n, .kind = ACT_PARAM_QUANTITY, .dim = d, .min = lo, .max = hi, .required = req, .help = h}
/* one of several ways to give the amount (see act_param_def.one_of) */
#define Q1(n, d, lo, hi, h) {.name = n, .kind = ACT_PARAM_QUANTITY, .dim = d, .min = lo, .max = hi, .one_of = true, .help = h}
#define C(n, lo, hi, req, h) {.name = n, .kind = ACT_PARAM_COUNT, .min = lo, .max = hi, .required = req, .help = h}
#define T(n, h) {.name = n, .kind = ACT_PARAM_TEXT, .help = h}
#define SIDE {.name = "side", .kind = ACT_PARAM_SYMBOL, .symbols = {"left", "right"}, .required = true, .help = "which side of the chest"}

/* Built-in actions: assessment, airway, breathing, circulation, drugs, procedures.
 * Ranges are in the base unit of the dimension (see units.h): mass mg, volume mL, length mm. */
static const act_def builtin[] = {
	{"check_responsiveness", "assessment", "Shake and shout: check whether the patient responds", {{0}}},
	{"call_for_help", "communication", "Call for help: shout for help, call the arrest team or an ambulance",
	 {{.name = "who", .kind = ACT_PARAM_SYMBOL, .symbols = {"bystander", "team", "arrest_team", "ambulance", "senior", "anaesthetist", "surgeon"}, .help = "whom was called"}}},
	{"open_airway", "airway", "Open the airway",
	 {{.name = "method", .kind = ACT_PARAM_SYMBOL, .symbols = {"head_tilt_chin_lift", "jaw_thrust"}, .help = "manoeuvre used"}}},
	{"check_breathing", "assessment", "Look, listen and feel for breathing",
	 {Q("duration", SCRUB_DIM_TIME, 0, 60, false, "how long the check lasted")}},
	{"check_pulse", "assessment", "Feel for a central pulse",
	 {{.name = "site", .kind = ACT_PARAM_SYMBOL, .symbols = {"carotid", "femoral", "radial", "brachial"}, .help = "where"},
	  Q("duration", SCRUB_DIM_TIME, 0, 60, false, "how long the check lasted")}},
	{"start_cpr", "circulation", "Start chest compressions (or report the compressions' rate and depth while they run)",
	 {Q("rate", SCRUB_DIM_RATE, 0, 300, false, "compression rate"),
	  Q("depth", SCRUB_DIM_LENGTH, 0, 150, false, "compression depth"),
	  Q("recoil", SCRUB_DIM_PERCENT, 0, 100, false, "chest recoil between compressions (100 % = full)")}},
	{"stop_cpr", "circulation", "Stop chest compressions (pause)", {{0}}},
	{"compression", "circulation", "One chest compression sample (from a manikin or controller)",
	 {Q("depth", SCRUB_DIM_LENGTH, 0, 150, true, "compression depth"),
	  Q("recoil", SCRUB_DIM_PERCENT, 0, 100, false, "chest recoil")}},
	{"give_breaths", "breathing", "Give rescue breaths (mouth, pocket mask or bag-valve-mask)",
	 {C("count", 1, 10, false, "number of breaths"),
	  {.name = "device", .kind = ACT_PARAM_SYMBOL, .symbols = {"mouth", "pocket_mask", "bvm"}, .help = "how"}}},
	{"attach_pads", "circulation", "Attach defibrillator / AED pads",
	 {{.name = "position", .kind = ACT_PARAM_SYMBOL, .symbols = {"anterolateral", "anteroposterior", "misplaced"}, .help = "pad position (misplaced: neither standard position)"}}},
	{"power_on_aed", "circulation", "Switch the AED or defibrillator on", {{0}}},
	{"analyse_rhythm", "circulation", "Analyse the rhythm (AED analysis or rhythm check on the monitor)", {{0}}},
	{"charge", "circulation", "Charge the defibrillator",
	 {Q("energy", SCRUB_DIM_ENERGY, 1, 400, false, "selected energy")}},
	{"stand_clear", "circulation", "Call \"stand clear\": everyone's hands off the patient and the bed (compressions pause) before a shock", {{0}}},
	{"shock", "circulation", "Deliver a shock (defibrillation or synchronised cardioversion)",
	 {Q("energy", SCRUB_DIM_ENERGY, 1, 400, false, "delivered energy"),
	  {.name = "synchronised", .kind = ACT_PARAM_SYMBOL, .symbols = {"no", "yes"}, .help = "synchronised cardioversion"},
	  {.name = "dsed", .kind = ACT_PARAM_SYMBOL, .symbols = {"no", "yes"}, .help = "double sequential external defibrillation (two defibrillators)"}}},
	{"iv_access", "circulation", "Obtain intravenous access",
	 {{.name = "site", .kind = ACT_PARAM_SYMBOL, .symbols = {"antecubital", "hand", "forearm", "external_jugular", "femoral"}, .help = "vein"},
	  {.name = "gauge", .kind = ACT_PARAM_SYMBOL, .symbols = {"14G", "16G", "18G", "20G", "22G"}, .help = "cannula size"}}},
	{"io_access", "circulation", "Obtain intraosseous access",
	 {{.name = "site", .kind = ACT_PARAM_SYMBOL, .symbols = {"proximal_tibia", "proximal_humerus", "distal_tibia"}, .help = "bone"}}},
	{"give_drug", "drugs", "Give a drug: a dose (mg, mcg, g), a number of units (insulin), or a volume of a solution (dextrose 10 % 150 mL)",
	 {{.name = "drug", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "drug (see docs/action-scripts.md for the list and aliases)",
	   .symbols = {"epinephrine", "amiodarone", "lidocaine", "atropine", "adenosine", "chlorphenamine",
	               "hydrocortisone", "salbutamol", "naloxone", "glucose", "midazolam", "morphine", "ondansetron",
	               "dextrose", "glucagon", "insulin", "dopamine", "norepinephrine", "calcium_chloride",
	               "calcium_gluconate", "sodium_bicarbonate", "magnesium_sulfate", "ceftriaxone",
	               "piperacillin_tazobactam", "tranexamic_acid", "ipratropium", "ketamine", "fentanyl",
	               "propofol", "rocuronium", "suxamethonium", "diphenhydramine", "methylprednisolone",
	               "dexamethasone", "paracetamol", "aspirin", "ticagrelor", "heparin", "gtn", "furosemide",
	               "verapamil", "metoprolol", "flumazenil", "prednisolone"}},
	  Q1("dose", SCRUB_DIM_MASS, 0, 100000, "dose (a mass)"),
	  {.name = "route", .kind = ACT_PARAM_SYMBOL, .symbols = {"IV", "IO", "IM", "SC", "IN", "PO", "neb", "SL", "PR", "ET"}, .required = true, .help = "route"},
	  {.name = "site", .kind = ACT_PARAM_SYMBOL, .help = "injection site",
	   .symbols = {"anterolateral_thigh", "deltoid", "gluteal", "antecubital", "hand", "tibia", "humerus"}},
	  Q1("units", SCRUB_DIM_UNITS, 0, 100000, "dose in international units (insulin, heparin)"),
	  Q("concentration", SCRUB_DIM_PERCENT, 0, 100, false, "strength of a solution, % (dextrose 10 %)"),
	  Q1("volume", SCRUB_DIM_VOLUME, 0, 5000, "volume of the solution given"),
	  Q("over", SCRUB_DIM_TIME, 0, 86400, false, "given over a time (a slow injection or short infusion); unset: a push")}},
	{"start_infusion", "drugs", "Start (or change) a continuous infusion of a drug",
	 {{.name = "drug", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "drug",
	   .symbols = {"epinephrine", "norepinephrine", "dopamine", "amiodarone", "insulin", "dextrose", "glucose",
	               "naloxone", "salbutamol", "magnesium_sulfate", "heparin", "gtn", "propofol", "midazolam",
	               "fentanyl", "crystalloid"}},
	  Q1("rate", SCRUB_DIM_DOSE_RATE, 0, 1e6, "dose rate (mcg/min, mg/h)"),
	  Q1("rate_per_kg", SCRUB_DIM_DOSE_RATE_PER_KG, 0, 1e4, "dose rate per kg (mcg/kg/min)"),
	  Q1("volume_rate", SCRUB_DIM_FLOW, 0, 60, "volume rate (mL/h)"),
	  Q1("units_rate", SCRUB_DIM_UNITS, 0, 1000, "units per hour (insulin)"),
	  {.name = "route", .kind = ACT_PARAM_SYMBOL, .symbols = {"IV", "IO", "SC"}, .help = "route (default IV)"}}},
	{"stop_infusion", "drugs", "Stop a running infusion (or the culprit infusion of a reaction: see remove_trigger)",
	 {{.name = "drug", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "drug",
	   .symbols = {"epinephrine", "norepinephrine", "dopamine", "amiodarone", "insulin", "dextrose", "glucose",
	               "naloxone", "salbutamol", "magnesium_sulfate", "heparin", "gtn", "propofol", "midazolam",
	               "fentanyl", "crystalloid"}}}},
	{"check_glucose", "assessment", "Bedside capillary blood glucose test (the meter shows the result)", {{0}}},
	{"pacing", "circulation", "Transcutaneous pacing: start or change the rate and current (pads must be on)",
	 {Q("rate", SCRUB_DIM_RATE, 30, 180, true, "paced rate"),
	  Q("current", SCRUB_DIM_CURRENT, 0, 200, true, "output current"),
	  {.name = "mode", .kind = ACT_PARAM_SYMBOL, .symbols = {"demand", "fixed"}, .help = "pacing mode"}}},
	{"stop_pacing", "circulation", "Stop transcutaneous pacing", {{0}}},
	{"check_capture", "assessment", "Check electrical and mechanical capture while pacing (pulse with each paced beat)", {{0}}},
	{"vagal_manoeuvre", "circulation", "A vagal manoeuvre for a narrow-complex tachycardia",
	 {{.name = "type", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "which manoeuvre",
	   .symbols = {"valsalva", "modified_valsalva", "carotid_sinus_massage"}}}},
	{"reassess", "assessment", "Reassess the patient (after an intervention)",
	 {{.name = "what", .kind = ACT_PARAM_SYMBOL, .help = "what was reassessed",
	   .symbols = {"abcde", "airway", "breathing", "circulation", "disability", "exposure", "vitals", "response",
	               "glucose", "rhythm", "pain"}}}},
	{"observe", "assessment", "Keep the patient under observation for a time (re-sedation, rebound)",
	 {Q("duration", SCRUB_DIM_TIME, 1, 86400, false, "how long")}},
	{"handover", "communication", "Hand the patient over (SBAR) to the next team",
	 {{.name = "to", .kind = ACT_PARAM_SYMBOL, .help = "to whom",
	   .symbols = {"icu", "ward", "theatre", "cath_lab", "senior", "retrieval", "ed", "paramedics", "gp"}}}},
	{"order_test", "assessment", "Request a laboratory or imaging test",
	 {{.name = "test", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "which test",
	   .symbols = {"lactate", "blood_cultures", "blood_gas", "potassium", "full_blood_count", "troponin",
	               "ecg_12_lead", "chest_xray", "ct_head", "fast_ultrasound", "crossmatch", "coagulation", "glucose_lab",
	               "peak_flow"}}}},
	{"fluid_bolus", "circulation", "Give a fluid bolus",
	 {{.name = "fluid", .kind = ACT_PARAM_SYMBOL, .symbols = {"crystalloid", "saline", "hartmann", "blood", "plasma"}, .help = "fluid"},
	  Q("volume", SCRUB_DIM_VOLUME, 1, 5000, true, "volume")}},
	{"oxygen", "breathing", "Give oxygen",
	 {{.name = "device", .kind = ACT_PARAM_SYMBOL, .symbols = {"nasal_cannula", "face_mask", "non_rebreather", "bvm", "ventilator"}, .help = "delivery device"},
	  Q("flow", SCRUB_DIM_FLOW, 0, 60, false, "oxygen flow")}},
	{"bvm_ventilation", "breathing", "Ventilate with a bag-valve-mask",
	 {Q("rate", SCRUB_DIM_RATE, 0, 60, false, "breaths per minute")}},
	{"insert_airway", "airway", "Insert an airway adjunct",
	 {{.name = "type", .kind = ACT_PARAM_SYMBOL, .symbols = {"opa", "npa", "sga"}, .required = true, .help = "oropharyngeal, nasopharyngeal or supraglottic"}}},
	{"intubate", "airway", "Intubate the trachea",
	 {Q("tube_size", SCRUB_DIM_LENGTH, 2, 10, false, "internal diameter")}},
	{"position_patient", "procedure", "Position the patient",
	 {{.name = "position", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "position",
	   .symbols = {"supine", "legs_raised", "sitting", "recovery", "left_lateral"}}}},
	{"remove_trigger", "procedure", "Remove the suspected trigger (stop an infusion, remove a sting)", {{0}}},
	{"auscultate_chest", "assessment", "Listen to the chest",
	 {{.name = "side", .kind = ACT_PARAM_SYMBOL, .symbols = {"left", "right", "both"}, .help = "which side"}}},
	{"needle_decompression", "procedure", "Needle thoracocentesis",
	 {SIDE, C("ics", 1, 10, true, "intercostal space"),
	  {.name = "line", .kind = ACT_PARAM_SYMBOL, .required = true, .help = "vertical line",
	   .symbols = {"midclavicular", "anterior_axillary", "mid_axillary", "parasternal"}}}},
	{"chest_tube", "procedure", "Insert a chest drain (tube thoracostomy)", {SIDE}},
	{"order_xray", "assessment", "Request a chest X-ray", {{0}}},
	{"note", "communication", "A free-text note or verbal statement",
	 {T("text", "what was said or noted")}},
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
	               "not_given_po", "cannot_swallow", "tube_blocked", "no_trigger", "invalid", "slow_push", "not_given_iv",
	               "not_given_infusion", "other"}},
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
