/* Scrub renderer: the public, API-neutral interface.
 *
 * The renderer draws a const snapshot of the simulation (struct scrub_render_snapshot). It never changes simulation
 * state and keeps no pointer into the snapshot after a draw call returns: everything it needs is copied into GPU
 * buffers while the frame is recorded.
 *
 * One code path serves three targets: an offscreen image (tests, screenshots, benches), a desktop swapchain image
 * and OpenXR swapchain images (two eyes in one multiview pass). The Vulkan-specific part of the API (render into
 * caller-owned images, share the instance and device) is in scrub_render_vk.h; this header needs no Vulkan headers.
 *
 * Conventions: matrices are column-major float[16] (OpenGL/cglm layout), right-handed world with +Y up, metres.
 * Projection matrices map depth to [0, 1] and include the Vulkan Y flip (see scrub_render_perspective()). */
#ifndef SCRUB_RENDER_H
#define SCRUB_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------------------- */
/* Snapshot: what the renderer reads                                                                             */

#define SCRUB_RENDER_MAX_VIEWS 2

/* A mesh: a handle from scrub_renderer_mesh_upload. The renderer makes the meshes below at start-up (procedural,
 * see engine/render/meshgen.c); their handles are these values. */
typedef uint32_t scrub_render_mesh;
enum {
	SCRUB_MESH_ROOM = 0,
	SCRUB_MESH_TABLE,
	SCRUB_MESH_TRAY,
	SCRUB_MESH_SCALPEL,
	SCRUB_MESH_FORCEPS,
	SCRUB_MESH_NEEDLE_DRIVER,
	SCRUB_MESH_CRASH_CART,
	SCRUB_MESH_DEFIBRILLATOR,
	SCRUB_MESH_IV_STAND,     /* a drip stand with a bag of fluid, origin on the floor */
	SCRUB_MESH_GLOVE_LEFT,   /* a gloved hand, the trainee's: origin at the palm, fingers along -Z, palm facing -Y */
	SCRUB_MESH_GLOVE_RIGHT,
	SCRUB_MESH_PAD,          /* one defibrillator pad, origin at its centre, gel side facing -Y */
	SCRUB_MESH_BVM,          /* a bag-valve-mask, mask at the origin facing -Y, bag along +X */
	SCRUB_MESH_SCISSORS,     /* suture scissors: pivot at the origin, blades to +X (tips at 45 mm), rings at -X */
	SCRUB_MESH_COUNT,
};

/* A vertex of a mesh: object space, metres. */
typedef struct scrub_render_vertex {
	float pos[3];
	float normal[3];   /* unit length */
	float uv[2];
	uint32_t color;    /* RGBA8, R in the low byte: linear albedo, multiplied by the instance's material colour */
} scrub_render_vertex;

/* A mesh to upload: a triangle list, counter-clockwise front faces. */
typedef struct scrub_render_mesh_desc {
	const scrub_render_vertex *vertices;
	uint32_t vertex_count;
	const uint32_t *indices;
	uint32_t index_count;
	bool surrounds;    /* it surrounds the viewer (a room): drawn after everything else */
} scrub_render_mesh_desc;

typedef enum scrub_render_material_kind {
	SCRUB_MATERIAL_MATTE = 0,   /* diffuse plus a faint specular: walls, plastic, cloth */
	SCRUB_MATERIAL_METAL,       /* steel instruments: strong tinted specular, sky reflection */
	SCRUB_MATERIAL_EMISSIVE,    /* screens, indicator lights: base colour, unlit */
} scrub_render_material_kind;

typedef struct scrub_render_material {
	scrub_render_material_kind kind;
	float color[4];    /* linear RGB multiplier on the mesh's per-vertex colour; alpha unused (opaque) */
	float roughness;   /* 0 = mirror-like, 1 = rough; 0 means the default for the kind */
} scrub_render_material;

typedef struct scrub_render_instance {
	scrub_render_mesh mesh;
	float model[16];   /* object to world */
	scrub_render_material material;
} scrub_render_instance;

/* Tissue layer of a tissue vertex: the cut faces show the layer colour. */
typedef enum scrub_render_layer {
	SCRUB_LAYER_SKIN = 0,
	SCRUB_LAYER_FAT = 1,
	SCRUB_LAYER_MUSCLE = 2,
	SCRUB_LAYER_COUNT,
} scrub_render_layer;

/* The dynamic tissue surface, re-uploaded every frame; its topology may change between frames (a cut).
 * Structure of arrays so the simulation can hand its buffers over without conversion. */
