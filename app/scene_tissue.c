/* The operative field in the render snapshot (see scene_tissue.h). */
#include "scene_tissue.h"

#include "tissue.h"

#include <string.h>

void scene_tissue_model(const scenario *scn, float m[16])
{
	const scrub_tissue_desc *d = &scn->tissue.desc;
	float th = 0.f;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++)
		th += d->thickness[l];
	/* columns: tissue x -> world -X, tissue y -> world +Z, tissue z -> world +Y */
	memset(m, 0, 16 * sizeof *m);
	m[0] = -1.f;
	m[6] = 1.f;
	m[9] = 1.f;
	m[12] = 0.5f * d->size_x;
	m[13] = SCENE_TISSUE_TABLE_TOP + th;
	m[14] = SCENE_TISSUE_OFFSET_Z - 0.5f * d->size_y;
	m[15] = 1.f;
}

bool scene_tissue_camera(const scenario *scn, float eye[3], float at[3], float *fovy)
{
	if (!scn || !scn->tissue.present)
		return false;
	float m[16];
	scene_tissue_model(scn, m);
	const scrub_tissue_desc *d = &scn->tissue.desc;
	/* the block's centre, seen from the trainee's side, above and in front of it, at about 35 cm */
	at[0] = m[12] - 0.5f * d->size_x;
	at[1] = m[13];
	at[2] = m[14] + 0.5f * d->size_y;
	float span = d->size_x > d->size_y ? d->size_x : d->size_y;
	float dist = 0.12f + 2.6f * span;
	/* the block a little right of the middle of the picture, clear of the HUD on the left (screen right = -X) */
	at[0] += 0.22f * dist;
	eye[0] = at[0];
	eye[1] = at[1] + 0.80f * dist;
	eye[2] = at[2] - 0.60f * dist;
	*fovy = 0.70f;
	return true;
}

void scene_rigid_inverse(const float m[16], float o[16])
{
	/* R^T and -R^T t */
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++)
			o[c * 4 + r] = m[r * 4 + c];
	for (int r = 0; r < 3; r++)
		o[12 + r] = -(o[r] * m[12] + o[4 + r] * m[13] + o[8 + r] * m[14]);
	o[3] = o[7] = o[11] = 0.f;
	o[15] = 1.f;
}

static void quat_matrix(const float q[4], const float p[3], float m[16])
{
	float x = q[0], y = q[1], z = q[2], w = q[3];
	m[0] = 1 - 2 * (y * y + z * z), m[1] = 2 * (x * y + z * w), m[2] = 2 * (x * z - y * w), m[3] = 0;
	m[4] = 2 * (x * y - z * w), m[5] = 1 - 2 * (x * x + z * z), m[6] = 2 * (y * z + x * w), m[7] = 0;
	m[8] = 2 * (x * z + y * w), m[9] = 2 * (y * z - x * w), m[10] = 1 - 2 * (x * x + y * y), m[11] = 0;
	m[12] = p[0], m[13] = p[1], m[14] = p[2], m[15] = 1;
}

/* The instrument meshes (engine/render/meshgen.c) lie along +X with their working end at +X; the physics'
 * instruments (sim/tissue/tissue.h) have the tip at the origin and the shaft along local +z towards the hand.
 * Mesh X goes to local -z, mesh Y to local y, mesh Z to local x (the blade's plane holds the cutting direction);
 * the working end is moved to the tip (or, for the needle driver, to the needle's swage at (8 mm, 0, 0)). */
static void mesh_to_local(scrub_instrument_kind kind, float m[16])
{
	memset(m, 0, 16 * sizeof *m);
	m[2] = -1.f; /* column 0: image of mesh X */
	m[5] = 1.f;  /* column 1: image of mesh Y */
	m[8] = 1.f;  /* column 2: image of mesh Z */
	m[15] = 1.f;
	switch (kind) {
	case SCRUB_INSTR_SCALPEL: m[14] = 0.040f; break;
	case SCRUB_INSTR_FORCEPS: m[14] = 0.140f; break;
	case SCRUB_INSTR_SCISSORS: m[14] = 0.045f; break;
	case SCRUB_INSTR_NEEDLE_DRIVER:
		m[12] = 0.008f;
		m[14] = 0.045f;
		break;
	default: break;
	}
}

bool scene_tissue_fill(const sim_session *s, scrub_render_tissue *out, scrub_render_instance *inst, uint32_t *count,
                       uint32_t cap)
{
	const scrub_tissue *t = sim_session_tissue(s);
	if (!t)
		return false;
	const scenario *scn = sim_session_scenario(s);
	scrub_tissue_surface sf;
	scrub_tissue_get_surface(t, &sf);
	memset(out, 0, sizeof *out);
	/* the physics' layer ids are the renderer's (skin 0, fat 1, muscle 2) */
	out->positions = sf.positions;
	out->normals = sf.normals;
	out->uvs = sf.uvs;
	out->layers = sf.layers;
	out->vertex_count = sf.vertex_count;
	out->indices = sf.indices;
	out->index_count = 3 * sf.triangle_count;
	scene_tissue_model(scn, out->model);
	for (int h = 0; h < SCRUB_TISSUE_HANDS && *count < cap; h++) {
		scrub_hand_state hs;
		if (scrub_tissue_hand_state(t, h, &hs) != SCRUB_OK)
			continue;
		scrub_render_mesh mesh = hs.kind == SCRUB_INSTR_SCALPEL         ? SCRUB_MESH_SCALPEL
		                         : hs.kind == SCRUB_INSTR_FORCEPS       ? SCRUB_MESH_FORCEPS
		                         : hs.kind == SCRUB_INSTR_NEEDLE_DRIVER ? SCRUB_MESH_NEEDLE_DRIVER
		                         : hs.kind == SCRUB_INSTR_SCISSORS      ? SCRUB_MESH_SCISSORS
		                                                                : SCRUB_MESH_COUNT;
		if (mesh == SCRUB_MESH_COUNT)
			continue;
		float pose[16], local[16], tmp[16];
		quat_matrix(hs.pose.rot, hs.pose.pos, pose);
		mesh_to_local(hs.kind, local);
		scrub_render_mul(pose, local, tmp);
		scrub_render_instance *in = &inst[(*count)++];
		in->mesh = mesh;
		scrub_render_mul(out->model, tmp, in->model);
		in->material = (scrub_render_material){SCRUB_MATERIAL_METAL, {1.f, 1.f, 1.f, 1.f}, 0.f};
	}
	return true;
}
