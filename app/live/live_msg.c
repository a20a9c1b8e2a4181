/* Live sessions' messages: parsing and validation (live_msg.h). */
#include "live_msg.h"
#include "script.h"
#include "yaml.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"hello", "act", "pause", "resume", "jump", "trigger", "set", "mark", "end"};

const char *live_msg_kind_name(live_msg_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

typedef struct ctx {
	char *why;
	size_t why_size;
} ctx;

static int refuse(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, c->why_size, fmt, ap);
	va_end(ap);
	return LIVE_CLOSE_POLICY;
}

/* A string field: present when `required`, text, at most `max` bytes, no NUL inside. */
static int get_str(ctx *c, yaml_node *m, const char *key, bool required, char *dst, size_t max)
{
	yaml_node *v = yaml_get(m, key);
	dst[0] = '\0';
	if (!v)
		return required ? refuse(c, "'%s' is missing", key) : 0;
	if (v->type != YAML_SCALAR)
		return refuse(c, "'%s' must be text", key);
	if (v->len > max || strlen(v->str) != v->len)
		return refuse(c, "'%s' is longer than %zu bytes or holds a NUL", key, max);
	memcpy(dst, v->str, v->len);
	dst[v->len] = '\0';
	return 0;
}

static int get_name(ctx *c, yaml_node *m, const char *key, bool required, char *dst)
{
	int r = get_str(c, m, key, required, dst, ACT_NAME_MAX - 1);
	if (r || !dst[0])
		return r;
	return act_name_valid(dst, strlen(dst)) ? 0 : refuse(c, "'%s' is not a name (letters, digits, '_', '-', '.')", key);
}

/* A number field (a JSON number: a plain scalar). */
static int get_num(ctx *c, yaml_node *m, const char *key, bool required, double lo, double hi, double *out)
{
	yaml_node *v = yaml_get(m, key);
	if (!v)
		return required ? refuse(c, "'%s' is missing", key) : 0;
	char *end = NULL;
	double x = v->type == YAML_SCALAR && v->style == YAML_PLAIN && v->len ? strtod(v->str, &end) : NAN;
	if (!end || *end || !isfinite(x) || x < lo || x > hi)
		return refuse(c, "'%s' must be a number from %g to %g", key, lo, hi);
	*out = x;
	return 0;
}

static int check_fields(ctx *c, yaml_node *m, const char *const *allowed)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->items[i]->str;
		bool ok = false;
		for (int j = 0; allowed[j] && !ok; j++)
			ok = strcmp(k, allowed[j]) == 0;
		if (!ok)
			return refuse(c, "unknown field '%.40s'", k);
	}
	return 0;
}

static int parse_act(ctx *c, yaml_node *m, const scenario *scn, scrub_arena *arena, live_msg *out)
{
	char name[64];
	int r = get_str(c, m, "action", true, name, sizeof name - 1);
	if (r)
		return r;
	act_id id = actions_find_in(scn ? &scn->actions : NULL, name, strlen(name));
	if (id == ACT_NONE)
		return refuse(c, "unknown action '%s'", name);
	const act_def *def = actions_get(id);
	if (act_is_derived(def) || strcmp(def->category, "instructor") == 0)
		return refuse(c, "'%s' cannot be sent as an action", name);
	out->action.type = id;
	double seq = 0;
	if ((r = get_num(c, m, "seq", true, 0, 9007199254740991.0, &seq)))
		return r;
	if (seq != floor(seq))
		return refuse(c, "'seq' must be a whole number");
	out->seq = (int64_t)seq;
	yaml_node *params = yaml_get(m, "params");
	if (params && params->type != YAML_MAP)
		return refuse(c, "'params' must be an object");
	for (size_t k = 0; params && k < params->n; k++) {
		yaml_node *key = params->items[k], *val = params->values[k];
		int pi = act_param_find(def, key->str, key->len);
		if (pi < 0)
			return refuse(c, "%s has no parameter '%.40s'", def->name, key->str);
		if (out->action.params[pi].set)
			return refuse(c, "%s is given twice", def->params[pi].name);
		if (val->type != YAML_SCALAR || strlen(val->str) != val->len)
			return refuse(c, "parameter '%s' must be text or a number", def->params[pi].name);
		char w[256];
		if (script_parse_value(&def->params[pi], val->str, val->len, arena, &out->action.params[pi], w, sizeof w))
			return refuse(c, "%s", w);
	}
	for (int k = 0; k < ACT_MAX_PARAMS && def->params[k].name; k++)
		if (def->params[k].required && !out->action.params[k].set)
			return refuse(c, "%s needs '%s'", def->name, def->params[k].name);
	static const char *const f[] = {"type", "action", "params", "seq", NULL};
	return check_fields(c, m, f);
}

