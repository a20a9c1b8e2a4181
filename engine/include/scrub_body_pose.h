/* The patient's posture (docs/patient-signs.md): numbers shared by C (scrub_body.h: scrub_body_pose) and the body's
 * vertex shader (shaders/body.vert includes this file), so that what the hands touch is where the body is drawn.
 * Body frame as scrub_body.h: metres, +X towards the head, +Y up, the origin between the hip joints on the table.
 *
 * Sitting up turns the trunk (with the head and the upper arms) about a transverse axis through the hips; raising
 * the legs turns the legs about the hip joints. A point's share of each turn is a smooth step along the body (so the
 * skin bends across the hips instead of tearing), fading out sideways: beyond the trunk (the leads and lines that run
 * to the cart and the drip stand keep their far ends) and, for the legs, beyond the thighs (the hands lying beside
 * them stay on the table). Only #defines: GLSL reads them too. */
#ifndef SCRUB_BODY_POSE_H
#define SCRUB_BODY_POSE_H

#define BODY_SIT_RAD 1.0f          /* sitting up: the trunk raised 57 degrees */
#define BODY_LEGS_RAD 0.38f        /* legs raised 22 degrees: the heels about 35 cm up */
#define BODY_TRUNK_PIVOT_X 0.0f
#define BODY_TRUNK_PIVOT_Y 0.07f
#define BODY_TRUNK_X0 (-0.08f)     /* the trunk's share: 0 at X0 rising to 1 at X1 */
#define BODY_TRUNK_X1 0.34f
#define BODY_TRUNK_Z0 0.34f        /* ... and sideways: 1 within Z0 of the midline, 0 beyond Z1 */
#define BODY_TRUNK_Z1 0.45f
#define BODY_LEGS_PIVOT_X 0.0f
#define BODY_LEGS_PIVOT_Y 0.09f
#define BODY_LEGS_X0 0.0f          /* the legs' share: 0 at -X0 rising to 1 at -X1 */
#define BODY_LEGS_X1 0.18f
#define BODY_LEGS_Z0 0.200f        /* the thighs and the gown over them lie within 0.2 m of the midline, the hands */
#define BODY_LEGS_Z1 0.222f        /* beyond 0.225 m */

#endif
