/* scrub bench render: the suture scene drawn offscreen, tissue re-uploaded every frame, no per-frame readback.
 * Ends with one JSON line: fps_median (median of the runs), frame_ms_p50 / frame_ms_p99 (over every frame). */
#define SCRUB_LOG_MODULE "bench"
#include "cmd_bench_render.h"
#include "cli.h"
#include "host.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "scene_from_sim.h"
#include "scrub_render.h"
#include "scrub_render_demo.h"
#include "bench_tissue.h"


/* The scene `scrub run` shows, from a session of a scenario played by its first passing model run (looping). */
typedef struct sim_scene {
	scenario *scn;
	host *h;                 /* the session (EXTERNAL clock: the frames' time) */
	const sim_session *s;
	const sim_action *acts;
	int nacts;
	scene_sim scene;
	host_sink scene_sink;    /* steps the scene's motion with the session */
	bench_tissue *tissue;
	scrub_render_tissue rt;
} sim_scene;

static void scene_step(host_sink *sink, const sim_session *s)
{
	sim_scene *ss = (sim_scene *)((char *)sink - offsetof(sim_scene, scene_sink));
	scene_sim_step(&ss->scene, s);
}

/* A new session from the start, played by the scenario's first passing model run. */
static bool sim_scene_start(sim_scene *ss)
{
	host_destroy(&ss->h);
	ss->scene_sink = (host_sink){.step = scene_step};
	host_sink *sinks[] = {&ss->scene_sink};
	host_desc hd = {.scn = ss->scn, .clock = HOST_CLOCK_EXTERNAL, .step_at_half = true, .sinks = sinks, .nsinks = 1};
	if (host_create(&hd, &ss->h) != SCRUB_OK)
		return false;
	host_queue(ss->h, ss->acts, ss->nacts);
	ss->s = host_session(ss->h);
	scene_sim_init(&ss->scene, ss->scn);
	return true;
}

static void sim_scene_fini(sim_scene *ss)
{
	host_destroy(&ss->h);
	bench_tissue_destroy(&ss->tissue);
	scenario_destroy(&ss->scn);
}

static bool sim_scene_init(sim_scene *ss, const char *path, uint32_t tets)
{
	memset(ss, 0, sizeof(*ss));
	scrub_diags d;
	scrub_diags_init(&d, path, NULL, 0);
	if (scenario_load_file(path, NULL, &d, &ss->scn) != SCRUB_OK) {
		scrub_diags_print(&d, stderr);
		scrub_diags_fini(&d);
		return false;
	}
	scrub_diags_fini(&d);
	for (int i = 0; i < ss->scn->nruns && !ss->acts; i++)
		if (ss->scn->runs[i].expect_pass)
			ss->acts = ss->scn->runs[i].actions, ss->nacts = ss->scn->runs[i].nactions;
	if (!sim_scene_start(ss))
		return false;
	if (tets) {
		float sx = 0, sy = 0;
		if (!bench_tissue_create(tets, &sx, &sy, &ss->tissue))
			return false;
		/* tissue space (x, y on the skin, z up, top at 0) onto the patient's abdomen: x -> x, y -> -z, z -> y */
		float *m = ss->rt.model;
		scrub_render_identity(m);
		m[5] = 0.f, m[6] = -1.f, m[9] = 1.f, m[10] = 0.f;
		m[12] = 0.28f - sx * 0.5f, m[13] = 1.105f, m[14] = sy * 0.5f;
	}
	return true;
}

static const scrub_render_snapshot *sim_scene_frame(sim_scene *ss, uint32_t frame_no, float aspect, double *untimed)
{
	double t0 = scrub_now(), target = (double)frame_no / 60.0;
	target = fmod(target, sim_session_ended(ss->s) ? 1.0 : 1e9);
	if (sim_session_ended(ss->s) && !sim_scene_start(ss)) /* play it again */
		return NULL;
	host_advance_to(ss->h, target);
	if (ss->tissue) {
		bench_tissue_mesh m;
		if (!bench_tissue_step(ss->tissue, &m))
			return NULL;
		ss->rt.positions = m.positions;
		ss->rt.normals = m.normals;
		ss->rt.uvs = m.uvs;
		ss->rt.layers = m.layers;
		ss->rt.vertex_count = m.vertex_count;
		ss->rt.indices = m.indices;
		ss->rt.index_count = m.index_count;
	}
	*untimed += scrub_now() - t0; /* the simulation's own cost is not the renderer's */
	scene_sim_params p = {.aspect = aspect};
	scene_sim_update(&ss->scene, ss->s, &p);
	if (ss->tissue)
		ss->scene.snapshot.tissue = &ss->rt;
	return &ss->scene.snapshot;
}

