/* Golden-image tests: fixed snapshots rendered offscreen on lavapipe with validation on, compared with committed PNGs.
 *
 * usage: test_render_golden GOLDEN_DIR OUT_DIR
 * A pixel differs when one channel differs by more than PIXEL_THRESHOLD; a case fails when more than
 * MAX_DIFF_FRACTION of its pixels differ. On failure OUT_DIR/<case>.actual.png and <case>.diff.png are written.
 * SCRUB_UPDATE_GOLDEN=1 writes the rendered images as the new goldens instead (see docs/rendering.md). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scrub_render.h"
#include "scrub_render_demo.h"

#define W 320
#define H 240
#include "golden.h"

/* the share of pixels where a channel differs by more than thr */
static double frac_differ(const uint8_t *a, const uint8_t *b, int thr)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < W * H; i++)
		for (int c = 0; c < 3; c++)
			if (abs((int)a[4 * i + c] - (int)b[4 * i + c]) > thr) {
				n++;
				break;
			}
	return (double)n / (W * H);
}

static bool render(scrub_renderer *r, scrub_render_offscreen *off, scrub_render_demo *demo,
                   const scrub_render_demo_params *p, uint8_t *out)
{
	scrub_render_demo_update(demo, p);
	return scrub_render_offscreen_draw(r, off, &demo->snapshot) == SCRUB_OK &&
	       scrub_render_offscreen_read(r, off, 0, out) == SCRUB_OK;
}

