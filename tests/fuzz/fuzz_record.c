/* libFuzzer target: session records (`scrub report` on damaged files). Reading any bytes as a record must
 * never crash, hang or leak; a record that reads is replayed as `scrub report` replays it, and its report
 * written, so a damaged but readable record is scored like any other. The debrief (`scrub report --html`) reads
 * the same bytes: with the report made from them, and with a fixed report whatever they are. */
#include "debrief.h"
#include "record.h"
#include "replay.h"
#include "report.h"

#include "fuzz_util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_report[] =
	"{\"report_format\": 1, \"scenario\": {\"id\": \"f\", \"title\": \"F\"}, \"complete\": true, \"score\": 1,\n"
	" \"items\": [{\"id\": \"a\", \"status\": \"done\", \"time_s\": 1}], \"cpr_quality\": {\"arrest_s\": 3}}\n";

static void debrief(const uint8_t *data, size_t size, const char *report, size_t report_len)
{
	debrief_note notes[] = {{-5, NULL, "<n>"}, {1e300, "a", ""}};
	debrief_desc dd = {.record = (const char *)data, .record_len = size, .report = report, .report_len = report_len,
	                   .notes = notes, .nnotes = 2, .note_action = "/n", .csrf_token = "t"};
	scrub_buf html;
	scrub_buf_init(&html);
	char err[256];
	debrief_html(&dd, &html, err, sizeof err);
	scrub_buf_fini(&html);
}

/* Long scenarios, or ones with the tissue physics, replay correctly but slowly under the fuzzer (tests/cli
 * covers them): only quick ones are replayed. */
static bool quick(const record_data *rec)
{
	scrub_diags d;
	scrub_diags_init(&d, "fuzz.yaml", NULL, 0);
	scenario *scn = NULL;
	scenario_load_opts lo = {.no_model_runs = true, .base_dir = "/nonexistent-scrub-fuzz"};
	bool ok = scenario_load_text("fuzz.yaml", rec->source, rec->source_len, &lo, &d, &scn) == SCRUB_OK &&
	          scn->duration_s / scn->dt <= 100000 && !scn->tissue.present;
	scenario_destroy(&scn);
	scrub_diags_fini(&d);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scrub_diags d;
	scrub_diags_init(&d, "fuzz.jsonl", NULL, 0);
	record_data rec;
	if (record_read_text("fuzz.jsonl", (const char *)data, size, &rec, &d) == SCRUB_OK && quick(&rec)) {
		scenario *scn = NULL;
		sim_session *s = NULL;
		report_timeline tl;
		report_timeline_init(&tl);
		if (record_replay(&rec, "fuzz.jsonl", &d, &tl, &scn, &s) == SCRUB_OK) {
			scrub_buf json;
			scrub_buf_init(&json);
			report_info info = {.trainee = rec.trainee, .input = rec.input, .complete = rec.complete};
			report_write_json(s, &tl, &info, &json);
			if (!json.oom)
				debrief(data, size, json.data, json.len);
			scrub_buf_fini(&json);
		}
		sim_session_destroy(&s);
		report_timeline_fini(&tl);
		scenario_destroy(&scn);
	}
	record_data_fini(&rec);
	debrief(data, size, fixed_report, sizeof fixed_report - 1);
	fuzz_diags_done(&d);
	return 0;
}
