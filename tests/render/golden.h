/* Golden-image comparison shared by the render tests (see docs/rendering.md). Include once per test, after
 * defining W and H (the image size). */
#ifndef SCRUB_TEST_GOLDEN_H
#define SCRUB_TEST_GOLDEN_H

#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scrub_render.h"

static const char *golden_dir, *out_dir;
static bool update;

/* The test's command line (GOLDEN_DIR OUT_DIR) and environment: SCRUB_UPDATE_GOLDEN=1 writes the goldens;
 * SCRUB_TEST_PIN_LIB keeps the Vulkan driver loaded after vkDestroyInstance (LeakSanitizer otherwise reports the
 * driver's global allocations as leaks once the loader has unloaded it: they are not; pinned, nothing is
 * reported). False after printing the usage. */
static bool golden_args(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s GOLDEN_DIR OUT_DIR\n", argv[0]);
		return false;
	}
	golden_dir = argv[1];
	out_dir = argv[2];
	const char *u = getenv("SCRUB_UPDATE_GOLDEN");
	update = u && strcmp(u, "1") == 0;
	const char *pin = getenv("SCRUB_TEST_PIN_LIB");
	if (pin && *pin && !dlopen(pin, RTLD_NOW | RTLD_NODELETE))
		fprintf(stderr, "cannot pin %s: %s\n", pin, dlerror());
	return true;
}

#define PIXEL_THRESHOLD 40
#define MAX_DIFF_FRACTION 0.01

/* Counts differing pixels; writes a diff image (differing pixels red over a dimmed copy) when diff != NULL. */
static uint32_t compare(const uint8_t *a, const uint8_t *b, uint32_t n, uint8_t *diff)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < n; i++) {
		int worst = 0;
		for (int c = 0; c < 3; c++) {
			int d = abs((int)a[4 * i + c] - (int)b[4 * i + c]);
			worst = d > worst ? d : worst;
		}
		bool differs = worst > PIXEL_THRESHOLD;
		bad += differs;
		if (diff) {
			uint8_t g = (uint8_t)((a[4 * i] + a[4 * i + 1] + a[4 * i + 2]) / 12);
			diff[4 * i] = differs ? 255 : g;
			diff[4 * i + 1] = differs ? 0 : g;
			diff[4 * i + 2] = differs ? 0 : g;
			diff[4 * i + 3] = 255;
		}
	}
	return bad;
}

/* Returns true when the image matches its golden (or the golden was updated). */
static bool check_golden(const char *name, const uint8_t *rgba)
{
	char gpath[1024], apath[1024], dpath[1024];
	snprintf(gpath, sizeof(gpath), "%s/%s.png", golden_dir, name);
	snprintf(apath, sizeof(apath), "%s/%s.actual.png", out_dir, name);
	snprintf(dpath, sizeof(dpath), "%s/%s.diff.png", out_dir, name);
	if (update) {
		bool ok = scrub_image_write_png(gpath, W, H, rgba) == SCRUB_OK;
		fprintf(stderr, "%s: golden updated: %s\n", name, gpath);
		return ok;
	}
	uint32_t gw = 0, gh = 0;
	uint8_t *golden = NULL;
	if (scrub_image_read_png(gpath, &gw, &gh, &golden) != SCRUB_OK || gw != W || gh != H) {
		fprintf(stderr, "%s: golden %s missing or not %dx%d (SCRUB_UPDATE_GOLDEN=1 writes it)\n", name, gpath, W, H);
		scrub_image_write_png(apath, W, H, rgba);
		free(golden);
		return false;
	}
	uint8_t *diff = malloc((size_t)W * H * 4);
	uint32_t bad = compare(rgba, golden, W * H, diff);
	double frac = (double)bad / (double)(W * H);
	bool ok = frac <= MAX_DIFF_FRACTION;
	fprintf(stderr, "%s: %u of %u pixels differ by more than %d (%.3f%%, limit %.2f%%): %s\n", name, bad, W * H,
	        PIXEL_THRESHOLD, frac * 100.0, MAX_DIFF_FRACTION * 100.0, ok ? "ok" : "FAIL");
	if (!ok) {
		scrub_image_write_png(apath, W, H, rgba);
		if (diff)
			scrub_image_write_png(dpath, W, H, diff);
		fprintf(stderr, "%s: wrote %s and %s\n", name, apath, dpath);
	}
	free(diff);
	free(golden);
	return ok;
}

#endif
