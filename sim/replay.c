#include "replay.h"

#include <stdio.h>
#include <string.h>

scrub_result record_replay(const record_data *rec, const char *display, scrub_diags *diags, report_timeline *tl,
                           scenario **out_scn, sim_session **out)
{
	*out_scn = NULL;
	*out = NULL;
	scenario *scn = NULL;
	scenario_load_opts lo = {.no_model_runs = true, .base_dir = "."};
	char shown[4200];
	snprintf(shown, sizeof shown, "%s (scenario %s kept in the record)", display, rec->scenario_path);
	lo.display_path = shown;
	scrub_result r = scenario_load_text(rec->scenario_path, rec->source, rec->source_len, &lo, diags, &scn);
	if (r != SCRUB_OK)
		return r == SCRUB_ERR_NOMEM ? r : SCRUB_ERR_INVALID;
	if (rec->sha256 && strcmp(rec->sha256, scn->sha256) != 0) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_FILE, 0, 0, 1,
		               "the scenario text in the record does not match its recorded sha256; the record is damaged");
		scenario_destroy(&scn);
		return SCRUB_ERR_INVALID;
	}
	sim_run_opts ro = {.session = {.on_event = tl ? report_timeline_on_event : NULL, .user = tl}};
	if (!rec->complete)
		ro.stop_at = rec->last_t > 0 ? rec->last_t : scn->dt;
	r = sim_run(scn, rec->actions, rec->nactions, &ro, out);
	if (r != SCRUB_OK) {
		scenario_destroy(&scn);
		return r;
	}
	*out_scn = scn;
	return SCRUB_OK;
}
