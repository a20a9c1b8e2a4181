/* The operative field of a surgical scenario in the render snapshot: the tissue block's render surface (cut faces
 * coloured by layer), the instruments at their coupled poses, and where the block lies in the room.
 *
 * Placement (docs/desktop.md, docs/xr.md): the block lies on the operating table, its centre 0.20 m from the table's
 * centre towards the trainee's side (world -Z, where desktop mode's camera stands), its rest skin surface
 * SCENE_TISSUE_TABLE_TOP + the block's thickness above the floor. The tissue frame's x runs to the trainee's right
 * (world -X), y away from the trainee (world +Z), z up (world +Y); origin at the block's corner on the skin, as in
 * sim/tissue/tissue.h. The scene reads the physics (const); nothing here changes it. */
#ifndef SCRUB_SCENE_TISSUE_H
#define SCRUB_SCENE_TISSUE_H

#include "scrub_render.h"
#include "scenario.h"
#include "session.h"

#include <stdbool.h>

#define SCENE_TISSUE_TABLE_TOP 0.90f
#define SCENE_TISSUE_OFFSET_Z (-0.20f)   /* block centre from the table centre, world Z */

/* Tissue frame (metres) to world. */
void scene_tissue_model(const scenario *scn, float out_m[16]);

/* The camera framing the operative field from the trainee's side. Returns false without `tissue:`. */
bool scene_tissue_camera(const scenario *scn, float out_eye[3], float out_target[3], float *out_fovy);

/* Fills *out_surface (arrays owned by the tissue, valid until its next step) and appends the instruments the
 * hands hold to `instances` (at most `cap` in all, `*count` updated). Returns false when the session has no
 * tissue. */
bool scene_tissue_fill(const sim_session *s, scrub_render_tissue *out_surface, scrub_render_instance *instances,
                       uint32_t *count, uint32_t cap);

/* A rigid transform (rotation + translation, column-major) inverted. */
void scene_rigid_inverse(const float m[16], float out_m[16]);

#endif