static int parse_set(ctx *c, yaml_node *m, const scenario *scn, live_msg *out)
{
	int r = get_str(c, m, "var", true, out->name2, sizeof out->name2 - 1);
	if (r)
		return r;
	yaml_node *val = yaml_get(m, "value");
	if (!val || val->type != YAML_SCALAR || strlen(val->str) != val->len)
		return refuse(c, "'value' is missing or not a value");
	/* the same rule as an instructor_set in a script or a record */
	int vi = -1;
	char w[200];
	if (!scn || !scenario_instructor_value(scn, out->name2, val->str, &vi, &out->value, w, sizeof w))
		return refuse(c, "%s", scn ? w : "no scenario");
	if ((r = get_num(c, m, "over_s", false, 0, 4 * 3600.0, &out->over_s)))
		return r;
	if (scn->vars[vi].is_symbol && out->over_s > 0)
		return refuse(c, "a word cannot change over time ('over_s' is for numbers)");
	static const char *const f[] = {"type", "var", "value", "over_s", NULL};
	return check_fields(c, m, f);
}

static int parse_body(ctx *c, yaml_node *m, const scenario *scn, scrub_arena *arena, live_msg *out)
{
	char type[16];
	int r = get_str(c, m, "type", true, type, sizeof type - 1);
	if (r)
		return r;
	int k = -1;
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
		if (strcmp(type, kind_names[i]) == 0)
			k = (int)i;
	if (k < 0)
		return refuse(c, "unknown message type '%s'", type);
	out->kind = (live_msg_kind)k;
	switch (out->kind) {
	case LIVE_HELLO: {
		double since = -1;
		if ((r = get_name(c, m, "name", true, out->name)) || (r = get_name(c, m, "role", false, out->role)) ||
		    (r = get_str(c, m, "token", true, out->token, LIVE_TOKEN_MAX)) ||
		    (r = get_num(c, m, "since", false, -1, 9007199254740991.0, &since)))
			return r;
		if (!out->name[0])
			return refuse(c, "'name' is empty");
		if (out->role[0] && scn && scn->nroles && scenario_find_role(scn, out->role) < 0)
			return refuse(c, "the scenario has no role '%s'", out->role);
		out->since = (int64_t)since;
		static const char *const f[] = {"type", "name", "role", "token", "since", NULL};
		return check_fields(c, m, f);
	}
	case LIVE_ACT:
		return parse_act(c, m, scn, arena, out);
	case LIVE_JUMP: {
		if ((r = get_str(c, m, "state", true, out->name2, sizeof out->name2 - 1)))
			return r;
		int st = scn ? scenario_find_state(scn, out->name2) : -1;
		if (st < 0 || !scn->states[st].jump_target)
			return refuse(c, "'%s' is not a state the instructor may jump to", out->name2);
		static const char *const f[] = {"type", "state", NULL};
		return check_fields(c, m, f);
	}
	case LIVE_TRIGGER: {
		if ((r = get_name(c, m, "event", true, out->name2)))
			return r;
		if (!out->name2[0])
			return refuse(c, "'event' is empty");
		static const char *const f[] = {"type", "event", NULL};
		return check_fields(c, m, f);
	}
	case LIVE_SET:
		return parse_set(c, m, scn, out);
	case LIVE_MARK: {
		if ((r = get_str(c, m, "note", true, out->note, LIVE_NOTE_MAX)))
			return r;
		static const char *const f[] = {"type", "note", NULL};
		return check_fields(c, m, f);
	}
	case LIVE_PAUSE:
	case LIVE_RESUME:
	case LIVE_END: {
		static const char *const f[] = {"type", NULL};
		return check_fields(c, m, f);
	}
	}
	return refuse(c, "unknown message");
}

int live_msg_parse(const char *data, size_t len, const scenario *scn, scrub_arena *arena, live_msg *out,
                   char *why, size_t why_size)
{
	memset(out, 0, sizeof *out);
	out->since = -1;
	ctx c = {why, why_size};
	why[0] = '\0';
	if (len > LIVE_MSG_MAX) {
		snprintf(why, why_size, "a message is at most %d bytes", LIVE_MSG_MAX);
		return LIVE_CLOSE_TOO_BIG;
	}
	if (len == 0 || data[0] != '{')
		return refuse(&c, "a message is one JSON object");
	if (memchr(data, '\0', len))
		return refuse(&c, "a message holds no NUL byte");
	scrub_arena tmp;
	scrub_arena_init(&tmp);
	scrub_diags d;
	scrub_diags_init(&d, "message", NULL, 0);
	yaml_limits lim = {.max_bytes = LIVE_MSG_MAX, .max_depth = 4, .max_nodes = 256};
	yaml_node *root = yaml_parse(data, len, &lim, &tmp, &d);
	int r;
	if (!root || root->type != YAML_MAP)
		r = refuse(&c, "not a JSON object%s%s", d.n ? ": " : "", d.n ? d.v[0].msg : "");
	else
		r = parse_body(&c, root, scn, arena, out);
	scrub_diags_fini(&d);
	scrub_arena_fini(&tmp);
	return r;
}
