/* simxr script: timed keyframes that drive the simulated OpenXR runtime.
 *
 * The format is documented in docs/simxr.md. This module knows nothing about OpenXR or Vulkan:
 * it parses the text into channels of keyframes and evaluates a channel at a time (linear for
 * values and positions, slerp for orientations, a step for click/touch channels). */
#ifndef SIMXR_SCRIPT_H
#define SIMXR_SCRIPT_H

#include "result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIMXR_NAME_MAX 64
#define SIMXR_PATH_MAX 128
#define SIMXR_MAX_COMPONENTS 7
#define SIMXR_MAX_CAPTURES 64

typedef struct simxr_key {
	double t;
	float v[SIMXR_MAX_COMPONENTS];
} simxr_key;

typedef enum simxr_channel_kind {
	SIMXR_CHANNEL_VALUE = 0, /* 1 or 2 components, linear */
	SIMXR_CHANNEL_STEP,      /* .../click, .../touch: 0 or 1, held until the next keyframe */
	SIMXR_CHANNEL_POSE,      /* .../pose: px py pz qx qy qz qw, lerp + slerp */
} simxr_channel_kind;

typedef struct simxr_channel {
	char name[SIMXR_NAME_MAX]; /* "head/pose", "left/trigger/value", "right/thumbstick" */
	simxr_channel_kind kind;
	int ncomp;
	simxr_key *keys;
	int nkeys, cap;
} simxr_channel;

/* A trigger: fires at the end of frame `frame` (>= 0) or at the first frame whose display
 * time (seconds since the session began) is >= `time` (>= 0). Both < 0: never. */
typedef struct simxr_trigger {
	int64_t frame;
	double time;
} simxr_trigger;

typedef struct simxr_script {
	double rate_hz;      /* display rate; 0 = not set */
	int pace;            /* -1 not set, 0 unpaced, 1 paced */
	int width, height;   /* recommended per-eye resolution; 0 = not set */
	char profile[SIMXR_PATH_MAX]; /* preferred interaction profile; "" = not set */
	int views;           /* 0 not set, 1 mono (PRIMARY_MONO only), 2 stereo */
	int blend;           /* 0 not set, else the one blend mode offered: 1 opaque, 2 additive, 3 alpha blend */
	simxr_trigger stop;  /* the runtime asks the app to end the session (STOPPING, EXITING) */
	simxr_trigger lose;  /* the runtime simulates a lost instance (LOSS_PENDING) */
	int64_t captures[SIMXR_MAX_CAPTURES];
	int ncaptures;
	simxr_channel *channels;
	int nchannels, cap;
} simxr_script;

/* Parses `text` (NUL-terminated). On error returns SCRUB_ERR_INVALID and writes
 * "NAME:LINE:COL: error: TEXT" into err. out_script must be freed with simxr_script_fini,
 * also after an error. */
scrub_result simxr_script_parse(const char *text, const char *name, simxr_script *out_script,
                                char *err, size_t errlen);
/* Reads and parses a file. SCRUB_ERR_IO when it cannot be read. */
scrub_result simxr_script_load(const char *path, simxr_script *out_script, char *err, size_t errlen);
void simxr_script_init(simxr_script *s);
void simxr_script_fini(simxr_script *s);

const simxr_channel *simxr_script_channel(const simxr_script *s, const char *name);
/* Evaluates a channel at time t (seconds). Before the first keyframe the first value holds,
 * after the last the last. Writes ncomp floats. */
void simxr_channel_eval(const simxr_channel *c, double t, float *out);
/* True when frame is listed in a capture line. */
bool simxr_script_captures(const simxr_script *s, int64_t frame);

#endif