typedef struct scrub_render_tissue {
	const float *positions;   /* 3 floats per vertex, in tissue space */
	const float *normals;     /* 3 floats per vertex, unit length */
	const float *uvs;         /* 2 floats per vertex; may be NULL (zeros) */
	const uint8_t *layers;    /* one scrub_render_layer per vertex */
	uint32_t vertex_count;
	const uint32_t *indices;  /* triangle list, counter-clockwise front faces */
	uint32_t index_count;
	float model[16];          /* tissue to world */
} scrub_render_tissue;

/* The defibrillator's buttons (SCRUB_MESH_DEFIBRILLATOR, its own frame: origin at the bottom centre, screen facing
 * +Z): a column right of the screen, at x, their centres' heights, on the front face at z. */
#define SCRUB_DEFIB_BUTTON_X 0.11f
#define SCRUB_DEFIB_BUTTON_Z 0.113f
#define SCRUB_DEFIB_POWER_Y 0.225f    /* green */
#define SCRUB_DEFIB_ENERGY_Y 0.185f   /* grey: the energy selector */
#define SCRUB_DEFIB_ANALYSE_Y 0.145f  /* blue */
#define SCRUB_DEFIB_CHARGE_Y 0.105f   /* yellow */
#define SCRUB_DEFIB_SHOCK_Y 0.055f    /* red */

/* The patient's body (engine/render/bodygen.c): generated when the renderer starts, drawn with the clinical signs
 * (shaders/body.vert, body.frag). Parts are drawn when their bit is set in scrub_render_body.parts. */
typedef enum scrub_body_part {
	SCRUB_BODY_SKIN = 0,           /* the body: head with face, eyes and mouth, neck, trunk, arms, hands, legs, feet */
	SCRUB_BODY_HAIR_LONG,          /* long hair spread on the table (the skin has short hair) */
	SCRUB_BODY_GOWN,               /* a hospital gown, closed */
	SCRUB_BODY_GOWN_OPEN,          /* the gown opened down to the waist: the chest exposed */
	SCRUB_BODY_NECK_VEINS,         /* the external jugular veins: flat (hidden) unless distended */
	/* defibrillator pads, one part per site: right infraclavicular and left apex (anterolateral), left precordium
	 * and left back (anteroposterior), and sites that make a placement wrong */
	SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR,
	SCRUB_BODY_PAD_LEFT_APEX,
	SCRUB_BODY_PAD_LEFT_PRECORDIUM,
	SCRUB_BODY_PAD_LEFT_BACK,
	SCRUB_BODY_PAD_STERNUM,
	SCRUB_BODY_PAD_ABDOMEN,
	SCRUB_BODY_PAD_LEFT_INFRACLAVICULAR,
	SCRUB_BODY_PAD_RIGHT_APEX,
	SCRUB_BODY_FACE_MASK,          /* simple oxygen mask */
	SCRUB_BODY_NONREBREATHER,      /* mask with a reservoir bag */
	SCRUB_BODY_NASAL_CANNULA,
	SCRUB_BODY_BVM_MASK,           /* bag-valve-mask held on the face */
	SCRUB_BODY_BVM_TUBE,           /* the bag on a tube (supraglottic airway or tracheal tube) */
	SCRUB_BODY_OPA,                /* oropharyngeal airway: its flange at the lips */
	SCRUB_BODY_NPA,                /* nasopharyngeal airway: its flange at the right nostril */
	SCRUB_BODY_SGA,                /* supraglottic airway */
	SCRUB_BODY_ETT,                /* tracheal tube, tied */
	SCRUB_BODY_IV,                 /* cannula in the right antecubital fossa and its line */
	SCRUB_BODY_IO,                 /* intraosseous needle in the right proximal tibia */
	SCRUB_BODY_NEEDLE_LEFT_2ICS,   /* decompression catheter, 2nd intercostal space, mid-clavicular line */
	SCRUB_BODY_NEEDLE_RIGHT_2ICS,
	SCRUB_BODY_NEEDLE_LEFT_5ICS,   /* ... 5th intercostal space, anterior axillary line */
	SCRUB_BODY_NEEDLE_RIGHT_5ICS,
	SCRUB_BODY_DRAIN_LEFT,         /* chest drain, 5th intercostal space, mid-axillary line */
	SCRUB_BODY_DRAIN_RIGHT,
	SCRUB_BODY_BACKREST,           /* the trolley's backrest, raised with the trunk (sitting up) */
	SCRUB_BODY_LEG_REST,           /* a foam wedge under the raised legs (at BODY_LEGS_RAD) */
	SCRUB_BODY_PART_COUNT
} scrub_body_part;
_Static_assert(SCRUB_BODY_PART_COUNT <= 32, "scrub_render_body.parts is a 32-bit mask");

