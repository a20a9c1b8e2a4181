/* checklist.feedback in what the trainee sees (app/scene_from_sim.c): `live` lists the items decided so far
 * in the HUD with their status, `end` shows only the results panel at the end, `none` neither. The BLS scenario is
 * played by its model runs with each mode forced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scenario_test_util.h"
#include "scene_from_sim.h"
#include "scenario.h"
#include "session.h"
#include "host.h"

/* The HUD line "Checklist: ..." or -1. */
static int checklist_line(const scrub_render_snapshot *snap)
{
	for (uint32_t i = 0; i < snap->hud_line_count; i++)
		if (!strncmp(snap->hud_lines[i], "Checklist:", 10))
			return (int)i;
	return -1;
}

/* Checks the live lines against the session's items: the count, and every listed item with its status, in the
 * order they were decided. Returns how many items were listed. */
static int check_live(const scenario *scn, const sim_session *s, const scrub_render_snapshot *snap)
{
	const sim_item_result *res = sim_session_items(s);
	int decided = 0;
	for (int i = 0; i < scn->checklist.n; i++)
		decided += res[i].status != ITEM_PENDING;
	int at = checklist_line(snap);
	CHECK(at >= 0);
	if (at < 0)
		return 0;
	char want[96];
	snprintf(want, sizeof want, "Checklist: %d of %d decided", decided, scn->checklist.n);
	CHECK_STR(snap->hud_lines[at], want);
	int shown = decided < 6 ? decided : 6;
	double prev_t = -1;
	for (int j = 0; j < shown; j++) {
		CHECK((uint32_t)(at + 1 + j) < snap->hud_line_count);
		if ((uint32_t)(at + 1 + j) >= snap->hud_line_count)
			break;
		const char *line = snap->hud_lines[at + 1 + j];
		/* find the item whose text the line shows and compare the status */
		int found = -1;
		for (int i = 0; i < scn->checklist.n && found < 0; i++) {
			const char *text = scn->checklist.items[i].text ? scn->checklist.items[i].text : scn->checklist.items[i].id;
			char head[45];
			snprintf(head, sizeof head, "%s", text);
			if (res[i].status != ITEM_PENDING && strstr(line, head))
				found = i;
		}
		CHECK(found >= 0);
		if (found < 0) {
			fprintf(stderr, "  line '%s' shows no decided item\n", line);
			continue;
		}
		CHECK(strstr(line, item_status_label(res[found].status)) != NULL);
		CHECK(res[found].time >= prev_t);
		prev_t = res[found].time;
	}
	return shown;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "tests/data/bls_frontend.yaml";
	scenario *scn = load_scenario_file(path);
	if (!scn)
		return 1;
	const char *modes[3] = {"live", "end", "none"};
	int listed_late_or_worse = 0, listed_total = 0;
	for (int m = 0; m < 3; m++) {
		scn->checklist.feedback = modes[m];
		for (int r = 0; r < scn->nruns; r++) {
			const scn_model_run *run = &scn->runs[r];
			/* as the window drives it: the frames' clock, stepping past the middle of a step */
			host *h = NULL;
			host_desc hd = {.scn = scn, .clock = HOST_CLOCK_EXTERNAL, .step_at_half = true};
			CHECK(host_create(&hd, &h) == SCRUB_OK);
			if (!h)
				break;
			host_queue(h, run->actions, run->nactions);
			const sim_session *s = host_session(h);
			scene_sim *sc = calloc(1, sizeof *sc);
			scene_sim_init(sc, scn);
			scene_sim_params p = {.aspect = 16.f / 9.f};
			/* at the start nothing is decided */
			scene_sim_update(sc, s, &p);
			if (m == 0) {
				CHECK(check_live(scn, s, &sc->snapshot) == 0);
			} else {
				CHECK(checklist_line(&sc->snapshot) < 0);
			}
			for (double t = 10; t < scn->duration_s + 10 && !sim_session_ended(s); t += 10) {
				host_advance_to(h, t);
				scene_sim_update(sc, s, &p);
				CHECK(!sc->snapshot.results.visible || sim_session_ended(s));
				if (m == 0) {
					check_live(scn, s, &sc->snapshot);
				} else {
					CHECK(checklist_line(&sc->snapshot) < 0);
				}
			}
			if (!sim_session_ended(s))
				host_finish(h, true);
			scene_sim_update(sc, s, &p);
			/* the end: every item decided; live and end show the results panel, none does not */
			CHECK(sc->snapshot.results.visible == (m != 2));
			if (m == 0) {
				listed_total += check_live(scn, s, &sc->snapshot);
				const sim_item_result *res = sim_session_items(s);
				for (int i = 0; i < scn->checklist.n; i++)
					listed_late_or_worse += res[i].status != ITEM_DONE && res[i].status != ITEM_PENDING;
			}
			host_destroy(&h);
			free(sc);
		}
	}
	/* the model runs include failing ones: the live list must have met statuses other than done */
	CHECK(listed_total > 0);
	CHECK(listed_late_or_worse > 0);
	scenario_destroy(&scn);
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}