int main(int argc, char **argv)
{
	if (!golden_args(argc, argv))
		return 2;

	scrub_render_desc desc = {.validation = true, .samples = 4};
	scrub_renderer *r = NULL;
	scrub_render_offscreen *off = NULL, *stereo = NULL;
	scrub_render_demo demo;
	CHECK(scrub_render_demo_init(&demo, 40) == SCRUB_OK);
	CHECK(scrub_renderer_create(&desc, &r) == SCRUB_OK);
	if (!r)
		return CHECK_DONE();
	fprintf(stderr, "device: %s, MSAA %ux\n", scrub_renderer_device_name(r), scrub_renderer_samples(r));
	CHECK(strstr(scrub_renderer_device_name(r), "llvmpipe") != NULL); /* goldens are lavapipe images */
	CHECK(scrub_render_offscreen_create(r, W, H, 1, &off) == SCRUB_OK);
	uint8_t *img = calloc((size_t)W * H * 4, 1), *img2 = calloc((size_t)W * H * 4, 1);
	CHECK(img && img2 && off);
	if (!img || !img2 || !off)
		return CHECK_DONE();

	/* 1: the operating room: tissue with an incision, instruments, monitor and HUD */
	scrub_render_demo_params scene = {.time = 12.5f, .incision_open = 1.f, .aspect = (float)W / H, .overlay = true};
	CHECK(render(r, off, &demo, &scene, img));
	CHECK(check_golden("scene", img));

	/* the comparison must catch a real change: blank the monitor panel of the rendered image */
	if (!update) {
		memcpy(img2, img, (size_t)W * H * 4);
		for (uint32_t y = 8; y < 110; y++)
			for (uint32_t x = 185; x < 315; x++)
				memset(&img2[4 * (y * W + x)], 0, 3);
		CHECK((double)compare(img, img2, W * H, NULL) / (W * H) > MAX_DIFF_FRACTION);
	}

	/* 2: close-up of the incised tissue: cut faces show skin, fat and muscle */
	scrub_render_demo_params cut = {.time = 0.f, .incision_open = 1.f, .aspect = (float)W / H, .close_up = true};
	CHECK(render(r, off, &demo, &cut, img));
	CHECK(check_golden("incision", img));
	/* intact skin differs from the incised tissue where the wound is */
	scrub_render_demo_params intact = cut;
	intact.incision_open = 0.f;
	CHECK(render(r, off, &demo, &intact, img2));
	CHECK((double)compare(img, img2, W * H, NULL) / (W * H) > 0.02);

	/* 3: the end-of-scenario results panel over the scene */
	scrub_render_demo_params res = scene;
	res.results = true;
	res.incision_open = 0.5f;
	CHECK(render(r, off, &demo, &res, img));
	CHECK(check_golden("results", img));

	/* 4: stereo through multiview: one pass into a 2-layer target. Both eyes are given the mono camera, so each
	 * layer must equal the mono image; then the right eye moves and its layer must change. */
	CHECK(scrub_render_offscreen_create(r, W, H, 2, &stereo) == SCRUB_OK);
	if (stereo) {
		scrub_render_demo_update(&demo, &scene);
		uint8_t *mono = malloc((size_t)W * H * 4);
		CHECK(scrub_render_offscreen_draw(r, off, &demo.snapshot) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, off, 0, mono) == SCRUB_OK);
		scrub_render_snapshot snap = demo.snapshot;
		snap.camera.view_count = 2;
		snap.camera.views[1] = snap.camera.views[0];
		CHECK(scrub_render_offscreen_draw(r, stereo, &snap) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, stereo, 0, img) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, stereo, 1, img2) == SCRUB_OK);
		CHECK(compare(img, mono, W * H, NULL) == 0);
		CHECK(compare(img2, mono, W * H, NULL) == 0);
		float eye[3] = {snap.camera.views[0].eye_pos[0] + 0.064f, snap.camera.views[0].eye_pos[1],
		                snap.camera.views[0].eye_pos[2]};
		float at[3] = {0.164f, 0.92f, 0.f}, up[3] = {0, 1, 0};
		scrub_render_look_at(eye, at, up, snap.camera.views[1].view);
		memcpy(snap.camera.views[1].eye_pos, eye, sizeof(eye));
		CHECK(scrub_render_offscreen_draw(r, stereo, &snap) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, stereo, 0, img) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, stereo, 1, img2) == SCRUB_OK);
		CHECK(compare(img, mono, W * H, NULL) == 0);
		CHECK((double)compare(img2, mono, W * H, NULL) / (W * H) > 0.02);
		/* ... and equal a mono image from the right eye */
		scrub_render_snapshot right = snap;
		right.camera.view_count = 1;
		right.camera.views[0] = snap.camera.views[1];
		CHECK(scrub_render_offscreen_draw(r, off, &right) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, off, 0, mono) == SCRUB_OK);
		CHECK(compare(img2, mono, W * H, NULL) == 0);
		/* a stereo camera on a mono target is refused */
		CHECK(scrub_render_offscreen_draw(r, off, &snap) == SCRUB_ERR_INVALID);
		free(mono);
	}

	/* 5: the patient's body (engine/render/bodygen.c) close up, with what care puts on it and the signs half on;
	 * then the signs' colours and movements must show, at both levels of detail */
	{
		scrub_render_body body = {.lod = 0, .eyes_open = 0.5f, .head_tilt = 0.2f, .chest_rise = {0.01f, 0.002f},
		                          .compression = 0.02f, .neck_veins = 0.5f, .trachea_shift = 0.008f, .sweat = 0.3f,
		                          .cyanosis_central = 0.3f, .cyanosis_peripheral = 0.3f, .flush = 0.3f,
		                          .urticaria = 0.4f, .pallor = 0.2f, .mottling = 0.2f};
		body.parts = 1u << SCRUB_BODY_SKIN | 1u << SCRUB_BODY_GOWN_OPEN | 1u << SCRUB_BODY_NECK_VEINS |
		             1u << SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR | 1u << SCRUB_BODY_PAD_LEFT_APEX | 1u << SCRUB_BODY_IV |
		             1u << SCRUB_BODY_NONREBREATHER | 1u << SCRUB_BODY_NEEDLE_RIGHT_2ICS | 1u << SCRUB_BODY_HAIR_LONG;
		scrub_render_trs(0.08f, 0.90f, 0, 0, 1.f, body.model);
		scrub_render_snapshot bs = demo.snapshot;
		bs.tissue = NULL;
		bs.body = &body;
		bs.hud_line_count = 0;
		bs.monitor.visible = false;
		bs.results.visible = false;
		bs.instance_count = 2; /* the room and the table */
		const float eye[3] = {0.30f, 1.62f, -0.72f}, at[3] = {0.55f, 1.05f, 0.0f};
		scrub_render_camera_look(&bs.camera, eye, at, 0.75f, (float)W / H);
		CHECK(scrub_render_offscreen_draw(r, off, &bs) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, off, 0, img) == SCRUB_OK);
		CHECK(check_golden("body", img));
		/* the skin's signs in full against none */
		scrub_render_body plain = body;
		plain.cyanosis_central = plain.cyanosis_peripheral = plain.flush = plain.urticaria = plain.pallor = 0.f;
		plain.mottling = plain.sweat = 0.f;
		scrub_render_body full = plain;
		full.cyanosis_central = full.cyanosis_peripheral = full.urticaria = full.mottling = full.sweat = 1.f;
		bs.body = &plain;
		CHECK(scrub_render_offscreen_draw(r, off, &bs) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, off, 0, img2) == SCRUB_OK);
		uint8_t *img3 = malloc((size_t)W * H * 4);
		bs.body = &full;
		CHECK(img3 && scrub_render_offscreen_draw(r, off, &bs) == SCRUB_OK);
		CHECK(img3 && scrub_render_offscreen_read(r, off, 0, img3) == SCRUB_OK);
		double skin = img3 ? frac_differ(img3, img2, 16) : 0;
		free(img3);
		bs.body = &plain;
		plain = body;
		plain.chest_rise[0] = plain.compression = plain.head_tilt = plain.trachea_shift = 0.f;
		plain.eyes_open = 1.f;
		CHECK(scrub_render_offscreen_draw(r, off, &bs) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, off, 0, img2) == SCRUB_OK);
		double shape = (double)compare(img, img2, W * H, NULL) / (W * H);
		fprintf(stderr, "body: the skin's signs change %.1f%% of the pixels (by > 16), the movements %.1f%%\n", skin * 100,
		        shape * 100);
		CHECK(skin > 0.08);
		CHECK(shape > 0.01);
		/* the far level of detail (lit per vertex) draws the same body: most pixels agree */
		plain = body;
		plain.lod = 1;
		CHECK(scrub_render_offscreen_draw(r, off, &bs) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, off, 0, img2) == SCRUB_OK);
		double lod = (double)compare(img, img2, W * H, NULL) / (W * H);
		fprintf(stderr, "body: LOD 1 differs from LOD 0 in %.1f%% of the pixels\n", lod * 100);
		CHECK(lod < 0.08);
	}

	/* 6: a mesh the caller uploads (scrub_renderer_mesh_upload) is drawn by its handle: an emissive red square
	 * facing the camera fills the middle of the image; bad meshes and unknown handles are refused */
	{
		const scrub_render_vertex quad[4] = {
			{{-1, -1, 0}, {0, 0, 1}, {0, 0}, 0xff0000ffu},
			{{1, -1, 0}, {0, 0, 1}, {1, 0}, 0xff0000ffu},
			{{1, 1, 0}, {0, 0, 1}, {1, 1}, 0xff0000ffu},
			{{-1, 1, 0}, {0, 0, 1}, {0, 1}, 0xff0000ffu},
		};
		const uint32_t tris[6] = {0, 1, 2, 0, 2, 3}, bad_tris[3] = {0, 1, 4};
		scrub_render_mesh square = 0, none = 0;
		CHECK(scrub_renderer_mesh_upload(r, &(scrub_render_mesh_desc){quad, 4, tris, 6, false}, &square) == SCRUB_OK);
		CHECK(square >= SCRUB_MESH_COUNT);
		CHECK(scrub_renderer_mesh_upload(r, &(scrub_render_mesh_desc){quad, 4, bad_tris, 3, false}, &none) ==
		      SCRUB_ERR_INVALID);
		scrub_render_instance in = {.mesh = square, .material = {SCRUB_MATERIAL_EMISSIVE, {1, 1, 1, 1}, 0}};
		scrub_render_identity(in.model);
		scrub_render_snapshot ms = {.instances = &in, .instance_count = 1, .clear_color = {0, 0, 0, 1}};
		const float eye[3] = {0, 0, 3}, at[3] = {0, 0, 0};
		scrub_render_camera_look(&ms.camera, eye, at, 0.8f, (float)W / H);
		CHECK(scrub_render_offscreen_draw(r, off, &ms) == SCRUB_OK);
		CHECK(scrub_render_offscreen_read(r, off, 0, img) == SCRUB_OK);
		const uint8_t *mid = &img[((size_t)(H / 2) * W + W / 2) * 4], *corner = &img[0];
		fprintf(stderr, "uploaded mesh: middle %u %u %u, corner %u %u %u\n", mid[0], mid[1], mid[2], corner[0],
		        corner[1], corner[2]);
		CHECK(mid[0] > 200 && mid[1] < 40 && mid[2] < 40);
		CHECK(corner[0] < 40);
		in.mesh = square + 1;
		CHECK(scrub_render_offscreen_draw(r, off, &ms) == SCRUB_ERR_INVALID);
	}

	/* bad snapshots are refused before anything is recorded */
	scrub_render_snapshot bad = demo.snapshot;
	bad.camera.view_count = 1;
	scrub_render_tissue bad_tissue = *bad.tissue;
	bad_tissue.index_count = 3;
	const uint32_t three[3] = {0, 1, bad_tissue.vertex_count};
	bad_tissue.indices = three;
	bad.tissue = &bad_tissue;
	CHECK(scrub_render_offscreen_draw(r, off, &bad) == SCRUB_ERR_INVALID);

	uint32_t msgs = scrub_renderer_validation_messages(r);
	fprintf(stderr, "validation messages: %u\n", msgs);
	CHECK(msgs == 0);
	scrub_render_offscreen_destroy(&stereo);
	scrub_render_offscreen_destroy(&off);
	scrub_renderer_destroy(&r);
	CHECK(r == NULL);
	scrub_render_demo_fini(&demo);
	free(img);
	free(img2);
	return CHECK_DONE();
}
