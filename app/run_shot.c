/* The offscreen screenshot of a headless run (run_desktop.h). */
#define SCRUB_LOG_MODULE "run"
#include "run_desktop_internal.h"

#include "log.h"
#include "scene_from_sim.h"

#include <stdlib.h>
#include <string.h>

struct run_shot {
	scrub_renderer *r;
	scrub_render_offscreen *off;
	scene_sim scene;
	char *path;
	double at;
	uint32_t w, h;
	bool done;
	bool own_camera;   /* a named view (--view) instead of the scenario's camera */
	bool no_hud;
	scrub_result result;
};

scrub_result run_shot_create(const scenario *scn, const char *path, double at, uint32_t w, uint32_t h, const char *view,
                             bool no_hud, run_shot **out)
{
	*out = NULL;
	run_shot *sh = calloc(1, sizeof *sh);
	if (!sh || !(sh->path = strdup(path))) {
		free(sh);
		return SCRUB_ERR_NOMEM;
	}
	sh->at = at;
	sh->no_hud = no_hud;
	sh->w = w ? w : 1280;
	sh->h = h ? h : 720;
	scene_sim_init(&sh->scene, scn);
	float eye[3], at_[3], fovy;
	if (view && scene_sim_view(view, eye, at_, &fovy)) {
		scrub_render_camera_look(&sh->scene.snapshot.camera, eye, at_, fovy, (float)sh->w / (float)sh->h);
		sh->own_camera = true;
	}
	desk_pin_test_driver();
	scrub_render_desc desc = {0};
	scrub_result r = scrub_renderer_create(&desc, &sh->r);
	if (r == SCRUB_OK)
		r = scrub_render_offscreen_create(sh->r, sh->w, sh->h, 1, &sh->off);
	if (r != SCRUB_OK) {
		run_shot_destroy(&sh);
		return r;
	}
	*out = sh;
	return SCRUB_OK;
}

void run_shot_on_event(run_shot *sh, const sim_event *ev) { scene_sim_on_event(&sh->scene, ev); }

static void shoot(run_shot *sh, const sim_session *s)
{
	sh->done = true;
	scene_sim_params p = {.aspect = (float)sh->w / (float)sh->h, .use_camera = sh->own_camera, .no_hud = sh->no_hud};
	scene_sim_update(&sh->scene, s, &p);
	uint8_t *px = malloc((size_t)sh->w * sh->h * 4);
	if (!px) {
		sh->result = SCRUB_ERR_NOMEM;
		return;
	}
	sh->result = scrub_render_offscreen_draw(sh->r, sh->off, &sh->scene.snapshot);
	if (sh->result == SCRUB_OK)
		sh->result = scrub_render_offscreen_read(sh->r, sh->off, 0, px);
	if (sh->result == SCRUB_OK)
		sh->result = scrub_image_write_png(sh->path, sh->w, sh->h, px);
	free(px);
	if (sh->result == SCRUB_OK)
		LOG_I("screenshot at %.2f s written to %s", sim_session_time(s), sh->path);
}

void run_shot_on_step(run_shot *sh, const sim_session *s)
{
	scene_sim_step(&sh->scene, s);
	if (!sh->done && sh->at >= 0 && sim_session_time(s) >= sh->at - 1e-9)
		shoot(sh, s);
}

scrub_result run_shot_finish(run_shot *sh, const sim_session *s)
{
	if (!sh->done)
		shoot(sh, s);
	return sh->result;
}

void run_shot_destroy(run_shot **psh)
{
	if (!psh || !*psh)
		return;
	run_shot *sh = *psh;
	scrub_render_offscreen_destroy(&sh->off);
	scrub_renderer_destroy(&sh->r);
	free(sh->path);
	free(sh);
	*psh = NULL;
}
