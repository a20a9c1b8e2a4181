#include "check.h"
#include "diag.h"

#include <stdlib.h>

static void test_print_sorted_with_caret(void)
{
	const char *src = "id: x\nstates:\n  a: {do: shok}\n";
	scrub_diags d;
	scrub_diags_init(&d, "f.yaml", src, strlen(src));
	scrub_diag_add(&d, SCRUB_SEV_ERROR, SCRUB_DIAG_UNKNOWN_NAME, 3, 11, 4,
	               "unknown action '%s'", "shok");
	scrub_diag_add(&d, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, 1, 5, 1, "odd");
	CHECK(d.errors == 1 && d.warnings == 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	scrub_diags_print(&d, f);
	fclose(f);
	CHECK_STR(buf, "f.yaml:1:5: warning: odd [suspicious]\n"
	               "    1 | id: x\n"
	               "      |     ^\n"
	               "f.yaml:3:11: error: unknown action 'shok' [unknown-name]\n"
	               "    3 |   a: {do: shok}\n"
	               "      |           ^~~~\n");
	free(buf);
	scrub_diags_fini(&d);
}

static void test_suggest(void)
{
	const char *names[] = {"shock", "start_cpr", "check_pulse"};
	CHECK_STR(scrub_suggest("shok", names, 3), "shock");
	CHECK_STR(scrub_suggest("check_puls", names, 3), "check_pulse");
	CHECK(scrub_suggest("intubate", names, 3) == NULL);
}

int main(void)
{
	test_print_sorted_with_caret();
	test_suggest();
	return CHECK_DONE();
}
