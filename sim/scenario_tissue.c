/* The scenario loader: the tissue (sim/surgery.h). */
#define SCRUB_LOG_MODULE "scenario"
#include "scenario_internal.h"
#include "vocab.h"
#include "expr.h"
#include "log.h"
#include "script.h"
#include "yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the tissue (sim/surgery.h) ---- */

#define MAX_TISSUE_TETS 60000

/* A quantity with its unit written, of dimension `dim`, within lo..hi (base unit). */
static bool tissue_qty(loader *L, yaml_node *n, const char *what, scrub_dim dim, double lo, double hi, double *out)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	scrub_quantity q;
	int bad;
	size_t used = scrub_quantity_parse(n->str, n->len, &q, &bad);
	const scrub_unit *base = scrub_unit_base(dim);
	if (used == 0 || (used != n->len && bad < 0)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s should be a number%s%s, found '%s'", what, dim ? " with its unit, e.g. 2 " : "",
		       dim ? base->name : "", n->str);
		return false;
	}
	if (bad >= 0) {
		const scrub_unit *su = scrub_unit_suggest(n->str + bad, n->len - (size_t)bad, dim);
		scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_UNIT, n->line, col_in(n, (size_t)bad), (int)(n->len - (size_t)bad),
		               "unknown unit '%s'%s%s%s; %s is %s (%s)", n->str + bad, su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "", what, scrub_dim_name(dim),
		               scrub_dim_units(dim));
		return false;
	}
	double v = q.value;
	if (dim == SCRUB_DIM_NONE) {
		if (q.unit) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "%s is a plain number; remove the unit '%s'", what, q.unit->name);
			return false;
		}
	} else if (!q.unit) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "write the unit of %s: '%s %s' (%s)", what, n->str, base->name, scrub_dim_units(dim));
		return false;
	} else if (q.unit->dim != dim) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "unit mismatch: %s is %s (%s), but '%s' is %s", what, scrub_dim_name(dim),
		       scrub_dim_units(dim), q.unit->name, scrub_dim_name(q.unit->dim));
		return false;
	} else {
		v = q.value * q.unit->factor;
	}
	if (!(v >= lo && v <= hi)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s %s is outside %g..%g%s%s", what, n->str, lo, hi, dim ? " " : "", dim ? base->name : "");
		return false;
	}
	*out = v;
	return true;
}

/* [x, y] lengths in mm */
static bool tissue_point(loader *L, yaml_node *n, const char *what, double out[2])
{
	if (!expect_type(L, n, YAML_SEQ, what))
		return false;
	if (n->n != 2) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s is a point [x, y] on the skin, e.g. [10 mm, 20 mm]; found %zu value%s", what, n->n,
		       n->n == 1 ? "" : "s");
		return false;
	}
	bool ok = tissue_qty(L, n->items[0], what, SCRUB_DIM_LENGTH, -1e6, 1e6, &out[0]);
	return tissue_qty(L, n->items[1], what, SCRUB_DIM_LENGTH, -1e6, 1e6, &out[1]) && ok;
}

