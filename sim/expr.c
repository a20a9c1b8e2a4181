#include "expr.h"
#include "script.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---- */

typedef enum tok_kind {
	TK_END, TK_NUM, TK_IDENT, TK_LP, TK_RP,
	TK_OR, TK_AND, TK_NOT,
	TK_LT, TK_LE, TK_GT, TK_GE, TK_EQ, TK_NE,
	TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_COMMA, TK_BAD,
} tok_kind;

typedef struct token {
	tok_kind kind;
	size_t pos, len;
	double num;
	const scrub_unit *unit; /* TK_NUM */
} token;

/* ---- AST ---- */

typedef enum ty { TY_NUM, TY_BOOL, TY_SYM, TY_WORD } ty;

#define DOMAIN_STATE (-2)

typedef enum node_kind {
	N_NUM, N_BOOL, N_VAR, N_TIME, N_TIS, N_STATE, N_COUNT, N_SINCE, N_DONE, N_WORD,
	N_TALLY,               /* count(action, param == word...) or total(action, param, ...): ref = tally */
	N_NEG, N_NOT, N_BIN,
} node_kind;

typedef struct node {
	node_kind kind;
	tok_kind op;           /* N_BIN */
	struct node *a, *b;
	double num;            /* N_NUM value as written; N_BOOL */
	const scrub_unit *unit;/* N_NUM */
	int ref;               /* var, action, item index */
	size_t pos, len;       /* in the source, for messages */
	/* type */
	ty type;
	scrub_dim dim;
	bool bare;             /* a number written without unit: takes the other side's unit */
	int domain;            /* TY_SYM: variable index or DOMAIN_STATE */
} node;

typedef enum opcode {
	OP_CONST, OP_VAR, OP_TIME, OP_TIS, OP_STATE, OP_COUNT, OP_SINCE, OP_DONE, OP_TALLY,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG,
	OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_NOT,
	OP_JF, OP_JT, /* short circuit: if top is false/true jump (keeping it), else pop */
} opcode;

typedef struct insn {
	uint8_t op;
	int32_t i;
	double k;
} insn;

struct expr_prog {
	const char *src;
	insn *code;
	int n;
	int max_stack;
};

typedef struct parser {
	const char *src;
	size_t len;
	size_t pos;
	token tok;
	int line, col;
	scenario *scn;
	scrub_arena *arena;
	scrub_diags *diags;
	int nodes;
	int depth;
	bool failed;
} parser;

