/* The expression compiler's private parts, shared by its files: expr_parse.c (tokens and the parser into a
 * tree), expr.c (types and names checked, code generated, evaluation). */
#ifndef SCRUB_EXPR_INTERNAL_H
#define SCRUB_EXPR_INTERNAL_H

#include "expr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* expr_parse.c */
void expr_err(parser *p, size_t pos, size_t len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void expr_next(parser *p);
const char *expr_tok_text(parser *p, const token *t, char *buf, size_t size);
const char *expr_suggest_name(parser *p, const char *w);
bool expr_is_cmp(tok_kind k);
node *expr_parse_or(parser *p);

#endif
