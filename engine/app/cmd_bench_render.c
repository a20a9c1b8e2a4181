/* scrub bench render: the suture scene drawn offscreen, tissue re-uploaded every frame, no per-frame readback.
 * Ends with one JSON line: fps_median (median of the runs), frame_ms_p50 / frame_ms_p99 (over every frame). */
#define SCRUB_LOG_MODULE "bench"
#include "cmd_bench_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "scrub_render.h"
#include "scrub_render_demo.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the whole process, lavapipe's rasteriser threads included: less sensitive to other load */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void usage(FILE *f)
{
	fprintf(f, "usage: scrub bench render [--width 1280] [--height 720] [--frames 120] [--runs 5]\n"
	           "                          [--samples 0] [--grid 100] [--device NAME] [--validation]\n"
	           "--samples: MSAA samples, 0 = the renderer default (4 on GPUs, 1 on CPU devices)\n"
	           "Renders the suture scene offscreen (tissue ~2*grid^2 triangles re-uploaded every frame,\n"
	           "instruments, patient monitor with waveforms, HUD text) and prints one JSON line with\n"
	           "fps_median (median of the runs), frame_ms_p50 and frame_ms_p99 (over all frames) and device.\n");
}

static bool parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end = NULL;
	unsigned long v = s ? strtoul(s, &end, 10) : 0;
	if (!s || !*s || *end || v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

int scrub_cmd_bench_render(int argc, char **argv)
{
	uint32_t width = 1280, height = 720, frames = 120, runs = 5, samples = 0, grid = 100;
	const char *device = NULL;
	bool validation = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok = true;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--width")) {
			ok = parse_u32(v, 16, 8192, &width), i++;
		} else if (!strcmp(a, "--height")) {
			ok = parse_u32(v, 16, 8192, &height), i++;
		} else if (!strcmp(a, "--frames")) {
			ok = parse_u32(v, 1, 1000000, &frames), i++;
		} else if (!strcmp(a, "--runs")) {
			ok = parse_u32(v, 1, 1000, &runs), i++;
		} else if (!strcmp(a, "--samples")) {
			ok = parse_u32(v, 0, 8, &samples), i++;
		} else if (!strcmp(a, "--grid")) {
			ok = parse_u32(v, 8, 1000, &grid), i++;
		} else if (!strcmp(a, "--device")) {
			ok = v != NULL, device = v, i++;
		} else if (!strcmp(a, "--validation")) {
			validation = true;
		} else {
			fprintf(stderr, "scrub bench render: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (!ok) {
			fprintf(stderr, "scrub bench render: %s needs a valid number%s\n", a, v ? "" : " (missing)");
			return 2;
		}
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
	uint32_t frame_no = 0;
	/* warm-up: pipelines, stream buffers, caches */
	for (int i = 0; i < 10; i++, frame_no++) {
		p.time = (float)frame_no / 60.f;
		p.incision_open = 0.8f + 0.2f * (float)(frame_no % 60) / 60.f;
		scrub_render_demo_update(&demo, &p);
		if (scrub_render_offscreen_draw(r, off, &demo.snapshot) != SCRUB_OK)
			goto out;
	}
	if (scrub_renderer_wait_idle(r) != SCRUB_OK)
		goto out;
	for (uint32_t run = 0; run < runs; run++) {
		double t0 = now_s(), prev = t0, c0 = cpu_s();
		for (uint32_t i = 0; i < frames; i++, frame_no++) {
			/* the tissue changes every frame, as the simulation's would */
			p.time = (float)frame_no / 60.f;
			p.incision_open = 0.8f + 0.2f * (float)(frame_no % 60) / 60.f;
			scrub_render_demo_update(&demo, &p);
			if (scrub_render_offscreen_draw(r, off, &demo.snapshot) != SCRUB_OK)
				goto out;
			double t = now_s();
			ft[run * frames + i] = (t - prev) * 1000.0;
			prev = t;
		}
		if (scrub_renderer_wait_idle(r) != SCRUB_OK)
			goto out;
		double total = now_s() - t0;
		/* the last frames finish inside wait_idle: charge that time to the last frame */
		ft[run * frames + frames - 1] += (now_s() - prev) * 1000.0;
		fps[run] = (double)frames / total;
		cpu[run] = (cpu_s() - c0) * 1000.0 / (double)frames;
		fprintf(stderr, "run %u: %.1f fps, %.2f ms CPU per frame\n", run + 1, fps[run], cpu[run]);
	}
	uint32_t validation_messages = scrub_renderer_validation_messages(r);
	double fps_median = percentile(fps, runs, 0.5), cpu_median = percentile(cpu, runs, 0.5);
	double p50 = percentile(ft, (size_t)frames * runs, 0.5), p99 = percentile(ft, (size_t)frames * runs, 0.99);
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
	       width, height, scrub_renderer_samples(r), demo.tissue.index_count / 3, frames, runs, fps_median, p50, p99,
	       cpu_median, validation_messages, name);
	rc = validation_messages ? 3 : 0;
out:
	scrub_render_offscreen_destroy(&off);
	scrub_renderer_destroy(&r);
	scrub_render_demo_fini(&demo);
	free(ft);
	free(fps);
	free(cpu);
	return rc;
}
