/* The xAPI statement builder (app/net/xapi.c): deterministic ids (RFC 4122 version 5, checked against Python's
 * uuid.uuid5), ISO 8601 durations and timestamps, the bounds of scores, escaping, and which statements a session
 * gives. The statements' conformance to xAPI 1.0.3 is checked by a real validator and LRS in tests/lrs/. */
#include "check.h"
#include "xapi.h"
#include "yaml.h"

#include <stdlib.h>

static const char sha_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char sha_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static void test_uuid(void)
{
	char id[37];
	xapi_uuid("abc/registration", id); /* uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, 'urn:scrub:xapi'), name) */
	CHECK_STR(id, "e5bcc9f9-1c28-53c1-a814-2ec740cd39f2");
	xapi_uuid("", id);
	CHECK_STR(id, "11326f4f-b921-50cc-84b9-4f856f9406a3");
	xapi_uuid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/item/x y", id);
	CHECK_STR(id, "ba75027c-6069-5bcc-9e01-a9487b15c84d");
}

static void test_duration(void)
{
	static const struct { double s; const char *want; } cases[] = {
		{0, "PT0S"}, {-3, "PT0S"}, {NAN, "PT0S"}, {0.004, "PT0S"}, {0.005, "PT0.01S"}, {1.5, "PT1.5S"},
		{59.999, "PT1M"}, {60, "PT1M"}, {364.3, "PT6M4.3S"}, {3600, "PT1H"}, {3725.456, "PT1H2M5.46S"},
		{90061.25, "PT25H1M1.25S"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[48];
		xapi_duration(cases[i].s, buf, sizeof buf);
		CHECK_STR(buf, cases[i].want);
	}
}

static void test_timestamp(void)
{
	char buf[40];
	CHECK(xapi_timestamp("2026-12-31T23:59:59Z", 1.5, buf, sizeof buf));
	CHECK_STR(buf, "2027-01-01T00:00:00.500Z");
	CHECK(xapi_timestamp("2024-02-28T23:00:00Z", 3600, buf, sizeof buf));
	CHECK_STR(buf, "2024-02-29T00:00:00.000Z");
	CHECK(xapi_timestamp("2023-02-28T23:00:00Z", 3600.0004, buf, sizeof buf));
	CHECK_STR(buf, "2023-03-01T00:00:00.000Z");
	CHECK(xapi_timestamp("1970-01-01T00:00:00Z", 0.001, buf, sizeof buf));
	CHECK_STR(buf, "1970-01-01T00:00:00.001Z");
	CHECK(!xapi_timestamp("2026-12-31 23:59:59", 0, buf, sizeof buf));
	CHECK(!xapi_timestamp("2026-13-01T00:00:00Z", 0, buf, sizeof buf));
	CHECK(!xapi_timestamp("2026-12-01T00:00:00Zjunk", 0, buf, sizeof buf));
	CHECK(!xapi_timestamp(NULL, 0, buf, sizeof buf));
	CHECK(!xapi_timestamp("2026-12-01T00:00:00Z", INFINITY, buf, sizeof buf));
}

/* A report with an awkward trainee, a score above 100, a forbid item with a penalty, a pending item, and item
 * ids that need percent-encoding. */
static const char report[] =
	"{\"report_format\":1,\"scenario\":{\"id\":\"demo case\",\"title\":\"Demo \\\"case\\\"\",\"version\":\"1.2\","
	"\"sha256\":\"cc\"},\"trainee\":\"Zo\xc3\xab \\\"Z\\\"\\nO'Brien\\\\\",\"complete\":%s,\"ended_at_s\":90.5,"
	"\"score\":130,\"passed\":true,\"items\":["
	"{\"id\":\"a/b c\",\"text\":\"Does A\",\"critical\":true,\"status\":\"done\",\"time_s\":12.25,\"points\":5,\"max_points\":5},"
	"{\"id\":\"no_b\",\"text\":\"Never B\",\"critical\":false,\"status\":\"violated\",\"time_s\":30,\"points\":-3,"
	"\"max_points\":2,\"note\":\"B at 0:30\"},"
	"{\"id\":\"zero\",\"text\":\"Zero points\",\"critical\":false,\"status\":\"missed\",\"time_s\":null,\"points\":0,\"max_points\":0},"
	"{\"id\":\"later\",\"text\":\"Not decided\",\"critical\":false,\"status\":\"pending\",\"time_s\":null,\"points\":0,\"max_points\":1}"
	"]}";

typedef struct built {
	scrub_arena a;
	xapi_statement *v;
	int n;
	scrub_result r;
	char err[256];
} built;

static void build(built *b, bool complete, const char *sha, const char *text)
{
	char rep[4096];
	snprintf(rep, sizeof rep, text ? text : report, complete ? "true" : "false");
	scrub_arena_init(&b->a);
	xapi_config cfg = {.homepage = "https://school.example/login", .activity_base = "https://school.example/xapi"};
	xapi_input in = {.report = rep, .report_len = strlen(rep), .record_sha256 = sha, .started = "2026-01-02T03:04:05Z",
	                 .description = "A case.\n\n"};
	b->r = xapi_build(&cfg, &in, &b->a, &b->v, &b->n, b->err, sizeof b->err);
}

/* The value at a dotted path of a statement (parsed back with the YAML reader: JSON is YAML). */
static const char *at(built *b, int i, const char *path)
{
	scrub_diags d;
	scrub_diags_init(&d, "statement", NULL, 0);
	yaml_node *n = yaml_parse(b->v[i].json, b->v[i].len, NULL, &b->a, &d);
	CHECK(n != NULL);
	scrub_diags_fini(&d);
	char key[256];
	for (const char *p = path; n && *p;) {
		const char *dot = strchr(p, '|');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		snprintf(key, sizeof key, "%.*s", (int)l, p);
		if (n->type == YAML_SEQ)
			n = (size_t)atoi(key) < n->n ? n->items[atoi(key)] : NULL;
		else
			n = yaml_get(n, key);
		p += l + (dot ? 1 : 0);
	}
	return n && yaml_is_scalar(n) ? n->str : NULL;
}

static void test_statements(void)
{
	built b;
	build(&b, true, sha_a, NULL);
	CHECK(b.r == SCRUB_OK);
	CHECK(b.n == 6); /* attempted, completed, passed, three decided items (the pending one says nothing) */
	if (b.r != SCRUB_OK || b.n != 6) {
		fprintf(stderr, "%s\n", b.err);
		scrub_arena_fini(&b.a);
		return;
	}
	CHECK_STR(at(&b, 0, "verb|id"), "http://adlnet.gov/expapi/verbs/attempted");
	CHECK_STR(at(&b, 1, "verb|id"), "http://adlnet.gov/expapi/verbs/completed");
	CHECK_STR(at(&b, 2, "verb|id"), "http://adlnet.gov/expapi/verbs/passed");
	CHECK_STR(at(&b, 3, "verb|id"), "http://adlnet.gov/expapi/verbs/passed");
	CHECK_STR(at(&b, 4, "verb|id"), "http://adlnet.gov/expapi/verbs/failed");
	/* escaping: the trainee's quotes, newline, backslash and UTF-8 come back as they were */
	CHECK_STR(at(&b, 0, "actor|account|name"), "Zo\xc3\xab \"Z\"\nO'Brien\\");
	CHECK_STR(at(&b, 0, "actor|account|homePage"), "https://school.example/login");
	CHECK_STR(at(&b, 0, "object|definition|name|en"), "Demo \"case\"");
	CHECK_STR(at(&b, 0, "object|definition|description|en"), "A case.");
	/* IRIs: one '/' after the base, the ids percent-encoded */
	CHECK_STR(at(&b, 0, "object|id"), "https://school.example/xapi/scenarios/demo%20case");
	CHECK_STR(at(&b, 3, "object|id"), "https://school.example/xapi/scenarios/demo%20case/items/a%2Fb%20c");
	CHECK_STR(at(&b, 3, "context|contextActivities|parent|0|id"), "https://school.example/xapi/scenarios/demo%20case");
	CHECK(at(&b, 0, "context|contextActivities|parent|0|id") == NULL);
	CHECK_STR(at(&b, 0, "context|contextActivities|category|0|id"), "https://w3id.org/xapi/virtual-patient");
	CHECK_STR(at(&b, 4, "context|contextActivities|category|0|id"), "https://w3id.org/xapi/virtual-patient");
	CHECK_STR(at(&b, 2, "context|revision"), "1.2");
	CHECK(at(&b, 4, "context|revision") == NULL);
	/* times: the start, the end, an item's moment; the duration */
	CHECK_STR(at(&b, 0, "timestamp"), "2026-01-02T03:04:05.000Z");
	CHECK_STR(at(&b, 2, "timestamp"), "2026-01-02T03:05:35.500Z");
	CHECK_STR(at(&b, 3, "timestamp"), "2026-01-02T03:04:17.250Z");
	CHECK_STR(at(&b, 5, "timestamp"), "2026-01-02T03:05:35.500Z"); /* no time of its own: the end */
	CHECK_STR(at(&b, 2, "result|duration"), "PT1M30.5S");
	/* scores within their bounds: 130 of 100 is scaled 1 and raw 100; -3 of 2 has min -3 and scaled -1 */
	CHECK_STR(at(&b, 2, "result|score|scaled"), "1");
	CHECK_STR(at(&b, 2, "result|score|raw"), "100");
	CHECK_STR(at(&b, 2, "result|success"), "true");
	CHECK_STR(at(&b, 4, "result|score|scaled"), "-1");
	CHECK_STR(at(&b, 4, "result|score|raw"), "-3");
	CHECK_STR(at(&b, 4, "result|score|min"), "-3");
	CHECK_STR(at(&b, 4, "result|score|max"), "2");
	CHECK_STR(at(&b, 4, "result|success"), "false");
	CHECK_STR(at(&b, 4, "result|extensions|https://school.example/xapi/extensions/note"), "B at 0:30");
	CHECK_STR(at(&b, 4, "result|extensions|https://school.example/xapi/extensions/item-status"), "violated");
	CHECK(at(&b, 5, "result|score|max") == NULL); /* an item worth no points has no score */
	CHECK(at(&b, 0, "result|success") == NULL);   /* attempted says nothing of the result */
	/* ids: from the record's sha256, one registration, all different */
	char reg[37];
	xapi_uuid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/registration", reg);
	for (int i = 0; i < b.n; i++) {
		CHECK_STR(at(&b, i, "context|registration"), reg);
		CHECK_STR(at(&b, i, "id"), b.v[i].id);
		for (int k = 0; k < i; k++)
			CHECK(strcmp(b.v[i].id, b.v[k].id) != 0);
	}
	char id[37];
	xapi_uuid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/item/a/b c", id);
	CHECK_STR(b.v[3].id, id);

	/* the same input gives the same bytes; another record other ids */
	built again, other;
	build(&again, true, sha_a, NULL);
	build(&other, true, sha_b, NULL);
	CHECK(again.n == b.n && other.n == b.n);
	for (int i = 0; i < b.n && i < again.n && i < other.n; i++) {
		CHECK(again.v[i].len == b.v[i].len && memcmp(again.v[i].json, b.v[i].json, b.v[i].len) == 0);
		CHECK(strcmp(other.v[i].id, b.v[i].id) != 0);
	}
	scrub_arena_fini(&again.a);
	scrub_arena_fini(&other.a);
	scrub_arena_fini(&b.a);

	/* a session cut short: attempted (not completed, no verdict) and its decided items */
	built cut;
	build(&cut, false, sha_a, NULL);
	CHECK(cut.r == SCRUB_OK && cut.n == 4);
	if (cut.r == SCRUB_OK && cut.n == 4) {
		CHECK_STR(at(&cut, 0, "verb|id"), "http://adlnet.gov/expapi/verbs/attempted");
		CHECK_STR(at(&cut, 0, "result|completion"), "false");
		CHECK_STR(at(&cut, 0, "result|duration"), "PT1M30.5S");
		CHECK_STR(at(&cut, 1, "verb|id"), "http://adlnet.gov/expapi/verbs/passed");
	}
	scrub_arena_fini(&cut.a);
}

static void test_bad_reports(void)
{
	static const char *bad[] = {
		"", "[]", "{\"scenario\":{\"id\":\"x\"}}", "not json at all: [",
		"{\"scenario\":{\"id\":\"x\",\"title\":\"t\"},\"trainee\":\"t\",\"score\":\"high\",\"ended_at_s\":1,\"items\":[]} %s",
		"{\"scenario\":{\"id\":\"x\",\"title\":\"t\"},\"trainee\":\"t\",\"score\":1,\"ended_at_s\":1,\"items\":[{\"id\":\"a\"}]} %s",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		built b;
		build(&b, true, sha_a, bad[i]);
		CHECK(b.r == SCRUB_ERR_INVALID);
		CHECK(b.err[0] != '\0');
		scrub_arena_fini(&b.a);
	}
}

int main(void)
{
	test_uuid();
	test_duration();
	test_timestamp();
	test_statements();
	test_bad_reports();
	return CHECK_DONE();
}