static void err(parser *p, size_t pos, size_t len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void err(parser *p, size_t pos, size_t len, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!p->failed)
		scrub_diag_add(p->diags, SCRUB_SEV_ERROR, SCRUB_DIAG_EXPR, p->line, p->col + (int)pos,
		               len ? (int)len : 1, "%s", msg);
	p->failed = true;
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static void next(parser *p)
{
	const char *s = p->src;
	size_t n = p->len, i = p->pos;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	token t = {.pos = i};
	if (i >= n) {
		t.kind = TK_END;
	} else if (isdigit((unsigned char)s[i]) || (s[i] == '.' && i + 1 < n && isdigit((unsigned char)s[i + 1]))) {
		size_t j = i;
		while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.'))
			j++;
		char buf[64];
		size_t l = j - i < sizeof buf - 1 ? j - i : sizeof buf - 1;
		memcpy(buf, s + i, l);
		buf[l] = '\0';
		char *end;
		t.num = strtod(buf, &end);
		if (*end != '\0' || !isfinite(t.num)) {
			t.kind = TK_BAD;
			t.len = j - i;
			p->tok = t;
			p->pos = j;
			return;
		}
		t.kind = TK_NUM;
		/* A unit may follow: "30 s", "2 min", "88 %", "120/min". */
		size_t k = j;
		while (k < n && s[k] == ' ')
			k++;
		size_t us = k;
		if (k < n && (isalpha((unsigned char)s[k]) || s[k] == '%' || s[k] == '/' || (unsigned char)s[k] >= 0x80)) {
			size_t e = k;
			if (s[e] == '/')
				e++;
			while (e < n && (isalnum((unsigned char)s[e]) || s[e] == '%' || s[e] == '/' || (unsigned char)s[e] >= 0x80))
				e++;
			const scrub_unit *u = e > us ? scrub_unit_find(s + us, e - us) : NULL;
			if (u) {
				t.unit = u;
				j = e;
			} else if (s[k] != '/' && !(e - us == 2 && memcmp(s + us, "or", 2) == 0) &&
			           !(e - us == 3 && memcmp(s + us, "and", 3) == 0)) {
				/* A word right after a number must be a unit. */
				t.kind = TK_BAD;
				t.pos = us;
				t.len = e - us;
				p->tok = t;
				p->pos = e;
				const scrub_unit *su = scrub_unit_suggest(s + us, e - us, SCRUB_DIM_NONE);
				err(p, us, e - us, "unknown unit '%.*s' after the number%s%s%s", (int)(e - us), s + us, su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "");
				return;
			}
		}
		t.len = j - i;
		i = j;
	} else if (isalpha((unsigned char)s[i]) || s[i] == '_') {
		size_t j = i;
		while (j < n && ident_char(s[j]))
			j++;
		t.len = j - i;
		if (t.len == 3 && memcmp(s + i, "and", 3) == 0)
			t.kind = TK_AND;
		else if (t.len == 2 && memcmp(s + i, "or", 2) == 0)
			t.kind = TK_OR;
		else if (t.len == 3 && memcmp(s + i, "not", 3) == 0)
			t.kind = TK_NOT;
		else
			t.kind = TK_IDENT;
		i = j;
	} else {
		char c = s[i], d = i + 1 < n ? s[i + 1] : '\0';
		t.len = 1;
		switch (c) {
		case '(': t.kind = TK_LP; break;
		case ')': t.kind = TK_RP; break;
		case '+': t.kind = TK_PLUS; break;
		case '-': t.kind = TK_MINUS; break;
		case '*': t.kind = TK_STAR; break;
		case '/': t.kind = TK_SLASH; break;
		case ',': t.kind = TK_COMMA; break;
		case '<': if (d == '=') { t.kind = TK_LE; t.len = 2; } else t.kind = TK_LT; break;
		case '>': if (d == '=') { t.kind = TK_GE; t.len = 2; } else t.kind = TK_GT; break;
		case '=': t.kind = TK_EQ; if (d == '=') t.len = 2; break;
		case '!': if (d == '=') { t.kind = TK_NE; t.len = 2; } else t.kind = TK_NOT; break;
		case '&': if (d == '&') { t.kind = TK_AND; t.len = 2; } else t.kind = TK_BAD; break;
		case '|': if (d == '|') { t.kind = TK_OR; t.len = 2; } else t.kind = TK_BAD; break;
		default: t.kind = TK_BAD;
			/* one UTF-8 character */
			while (i + t.len < n && ((unsigned char)s[i + t.len] & 0xC0) == 0x80)
				t.len++;
		}
		i += t.len;
	}
	p->tok = t;
	p->pos = i;
}

static node *mk(parser *p, node_kind k, size_t pos, size_t len)
{
	if (++p->nodes > EXPR_MAX_NODES) {
		err(p, pos, len, "the condition is too long (more than %d terms)", EXPR_MAX_NODES);
		return NULL;
	}
	node *n = SCRUB_ARENA_NEW(p->arena, node, 1);
	if (!n) {
		p->failed = true;
		return NULL;
	}
	n->kind = k;
	n->pos = pos;
	n->len = len;
	return n;
}

static node *parse_or(parser *p);

static const char *tok_text(parser *p, const token *t, char *buf, size_t size)
{
	if (t->kind == TK_END)
		return "the end of the condition";
	snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), p->src + t->pos);
	return buf;
}

static void expected(parser *p, const char *what)
{
	char buf[64];
	err(p, p->tok.pos, p->tok.len, "expected %s, found %s", what, tok_text(p, &p->tok, buf, sizeof buf));
}

