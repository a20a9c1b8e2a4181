/* Live sessions' messages (app/live/live_msg.c): every kind parses; garbage, oversized, unknown fields,
 * wrong types, unknown actions, roles, states and variables are refused with the right close code and a
 * reason. argv[1]: scenarios/bls_team_adult.yaml. */
#include "check.h"
#include "live_msg.h"

#include <stdlib.h>

static scenario *scn;

static int parse(const char *text, live_msg *m, char *why, size_t n, scrub_arena *a)
{
	return live_msg_parse(text, strlen(text), scn, a, m, why, n);
}

static void test_good(void)
{
	scrub_arena a;
	scrub_arena_init(&a);
	live_msg m;
	char why[256];
	CHECK(parse("{\"type\":\"hello\",\"name\":\"ben\",\"role\":\"compressor\",\"token\":\"abc\",\"since\":12}", &m, why, sizeof why, &a) == 0);
	CHECK(m.kind == LIVE_HELLO && m.since == 12);
	CHECK_STR(m.name, "ben");
	CHECK_STR(m.role, "compressor");
	CHECK(parse("{\"type\":\"act\",\"action\":\"start_cpr\",\"params\":{\"rate\":\"110/min\",\"depth\":\"55mm\"},\"seq\":7}", &m, why, sizeof why, &a) == 0);
	CHECK(m.kind == LIVE_ACT && m.seq == 7 && m.action.params[1].set && m.action.params[1].num == 55);
	CHECK_STR(actions_get(m.action.type)->name, "start_cpr");
	CHECK(m.action.by[0] == '\0'); /* the server stamps the author */
	CHECK(parse("{\"type\":\"act\",\"action\":\"shock\",\"params\":{\"energy\":200},\"seq\":8}", &m, why, sizeof why, &a) != 0);
	CHECK(parse("{\"type\":\"act\",\"action\":\"shock\",\"params\":{\"energy\":\"200 J\"},\"seq\":8}", &m, why, sizeof why, &a) == 0);
	CHECK(parse("{\"type\":\"pause\"}", &m, why, sizeof why, &a) == 0 && m.kind == LIVE_PAUSE);
	CHECK(parse("{\"type\":\"resume\"}", &m, why, sizeof why, &a) == 0 && m.kind == LIVE_RESUME);
	CHECK(parse("{\"type\":\"end\"}", &m, why, sizeof why, &a) == 0 && m.kind == LIVE_END);
	CHECK(parse("{\"type\":\"jump\",\"state\":\"asystole\"}", &m, why, sizeof why, &a) == 0 && m.kind == LIVE_JUMP);
	CHECK(parse("{\"type\":\"trigger\",\"event\":\"vomits\"}", &m, why, sizeof why, &a) == 0 && m.kind == LIVE_TRIGGER);
	CHECK(parse("{\"type\":\"set\",\"var\":\"rhythm\",\"value\":\"asystole\"}", &m, why, sizeof why, &a) == 0);
	CHECK(m.kind == LIVE_SET && m.over_s == 0);
	CHECK_STR(m.name2, "rhythm");
	CHECK(parse("{\"type\":\"mark\",\"note\":\"lost the count \\\"30\\\"\"}", &m, why, sizeof why, &a) == 0);
	CHECK_STR(m.note, "lost the count \"30\"");
	scrub_arena_fini(&a);
}

