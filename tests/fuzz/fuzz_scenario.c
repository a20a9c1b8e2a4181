/* libFuzzer target: the scenario loader (YAML, validation, expressions, embedded action scripts)
 * must never crash, hang or leak on any input; when it accepts a file, its model runs must run. */
#include "scenario.h"
#include "session.h"

#include "fuzz_util.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scrub_diags d;
	scrub_diags_init(&d, "fuzz.yaml", NULL, 0);
	scenario *s = NULL;
	/* base_dir that does not exist: actions_file references cannot reach real files */
	scenario_load_opts o = {.base_dir = "/nonexistent-scrub-fuzz"};
	if (scenario_load_text("fuzz.yaml", (const char *)data, size, &o, &d, &s) == SCRUB_OK) {
		/* model runs of long scenarios, or with the tissue physics, are correct but slow under the
		 * fuzzer (tests/cli covers them): keep it fast */
		for (int i = 0; i < s->nruns && i < 4 && s->duration_s / s->dt <= 100000 && !s->tissue.present; i++) {
			model_run_result r;
			model_run_check(s, i, &d, &r);
		}
		scenario_destroy(&s);
	}
	fuzz_diags_done(&d);
	return 0;
}