/* The frame FRAME_NO: the session's scene (SS), or the demo scene with the tissue changing every frame, as the
 * simulation's would. */
static const scrub_render_snapshot *next_frame(sim_scene *ss, scrub_render_demo *demo, scrub_render_demo_params *p,
                                               uint32_t frame_no, double *untimed)
{
	if (ss)
		return sim_scene_frame(ss, frame_no, p->aspect, untimed);
	p->time = (float)frame_no / 60.f;
	p->incision_open = 0.8f + 0.2f * (float)(frame_no % 60) / 60.f;
	scrub_render_demo_update(demo, p);
	return &demo->snapshot;
}

static const char usage[] =
	"usage: scrub bench render [--width 1280] [--height 720] [--frames 120] [--runs 5]\n"
	"                          [--samples 0] [--grid 100] [--device NAME] [--validation]\n"
	"                          [--scenario FILE [--tissue-tets N]]\n"
	"--samples: MSAA samples, 0 = the renderer default (4 on GPUs, 1 on CPU devices)\n"
	"Renders the suture scene offscreen (tissue ~2*grid^2 triangles re-uploaded every frame,\n"
	"instruments, patient monitor with waveforms, HUD text) and prints one JSON line with\n"
	"fps_median (median of the runs), frame_ms_p50 and frame_ms_p99 (over all frames) and device.\n"
	"--scenario: the scene scrub run shows instead, built every frame from a session of FILE played\n"
	"by its first passing model run (room, patient, monitor with waveforms, HUD); with --tissue-tets\n"
	"N, a soft-tissue block of about N tetrahedra (sim/tissue) on the patient, its surface\n"
	"re-uploaded every frame (its physics steps between frames are not timed).\n";

