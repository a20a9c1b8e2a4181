/* scrub-desktop-demo: the demo operating-room scene in a window (free camera: right mouse + W/A/S/D/Q/E, wheel;
 * Escape quits). Until `scrub run` opens the window for a scenario, this shows the desktop mode on its own. */
#include <stdio.h>
#include <string.h>

#include "scrub_desktop.h"
#include "scrub_render_demo.h"

static const scrub_render_snapshot *frame(void *user, scrub_desktop *desktop, const scrub_desktop_frame_info *info)
{
	scrub_render_demo *demo = user;
	static double t;
	t += info->dt;
	scrub_render_demo_params p = {.time = (float)t, .incision_open = 0.5f + 0.5f * (float)(t / 10.0 - (int)(t / 10.0)),
	                              .aspect = (float)info->width / (float)info->height, .overlay = true};
	scrub_render_demo_update(demo, &p);
	scrub_desktop_camera(desktop, &demo->snapshot.camera);
	return &demo->snapshot;
}

int main(int argc, char **argv)
{
	scrub_desktop_desc desc = {.title = "Scrub (demo scene)"};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-vsync"))
			desc.no_vsync = true;
		else if (!strcmp(argv[i], "--validation"))
			desc.validation = true;
		else {
			fprintf(stderr, "usage: %s [--no-vsync] [--validation]\n", argv[0]);
			return 2;
		}
	}
	scrub_render_demo demo;
	if (scrub_render_demo_init(&demo, 100) != SCRUB_OK)
		return 3;
	scrub_desktop *d = NULL;
	if (scrub_desktop_create(&desc, &d) != SCRUB_OK) {
		scrub_render_demo_fini(&demo);
		return 3;
	}
	const float eye[3] = {-0.12f, 1.32f, 0.62f}, at[3] = {0.12f, 0.90f, 0.06f};
	scrub_desktop_set_camera(d, eye, at, 0.9f);
	scrub_result res = scrub_desktop_run(d, frame, &demo, 0);
	scrub_desktop_destroy(&d);
	scrub_render_demo_fini(&demo);
	return res == SCRUB_OK ? 0 : 3;
}