static void test_bad(void)
{
	struct {
		const char *text;
		int code;
		const char *needle;
	} cases[] = {
		{"", LIVE_CLOSE_POLICY, "one JSON object"},
		{"[1,2]", LIVE_CLOSE_POLICY, "one JSON object"},
		{"{\"type\":", LIVE_CLOSE_POLICY, "not a JSON object"},
		{"{\"type\":\"fly\"}", LIVE_CLOSE_POLICY, "unknown message type"},
		{"{\"kind\":\"pause\"}", LIVE_CLOSE_POLICY, "'type' is missing"},
		{"{\"type\":[\"pause\"]}", LIVE_CLOSE_POLICY, "'type' must be text"},
		{"{\"type\":\"pause\",\"x\":1}", LIVE_CLOSE_POLICY, "unknown field 'x'"},
		{"{\"type\":\"hello\",\"name\":\"b e n\",\"token\":\"t\"}", LIVE_CLOSE_POLICY, "'name' is not a name"},
		{"{\"type\":\"hello\",\"name\":\"ben\",\"role\":\"compresor\",\"token\":\"t\"}", LIVE_CLOSE_POLICY, "no role 'compresor'"},
		{"{\"type\":\"hello\",\"name\":\"ben\"}", LIVE_CLOSE_POLICY, "'token' is missing"},
		{"{\"type\":\"act\",\"action\":\"shok\",\"seq\":1}", LIVE_CLOSE_POLICY, "unknown action 'shok'"},
		{"{\"type\":\"act\",\"action\":\"out_of_role\",\"seq\":1}", LIVE_CLOSE_POLICY, "cannot be sent"},
		{"{\"type\":\"act\",\"action\":\"instructor_jump\",\"params\":{\"to\":\"rosc\"},\"seq\":1}", LIVE_CLOSE_POLICY, "cannot be sent"},
		{"{\"type\":\"act\",\"action\":\"shock\",\"params\":{\"energy\":\"200 J\"}}", LIVE_CLOSE_POLICY, "'seq' is missing"},
		{"{\"type\":\"act\",\"action\":\"shock\",\"params\":{\"energy\":\"200 J\"},\"seq\":-1}", LIVE_CLOSE_POLICY, "'seq' must be"},
		{"{\"type\":\"act\",\"action\":\"shock\",\"params\":{\"energy\":\"200 J\"},\"seq\":1.5}", LIVE_CLOSE_POLICY, "whole number"},
		{"{\"type\":\"act\",\"action\":\"shock\",\"params\":{\"power\":\"200 J\"},\"seq\":1}", LIVE_CLOSE_POLICY, "no parameter 'power'"},
		{"{\"type\":\"act\",\"action\":\"shock\",\"params\":{\"energy\":\"9000 J\"},\"seq\":1}", LIVE_CLOSE_POLICY, "outside the accepted range"},
		{"{\"type\":\"act\",\"action\":\"shock\",\"params\":[1],\"seq\":1}", LIVE_CLOSE_POLICY, "must be an object"},
		{"{\"type\":\"jump\",\"state\":\"rosc\"}", LIVE_CLOSE_POLICY, "may jump to"},
		{"{\"type\":\"set\",\"var\":\"hr\",\"value\":40}", LIVE_CLOSE_POLICY, "from the patient model"},
		{"{\"type\":\"set\",\"var\":\"rhythm\",\"value\":\"asystol\"}", LIVE_CLOSE_POLICY, "not a value of 'rhythm'"},
		{"{\"type\":\"set\",\"var\":\"rhythm\",\"value\":\"asystole\",\"over_s\":5}", LIVE_CLOSE_POLICY, "cannot change over time"},
		{"{\"type\":\"set\",\"var\":\"nope\",\"value\":40}", LIVE_CLOSE_POLICY, "unknown variable"},
		{"{\"type\":\"mark\"}", LIVE_CLOSE_POLICY, "'note' is missing"},
		{"{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", LIVE_CLOSE_POLICY, "not a JSON object"},
	};
	scrub_arena a;
	scrub_arena_init(&a);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		live_msg m;
		char why[256];
		int r = parse(cases[i].text, &m, why, sizeof why, &a);
		bool ok = r == cases[i].code && strstr(why, cases[i].needle);
		if (!ok)
			fprintf(stderr, "case %s: %d %s\n", cases[i].text, r, why);
		CHECK(ok);
	}
	/* oversized: refused before it is parsed */
	size_t n = LIVE_MSG_MAX + 1;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "{\"type\":\"mark\",\"note\":\"", 23);
	big[n - 2] = '"';
	big[n - 1] = '}';
	big[n] = '\0';
	live_msg m;
	char why[256];
	CHECK(live_msg_parse(big, n, scn, &a, &m, why, sizeof why) == LIVE_CLOSE_TOO_BIG);
	/* a NUL inside */
	CHECK(live_msg_parse("{\"type\":\"pause\"}\0x", 18, scn, &a, &m, why, sizeof why) == LIVE_CLOSE_POLICY);
	free(big);
	scrub_arena_fini(&a);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	scrub_diags d;
	scrub_diags_init(&d, argv[1], NULL, 0);
	scenario_load_opts lo = {.no_model_runs = true};
	if (scenario_load_file(argv[1], &lo, &d, &scn) != SCRUB_OK) {
		scrub_diags_print(&d, stderr);
		return 1;
	}
	scrub_diags_fini(&d);
	test_good();
	test_bad();
	scenario_destroy(&scn);
	return CHECK_DONE();
}