void parse_tissue(loader *L, yaml_node *key, yaml_node *m)
{
	scenario *s = L->s;
	scn_tissue *tc = &s->tissue;
	if (!expect_type(L, m, YAML_MAP, "'tissue'"))
		return;
	tc->present = true;
	tc->line = key->line;
	tc->col = key->col;
	scrub_tissue_desc *d = &tc->desc;
	memset(d, 0, sizeof *d);
	int errors0 = L->d->errors;
	double v;
	yaml_node *size = yaml_get(m, "size");
	if (size && expect_type(L, size, YAML_SEQ, "'size'")) {
		if (size->n != 2) {
			ERR_AT(L, size, SCRUB_DIAG_VALUE, "'size' is [length, width] of the block, e.g. [50 mm, 40 mm]");
		} else {
			if (tissue_qty(L, size->items[0], "the block's length", SCRUB_DIM_LENGTH, 10, 300, &v))
				d->size_x = (float)(v * 1e-3);
			if (tissue_qty(L, size->items[1], "the block's width", SCRUB_DIM_LENGTH, 10, 300, &v))
				d->size_y = (float)(v * 1e-3);
		}
	}
	yaml_node *res = yaml_get(m, "resolution");
	if (res && tissue_qty(L, res, "'resolution'", SCRUB_DIM_LENGTH, 1, 10, &v))
		d->element_size = (float)(v * 1e-3);
	yaml_node *layers = yaml_get(m, "layers");
	if (layers && expect_type(L, layers, YAML_MAP, "'layers'")) {
		static const char *names[] = {"skin", "fat", "muscle", NULL};
		for (int k = 0; k < SCRUB_TISSUE_LAYER_COUNT; k++) {
			yaml_node *ly = yaml_get(layers, names[k]);
			if (!ly || !expect_type(L, ly, YAML_MAP, names[k]))
				continue;
			scrub_tissue_material *mat = &d->material[k];
			yaml_node *x;
			char what[64];
			snprintf(what, sizeof what, "the %s's thickness", names[k]);
			if ((x = yaml_get(ly, "thickness")) && tissue_qty(L, x, what, SCRUB_DIM_LENGTH, 0.5, 50, &v))
				d->thickness[k] = (float)(v * 1e-3);
			if ((x = yaml_get(ly, "stiffness")) && tissue_qty(L, x, "'stiffness'", SCRUB_DIM_NONE, 0.01, 1, &v))
				mat->stiffness = (float)v;
			if ((x = yaml_get(ly, "damping")) && tissue_qty(L, x, "'damping'", SCRUB_DIM_NONE, 0, 0.99, &v))
				mat->damping = (float)v;
			if ((x = yaml_get(ly, "volume")) && tissue_qty(L, x, "'volume'", SCRUB_DIM_NONE, 0, 1, &v))
				mat->volume = (float)v;
			if ((x = yaml_get(ly, "damage_strain")) && tissue_qty(L, x, "'damage_strain'", SCRUB_DIM_PERCENT, 1, 500, &v))
				mat->damage_strain = (float)(v / 100.0);
			if ((x = yaml_get(ly, "tear_strain")) && tissue_qty(L, x, "'tear_strain'", SCRUB_DIM_PERCENT, 1, 1000, &v))
				mat->tear_strain = (float)(v / 100.0);
			static const char *f[] = {"thickness", "stiffness", "damping", "volume", "damage_strain", "tear_strain", NULL};
			check_fields(L, ly, f, "a tissue layer");
		}
		check_fields(L, layers, names, "'layers'");
	}
	yaml_node *x;
	if ((x = yaml_get(m, "skin_tension")) && tissue_qty(L, x, "'skin_tension'", SCRUB_DIM_PERCENT, 0, 20, &v))
		d->skin_tension = v > 0 ? (float)(v / 100.0) : 1e-6f;
	if ((x = yaml_get(m, "tearing")))
		parse_bool(L, x, &d->tearing, "'tearing'");
	tc->physics_dt = 0.001;
	yaml_node *pdt = yaml_get(m, "physics_dt");
	if (pdt && parse_duration(L, pdt, &tc->physics_dt, "'physics_dt'") && (tc->physics_dt < 0.0002 - 1e-12 || tc->physics_dt > 0.005 + 1e-12))
		ERR_AT(L, pdt, SCRUB_DIAG_VALUE, "physics_dt (the tissue's step) must be between 0.2 ms and 5 ms");
	double ratio = s->dt / tc->physics_dt;
	if (tc->physics_dt > 0 && fabs(ratio - round(ratio)) > 1e-6)
		ERR_AT(L, pdt ? pdt : key, SCRUB_DIAG_VALUE, "the scenario's dt (%g ms) must be a whole number of physics steps (%g ms)",
		       s->dt * 1e3, tc->physics_dt * 1e3);
	d->dt = (float)tc->physics_dt;
	scrub_tissue_desc_defaults(d);

	/* the size of the problem: the session steps it 1/physics_dt times a simulated second */
	double h = d->element_size;
	double cells = ceil(d->size_x / h - 1e-6) * ceil(d->size_y / h - 1e-6);
	double nz = 0;
	for (int k = 0; k < SCRUB_TISSUE_LAYER_COUNT; k++)
		nz += fmax(1, round(d->thickness[k] / h));
	double tets = 6 * cells * nz;
	if (L->d->errors == errors0 && tets > MAX_TISSUE_TETS)
		ERR_AT(L, res ? res : key, SCRUB_DIAG_LIMIT, "the tissue would have about %.0f tetrahedra; a scenario may have at most %d "
		       "(use a coarser resolution or a smaller block)", tets, MAX_TISSUE_TETS);

	yaml_node *w = yaml_get(m, "wound");
	if (w && expect_type(L, w, YAML_MAP, "'wound'")) {
		yaml_node *from = yaml_get(w, "from"), *to = yaml_get(w, "to"), *depth = yaml_get(w, "depth");
		if (!from || !to || !depth)
			ERR_AT(L, key_of(m, w), SCRUB_DIAG_MISSING, "a wound needs 'from:', 'to:' (points [x, y] on the skin) and 'depth:'");
		bool ok = from && to && depth;
		ok = from && tissue_point(L, from, "the wound's 'from'", tc->wound_from) && ok;
		ok = to && tissue_point(L, to, "the wound's 'to'", tc->wound_to) && ok;
		double total = (d->thickness[0] + d->thickness[1] + d->thickness[2]) * 1e3;
		ok = depth && tissue_qty(L, depth, "the wound's depth", SCRUB_DIM_LENGTH, 0.5, 50, &tc->wound_depth) && ok;
		if (ok) {
			const double sx = d->size_x * 1e3, sy = d->size_y * 1e3;
			yaml_node *pts[2] = {from, to};
			const double *pv[2] = {tc->wound_from, tc->wound_to};
			for (int k = 0; k < 2; k++)
				if (pv[k][0] < 3 || pv[k][0] > sx - 3 || pv[k][1] < 3 || pv[k][1] > sy - 3)
					ERR_AT(L, pts[k], SCRUB_DIAG_VALUE, "the wound's '%s' [%g mm, %g mm] is not on the block: keep 3 mm from its edges "
					       "(the block is %g x %g mm)", k ? "to" : "from", pv[k][0], pv[k][1], sx, sy);
			if (hypot(tc->wound_to[0] - tc->wound_from[0], tc->wound_to[1] - tc->wound_from[1]) < 2)
				ERR_AT(L, to, SCRUB_DIAG_VALUE, "the wound is shorter than 2 mm");
			if (tc->wound_depth > total - 1)
				ERR_AT(L, depth, SCRUB_DIAG_VALUE, "the wound's depth %s goes through the block (%g mm thick)", depth->str, total);
			tc->has_wound = true;
		}
		static const char *f[] = {"from", "to", "depth", NULL};
		check_fields(L, w, f, "the wound");
	}
	yaml_node *mk = yaml_get(m, "mark");
	if (mk && expect_type(L, mk, YAML_MAP, "'mark'")) {
		/* a line drawn on the skin, where the incision should go */
		yaml_node *from = yaml_get(mk, "from"), *to = yaml_get(mk, "to");
		if (!from || !to) {
			ERR_AT(L, key_of(m, mk), SCRUB_DIAG_MISSING, "a mark needs 'from:' and 'to:' (points [x, y] on the skin)");
		} else if (tissue_point(L, from, "the mark's 'from'", tc->mark_from) && tissue_point(L, to, "the mark's 'to'", tc->mark_to)) {
			const double sx = d->size_x * 1e3, sy = d->size_y * 1e3;
			yaml_node *pts[2] = {from, to};
			const double *pv[2] = {tc->mark_from, tc->mark_to};
			bool on = true;
			for (int k = 0; k < 2; k++)
				if (pv[k][0] < 0 || pv[k][0] > sx || pv[k][1] < 0 || pv[k][1] > sy) {
					ERR_AT(L, pts[k], SCRUB_DIAG_VALUE, "the mark's '%s' [%g mm, %g mm] is not on the block (%g x %g mm)",
					       k ? "to" : "from", pv[k][0], pv[k][1], sx, sy);
					on = false;
				}
			if (on && hypot(tc->mark_to[0] - tc->mark_from[0], tc->mark_to[1] - tc->mark_from[1]) < 2)
				ERR_AT(L, to, SCRUB_DIAG_VALUE, "the mark is shorter than 2 mm");
			else if (on)
				tc->has_mark = true;
		}
		static const char *f[] = {"from", "to", NULL};
		check_fields(L, mk, f, "the mark");
	}
	static const char *f[] = {"size", "resolution", "layers", "skin_tension", "tearing", "physics_dt", "wound", "mark", NULL};
	check_fields(L, m, f, "the tissue");

	/* The tissue's outcomes become read-only variables. */
	if (!s->vars)
		s->vars = SCRUB_ARENA_NEW(L->a, scn_var, SCN_MODEL_COUNT_ + SCN_TISSUE_COUNT_ + 1);
	tc->first_var = s->nvars;
	static const char *layer_words[] = {"none", "skin", "fat", "muscle"};
	static const char *units[SCN_TISSUE_COUNT_] = {
		[SCN_TISSUE_INCISION_LENGTH] = "mm", [SCN_TISSUE_INCISION_DEPTH] = "mm", [SCN_TISSUE_INCISION_DEVIATION] = "mm",
		[SCN_TISSUE_PATH_LENGTH] = "mm", [SCN_TISSUE_IDLE_TIME] = "s", [SCN_TISSUE_GAPE] = "mm",
		[SCN_TISSUE_OPEN_START] = "mm", [SCN_TISSUE_OPEN_END] = "mm", [SCN_TISSUE_OPEN_MAX] = "mm",
		[SCN_TISSUE_SPACING_MIN] = "mm", [SCN_TISSUE_SPACING_MAX] = "mm", [SCN_TISSUE_DEPTH_RATIO_MIN] = "%"};
	for (int fld = 0; fld < SCN_TISSUE_COUNT_; fld++) {
		const char *name = surgery_var_name(fld);
		int clash = scenario_find_var(s, name, strlen(name));
		if (clash >= 0) {
			scn_var *cv = &s->vars[clash];
			scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_DUPLICATE, cv->line, cv->col, (int)strlen(cv->name),
			               "'%s' is provided by the tissue (tissue:); remove it from variables", cv->name);
			continue;
		}
		scn_var *var = &s->vars[s->nvars++];
		memset(var, 0, sizeof *var);
		var->name = name;
		var->label = name;
		var->model_field = SCN_TISSUE_FIELD_BASE + fld;
		var->min = -INFINITY;
		var->max = INFINITY;
		var->line = key->line;
		var->col = key->col;
		if (units[fld])
			var->unit = scrub_unit_find(units[fld], strlen(units[fld]));
		if (fld == SCN_TISSUE_DEEPEST_LAYER) {
			var->is_symbol = true;
			var->symbols = layer_words;
			var->nsymbols = 4;
		}
	}
	/* The physics has the last word on its configuration. */
	scrub_tissue *probe = NULL;
	if (L->d->errors == 0 && scrub_tissue_create(d, &probe) != SCRUB_OK)
		ERR_AT(L, key, SCRUB_DIAG_VALUE, "the tissue physics refused this configuration (run with SCRUB_LOG=tissue=error for its reason)");
	scrub_tissue_destroy(&probe);
}