static bool parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	long v;
	if (!cli_whole(s, lo, hi, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

int scrub_cmd_bench_render(int argc, char **argv)
{
	const char *device = NULL, *scenario_path = NULL;
	const char *vals[7] = {NULL};
	bool validation = false;
	cli_opt opts[] = {{"width", true, &vals[0], NULL}, {"height", true, &vals[1], NULL}, {"frames", true, &vals[2], NULL},
	                  {"runs", true, &vals[3], NULL}, {"samples", true, &vals[4], NULL}, {"grid", true, &vals[5], NULL},
	                  {"tissue-tets", true, &vals[6], NULL}, {"device", true, &device, NULL},
	                  {"scenario", true, &scenario_path, NULL}, {"validation", false, NULL, &validation}, {0}};
	int npos, st = cli_args(argc, argv, opts, NULL, 0, 0, &npos, usage, NULL);
	if (st != CLI_GO_ON)
		return st;
	uint32_t width = 1280, height = 720, frames = 120, runs = 5, samples = 0, grid = 100, tissue_tets = 0;
	uint32_t *dst[7] = {&width, &height, &frames, &runs, &samples, &grid, &tissue_tets};
	static const uint32_t range[7][2] = {{16, 8192}, {16, 8192}, {1, 1000000}, {1, 1000}, {0, 8}, {8, 1000}, {0, 2000000}};
	for (int k = 0; k < 7; k++)
		if (vals[k] && !parse_u32(vals[k], range[k][0], range[k][1], dst[k])) {
			fprintf(stderr, "scrub bench render: --%s needs a valid number\n", opts[k].name);
			return 2;
		}

	scrub_render_desc desc = {.validation = validation, .samples = samples, .device_name = device};
	scrub_renderer *r = NULL;
	scrub_render_offscreen *off = NULL;
	scrub_render_demo demo;
	int rc = 3;
	double *ft = malloc(sizeof(double) * frames * runs), *fps = malloc(sizeof(double) * runs);
	double *cpu = malloc(sizeof(double) * runs);
	if (!ft || !fps || !cpu || scrub_render_demo_init(&demo, grid) != SCRUB_OK) {
		free(ft);
		free(fps);
		free(cpu);
		return 3;
	}
	if (scrub_renderer_create(&desc, &r) != SCRUB_OK || scrub_render_offscreen_create(r, width, height, 1, &off) != SCRUB_OK) {
		fprintf(stderr, "scrub bench render: no usable Vulkan device\n");
		goto out;
	}
	scrub_render_demo_params p = {.incision_open = 1.f, .aspect = (float)width / (float)height, .overlay = true};
	sim_scene ss;
	memset(&ss, 0, sizeof(ss));
	bool use_sim = scenario_path != NULL;
	if (use_sim && !sim_scene_init(&ss, scenario_path, tissue_tets)) {
		fprintf(stderr, "scrub bench render: cannot build the scene of %s\n", scenario_path);
		goto out;
	}
	uint32_t tissue_triangles = use_sim ? 0 : demo.tissue.index_count / 3;
	uint32_t frame_no = 0;
	/* warm-up: pipelines, stream buffers, caches */
	double untimed = 0;
	for (int i = 0; i < 10; i++, frame_no++) {
		const scrub_render_snapshot *snap = next_frame(use_sim ? &ss : NULL, &demo, &p, frame_no, &untimed);
		if (!snap || scrub_render_offscreen_draw(r, off, snap) != SCRUB_OK)
			goto out;
	}
	if (scrub_renderer_wait_idle(r) != SCRUB_OK)
		goto out;
	for (uint32_t run = 0; run < runs; run++) {
		double t0 = scrub_now(), prev = t0, c0 = scrub_cpu_process() /* lavapipe's threads included: less sensitive to other load */, skipped = 0;
		for (uint32_t i = 0; i < frames; i++, frame_no++) {
			/* the tissue changes every frame, as the simulation's would */
			untimed = 0;
			const scrub_render_snapshot *snap = next_frame(use_sim ? &ss : NULL, &demo, &p, frame_no, &untimed);
			if (!snap || scrub_render_offscreen_draw(r, off, snap) != SCRUB_OK)
				goto out;
			if (snap->tissue)
				tissue_triangles = snap->tissue->index_count / 3;
			double t = scrub_now();
			ft[run * frames + i] = (t - prev - untimed) * 1000.0;
			skipped += untimed;
			prev = t;
		}
		if (scrub_renderer_wait_idle(r) != SCRUB_OK)
			goto out;
		double total = scrub_now() - t0 - skipped;
		/* the last frames finish inside wait_idle: charge that time to the last frame */
		ft[run * frames + frames - 1] += (scrub_now() - prev) * 1000.0;
		fps[run] = (double)frames / total;
		cpu[run] = (scrub_cpu_process() /* lavapipe's threads included: less sensitive to other load */ - c0) * 1000.0 / (double)frames;
		fprintf(stderr, "run %u: %.1f fps, %.2f ms CPU per frame\n", run + 1, fps[run], cpu[run]);
	}
	uint32_t validation_messages = scrub_renderer_validation_messages(r);
	double fps_median = cli_percentile(fps, runs, 0.5), cpu_median = cli_percentile(cpu, runs, 0.5);
	double p50 = cli_percentile(ft, (size_t)frames * runs, 0.5), p99 = cli_percentile(ft, (size_t)frames * runs, 0.99);
	char name[256];
	size_t n = 0;
	for (const char *c = scrub_renderer_device_name(r); *c && n + 2 < sizeof(name); c++) {
		if (*c == '"' || *c == '\\')
			name[n++] = '\\';
		name[n++] = *c;
	}
	name[n] = 0;
	printf("{\"bench\":\"render\",\"width\":%u,\"height\":%u,\"samples\":%u,\"tissue_triangles\":%u,"
	       "\"frames\":%u,\"runs\":%u,\"fps_median\":%.1f,\"frame_ms_p50\":%.2f,\"frame_ms_p99\":%.2f,"
	       "\"cpu_ms_per_frame\":%.2f,\"validation_messages\":%u,\"device\":\"%s\"}\n",
	       width, height, scrub_renderer_samples(r), tissue_triangles, frames, runs, fps_median, p50, p99,
	       cpu_median, validation_messages, name);
	rc = validation_messages ? 3 : 0;
out:
	if (scenario_path)
		sim_scene_fini(&ss);
	scrub_render_offscreen_destroy(&off);
	scrub_renderer_destroy(&r);
	scrub_render_demo_fini(&demo);
	free(ft);
	free(fps);
	free(cpu);
	return rc;
}