static const char *builtin_names[] = {"time", "time_in_state", "state", "count", "since", "done", "total", "true", "false"};

/* did-you-mean over variables and built-ins */
static const char *suggest_name(parser *p, const char *w)
{
	const char *cands[300];
	size_t n = 0;
	for (size_t i = 0; i < sizeof builtin_names / sizeof *builtin_names; i++)
		cands[n++] = builtin_names[i];
	for (int i = 0; i < p->scn->nvars && n < 300; i++)
		cands[n++] = p->scn->vars[i].name;
	return scrub_suggest(w, cands, n);
}

/* The rest of count(ACTION, PARAM == WORD, ...) or total(ACTION, PARAM, PARAM == WORD, ...), after
 * the action: a tally the session keeps of the delivered actions that match. */
static bool parse_tally(parser *p, node *n, bool total)
{
	const act_def *def = actions_get((act_id)n->ref);
	scn_tally t;
	memset(&t, 0, sizeof t); /* tallies are compared with memcmp: no stray padding */
	t.action = (act_id)n->ref;
	t.param = -1;
	char word[128];
	if (total) {
		if (p->tok.kind != TK_COMMA) {
			expected(p, "',' and the parameter to add up, e.g. total(give_drug, dose, drug == atropine)");
			return false;
		}
		next(p);
		token pt = p->tok;
		snprintf(word, sizeof word, "%.*s", (int)(pt.len < 127 ? pt.len : 127), p->src + pt.pos);
		int pi = pt.kind == TK_IDENT ? act_param_find(def, word, strlen(word)) : -1;
		if (pi < 0 || (def->params[pi].kind != ACT_PARAM_QUANTITY && def->params[pi].kind != ACT_PARAM_COUNT)) {
			char list[256] = "";
			size_t l = 0;
			for (int k = 0; k < ACT_MAX_PARAMS && def->params[k].name && l < sizeof list - 40; k++)
				if (def->params[k].kind == ACT_PARAM_QUANTITY || def->params[k].kind == ACT_PARAM_COUNT)
					l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", def->params[k].name);
			err(p, pt.pos, pt.len, "total(%s, ...) adds up a number parameter of %s: %s", def->name, def->name,
			    l ? list : "it has none");
			return false;
		}
		t.param = pi;
		next(p);
	}
	while (p->tok.kind == TK_COMMA) {
		next(p);
		token pt = p->tok;
		snprintf(word, sizeof word, "%.*s", (int)(pt.len < 127 ? pt.len : 127), p->src + pt.pos);
		int pi = pt.kind == TK_IDENT ? act_param_find(def, word, strlen(word)) : -1;
		if (pi < 0 || def->params[pi].kind != ACT_PARAM_SYMBOL) {
			err(p, pt.pos, pt.len, "expected a word parameter of %s and its value, e.g. %s == ...", def->name,
			    pi >= 0 ? def->params[pi].name : "drug");
			return false;
		}
		next(p);
		if (p->tok.kind != TK_EQ) {
			expected(p, "'=='");
			return false;
		}
		next(p);
		token wt = p->tok;
		snprintf(word, sizeof word, "%.*s", (int)(wt.len < 127 ? wt.len : 127), p->src + wt.pos);
		const act_param_def *pd = &def->params[pi];
		if (wt.kind != TK_IDENT) {
			err(p, wt.pos, wt.len, "'%s' is not a value of %s", word, pd->name);
			return false;
		}
		/* read as in a script: a drug's aliases are that drug, and one drug is never suggested for another */
		act_value v = {0};
		char why[1400];
		if (script_parse_value(pd, word, strlen(word), NULL, &v, why, sizeof why)) {
			err(p, wt.pos, wt.len, "%s", why);
			return false;
		}
		int sym = v.sym;
		if (t.n >= ACT_MAX_PARAMS) {
			err(p, wt.pos, wt.len, "too many conditions in one tally");
			return false;
		}
		int c = -1;
		for (int k = 0; k < t.n; k++)
			if (t.c[k].param == pi)
				c = k;
		if (c < 0) {
			c = t.n++;
			t.c[c].param = pi;
			t.c[c].is_symbol = true;
		}
		t.c[c].symbols |= 1ull << sym; /* the same parameter twice: either word */
		next(p);
	}
	/* one tally per distinct condition, shared by every expression that asks for it */
	int ref = -1;
	for (int k = 0; k < p->scn->ntallies && ref < 0; k++)
		if (memcmp(&p->scn->tallies[k], &t, sizeof t) == 0)
			ref = k;
	if (ref < 0) {
		if (p->scn->ntallies >= SCN_MAX_TALLIES) {
			err(p, n->pos, 1, "a scenario may keep at most %d different count(...)/total(...) tallies", SCN_MAX_TALLIES);
			return false;
		}
		ref = p->scn->ntallies++;
		p->scn->tallies[ref] = t;
	}
	n->kind = N_TALLY;
	n->ref = ref;
	return true;
}

