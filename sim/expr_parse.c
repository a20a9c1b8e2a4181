/* Expressions: tokens and the parser into a tree of nodes. */
#include "expr_internal.h"
#include "script.h"

#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void expr_err(parser *p, size_t pos, size_t len, const char *fmt, ...)
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

void expr_next(parser *p)
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
				expr_err(p, us, e - us, "unknown unit '%.*s' after the number%s%s%s", (int)(e - us), s + us, su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "");
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
		expr_err(p, pos, len, "the condition is too long (more than %d terms)", EXPR_MAX_NODES);
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


const char *expr_tok_text(parser *p, const token *t, char *buf, size_t size)
{
	if (t->kind == TK_END)
		return "the end of the condition";
	snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), p->src + t->pos);
	return buf;
}

static void expected(parser *p, const char *what)
{
	char buf[64];
	expr_err(p, p->tok.pos, p->tok.len, "expected %s, found %s", what, expr_tok_text(p, &p->tok, buf, sizeof buf));
}

static const char *builtin_names[] = {"time", "time_in_state", "state", "count", "since", "done", "total", "true", "false"};

/* did-you-mean over variables and built-ins */
const char *expr_suggest_name(parser *p, const char *w)
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
		expr_next(p);
		token pt = p->tok;
		snprintf(word, sizeof word, "%.*s", (int)(pt.len < 127 ? pt.len : 127), p->src + pt.pos);
		int pi = pt.kind == TK_IDENT ? act_param_find(def, word, strlen(word)) : -1;
		if (pi < 0 || (def->params[pi].kind != ACT_PARAM_QUANTITY && def->params[pi].kind != ACT_PARAM_COUNT)) {
			char list[256] = "";
			size_t l = 0;
			for (int k = 0; k < ACT_MAX_PARAMS && def->params[k].name && l < sizeof list - 40; k++)
				if (def->params[k].kind == ACT_PARAM_QUANTITY || def->params[k].kind == ACT_PARAM_COUNT)
					l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", def->params[k].name);
			expr_err(p, pt.pos, pt.len, "total(%s, ...) adds up a number parameter of %s: %s", def->name, def->name,
			    l ? list : "it has none");
			return false;
		}
		t.param = pi;
		expr_next(p);
	}
	while (p->tok.kind == TK_COMMA) {
		expr_next(p);
		token pt = p->tok;
		snprintf(word, sizeof word, "%.*s", (int)(pt.len < 127 ? pt.len : 127), p->src + pt.pos);
		int pi = pt.kind == TK_IDENT ? act_param_find(def, word, strlen(word)) : -1;
		if (pi < 0 || def->params[pi].kind != ACT_PARAM_SYMBOL) {
			expr_err(p, pt.pos, pt.len, "expected a word parameter of %s and its value, e.g. %s == ...", def->name,
			    pi >= 0 ? def->params[pi].name : "drug");
			return false;
		}
		expr_next(p);
		if (p->tok.kind != TK_EQ) {
			expected(p, "'=='");
			return false;
		}
		expr_next(p);
		token wt = p->tok;
		snprintf(word, sizeof word, "%.*s", (int)(wt.len < 127 ? wt.len : 127), p->src + wt.pos);
		const act_param_def *pd = &def->params[pi];
		if (wt.kind != TK_IDENT) {
			expr_err(p, wt.pos, wt.len, "'%s' is not a value of %s", word, pd->name);
			return false;
		}
		/* read as in a script: a drug's aliases are that drug, and one drug is never suggested for another */
		act_value v = {0};
		char why[1400];
		if (script_parse_value(pd, word, strlen(word), NULL, &v, why, sizeof why)) {
			expr_err(p, wt.pos, wt.len, "%s", why);
			return false;
		}
		int sym = v.sym;
		if (t.n >= ACT_MAX_PARAMS) {
			expr_err(p, wt.pos, wt.len, "too many conditions in one tally");
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
		expr_next(p);
	}
	/* one tally per distinct condition, shared by every expression that asks for it */
	int ref = -1;
	for (int k = 0; k < p->scn->ntallies && ref < 0; k++)
		if (memcmp(&p->scn->tallies[k], &t, sizeof t) == 0)
			ref = k;
	if (ref < 0) {
		if (p->scn->ntallies >= SCN_MAX_TALLIES) {
			expr_err(p, n->pos, 1, "a scenario may keep at most %d different count(...)/total(...) tallies", SCN_MAX_TALLIES);
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
	expr_next(p); /* ( */
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
			expr_err(p, arg.pos, arg.len, "unknown checklist item '%s' in done(...)%s%s%s", word,
			    sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
			return NULL;
		}
	} else {
		act_id a = actions_find_in(&p->scn->actions, word, strlen(word));
		if (a == ACT_NONE && actions_declared_broken(&p->scn->actions, word, strlen(word))) {
			expr_err(p, arg.pos, arg.len, "action '%s' cannot be counted: its declaration in 'actions:' has errors", word);
			return NULL;
		}
		if (a == ACT_NONE) {
			const char *sug = actions_suggest(&p->scn->actions, word);
			expr_err(p, arg.pos, arg.len, "unknown action '%s' in %.*s(...)%s%s%s", word, (int)name.len, s,
			    sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
			return NULL;
		}
		n->ref = a;
	}
	expr_next(p);
	if ((k == N_COUNT || k == N_TALLY) && (p->tok.kind == TK_COMMA || total)) {
		if (!parse_tally(p, n, total))
			return NULL;
	}
	if (p->tok.kind != TK_RP) {
		expected(p, k == N_COUNT || k == N_TALLY ? "',' or ')'" : "')'");
		return NULL;
	}
	n->len = p->tok.pos + 1 - name.pos;
	expr_next(p);
	return n;
}

static node *parse_primary(parser *p)
{
	token t = p->tok;
	if (++p->depth > 32) {
		expr_err(p, t.pos, t.len, "the condition is nested too deeply");
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
		expr_next(p);
		break;
	case TK_LP:
		expr_next(p);
		n = expr_parse_or(p);
		if (!n)
			break;
		if (p->tok.kind != TK_RP) {
			char b[64];
			expr_err(p, p->tok.pos, p->tok.len, "expected ')' to close the '(' at column %d, found %s",
			    p->col + (int)t.pos, expr_tok_text(p, &p->tok, b, sizeof b));
			n = NULL;
			break;
		}
		expr_next(p);
		break;
	case TK_IDENT: {
		const char *s = p->src + t.pos;
		size_t l = t.len;
		expr_next(p);
		bool call = p->tok.kind == TK_LP;
		if ((l == 5 && (memcmp(s, "count", 5) == 0 || memcmp(s, "since", 5) == 0 || memcmp(s, "total", 5) == 0)) ||
		    (l == 4 && memcmp(s, "done", 4) == 0)) {
			if (!call) {
				expr_err(p, t.pos, l, "'%.*s' needs a name in parentheses, e.g. %.*s(shock)", (int)l, s, (int)l, s);
				break;
			}
			n = parse_call(p, t);
			break;
		}
		if (call) {
			expr_err(p, t.pos, l, "unknown function '%.*s' (expected count, total, since or done)", (int)l, s);
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
	expr_next(p);
	if (++p->depth > 32) {
		expr_err(p, t.pos, t.len, "the condition is nested too deeply");
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
		expr_next(p);
		node *b = below(p);
		a = b ? bin(p, op, a, b) : NULL;
	}
	return a;
}

static node *parse_mul(parser *p) { return parse_level(p, parse_unary, TK_STAR, TK_SLASH); }
static node *parse_add(parser *p) { return parse_level(p, parse_mul, TK_PLUS, TK_MINUS); }

bool expr_is_cmp(tok_kind k) { return k >= TK_LT && k <= TK_NE; }

static node *parse_cmp(parser *p)
{
	node *a = parse_add(p);
	if (a && expr_is_cmp(p->tok.kind)) {
		token op = p->tok;
		expr_next(p);
		node *b = parse_add(p);
		a = b ? bin(p, op, a, b) : NULL;
		if (a && expr_is_cmp(p->tok.kind)) {
			expr_err(p, p->tok.pos, p->tok.len, "comparisons cannot be chained; write 'a < b and b < c'");
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
node *expr_parse_or(parser *p) { return parse_level(p, parse_and, TK_OR, TK_OR); }
