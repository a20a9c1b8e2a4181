/* Action scripts: parsing, located errors, and the round trip through the record's format. */
#include "check.h"
#include "script.h"

#include <stdlib.h>

static void test_parse(void)
{
	const char *text = "# comment\n"
	                   "0:05 check_responsiveness\n"
	                   "\n"
	                   "1:17.5 shock energy=200 J   # a unit after a space belongs to the number\n"
	                   "70s give_drug drug=epinephrine dose=500mcg route=IM site=anterolateral_thigh\n"
	                   "2:00 note text=\"said \\\"clear!\\\" loudly\"\n";
	scrub_arena a;
	scrub_arena_init(&a);
	scrub_diags d;
	scrub_diags_init(&d, "x.actions", text, strlen(text));
	sim_action *acts = NULL;
	int n = 0;
	script_loc loc = {.line = 1, .col = 1};
	scrub_result r = script_parse(text, strlen(text), &loc, &a, &d, &acts, &n);
	if (r != SCRUB_ERR_INVALID)
		scrub_diags_print(&d, stderr);
	CHECK(r == SCRUB_ERR_INVALID); /* 95s comes after 1:17.5: out of time order */
	CHECK(d.errors == 1 && d.v[0].line == 5 && d.v[0].col == 1);
	CHECK(n == 4);
	CHECK(n == 4 && acts[1].t == 77.5 && acts[1].params[0].num == 200);
	const act_def *gd = actions_get(acts[2].type);
	CHECK_STR(gd->name, "give_drug");
	CHECK(acts[2].params[1].num == 0.5);            /* 500 mcg in mg */
	CHECK_STR(acts[3].params[0].text, "said \"clear!\" loudly");

	/* formatting reads back to the same values */
	scrub_buf b;
	scrub_buf_init(&b);
	script_format_params(&acts[2], &b);
	CHECK_STR(b.data, "drug=epinephrine dose=0.5mg route=IM site=anterolateral_thigh");
	char line[256];
	snprintf(line, sizeof line, "1:00 give_drug %s", b.data);
	sim_action back = {0};
	scrub_diags d2;
	scrub_diags_init(&d2, "y", NULL, 0);
	CHECK(script_parse_line(line, strlen(line), NULL, 1, 1, NULL, &a, &d2, &back) == SCRUB_OK);
	CHECK(memcmp(back.params, acts[2].params, sizeof back.params) == 0);
	scrub_buf_fini(&b);
	scrub_diags_fini(&d2);
	scrub_diags_fini(&d);
	scrub_arena_fini(&a);
}

/* who did it: by= and role= on any action, kept apart from the parameters, read back the same */
static void test_author(void)
{
	scrub_arena a;
	scrub_arena_init(&a);
	scrub_diags d;
	scrub_diags_init(&d, "x", NULL, 0);
	const char *line = "1:02 start_cpr rate=110/min by=cai depth=55mm role=compressor";
	sim_action act = {0};
	CHECK(script_parse_line(line, strlen(line), NULL, 1, 1, NULL, &a, &d, &act) == SCRUB_OK);
	CHECK_STR(act.by, "cai");
	CHECK_STR(act.role, "compressor");
	scrub_buf b;
	scrub_buf_init(&b);
	script_format_params(&act, &b);
	CHECK_STR(b.data, "rate=110/min depth=55mm");
	script_format_author(&act, &b);
	CHECK_STR(b.data, "rate=110/min depth=55mm by=cai role=compressor");
	char again[256];
	snprintf(again, sizeof again, "1:02 start_cpr %s", b.data);
	sim_action back = {0};
	CHECK(script_parse_line(again, strlen(again), NULL, 1, 1, NULL, &a, &d, &back) == SCRUB_OK);
	CHECK(memcmp(&back.params, &act.params, sizeof act.params) == 0);
	CHECK_STR(back.by, act.by);
	CHECK_STR(back.role, act.role);
	/* an action alone: nothing to write */
	sim_action solo = {.type = act.type};
	scrub_buf_clear(&b);
	script_format_author(&solo, &b);
	CHECK(b.len == 0);
	/* 31 characters is the longest name */
	CHECK(act_name_valid("abcdefghijklmnopqrstuvwxyz01234", 31));
	CHECK(!act_name_valid("abcdefghijklmnopqrstuvwxyz012345", 32));
	CHECK(!act_name_valid("", 0));
	scrub_buf_fini(&b);
	scrub_diags_fini(&d);
	scrub_arena_fini(&a);
}

static void test_errors(void)
{
	struct {
		const char *line;
		int col;
		const char *needle;
	} cases[] = {
		{"0:05 shok", 6, "did you mean 'shock'"},
		{"5 shock", 1, "unit or minutes:seconds"},
		{"0:05 shock energy=200", 19, "write the unit"},
		{"0:05 shock energy=2mg", 19, "unit mismatch"},
		{"0:05 shock energy=9000J", 19, "outside the accepted range"},
		{"0:05 shock power=200J", 12, "no parameter 'power'"},
		{"0:05 give_drug drug=epinephrine route=IV", 6, "needs one of dose="},
		{"0:05 give_drug drug=epi dose=1mg route=IV", 21, "not accepted"},
		{"0:05 shock energy=200J energy=150J", 24, "given twice"},
		{"0:05 shock 200J", 12, "expected name=value"},
		{"0:05 give_breaths count=1.5", 25, "whole number"},
		{"0:05 note text=\"unterminated", 16, "closing"},
		{"0:05 shock by=ann by=ben", 19, "by is given twice"},
		{"0:05 shock role=a/b", 17, "role 'a/b' is not a name"},
		{"0:05 shock by=abcdefghijklmnopqrstuvwxyz0123456", 15, "is not a name"},
	};
	scrub_arena a;
	scrub_arena_init(&a);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		scrub_diags d;
		scrub_diags_init(&d, "x", NULL, 0);
		sim_action act = {0};
		scrub_result r = script_parse_line(cases[i].line, strlen(cases[i].line), NULL, 3, 1, NULL, &a, &d, &act);
		CHECK(r == SCRUB_ERR_INVALID);
		bool ok = d.n >= 1 && d.v[0].line == 3 && d.v[0].col == cases[i].col && strstr(d.v[0].msg, cases[i].needle);
		if (!ok) {
			fprintf(stderr, "case '%s':\n", cases[i].line);
			scrub_diags_print(&d, stderr);
		}
		CHECK(ok);
		scrub_diags_fini(&d);
	}
	scrub_arena_fini(&a);
}

int main(void)
{
	test_parse();
	test_errors();
	test_author();
	return CHECK_DONE();
}