/* The body this frame: where it lies, what it wears and the clinical signs, as the shaders animate them. Lengths in
 * metres, in the body frame (+X towards the head, +Y up, +Z the patient's left). See docs/patient-signs.md. */
typedef struct scrub_render_body {
	float model[16];          /* body frame to world (rigid) */
	uint32_t parts;           /* 1u << scrub_body_part for each part drawn */
	int lod;                  /* level of detail: 0 close, 1 far; -1 = chosen by the distance to the first eye */
	float chest_rise[2];      /* outward movement of the left [0] and right [1] chest wall now */
	float abdomen_rise;       /* outward movement of the abdomen now */
	float compression;        /* how far the sternum is pushed down now */
	float jolt;               /* how far a shock lifts the body now */
	float head_tilt;          /* radians: head tilt (extension of the neck) */
	float eyes_open;          /* 0 closed .. 1 open */
	float trachea_shift;      /* the trachea's displacement towards +Z (the patient's left) */
	float neck_veins;         /* 0 flat .. 1 distended */
	float bag_squeeze;        /* 0 .. 1: the bag of a bag-valve-mask squeezed */
	float cyanosis_central;   /* 0 .. 1: lips, face */
	float cyanosis_peripheral;/* 0 .. 1: fingers, toes, ears */
	float pallor;             /* 0 .. 1 */
	float flush;              /* 0 .. 1: face, neck, upper chest */
	float urticaria;          /* 0 .. 1: wheals */
	float sweat;              /* 0 .. 1 */
	float mottling;           /* 0 .. 1: livedo of the skin */
	float time;               /* seconds, for the glints of sweat */
	float posture[2];         /* radians: [0] the trunk raised (sitting up), [1] the legs raised (scrub_body_pose.h) */
} scrub_render_body;

typedef struct scrub_render_view {
	float view[16];       /* world to eye */
	float proj[16];       /* eye to clip, depth [0, 1], Y down (Vulkan) */
	float eye_pos[3];     /* world position of the eye (specular) */
} scrub_render_view;

typedef struct scrub_render_camera {
	uint32_t view_count;  /* 1 (mono) or 2 (stereo, multiview); must match the target's layer count */
	scrub_render_view views[SCRUB_RENDER_MAX_VIEWS];
} scrub_render_camera;

typedef struct scrub_render_waveform {
	const float *samples;  /* values in [0, 1] (0 = bottom of the trace); NULL = no trace */
	uint32_t count;        /* samples across the whole trace width */
	uint32_t cursor;       /* sweep position: the sample drawn last (a gap follows it); >= count = no gap */
} scrub_render_waveform;

/* Patient monitor values; a negative number shows as "--". */
typedef struct scrub_render_monitor {
	bool visible;
	float hr;          /* heart rate, /min */
	float bp_sys;      /* non-invasive blood pressure, mmHg */
	float bp_dia;
	float spo2;        /* % */
	float etco2;       /* mmHg */
	float rr;          /* respiratory rate, /min */
	scrub_render_waveform ecg;
	scrub_render_waveform pleth;
	scrub_render_waveform capno;
	const char *alarm; /* alarm text shown in red, NULL for none */
} scrub_render_monitor;

typedef struct scrub_render_result_line {
	const char *text;
	bool passed;
} scrub_render_result_line;

typedef struct scrub_render_results {
	bool visible;
	const char *title;
	const scrub_render_result_line *lines;
	uint32_t line_count;
	const char *summary;  /* e.g. "Score 7/9", may be NULL */
} scrub_render_results;

typedef struct scrub_render_snapshot {
	scrub_render_camera camera;
	const scrub_render_instance *instances;
	uint32_t instance_count;
	const scrub_render_tissue *tissue;   /* NULL = no tissue this frame */
	const scrub_render_body *body;       /* NULL = no patient this frame */
	scrub_render_monitor monitor;
	const char *const *hud_lines;        /* top-left text, ASCII */
	uint32_t hud_line_count;
	scrub_render_results results;
	float clear_color[4];                /* linear RGB, and alpha (1 opaque; 0 lets a see-through headset's world show) */
} scrub_render_snapshot;

