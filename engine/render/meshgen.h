/* Procedural mesh generation (CPU side): boxes, cylinders, spheres, tori, composed into the static meshes of the
 * scene. Used by the renderer at start-up; no Vulkan here. */
#ifndef SCRUB_MESHGEN_H
#define SCRUB_MESHGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "scrub_render.h"

typedef scrub_render_vertex meshgen_vertex;

typedef struct meshgen {
	meshgen_vertex *v;
	uint32_t vcount, vcap;
	uint32_t *idx;
	uint32_t icount, icap;
	float xf[16];    /* applied to everything added */
	uint32_t color;  /* colour of everything added */
	bool failed;     /* an allocation failed */
} meshgen;

void meshgen_init(meshgen *mg);
void meshgen_fini(meshgen *mg);
uint32_t meshgen_rgba(float r, float g, float b);

/* Axis-aligned box in the current transform: centre and full size. */
void meshgen_box(meshgen *mg, float cx, float cy, float cz, float sx, float sy, float sz);
/* Box with its faces pointing inwards (a room seen from inside); one colour per face: -x +x -y +y -z +z. */
void meshgen_room(meshgen *mg, float sx, float sy, float sz, const uint32_t face_colors[6]);
/* Cylinder from a to b, with caps. */
void meshgen_cylinder(meshgen *mg, const float a[3], const float b[3], float radius, uint32_t segments);
void meshgen_sphere(meshgen *mg, const float c[3], float radius, uint32_t segments);
/* Cylinder with hemispherical ends (approximated by spheres). */
void meshgen_capsule(meshgen *mg, const float a[3], const float b[3], float radius, uint32_t segments);
/* Torus in the current XY plane around c. */
void meshgen_torus(meshgen *mg, const float c[3], float major, float minor, uint32_t seg_major, uint32_t seg_minor);
/* A flat prism from a 2D polygon (convex, CCW in XY) extruded along Z by thickness, centred on z = 0. */
void meshgen_prism(meshgen *mg, const float *xy, uint32_t n, float thickness);

/* Builds one of the scene's static meshes. */
void meshgen_build(meshgen *mg, scrub_render_mesh mesh);

#endif
