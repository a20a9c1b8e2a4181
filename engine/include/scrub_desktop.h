/* Scrub desktop mode: a GLFW window presenting the renderer's output through a Vulkan swapchain.
 *
 * The window owns the swapchain and a free camera; the caller owns the scene. Each frame the window loop calls the
 * caller's frame function, which returns the snapshot to draw (it may use scrub_desktop_camera() for its camera).
 * Input for the application (keys, mouse clicks) is handed to an input function (scrub_desktop_set_input_fn).
 *
 * Free camera: hold the right mouse button and move the mouse to look; W/A/S/D move, Q/E down/up, Shift faster;
 * the mouse wheel moves forward/back. Escape closes the window. */
#ifndef SCRUB_DESKTOP_H
#define SCRUB_DESKTOP_H

#include <stdbool.h>
#include <stdint.h>

#include "scrub_render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct scrub_desktop scrub_desktop;

typedef struct scrub_desktop_desc {
	const char *title;       /* NULL = "Scrub" */
	uint32_t width, height;  /* initial client size; 0 = 1280 x 720 */
	bool no_vsync;           /* false (default): FIFO presentation, tear-free and paced by the display */
	bool validation;         /* as scrub_render_desc.validation */
	uint32_t samples;        /* as scrub_render_desc.samples */
	bool hidden;             /* do not show the window (tests) */
} scrub_desktop_desc;

typedef struct scrub_desktop_frame_info {
	uint64_t frame;          /* 0, 1, 2, ... */
	double dt;               /* seconds since the previous frame (wall clock: this is the presentation loop) */
	uint32_t width, height;  /* swapchain size this frame */
} scrub_desktop_frame_info;

/* Returns the snapshot to draw, or NULL to end the loop. The snapshot must stay valid until the next call. */
typedef const scrub_render_snapshot *(*scrub_desktop_frame_fn)(void *user, scrub_desktop *desktop,
                                                               const scrub_desktop_frame_info *info);

/* SCRUB_ERR_RUNTIME when there is no display or no Vulkan device that can present to it. */
scrub_result scrub_desktop_create(const scrub_desktop_desc *desc, scrub_desktop **out_desktop);
void scrub_desktop_destroy(scrub_desktop **desktop);

/* Runs the window loop until the window closes, the frame function returns NULL, or max_frames (0 = no limit). */
scrub_result scrub_desktop_run(scrub_desktop *desktop, scrub_desktop_frame_fn frame, void *user, uint64_t max_frames);

/* Asks for the next presented frame to be copied out and written as PNG (RGBA8) to path when it is drawn. */
void scrub_desktop_request_screenshot(scrub_desktop *desktop, const char *path);

/* The free camera: place it, and read it as a mono render camera for the current aspect. */
void scrub_desktop_set_camera(scrub_desktop *desktop, const float eye[3], const float target[3], float fovy);
void scrub_desktop_camera(const scrub_desktop *desktop, scrub_render_camera *out_camera);

/* Scrub's own key codes (the window system's are translated): printable keys are their ASCII codes. */
typedef enum scrub_key {
	SCRUB_KEY_UNKNOWN = 0,
	SCRUB_KEY_SPACE = 32,
	SCRUB_KEY_0 = 48,
	SCRUB_KEY_1 = 49,
	SCRUB_KEY_2 = 50,
	SCRUB_KEY_3 = 51,
	SCRUB_KEY_4 = 52,
	SCRUB_KEY_5 = 53,
	SCRUB_KEY_6 = 54,
	SCRUB_KEY_7 = 55,
	SCRUB_KEY_8 = 56,
	SCRUB_KEY_9 = 57,
	SCRUB_KEY_A = 65,
	SCRUB_KEY_B = 66,
	SCRUB_KEY_C = 67,
	SCRUB_KEY_D = 68,
	SCRUB_KEY_E = 69,
	SCRUB_KEY_F = 70,
	SCRUB_KEY_G = 71,
	SCRUB_KEY_H = 72,
	SCRUB_KEY_I = 73,
	SCRUB_KEY_J = 74,
	SCRUB_KEY_K = 75,
	SCRUB_KEY_L = 76,
	SCRUB_KEY_M = 77,
	SCRUB_KEY_N = 78,
	SCRUB_KEY_O = 79,
	SCRUB_KEY_P = 80,
	SCRUB_KEY_Q = 81,
	SCRUB_KEY_R = 82,
	SCRUB_KEY_S = 83,
	SCRUB_KEY_T = 84,
	SCRUB_KEY_U = 85,
	SCRUB_KEY_V = 86,
	SCRUB_KEY_W = 87,
	SCRUB_KEY_X = 88,
	SCRUB_KEY_Y = 89,
	SCRUB_KEY_Z = 90,
	SCRUB_KEY_ESCAPE = 256,
	SCRUB_KEY_ENTER,
	SCRUB_KEY_KP_ENTER,
	SCRUB_KEY_TAB,
	SCRUB_KEY_UP,
	SCRUB_KEY_DOWN,
	SCRUB_KEY_PAGE_UP,
	SCRUB_KEY_PAGE_DOWN,
	SCRUB_KEY_F1,
} scrub_key;

#define SCRUB_MOUSE_LEFT 0
#define SCRUB_MOD_SHIFT 0x1
#define SCRUB_MOD_CONTROL 0x2

/* Input events for the application: key presses (scrub_key; key repeats are not reported) and mouse button
 * presses with the cursor position in framebuffer pixels (0, 0 = top left). The free camera keeps its own keys and
 * the right mouse button. */
typedef enum scrub_desktop_input_kind {
	SCRUB_DESKTOP_KEY = 0,
	SCRUB_DESKTOP_MOUSE_BUTTON,
} scrub_desktop_input_kind;

typedef struct scrub_desktop_input {
	scrub_desktop_input_kind kind;
	int key;        /* KEY: a scrub_key; MOUSE_BUTTON: SCRUB_MOUSE_LEFT, 1 right, 2 middle */
	int mods;       /* SCRUB_MOD_* bits */
	double x, y;    /* MOUSE_BUTTON: framebuffer pixels */
} scrub_desktop_input;

typedef void (*scrub_desktop_input_fn)(void *user, scrub_desktop *desktop, const scrub_desktop_input *input);

/* Input events are delivered while the loop polls events, before the frame function of that frame. */
void scrub_desktop_set_input_fn(scrub_desktop *desktop, scrub_desktop_input_fn fn, void *user);
/* Asks the loop to end after the current frame (as if the window were closed). */
void scrub_desktop_close(scrub_desktop *desktop);

scrub_renderer *scrub_desktop_renderer(scrub_desktop *desktop);
/* The pointer now (read every frame for drags and holds): the cursor in window coordinates, the left button and
 * the Shift and Control keys held. */
typedef struct scrub_desktop_pointer {
	double x, y;
	bool left;
	int mods;       /* SCRUB_MOD_* bits */
} scrub_desktop_pointer;
void scrub_desktop_pointer_state(const scrub_desktop *desktop, scrub_desktop_pointer *out);

#ifdef __cplusplus
}
#endif

#endif
