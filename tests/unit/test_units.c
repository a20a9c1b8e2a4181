#include "check.h"

#include <stdlib.h>
#include "json.h"
#include "units.h"

static void test_quantities(void)
{
	scrub_quantity q;
	int bad;
	CHECK(scrub_quantity_parse("200 J", 5, &q, &bad) == 5 && q.value == 200 && q.unit && q.unit->dim == SCRUB_DIM_ENERGY);
	CHECK(scrub_quantity_parse("1mg", 3, &q, &bad) == 3 && q.unit && q.unit->factor == 1.0);
	CHECK(scrub_quantity_parse("500mcg", 6, &q, &bad) == 6 && q.unit && q.value * q.unit->factor == 0.5);
	CHECK(scrub_quantity_parse("110/min", 7, &q, &bad) == 7 && q.unit && q.unit->dim == SCRUB_DIM_RATE);
	CHECK(scrub_quantity_parse("5.5 cm", 6, &q, &bad) == 6 && q.value * q.unit->factor == 55.0);
	CHECK(scrub_quantity_parse("30", 2, &q, &bad) == 2 && q.unit == NULL);
	CHECK(scrub_quantity_parse("3 furlongs", 10, &q, &bad) > 0 && bad == 2);
	CHECK(scrub_quantity_parse("abc", 3, &q, &bad) == 0);
	CHECK(scrub_quantity_parse("1e999", 5, &q, &bad) == 0); /* not finite */
	/* mg and mL never convert */
	CHECK(scrub_unit_find("mg", 2)->dim != scrub_unit_find("mL", 2)->dim);
}

static void test_durations(void)
{
	double s;
	const char *why;
	CHECK(scrub_duration_parse("30 s", 4, &s, &why) && s == 30);
	CHECK(scrub_duration_parse("2 min", 5, &s, &why) && s == 120);
	CHECK(scrub_duration_parse("1:30", 4, &s, &why) && s == 90);
	CHECK(scrub_duration_parse("1:02:03", 7, &s, &why) && s == 3723);
	CHECK(scrub_duration_parse("0:05.5", 6, &s, &why) && s == 5.5);
	CHECK(!scrub_duration_parse("30", 2, &s, &why) && strstr(why, "unit"));
	CHECK(!scrub_duration_parse("1:75", 4, &s, &why));
	CHECK(!scrub_duration_parse("5 mg", 4, &s, &why) && strstr(why, "time unit"));
	CHECK(!scrub_duration_parse("-3 s", 4, &s, &why));
	CHECK(!scrub_duration_parse("1::3", 4, &s, &why));
	char b[32];
	CHECK_STR(scrub_format_time(372.5, b, sizeof b), "6:12.50");
	CHECK_STR(scrub_format_time(3723, b, sizeof b), "1:02:03.00");
	CHECK_STR(scrub_format_time(-1e300, b, sizeof b), "-1e+300 s"); /* found by fuzz_script: an action at a huge time */
}

static void test_json(void)
{
	scrub_buf b;
	scrub_buf_init(&b);
	scrub_json j;
	scrub_json_init(&j, &b, false);
	scrub_json_object_begin(&j, NULL);
	scrub_json_str(&j, "s", "a\"b\n");
	scrub_json_num(&j, "x", 92.50, 2);
	scrub_json_num(&j, "z", -0.0001, 2);
	scrub_json_num_exact(&j, "t", 0.1 + 0.2);
	scrub_json_array_begin(&j, "v");
	scrub_json_bool(&j, NULL, true);
	scrub_json_null(&j, NULL);
	scrub_json_array_end(&j);
	scrub_json_object_end(&j);
	CHECK_STR(b.data, "{\"s\":\"a\\\"b\\n\",\"x\":92.5,\"z\":0,\"t\":0.30000000000000004,\"v\":[true,null]}");
	scrub_buf_fini(&b);
	char nb[64];
	CHECK(strtod(scrub_format_exact(1.0 / 3.0, nb, sizeof nb), NULL) == 1.0 / 3.0);
	CHECK_STR(scrub_format_exact(5.0, nb, sizeof nb), "5");
}

/* did-you-mean for units: case aside, one letter off, within the dimension asked for */
static void test_unit_suggest(void)
{
	const scrub_unit *u = scrub_unit_suggest("mins", 4, SCRUB_DIM_TIME);
	CHECK(u && strcmp(u->name, "min") == 0);
	u = scrub_unit_suggest("secs..2 min", 11, SCRUB_DIM_TIME);
	CHECK(u && strcmp(u->name, "s") == 0); /* "sec" is a spelling of s */
	u = scrub_unit_suggest("jj", 2, SCRUB_DIM_ENERGY);
	CHECK(u && strcmp(u->name, "J") == 0);
	u = scrub_unit_suggest("MMHG", 4, SCRUB_DIM_NONE);
	CHECK(u && strcmp(u->name, "mmHg") == 0);
	CHECK(scrub_unit_suggest("mins", 4, SCRUB_DIM_MASS) == NULL); /* a time unit is not offered for a mass */
	CHECK(scrub_unit_suggest("furlongs", 8, SCRUB_DIM_NONE) == NULL);
	CHECK(scrub_unit_suggest("", 0, SCRUB_DIM_NONE) == NULL);
}

int main(void)
{
	test_unit_suggest();
	test_quantities();
	test_durations();
	test_json();
	return CHECK_DONE();
}
