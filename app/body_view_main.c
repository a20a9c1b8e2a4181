/* scrub-body-view: the patient's body alone, with chosen clinical signs, from a named view, as a PNG.
 *
 *   build/engine/scrub-body-view OUT.png [--view face] [--size 800x450] [--parts skin,gown] [SIGN=VALUE...]
 *
 * SIGN is a field of scrub_render_body (chest_rise_left, chest_rise_right, abdomen_rise, compression, jolt,
 * head_tilt, eyes_open, trachea_shift, neck_veins, bag_squeeze, cyanosis_central, cyanosis_peripheral, pallor,
 * flush, urticaria, sweat, mottling, time, trunk_raise, legs_raise, lod). Parts are scrub_body_part names in lower case without the prefix
 * (skin, hair_long, gown, gown_open, neck_veins, pad_right_infraclavicular, ...) or "all". For tuning the body and
 * for pictures in the docs; the table, room and cart are drawn around it. */
#include "scene_from_sim.h"
#include "scrub_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const part_names[SCRUB_BODY_PART_COUNT] = {
	"skin", "hair_long", "gown", "gown_open", "neck_veins", "pad_right_infraclavicular", "pad_left_apex",
	"pad_left_precordium", "pad_left_back", "pad_sternum", "pad_abdomen", "pad_left_infraclavicular",
	"pad_right_apex", "face_mask", "nonrebreather", "nasal_cannula", "bvm_mask", "bvm_tube", "opa", "npa", "sga",
	"ett", "iv", "io", "needle_left_2ics", "needle_right_2ics", "needle_left_5ics", "needle_right_5ics",
	"drain_left", "drain_right", "backrest", "leg_rest",
};

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s OUT.png [--view NAME] [--size WxH] [--parts a,b,...|all] [SIGN=VALUE...]\n",
		        argv[0]);
		return 2;
	}
	const char *out = argv[1], *view = "body";
	unsigned w = 800, h = 450;
	scrub_render_body b = {.lod = -1, .eyes_open = 1.f};
	b.parts = 1u << SCRUB_BODY_SKIN | 1u << SCRUB_BODY_GOWN | 1u << SCRUB_BODY_NECK_VEINS;
	struct {
		const char *name;
		float *v;
	} fields[] = {
		{"chest_rise_left", &b.chest_rise[0]}, {"chest_rise_right", &b.chest_rise[1]}, {"abdomen_rise", &b.abdomen_rise},
		{"compression", &b.compression}, {"jolt", &b.jolt}, {"head_tilt", &b.head_tilt}, {"eyes_open", &b.eyes_open},
		{"trachea_shift", &b.trachea_shift}, {"neck_veins", &b.neck_veins}, {"bag_squeeze", &b.bag_squeeze},
		{"cyanosis_central", &b.cyanosis_central}, {"cyanosis_peripheral", &b.cyanosis_peripheral},
		{"pallor", &b.pallor}, {"flush", &b.flush}, {"urticaria", &b.urticaria}, {"sweat", &b.sweat},
		{"mottling", &b.mottling}, {"time", &b.time}, {"trunk_raise", &b.posture[0]}, {"legs_raise", &b.posture[1]},
	};
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--view") && i + 1 < argc) {
			view = argv[++i];
		} else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			if (sscanf(argv[++i], "%ux%u", &w, &h) != 2 || w < 16 || h < 16 || w > 4096 || h > 4096) {
				fprintf(stderr, "--size WxH\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--parts") && i + 1 < argc) {
			char *list = argv[++i];
			b.parts = 0;
			for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
				int k = -1;
				for (int p = 0; p < SCRUB_BODY_PART_COUNT; p++)
					if (!strcmp(tok, part_names[p]))
						k = p;
				if (!strcmp(tok, "all")) {
					b.parts = (uint32_t)((1ull << SCRUB_BODY_PART_COUNT) - 1);
					continue;
				}
				if (k < 0) {
					fprintf(stderr, "unknown part '%s'\n", tok);
					return 2;
				}
				b.parts |= 1u << k;
			}
		} else {
			char name[64];
			float v;
			bool ok = sscanf(argv[i], "%63[a-z_]=%f", name, &v) == 2;
			bool found = false;
			if (ok && !strcmp(name, "lod"))
				b.lod = (int)v, found = true;
			for (size_t f = 0; ok && f < sizeof fields / sizeof fields[0]; f++)
				if (!strcmp(fields[f].name, name))
					*fields[f].v = v, found = true;
			if (!found) {
				fprintf(stderr, "unknown argument '%s'\n", argv[i]);
				return 2;
			}
		}
	}
	float eye[3], at[3], fovy;
	if (!scene_sim_view(view, eye, at, &fovy)) {
		fprintf(stderr, "--view is one of %s\n", SCENE_VIEW_NAMES);
		return 2;
	}
	scrub_render_trs(0.08f, 0.90f, 0, 0, 1.f, b.model);
	scrub_render_instance inst[2] = {
		{.mesh = SCRUB_MESH_ROOM, .material = {SCRUB_MATERIAL_MATTE, {1, 1, 1, 1}, 0}},
		{.mesh = SCRUB_MESH_TABLE, .material = {SCRUB_MATERIAL_MATTE, {1, 1, 1, 1}, 0}},
	};
	scrub_render_identity(inst[0].model);
	scrub_render_identity(inst[1].model);
	scrub_render_snapshot s = {.instances = inst, .instance_count = 2, .body = &b,
	                           .clear_color = {0.05f, 0.05f, 0.06f, 1.f}};
	scrub_render_camera_look(&s.camera, eye, at, fovy, (float)w / (float)h);
	scrub_renderer *r = NULL;
	scrub_render_offscreen *off = NULL;
	uint8_t *px = malloc((size_t)w * h * 4);
	scrub_result res = px ? scrub_renderer_create(&(scrub_render_desc){.samples = 4}, &r) : SCRUB_ERR_NOMEM;
	if (res == SCRUB_OK)
		res = scrub_render_offscreen_create(r, w, h, 1, &off);
	if (res == SCRUB_OK)
		res = scrub_render_offscreen_draw(r, off, &s);
	if (res == SCRUB_OK)
		res = scrub_render_offscreen_read(r, off, 0, px);
	if (res == SCRUB_OK)
		res = scrub_image_write_png(out, w, h, px);
	scrub_render_offscreen_destroy(&off);
	scrub_renderer_destroy(&r);
	free(px);
	if (res != SCRUB_OK) {
		fprintf(stderr, "%s: %s\n", out, scrub_result_str(res));
		return 3;
	}
	return 0;
}
