/* Landmarks of the patient's body (engine/render/bodygen.c), in the body frame: metres, +X towards the head, +Y up
 * (the patient lies supine on y = 0, the table top), +Z the patient's left, the origin on the midline at the level of
 * the hip joints. The renderer's shaders, the scene (engine/app/scene_from_sim.c) and the care given with the hands
 * (engine/app/care_input.c) share them. */
#ifndef SCRUB_BODY_H
#define SCRUB_BODY_H

#define BODY_EYE_X 0.721f
#define BODY_EYE_Y 0.168f
#define BODY_EYE_Z 0.032f            /* left eye at +Z, right eye at -Z */
#define BODY_EYE_R 0.0118f
#define BODY_LID_CLOSE_RAD 0.78f     /* the upper lid turns this far down about the eye's centre to close */
#define BODY_NECK_PIVOT_X 0.625f     /* head tilt: rotation about +Z through this point */
#define BODY_NECK_PIVOT_Y 0.080f
#define BODY_CPR_X 0.345f            /* compression point: the lower half of the sternum */
#define BODY_CPR_Z 0.0f
#define BODY_CHEST_TOP_Y 0.236f      /* the skin over the compression point, at rest */
#define BODY_CAROTID_X 0.585f        /* the carotid pulse, either side of the larynx */
#define BODY_CAROTID_Y 0.135f
#define BODY_CAROTID_Z 0.048f
#define BODY_RADIAL_X (-0.060f)      /* the radial pulse, at the wrist, thumb side (palms up) */
#define BODY_RADIAL_Y 0.088f
#define BODY_RADIAL_Z 0.274f
#define BODY_FOREHEAD_X 0.783f       /* where a hand tilts the head */
#define BODY_FOREHEAD_Y 0.186f

#endif
