/* The render snapshot of a running session: what the trainee sees, built from the simulation's state.
 *
 * scene_sim_update() reads a session (const) and fills scene->snapshot: the room with the patient on the table,
 * the crash cart and the AED (pads on the chest once the scenario says so), the patient monitor (the patient model's
 * vital signs and 250 Hz waveforms, or the scenario's own variables - hr, sbp, dbp, spo2, etco2, rr, rhythm - with
 * traces drawn from them when there is no model), the HUD (scenario title, elapsed time, the current state and its
 * description, the last action, extra lines from the caller) and, once the session has ended, the results panel
 * from its score. The renderer only reads the snapshot; nothing here changes the session. */
#ifndef SCRUB_SCENE_FROM_SIM_H
#define SCRUB_SCENE_FROM_SIM_H

#include "patient_signs.h"
#include "scrub_render.h"
#include "session.h"

#include <stdbool.h>
#include <stdint.h>

/* The room's layout (world: metres, +Y up): the patient's body frame (engine/include/scrub_body.h) starts on the
 * table at (SCENE_PATIENT_X, SCENE_TABLE_TOP, 0); the crash cart with the defibrillator stands at the patient's left
 * (+Z), turned to face the table. app/care_input.c reaches for what lies there. */
#define SCENE_TABLE_TOP 0.90f
#define SCENE_PATIENT_X 0.08f
#define SCENE_CART_X 0.55f
#define SCENE_CART_Z 0.95f
#define SCENE_CART_TOP 1.04f     /* the defibrillator stands on it */

#define SCENE_WAVE_SAMPLES 500   /* 2 s of trace at 250 Hz */
#define SCENE_MAX_INSTANCES 16
#define SCENE_MAX_HUD 40
#define SCENE_MAX_RESULTS 32
#define SCENE_TEXT 96

typedef struct scene_sim {
	const scenario *scn;
	scrub_render_snapshot snapshot;
	scrub_render_instance instances[SCENE_MAX_INSTANCES];
	float ecg[SCENE_WAVE_SAMPLES], pleth[SCENE_WAVE_SAMPLES], capno[SCENE_WAVE_SAMPLES];
	char hud_text[SCENE_MAX_HUD][SCENE_TEXT];
	const char *hud[SCENE_MAX_HUD];
	char result_text[SCENE_MAX_RESULTS][SCENE_TEXT];
	scrub_render_result_line result_lines[SCENE_MAX_RESULTS];
	char results_title[SCENE_TEXT], results_summary[SCENE_TEXT];
	char last_action[SCENE_TEXT];
	char alarm[32];
	scrub_render_tissue tissue;    /* the operative field of a surgical scenario (app/scene_tissue.c) */
	patient_signs signs;           /* the clinical signs on the patient's body (app/patient_signs.c) */
	scrub_render_body body;
	int var_hr, var_sbp, var_dbp, var_spo2, var_etco2, var_rr, var_rhythm, var_pads, var_cpr;
} scene_sim;

typedef struct scene_sim_params {
	float aspect;                  /* width / height of the target */
	bool use_camera;               /* keep snapshot.camera as the caller set it (desktop free camera) */
	const char *const *extra_hud;  /* lines appended to the HUD (menu, help, pause) */
	uint32_t extra_hud_count;
	bool hide_results;             /* no results panel even after the end */
	bool no_hud;                   /* neither HUD nor monitor nor results: the scene alone (pictures of the patient) */
	const struct care_ctl *care;   /* care by hand (app/care_input.h): what the hands hold and do, live */
	bool draw_hands;               /* draw the care's hands (desktop; in XR the controllers are the hands) */
} scene_sim_params;

void scene_sim_init(scene_sim *scene, const scenario *scn);
/* Remembers the last action for the HUD (call from the session's event callback). */
void scene_sim_on_event(scene_sim *scene, const sim_event *ev);
/* Advances what moves with time on the body (breathing, compressions): call after every sim_session_step. */
void scene_sim_step(scene_sim *scene, const sim_session *s);
/* Fills scene->snapshot from the session (valid until the next call). */
void scene_sim_update(scene_sim *scene, const sim_session *s, const scene_sim_params *params);

/* The camera the scene starts with (standing at the patient's right side, looking at the chest). */
void scene_sim_default_camera(float out_eye[3], float out_target[3], float *out_fovy);
/* The same for a scenario: a surgical one frames the tissue block (scene_tissue_camera). */
void scene_sim_camera_for(const scenario *scn, float out_eye[3], float out_target[3], float *out_fovy);

/* Named views of the patient (scrub run --view): "bed" (the default: beside the bed), "body" (the whole body from
 * above), "face", "neck", "chest", "hands" (the right hand and wrist). False for an unknown name. */
bool scene_sim_view(const char *name, float out_eye[3], float out_target[3], float *out_fovy);
#define SCENE_VIEW_NAMES "bed, body, face, neck, chest, hands"

/* A one-line label for an action ("Shock 200 J", "Give drug epinephrine 1 mg IV"). */
void scene_action_label(const sim_action *a, char *buf, size_t size);

#endif
