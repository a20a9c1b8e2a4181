/* Expressions: types and names checked, code generated, evaluated (expr_internal.h; the parser is expr_parse.c). */
#include "expr_internal.h"
#include "script.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- types ---- */

static const char *ty_name(const node *n)
{
	switch (n->type) {
	case TY_NUM: return n->bare ? "a number" : scrub_dim_name(n->dim);
	case TY_BOOL: return "true/false";
	case TY_SYM: return "a word";
	case TY_WORD: return "a word";
	}
	return "?";
}

static void word_error(parser *p, node *n)
{
	char w[128];
	snprintf(w, sizeof w, "%.*s", (int)(n->len < 127 ? n->len : 127), p->src + n->pos);
	const char *sug = expr_suggest_name(p, w);
	expr_err(p, n->pos, n->len, "unknown name '%s'%s%s%s; expected a variable (declared under variables:), time, time_in_state, state, count(action), since(action) or done(item)",
	    w, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
}

static bool in_domain(const parser *p, int domain, const char *word)
{
	if (domain == DOMAIN_STATE)
		return scenario_find_state(p->scn, word) >= 0;
	const scn_var *v = &p->scn->vars[domain];
	for (int i = 0; i < v->nsymbols; i++)
		if (strcmp(v->symbols[i], word) == 0)
			return true;
	return false;
}

static bool resolve_word(parser *p, node *w, int domain, const node *other)
{
	char word[128];
	snprintf(word, sizeof word, "%.*s", (int)(w->len < 127 ? w->len : 127), p->src + w->pos);
	if (domain == DOMAIN_STATE) {
		int s = scenario_find_state(p->scn, word);
		if (s < 0) {
			const char *c[512];
			size_t nc = 0;
			for (int i = 0; i < p->scn->nstates && nc < 512; i++)
				c[nc++] = p->scn->states[i].name;
			const char *sug = scrub_suggest(word, c, nc);
			char list[400];
			scrub_list_words(list, sizeof list, c, nc);
			if (sug)
				expr_err(p, w->pos, w->len, "unknown state '%s' (did you mean '%s'?)", word, sug);
			else
				expr_err(p, w->pos, w->len, "unknown state '%s'; the states are: %s", word, list);
			return false;
		}
		w->num = s;
	} else {
		const scn_var *v = &p->scn->vars[domain];
		int s = -1;
		for (int i = 0; i < v->nsymbols; i++) {
			if (strcmp(v->symbols[i], word) == 0)
				s = i;
		}
		if (s < 0) {
			char list[256] = "";
			size_t l = 0;
			for (int i = 0; i < v->nsymbols && l < sizeof list - 40; i++)
				l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", v->symbols[i]);
			const char *sug = scrub_suggest(word, (const char *const *)v->symbols, (size_t)v->nsymbols);
			expr_err(p, w->pos, w->len, "'%s' is not a value of '%s'%s%s%s (expected one of: %s)", word, v->name,
			    sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "", list);
			return false;
		}
		w->num = s;
	}
	(void)other;
	w->kind = N_NUM;
	w->type = TY_SYM;
	w->domain = domain;
	return true;
}

static bool check(parser *p, node *n)
{
	switch (n->kind) {
	case N_NUM:
		n->type = TY_NUM;
		n->bare = n->unit == NULL;
		n->dim = n->unit ? n->unit->dim : SCRUB_DIM_NONE;
		return true;
	case N_BOOL:
		n->type = TY_BOOL;
		return true;
	case N_VAR: {
		const scn_var *v = &p->scn->vars[n->ref];
		if (v->is_symbol) {
			n->type = TY_SYM;
			n->domain = n->ref;
		} else {
			n->type = TY_NUM;
			n->dim = v->unit ? v->unit->dim : SCRUB_DIM_NONE;
		}
		return true;
	}
	case N_TIME:
	case N_TIS:
	case N_SINCE:
		n->type = TY_NUM;
		n->dim = SCRUB_DIM_TIME;
		return true;
	case N_COUNT:
		n->type = TY_NUM;
		n->dim = SCRUB_DIM_NONE;
		return true;
	case N_TALLY: {
		const scn_tally *t = &p->scn->tallies[n->ref];
		const act_def *def = actions_get(t->action);
		n->type = TY_NUM;
		n->dim = t->param >= 0 && def->params[t->param].kind == ACT_PARAM_QUANTITY ? def->params[t->param].dim : SCRUB_DIM_NONE;
		return true;
	}
	case N_DONE:
		n->type = TY_BOOL;
		return true;
	case N_STATE:
		n->type = TY_SYM;
		n->domain = DOMAIN_STATE;
		return true;
	case N_WORD:
		n->type = TY_WORD;
		return true;
	case N_NEG:
		if (!check(p, n->a))
			return false;
		if (n->a->type != TY_NUM) {
			expr_err(p, n->a->pos, n->a->len, "'-' needs a number, found %s", ty_name(n->a));
			return false;
		}
		n->type = TY_NUM;
		n->dim = n->a->dim;
		n->bare = n->a->bare;
		return true;
	case N_NOT:
		if (!check(p, n->a))
			return false;
		if (n->a->type != TY_BOOL) {
			if (n->a->type == TY_WORD)
				word_error(p, n->a);
			else
				expr_err(p, n->a->pos, n->a->len, "'not' needs a condition (true/false), found %s", ty_name(n->a));
			return false;
		}
		n->type = TY_BOOL;
		return true;
	case N_BIN:
		break;
	}
	node *a = n->a, *b = n->b;
	if (!check(p, a) || !check(p, b))
		return false;
	switch (n->op) {
	case TK_AND:
	case TK_OR:
		for (int i = 0; i < 2; i++) {
			node *x = i ? b : a;
			if (x->type == TY_WORD) {
				word_error(p, x);
				return false;
			}
			if (x->type != TY_BOOL) {
				expr_err(p, x->pos, x->len, "'%s' needs conditions on both sides, found %s",
				    n->op == TK_AND ? "and" : "or", ty_name(x));
				return false;
			}
		}
		n->type = TY_BOOL;
		return true;
	case TK_EQ:
	case TK_NE:
		/* words compare with words of the same list */
		if (a->type == TY_SYM && b->type == TY_WORD)
			return resolve_word(p, b, a->domain, a) && ((n->type = TY_BOOL), true);
		if (b->type == TY_SYM && a->type == TY_WORD)
			return resolve_word(p, a, b->domain, b) && ((n->type = TY_BOOL), true);
		/* "state == rosc" where rosc is also a variable's name: read it as a word of the left side */
		if (a->type == TY_SYM && b->type == TY_SYM && a->domain != b->domain) {
			if (b->kind == N_VAR && in_domain(p, a->domain, p->scn->vars[b->ref].name))
				return resolve_word(p, b, a->domain, a) && ((n->type = TY_BOOL), true);
			if (a->kind == N_VAR && in_domain(p, b->domain, p->scn->vars[a->ref].name))
				return resolve_word(p, a, b->domain, b) && ((n->type = TY_BOOL), true);
		}
		if (a->type == TY_SYM || b->type == TY_SYM) {
			if (a->type == TY_SYM && b->type == TY_SYM && a->domain == b->domain) {
				n->type = TY_BOOL;
				return true;
			}
			node *x = a->type == TY_SYM ? b : a;
			expr_err(p, x->pos, x->len, "cannot compare a word with %s", ty_name(x));
			return false;
		}
		if (a->type == TY_BOOL && b->type == TY_BOOL) {
			n->type = TY_BOOL;
			return true;
		}
		/* fall through: numbers */
		/* fallthrough */
	case TK_LT:
	case TK_LE:
	case TK_GT:
	case TK_GE:
	case TK_PLUS:
	case TK_MINUS:
		for (int i = 0; i < 2; i++) {
			node *x = i ? b : a;
			if (x->type == TY_WORD) {
				word_error(p, x);
				return false;
			}
			if (x->type != TY_NUM) {
				expr_err(p, x->pos, x->len, "expected a number here, found %s", ty_name(x));
				return false;
			}
		}
		if (!a->bare && !b->bare && a->dim != b->dim) {
			expr_err(p, b->pos, b->len, "unit mismatch: %s is compared with %s", ty_name(a), ty_name(b));
			return false;
		}
		if ((a->bare && !b->bare && b->dim == SCRUB_DIM_TIME) || (b->bare && !a->bare && a->dim == SCRUB_DIM_TIME)) {
			node *x = a->bare ? a : b;
			expr_err(p, x->pos, x->len, "write the unit of this time: '%.*s s' or '%.*s min'", (int)x->len, p->src + x->pos,
			    (int)x->len, p->src + x->pos);
			return false;
		}
		n->type = expr_is_cmp(n->op) ? TY_BOOL : TY_NUM;
		n->dim = a->bare ? b->dim : a->dim;
		n->bare = a->bare && b->bare;
		return true;
	case TK_STAR:
	case TK_SLASH:
		for (int i = 0; i < 2; i++) {
			node *x = i ? b : a;
			if (x->type == TY_WORD) {
				word_error(p, x);
				return false;
			}
			if (x->type != TY_NUM) {
				expr_err(p, x->pos, x->len, "expected a number here, found %s", ty_name(x));
				return false;
			}
		}
		if (!a->bare && !b->bare && a->dim != SCRUB_DIM_NONE && b->dim != SCRUB_DIM_NONE) {
			expr_err(p, n->pos, n->len, "only a plain number can multiply or divide a quantity with a unit");
			return false;
		}
		n->type = TY_NUM;
		n->dim = a->bare || a->dim == SCRUB_DIM_NONE ? b->dim : a->dim;
		n->bare = a->bare && b->bare;
		return true;
	default:
		expr_err(p, n->pos, n->len, "unexpected operator");
		return false;
	}
}

/* The unit a bare number adopts from the other side (so "spo2 < 88" means 88 %). */
static double adopt_factor(const parser *p, const node *other)
{
	switch (other->kind) {
	case N_VAR: {
		const scn_var *v = &p->scn->vars[other->ref];
		return v->unit && !v->is_symbol ? v->unit->factor : 1.0;
	}
	case N_NUM:
		return other->unit ? other->unit->factor : 1.0;
	case N_NEG:
		return adopt_factor(p, other->a);
	case N_BIN:
		return adopt_factor(p, other->a->bare ? other->b : other->a);
	default:
		return 1.0;
	}
}

/* ---- code ---- */

typedef struct emitter {
	insn *code;
	int n, cap;
	int sp, max_sp;
	bool oom;
} emitter;

static int emit(emitter *e, opcode o, int32_t i, double k, int stack)
{
	if (e->n == e->cap) {
		int cap = e->cap ? e->cap * 2 : 32;
		insn *c = realloc(e->code, (size_t)cap * sizeof *c);
		if (!c) {
			e->oom = true;
			return -1;
		}
		e->code = c;
		e->cap = cap;
	}
	e->code[e->n] = (insn){.op = (uint8_t)o, .i = i, .k = k};
	e->sp += stack;
	if (e->sp > e->max_sp)
		e->max_sp = e->sp;
	return e->n++;
}

/* Values on the stack are in base units; `scale` converts a bare number into the other side's. */
static void gen(const parser *p, emitter *e, const node *n, double scale)
{
	switch (n->kind) {
	case N_NUM:
		if (n->type == TY_SYM)
			emit(e, OP_CONST, 0, n->num, 1);
		else
			emit(e, OP_CONST, 0, n->num * (n->unit ? n->unit->factor : scale), 1);
		return;
	case N_BOOL: emit(e, OP_CONST, 0, n->num, 1); return;
	case N_VAR: {
		const scn_var *v = &p->scn->vars[n->ref];
		emit(e, OP_VAR, n->ref, v->unit && !v->is_symbol ? v->unit->factor : 1.0, 1);
		return;
	}
	case N_TIME: emit(e, OP_TIME, 0, 0, 1); return;
	case N_TIS: emit(e, OP_TIS, 0, 0, 1); return;
	case N_STATE: emit(e, OP_STATE, 0, 0, 1); return;
	case N_COUNT: emit(e, OP_COUNT, n->ref, 0, 1); return;
	case N_SINCE: emit(e, OP_SINCE, n->ref, 0, 1); return;
	case N_DONE: emit(e, OP_DONE, n->ref, 0, 1); return;
	case N_TALLY: emit(e, OP_TALLY, n->ref, 0, 1); return;
	case N_WORD: emit(e, OP_CONST, 0, n->num, 1); return;
	case N_NEG: gen(p, e, n->a, scale); emit(e, OP_NEG, 0, 0, 0); return;
	case N_NOT: gen(p, e, n->a, 1.0); emit(e, OP_NOT, 0, 0, 0); return;
	case N_BIN: break;
	}
	if (n->op == TK_AND || n->op == TK_OR) {
		gen(p, e, n->a, 1.0);
		int j = emit(e, n->op == TK_AND ? OP_JF : OP_JT, 0, 0, -1);
		gen(p, e, n->b, 1.0);
		if (j >= 0)
			e->code[j].i = e->n;
		return;
	}
	double sa = scale, sb = scale;
	if (n->op != TK_STAR && n->op != TK_SLASH) {
		if (n->a->bare && !n->b->bare)
			sa = adopt_factor(p, n->b);
		if (n->b->bare && !n->a->bare)
			sb = adopt_factor(p, n->a);
	} else {
		/* In a product or quotient only one factor carries the unit: "2 * 4" next to a kPa
		 * variable is 8 kPa, not 2 kPa * 4 kPa; "2 * hr" scales hr. */
		if (n->a->bare && n->b->bare) {
			sb = 1.0;
		} else if (n->a->bare) {
			sa = 1.0;
		} else if (n->b->bare) {
			sb = 1.0;
		}
	}
	gen(p, e, n->a, sa);
	gen(p, e, n->b, sb);
	opcode o;
	switch (n->op) {
	case TK_PLUS: o = OP_ADD; break;
	case TK_MINUS: o = OP_SUB; break;
	case TK_STAR: o = OP_MUL; break;
	case TK_SLASH: o = OP_DIV; break;
	case TK_LT: o = OP_LT; break;
	case TK_LE: o = OP_LE; break;
	case TK_GT: o = OP_GT; break;
	case TK_GE: o = OP_GE; break;
	case TK_EQ: o = OP_EQ; break;
	default: o = OP_NE; break;
	}
	emit(e, o, 0, 0, -1);
}

expr_prog *expr_compile(const char *src, size_t len, int line, int col, scenario *scn,
                        scrub_arena *arena, scrub_diags *diags)
{
	parser p = {.src = src, .len = len, .line = line, .col = col, .scn = scn, .arena = arena, .diags = diags};
	if (len > EXPR_MAX_LEN) {
		expr_err(&p, 0, 1, "the condition is %zu characters long; conditions are limited to %d", len, EXPR_MAX_LEN);
		return NULL;
	}
	if (len == 0) {
		expr_err(&p, 0, 1, "empty condition; expected something like 'spo2 < 88 and time_in_state > 30 s'");
		return NULL;
	}
	expr_next(&p);
	node *root = p.failed ? NULL : expr_parse_or(&p);
	if (root && p.tok.kind != TK_END) {
		char b[64];
		if (p.tok.kind == TK_BAD)
			expr_err(&p, p.tok.pos, p.tok.len, "unexpected %s in the condition", expr_tok_text(&p, &p.tok, b, sizeof b));
		else
			expr_err(&p, p.tok.pos, p.tok.len, "expected 'and', 'or' or the end of the condition, found %s",
			    expr_tok_text(&p, &p.tok, b, sizeof b));
		root = NULL;
	}
	if (!root || p.failed)
		return NULL;
	if (!check(&p, root))
		return NULL;
	if (root->type != TY_BOOL) {
		if (root->type == TY_WORD)
			word_error(&p, root);
		else
			expr_err(&p, root->pos, root->len, "a condition must be true or false, but this is %s; compare it, e.g. '%.*s > ...'",
			    ty_name(root), (int)root->len, src + root->pos);
		return NULL;
	}
	emitter e = {0};
	gen(&p, &e, root, 1.0);
	jmp_buf *jump = scrub_arena_nojump(arena); /* e.code is ours until copied */
	expr_prog *prog = SCRUB_ARENA_NEW(arena, expr_prog, 1);
	if (prog && !e.oom)
		prog->code = SCRUB_ARENA_NEW(arena, insn, e.n);
	scrub_arena_jump(arena, jump);
	if (e.oom || !prog || !prog->code) {
		free(e.code);
		if (jump)
			longjmp(*jump, 1); /* out of memory: the loader's way out */
		return NULL;
	}
	memcpy(prog->code, e.code, (size_t)e.n * sizeof *e.code);
	free(e.code);
	prog->n = e.n;
	prog->max_stack = e.max_sp;
	prog->src = scrub_arena_strndup(arena, src, len);
	return prog;
}

const char *expr_source(const expr_prog *p)
{
	return p->src;
}

bool expr_eval(const expr_prog *p, const expr_env *env)
{
	double st[EXPR_MAX_NODES + 1];
	int sp = 0;
	for (int pc = 0; pc < p->n; pc++) {
		const insn *in = &p->code[pc];
		switch ((opcode)in->op) {
		case OP_CONST: st[sp++] = in->k; break;
		case OP_VAR: st[sp++] = env->vars[in->i] * in->k; break;
		case OP_TIME: st[sp++] = env->time; break;
		case OP_TIS: st[sp++] = env->time_in_state; break;
		case OP_STATE: st[sp++] = env->state; break;
		case OP_COUNT: st[sp++] = env->action_count[in->i]; break;
		case OP_SINCE: st[sp++] = env->action_last[in->i] < 0 ? INFINITY : env->time - env->action_last[in->i]; break;
		case OP_DONE: st[sp++] = env->item_done[in->i]; break;
		case OP_TALLY: st[sp++] = env->tally ? env->tally[in->i] : 0; break;
		case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
		case OP_SUB: sp--; st[sp - 1] -= st[sp]; break;
		case OP_MUL: sp--; st[sp - 1] *= st[sp]; break;
		case OP_DIV: sp--; st[sp - 1] = st[sp] != 0 ? st[sp - 1] / st[sp] : 0; break;
		case OP_NEG: st[sp - 1] = -st[sp - 1]; break;
		case OP_LT: sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
		case OP_LE: sp--; st[sp - 1] = st[sp - 1] <= st[sp]; break;
		case OP_GT: sp--; st[sp - 1] = st[sp - 1] > st[sp]; break;
		case OP_GE: sp--; st[sp - 1] = st[sp - 1] >= st[sp]; break;
		case OP_EQ: sp--; st[sp - 1] = st[sp - 1] == st[sp]; break;
		case OP_NE: sp--; st[sp - 1] = st[sp - 1] != st[sp]; break;
		case OP_NOT: st[sp - 1] = st[sp - 1] == 0; break;
		case OP_JF: if (st[sp - 1] == 0) pc = in->i - 1; else sp--; break;
		case OP_JT: if (st[sp - 1] != 0) pc = in->i - 1; else sp--; break;
		}
	}
	return sp > 0 && st[sp - 1] != 0;
}
