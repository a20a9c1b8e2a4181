/* png_compare ACTUAL GOLDEN [DIFF]: compares two PNG images with the tolerance of the render goldens
 * (tests/render/golden.h: a pixel differs when a channel is off by more than 40; at most 1% of the pixels may).
 * SCRUB_UPDATE_GOLDEN=1 copies ACTUAL over GOLDEN instead. Exit 0 = match, 1 = differ, 2 = usage or I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scrub_render.h"

#define PIXEL_THRESHOLD 40
#define MAX_DIFF_FRACTION 0.01

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s ACTUAL.png GOLDEN.png [DIFF.png]\n", argv[0]);
		return 2;
	}
	uint32_t aw = 0, ah = 0, gw = 0, gh = 0;
	uint8_t *a = NULL, *g = NULL;
	if (scrub_image_read_png(argv[1], &aw, &ah, &a) != SCRUB_OK) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	const char *u = getenv("SCRUB_UPDATE_GOLDEN");
	if (u && !strcmp(u, "1")) {
		int rc = scrub_image_write_png(argv[2], aw, ah, a) == SCRUB_OK ? 0 : 2;
		fprintf(stderr, "golden updated: %s\n", argv[2]);
		free(a);
		return rc;
	}
	if (scrub_image_read_png(argv[2], &gw, &gh, &g) != SCRUB_OK || gw != aw || gh != ah) {
		fprintf(stderr, "golden %s missing or not %ux%u (SCRUB_UPDATE_GOLDEN=1 writes it)\n", argv[2], aw, ah);
		free(a);
		free(g);
		return 1;
	}
	size_t n = (size_t)aw * ah, bad = 0;
	uint8_t *diff = malloc(n * 4);
	for (size_t i = 0; i < n; i++) {
		int worst = 0;
		for (int c = 0; c < 3; c++) {
			int d = abs((int)a[4 * i + c] - (int)g[4 * i + c]);
			worst = d > worst ? d : worst;
		}
		bad += worst > PIXEL_THRESHOLD;
		if (diff) {
			uint8_t grey = (uint8_t)((a[4 * i] + a[4 * i + 1] + a[4 * i + 2]) / 12);
			diff[4 * i] = worst > PIXEL_THRESHOLD ? 255 : grey;
			diff[4 * i + 1] = diff[4 * i + 2] = worst > PIXEL_THRESHOLD ? 0 : grey;
			diff[4 * i + 3] = 255;
		}
	}
	double frac = (double)bad / (double)n;
	int ok = frac <= MAX_DIFF_FRACTION;
	fprintf(stderr, "%s: %zu of %zu pixels differ by more than %d (%.3f%%, limit %.2f%%): %s\n", argv[1], bad, n,
	        PIXEL_THRESHOLD, frac * 100.0, MAX_DIFF_FRACTION * 100.0, ok ? "ok" : "FAIL");
	if (!ok && diff && argc == 4 && scrub_image_write_png(argv[3], aw, ah, diff) == SCRUB_OK)
		fprintf(stderr, "wrote %s\n", argv[3]);
	free(diff);
	free(a);
	free(g);
	return ok ? 0 : 1;
}