static node *parse_call(parser *p, token name)
{
	const char *s = p->src + name.pos;
	bool total = name.len == 5 && memcmp(s, "total", 5) == 0;
	node_kind k = name.len == 5 && memcmp(s, "count", 5) == 0 ? N_COUNT
	            : name.len == 5 && memcmp(s, "since", 5) == 0 ? N_SINCE
	            : total ? N_TALLY
	            : N_DONE;
	next(p); /* ( */
	token arg = p->tok;
	if (arg.kind != TK_IDENT) {
		expected(p, k == N_DONE ? "a checklist item id" : "an action name");
		return NULL;
	}
	node *n = mk(p, k, name.pos, 0);
	if (!n)
		return NULL;
	char word[128];
	snprintf(word, sizeof word, "%.*s", (int)(arg.len < 127 ? arg.len : 127), p->src + arg.pos);
	if (k == N_DONE) {
		n->ref = scenario_find_item(p->scn, word);
		if (n->ref < 0) {
			const char *c[512];
			size_t nc = 0;
			for (int i = 0; i < p->scn->checklist.n && nc < 512; i++)
				c[nc++] = p->scn->checklist.items[i].id;
			const char *sug = scrub_suggest(word, c, nc);
			err(p, arg.pos, arg.len, "unknown checklist item '%s' in done(...)%s%s%s", word,
			    sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
			return NULL;
		}
	} else {
		act_id a = actions_find_in(&p->scn->actions, word, strlen(word));
		if (a == ACT_NONE && actions_declared_broken(&p->scn->actions, word, strlen(word))) {
			err(p, arg.pos, arg.len, "action '%s' cannot be counted: its declaration in 'actions:' has errors", word);
			return NULL;
		}
		if (a == ACT_NONE) {
			const char *sug = actions_suggest(&p->scn->actions, word);
			err(p, arg.pos, arg.len, "unknown action '%s' in %.*s(...)%s%s%s", word, (int)name.len, s,
			    sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
			return NULL;
		}
		n->ref = a;
	}
	next(p);
	if ((k == N_COUNT || k == N_TALLY) && (p->tok.kind == TK_COMMA || total)) {
		if (!parse_tally(p, n, total))
			return NULL;
	}
	if (p->tok.kind != TK_RP) {
		expected(p, k == N_COUNT || k == N_TALLY ? "',' or ')'" : "')'");
		return NULL;
	}
	n->len = p->tok.pos + 1 - name.pos;
	next(p);
	return n;
}

static node *parse_primary(parser *p)
{
	token t = p->tok;
	if (++p->depth > 32) {
		err(p, t.pos, t.len, "the condition is nested too deeply");
		return NULL;
	}
	node *n = NULL;
	switch (t.kind) {
	case TK_NUM:
		n = mk(p, N_NUM, t.pos, t.len);
		if (n) {
			n->num = t.num;
			n->unit = t.unit;
		}
		next(p);
		break;
	case TK_LP:
		next(p);
		n = parse_or(p);
		if (!n)
			break;
		if (p->tok.kind != TK_RP) {
			char b[64];
			err(p, p->tok.pos, p->tok.len, "expected ')' to close the '(' at column %d, found %s",
			    p->col + (int)t.pos, tok_text(p, &p->tok, b, sizeof b));
			n = NULL;
			break;
		}
		next(p);
		break;
	case TK_IDENT: {
		const char *s = p->src + t.pos;
		size_t l = t.len;
		next(p);
		bool call = p->tok.kind == TK_LP;
		if ((l == 5 && (memcmp(s, "count", 5) == 0 || memcmp(s, "since", 5) == 0 || memcmp(s, "total", 5) == 0)) ||
		    (l == 4 && memcmp(s, "done", 4) == 0)) {
			if (!call) {
				err(p, t.pos, l, "'%.*s' needs a name in parentheses, e.g. %.*s(shock)", (int)l, s, (int)l, s);
				break;
			}
			n = parse_call(p, t);
			break;
		}
		if (call) {
			err(p, t.pos, l, "unknown function '%.*s' (expected count, total, since or done)", (int)l, s);
			break;
		}
		n = mk(p, N_WORD, t.pos, l);
		if (!n)
			break;
		if (l == 4 && memcmp(s, "true", 4) == 0) {
			n->kind = N_BOOL;
			n->num = 1;
		} else if (l == 5 && memcmp(s, "false", 5) == 0) {
			n->kind = N_BOOL;
			n->num = 0;
		} else if (l == 4 && memcmp(s, "time", 4) == 0) {
			n->kind = N_TIME;
		} else if (l == 13 && memcmp(s, "time_in_state", 13) == 0) {
			n->kind = N_TIS;
		} else if (l == 5 && memcmp(s, "state", 5) == 0) {
			n->kind = N_STATE;
		} else {
			int v = scenario_find_var(p->scn, s, l);
			if (v >= 0) {
				n->kind = N_VAR;
				n->ref = v;
			}
			/* else: a word, resolved against the other side of == / != */
		}
		break;
	}
	default:
		expected(p, "a value, a variable name or '('");
		break;
	}
	p->depth--;
	return n;
}

/* A prefix operator ('-' or 'not') and its operand, which may itself start with the operator. */
static node *parse_prefix(parser *p, tok_kind op, node_kind kind, node *(*self)(parser *), node *(*below)(parser *))
{
	if (p->tok.kind != op)
		return below(p);
	token t = p->tok;
	next(p);
	if (++p->depth > 32) {
		err(p, t.pos, t.len, "the condition is nested too deeply");
		return NULL;
	}
	node *a = self(p);
	p->depth--;
	if (!a)
		return NULL;
	node *n = mk(p, kind, t.pos, a->pos + a->len - t.pos);
	if (n)
		n->a = a;
	return n;
}

static node *parse_unary(parser *p)
{
	return parse_prefix(p, TK_MINUS, N_NEG, parse_unary, parse_primary);
}

static node *bin(parser *p, token op, node *a, node *b)
{
	node *n = mk(p, N_BIN, a->pos, b->pos + b->len - a->pos);
	if (!n)
		return NULL;
	n->op = op.kind;
	n->a = a;
	n->b = b;
	return n;
}

/* One left-associative level: below ((op1 | op2) below)*. */
static node *parse_level(parser *p, node *(*below)(parser *), tok_kind op1, tok_kind op2)
{
	node *a = below(p);
	while (a && (p->tok.kind == op1 || p->tok.kind == op2)) {
		token op = p->tok;
		next(p);
		node *b = below(p);
		a = b ? bin(p, op, a, b) : NULL;
	}
	return a;
}

static node *parse_mul(parser *p) { return parse_level(p, parse_unary, TK_STAR, TK_SLASH); }
static node *parse_add(parser *p) { return parse_level(p, parse_mul, TK_PLUS, TK_MINUS); }

static bool is_cmp(tok_kind k) { return k >= TK_LT && k <= TK_NE; }

static node *parse_cmp(parser *p)
{
	node *a = parse_add(p);
	if (a && is_cmp(p->tok.kind)) {
		token op = p->tok;
		next(p);
		node *b = parse_add(p);
		a = b ? bin(p, op, a, b) : NULL;
		if (a && is_cmp(p->tok.kind)) {
			err(p, p->tok.pos, p->tok.len, "comparisons cannot be chained; write 'a < b and b < c'");
			return NULL;
		}
	}
	return a;
}

static node *parse_not(parser *p)
{
	return parse_prefix(p, TK_NOT, N_NOT, parse_not, parse_cmp);
}

static node *parse_and(parser *p) { return parse_level(p, parse_not, TK_AND, TK_AND); }
static node *parse_or(parser *p) { return parse_level(p, parse_and, TK_OR, TK_OR); }

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
	const char *sug = suggest_name(p, w);
	err(p, n->pos, n->len, "unknown name '%s'%s%s%s; expected a variable (declared under variables:), time, time_in_state, state, count(action), since(action) or done(item)",
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
				err(p, w->pos, w->len, "unknown state '%s' (did you mean '%s'?)", word, sug);
			else
				err(p, w->pos, w->len, "unknown state '%s'; the states are: %s", word, list);
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
			err(p, w->pos, w->len, "'%s' is not a value of '%s'%s%s%s (expected one of: %s)", word, v->name,
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
			err(p, n->a->pos, n->a->len, "'-' needs a number, found %s", ty_name(n->a));
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
				err(p, n->a->pos, n->a->len, "'not' needs a condition (true/false), found %s", ty_name(n->a));
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
				err(p, x->pos, x->len, "'%s' needs conditions on both sides, found %s",
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
			err(p, x->pos, x->len, "cannot compare a word with %s", ty_name(x));
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
				err(p, x->pos, x->len, "expected a number here, found %s", ty_name(x));
				return false;
			}
		}
		if (!a->bare && !b->bare && a->dim != b->dim) {
			err(p, b->pos, b->len, "unit mismatch: %s is compared with %s", ty_name(a), ty_name(b));
			return false;
		}
		if ((a->bare && !b->bare && b->dim == SCRUB_DIM_TIME) || (b->bare && !a->bare && a->dim == SCRUB_DIM_TIME)) {
			node *x = a->bare ? a : b;
			err(p, x->pos, x->len, "write the unit of this time: '%.*s s' or '%.*s min'", (int)x->len, p->src + x->pos,
			    (int)x->len, p->src + x->pos);
			return false;
		}
		n->type = is_cmp(n->op) ? TY_BOOL : TY_NUM;
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
				err(p, x->pos, x->len, "expected a number here, found %s", ty_name(x));
				return false;
			}
		}
		if (!a->bare && !b->bare && a->dim != SCRUB_DIM_NONE && b->dim != SCRUB_DIM_NONE) {
			err(p, n->pos, n->len, "only a plain number can multiply or divide a quantity with a unit");
			return false;
		}
		n->type = TY_NUM;
		n->dim = a->bare || a->dim == SCRUB_DIM_NONE ? b->dim : a->dim;
		n->bare = a->bare && b->bare;
		return true;
	default:
		err(p, n->pos, n->len, "unexpected operator");
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
		err(&p, 0, 1, "the condition is %zu characters long; conditions are limited to %d", len, EXPR_MAX_LEN);
		return NULL;
	}
	if (len == 0) {
		err(&p, 0, 1, "empty condition; expected something like 'spo2 < 88 and time_in_state > 30 s'");
		return NULL;
	}
	next(&p);
	node *root = p.failed ? NULL : parse_or(&p);
	if (root && p.tok.kind != TK_END) {
		char b[64];
		if (p.tok.kind == TK_BAD)
			err(&p, p.tok.pos, p.tok.len, "unexpected %s in the condition", tok_text(&p, &p.tok, b, sizeof b));
		else
			err(&p, p.tok.pos, p.tok.len, "expected 'and', 'or' or the end of the condition, found %s",
			    tok_text(&p, &p.tok, b, sizeof b));
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
			err(&p, root->pos, root->len, "a condition must be true or false, but this is %s; compare it, e.g. '%.*s > ...'",
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
