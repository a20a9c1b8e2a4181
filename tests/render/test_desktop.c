/* Desktop mode under Xvfb: open the window, draw a few frames of the demo scene through the swapchain, take a
 * screenshot of the window and compare it with a golden image.
 * usage: test_desktop GOLDEN_DIR OUT_DIR   (exit 77 = skipped: no display) */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scrub_desktop.h"
#include "scrub_render_demo.h"

#define W 320
#define H 240
#include "golden.h"

typedef struct ctx {
	scrub_render_demo demo;
	uint64_t frames;
	uint32_t last_w, last_h;
} ctx;

static const scrub_render_snapshot *frame(void *user, scrub_desktop *desktop, const scrub_desktop_frame_info *info)
{
	ctx *c = user;
	scrub_render_demo_params p = {.time = 12.5f, .incision_open = 1.f, .aspect = (float)info->width / (float)info->height,
	                              .overlay = true};
	scrub_render_demo_update(&c->demo, &p);
	scrub_desktop_camera(desktop, &c->demo.snapshot.camera);
	c->frames++;
	c->last_w = info->width;
	c->last_h = info->height;
	return &c->demo.snapshot;
}

int main(int argc, char **argv)
{
	if (!golden_args(argc, argv))
		return 2;
	if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
		fprintf(stderr, "no display: skipped (run under xvfb-run -a)\n");
		return 77;
	}

	ctx c = {0};
	CHECK(scrub_render_demo_init(&c.demo, 40) == SCRUB_OK);
	scrub_desktop *d = NULL;
	scrub_desktop_desc desc = {.title = "Scrub test", .width = W, .height = H, .validation = true, .samples = 4};
	CHECK(scrub_desktop_create(&desc, &d) == SCRUB_OK);
	if (!d)
		return CHECK_DONE();
	const float eye[3] = {-0.12f, 1.32f, 0.62f}, at[3] = {0.12f, 0.90f, 0.06f}; /* the demo scene's camera */
	scrub_desktop_set_camera(d, eye, at, 0.9f);
	char shot[1024];
	snprintf(shot, sizeof(shot), "%s/desktop.screenshot.png", out_dir);
	remove(shot);
	CHECK(scrub_desktop_run(d, frame, &c, 3) == SCRUB_OK);
	scrub_desktop_request_screenshot(d, shot);
	CHECK(scrub_desktop_run(d, frame, &c, 2) == SCRUB_OK);
	CHECK(c.frames == 5);
	CHECK(c.last_w == W && c.last_h == H);
	uint32_t validation = scrub_renderer_validation_messages(scrub_desktop_renderer(d));
	fprintf(stderr, "validation messages: %u\n", validation);
	CHECK(validation == 0);
	scrub_desktop_destroy(&d);
	CHECK(d == NULL);

	uint32_t w = 0, h = 0;
	uint8_t *img = NULL;
	CHECK(scrub_image_read_png(shot, &w, &h, &img) == SCRUB_OK);
	CHECK(w == W && h == H);
	if (img && w == W && h == H)
		CHECK(check_golden("desktop", img));
	free(img);
	scrub_render_demo_fini(&c.demo);
	return CHECK_DONE();
}
