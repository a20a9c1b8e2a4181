/* Team roles: the scenario's `roles:` section (who may do what), and the checks of a role named by a
 * checklist item or by an action. */
#include "scenario_internal.h"
#include "actions.h"

#include <string.h>

#define MAX_ROLES 16

int scenario_find_role(const scenario *s, const char *name)
{
	for (int i = 0; name && i < s->nroles; i++)
		if (strcmp(s->roles[i].name, name) == 0)
			return i;
	return -1;
}

bool scenario_role_may(const scenario *s, const char *role, act_id type)
{
	int r = role && role[0] ? scenario_find_role(s, role) : -1;
	if (r < 0 || !s->roles[r].actions)
		return true;
	const act_def *def = actions_get(type);
	if (act_is_derived(def) || strcmp(def->category, "instructor") == 0)
		return true;
	for (int k = 0; k < s->roles[r].nactions; k++)
		if (s->roles[r].actions[k] == type)
			return true;
	return false;
}

/* The role a node names, with "did you mean" when there is none of that name. */
int find_role_node(loader *L, yaml_node *n, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return -1;
	if (L->s->nroles == 0) {
		ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "%s names role '%s', but the scenario declares no roles (add a 'roles:' section)",
		       what, n->str);
		return -1;
	}
	int r = scenario_find_role(L->s, n->str);
	if (r < 0) {
		const char *c[MAX_ROLES];
		for (int i = 0; i < L->s->nroles; i++)
			c[i] = L->s->roles[i].name;
		const char *sug = scrub_suggest(n->str, c, (size_t)L->s->nroles);
		char list[400];
		scrub_list_words(list, sizeof list, c, (size_t)L->s->nroles);
		if (sug)
			ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown role '%s' (did you mean '%s'?)", n->str, sug);
		else
			ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown role '%s'; the roles are: %s", n->str, list);
	}
	return r;
}

static void parse_role(loader *L, yaml_node *key, yaml_node *v, scn_role *r)
{
	r->name = key->str;
	r->line = key->line;
	r->col = key->col;
	if (!act_name_valid(key->str, key->len) || !is_name(key->str))
		ERR_AT(L, key, SCRUB_DIAG_VALUE, "role '%s' is not a name: letters, digits and '_', at most %d characters",
		       key->str, ACT_NAME_MAX - 1);
	if (v->type == YAML_SCALAR && v->len == 0)
		return; /* `leader:` alone: may do anything */
	if (!expect_type(L, v, YAML_MAP, "a role"))
		return;
	r->description = get_text(L, v, "description", false, "a role");
	yaml_node *acts = yaml_get(v, "actions");
	if (acts && expect_type(L, acts, YAML_SEQ, "the role's 'actions'")) {
		if (acts->n == 0 || acts->n > MAX_LIST)
			ERR_AT(L, acts, SCRUB_DIAG_VALUE, "a role's actions list has 1 to %d entries (leave it out: the role may do anything)",
			       MAX_LIST);
		r->actions = SCRUB_ARENA_NEW(L->a, act_id, acts->n + 1);
		for (size_t k = 0; k < acts->n && k < MAX_LIST; k++) {
			scn_match m = {0};
			/* parse_match names the action and suggests the nearest one; parameters do not apply */
			yaml_node *a = acts->items[k];
			if (!expect_type(L, a, YAML_SCALAR, "an action name") || !parse_match(L, a, NULL, &m))
				continue;
			r->actions[r->nactions++] = m.action;
		}
	}
	static const char *fields[] = {"description", "actions", NULL};
	check_fields(L, v, fields, "a role");
}

void parse_roles(loader *L, yaml_node *roles)
{
	if (!roles || !expect_type(L, roles, YAML_MAP, "'roles'"))
		return;
	if (roles->n == 0 || roles->n > MAX_ROLES) {
		ERR_AT(L, roles, SCRUB_DIAG_VALUE, "'roles:' lists 1 to %d roles", MAX_ROLES);
		if (roles->n == 0)
			return;
	}
	size_t n = roles->n < MAX_ROLES ? roles->n : MAX_ROLES;
	L->s->roles = SCRUB_ARENA_NEW(L->a, scn_role, n);
	for (size_t i = 0; i < n; i++) {
		yaml_node *key = roles->items[i];
		if (!expect_type(L, key, YAML_SCALAR, "a role's name"))
			continue;
		if (scenario_find_role(L->s, key->str) >= 0) {
			ERR_AT(L, key, SCRUB_DIAG_DUPLICATE, "role '%s' is declared twice", key->str);
			continue;
		}
		parse_role(L, key, roles->values[i], &L->s->roles[L->s->nroles++]);
	}
}

/* Every action's role must be one of the scenario's (when it declares roles). */
void check_action_roles(const scenario *scn, const sim_action *acts, int n, const char *file, scrub_diags *d)
{
	if (scn->nroles == 0)
		return;
	const char *c[MAX_ROLES];
	for (int i = 0; i < scn->nroles; i++)
		c[i] = scn->roles[i].name;
	for (int i = 0; i < n; i++) {
		const sim_action *a = &acts[i];
		if (!a->role[0] || scenario_find_role(scn, a->role) >= 0)
			continue;
		const char *sug = scrub_suggest(a->role, c, (size_t)scn->nroles);
		char list[400];
		scrub_list_words(list, sizeof list, c, (size_t)scn->nroles);
		if (sug)
			scrub_diag_add_in(d, file, SCRUB_SEV_ERROR, SCRUB_DIAG_UNKNOWN_NAME, a->line, a->col, 1,
			                  "unknown role '%s' (did you mean '%s'?)", a->role, sug);
		else
			scrub_diag_add_in(d, file, SCRUB_SEV_ERROR, SCRUB_DIAG_UNKNOWN_NAME, a->line, a->col, 1,
			                  "unknown role '%s'; the scenario's roles are: %s", a->role, list);
	}
}