/* ------------------------------------------------------------------------------------------------------------- */
/* Renderer                                                                                                      */

typedef struct scrub_renderer scrub_renderer;
typedef struct scrub_render_offscreen scrub_render_offscreen;

typedef struct scrub_render_desc {
	bool validation;          /* enable VK_LAYER_KHRONOS_validation and count its messages; also SCRUB_VK_VALIDATION=1 */
	uint32_t samples;         /* MSAA sample count: 0 = default (4 on GPUs, 1 on CPU devices), 1 = off, 2, 4, 8 */
	uint32_t frames_in_flight;/* 0 = default (2) */
	const char *device_name;  /* substring of the physical device name to pick; NULL = SCRUB_VK_DEVICE or best */
	/* Extra instance/device extensions (a window system adds its surface extensions here). */
	const char *const *instance_extensions;
	uint32_t instance_extension_count;
	const char *const *device_extensions;
	uint32_t device_extension_count;
} scrub_render_desc;

scrub_result scrub_renderer_create(const scrub_render_desc *desc, scrub_renderer **out_renderer);
/* Waits for the GPU, frees everything; accepts NULL and clears the pointer. */
void scrub_renderer_destroy(scrub_renderer **renderer);

/* Uploads a mesh once (the renderer copies it); instances draw it by the handle in *out_mesh, valid until the
 * renderer is destroyed. */
scrub_result scrub_renderer_mesh_upload(scrub_renderer *renderer, const scrub_render_mesh_desc *desc,
                                        scrub_render_mesh *out_mesh);

/* Name of the physical device in use, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
const char *scrub_renderer_device_name(const scrub_renderer *renderer);
/* Validation messages (warnings and errors) seen since creation; 0 when validation is off. */
uint32_t scrub_renderer_validation_messages(const scrub_renderer *renderer);
uint32_t scrub_renderer_samples(const scrub_renderer *renderer);

/* An offscreen RGBA8 target (sRGB-encoded content) with 1 or 2 layers (2 = stereo through multiview). */
scrub_result scrub_render_offscreen_create(scrub_renderer *renderer, uint32_t width, uint32_t height, uint32_t layers,
                                           scrub_render_offscreen **out_offscreen);
void scrub_render_offscreen_destroy(scrub_render_offscreen **offscreen);

/* Records and submits one frame of the snapshot into the offscreen target. Does not wait for the GPU: frames
 * stay in flight until a later call needs their resources or scrub_render_offscreen_read() waits. */
scrub_result scrub_render_offscreen_draw(scrub_renderer *renderer, scrub_render_offscreen *offscreen,
                                         const scrub_render_snapshot *snapshot);
/* Waits for the last frame drawn into the target and copies one layer out as tightly packed RGBA8 rows
 * (width * height * 4 bytes, top row first). */
scrub_result scrub_render_offscreen_read(scrub_renderer *renderer, scrub_render_offscreen *offscreen, uint32_t layer,
                                         uint8_t *out_rgba);
/* Waits until the GPU is idle (benches use it to close a measurement). */
scrub_result scrub_renderer_wait_idle(scrub_renderer *renderer);

/* ------------------------------------------------------------------------------------------------------------- */
/* Helpers                                                                                                       */

/* Vulkan-style right-handed perspective: depth [0, 1], Y flipped so +Y is up on screen. fovy in radians. */
void scrub_render_perspective(float fovy, float aspect, float znear, float zfar, float out_m[16]);
void scrub_render_look_at(const float eye[3], const float center[3], const float up[3], float out_m[16]);
void scrub_render_identity(float out_m[16]);
/* out = a * b (column-major); out may alias neither input. */
void scrub_render_mul(const float a[16], const float b[16], float out_m[16]);
/* A translation * rotation about Y (radians) * uniform scale transform. */
void scrub_render_trs(float x, float y, float z, float yaw, float scale, float out_m[16]);
/* Fills a mono camera looking from eye to center. */
void scrub_render_camera_look(scrub_render_camera *camera, const float eye[3], const float center[3], float fovy,
                              float aspect);

/* PNG files (stb_image_write / stb_image). scrub_image_read_png returns malloc'd RGBA8 in *out_rgba. */
scrub_result scrub_image_write_png(const char *path, uint32_t width, uint32_t height, const uint8_t *rgba);
scrub_result scrub_image_read_png(const char *path, uint32_t *out_width, uint32_t *out_height, uint8_t **out_rgba);

#ifdef __cplusplus
}
#endif

#endif
