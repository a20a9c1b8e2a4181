/* The debrief's parts (app/debrief): what is read from the record and the report (debrief_parse.c), the
 * page's sections (debrief.c), the plots (debrief_plot.c) and the replayed monitor (debrief_monitor.c). */
#ifndef SCRUB_DEBRIEF_INTERNAL_H
#define SCRUB_DEBRIEF_INTERNAL_H

#include "arena.h"
#include "debrief.h"
#include "yaml.h"

#include <stdint.h>

/* points per plotted series at most (longer series are decimated, keeping each bucket's extremes) */
#define DBF_MAX_PLOT_POINTS 2000
/* waveform samples per channel kept for the monitor at most (longer records keep every 2nd, 4th... sample) */
#define DBF_MAX_WAVE_SAMPLES 120000
/* variables read from the record at most (a scenario has a few dozen) */
#define DBF_MAX_VARS 64

typedef enum dbf_kind {
	DBF_ACTION,
	DBF_STATE,
	DBF_ITEM,
	DBF_END,
} dbf_kind;

typedef struct dbf_event {
	double t;
	dbf_kind kind;
	const char *name;     /* the action, the state entered, the item's id, the outcome */
	const char *detail;   /* the action's parameters ("k=v ..."), the state's cause, the item's note */
	const char *status;   /* the item's status; the state left (NULL at the start) */
	const char *source;   /* who gave the action, when the record says (its "source") */
	bool ignored, derived;
} dbf_event;

/* One variable of the record's "vars" lines: numbers, or words (symbol variables). */
typedef struct dbf_var {
	const char *name;
	bool words;
	int n, cap;
	double *t;
	double *v;            /* numbers */
	const char **w;       /* words */
} dbf_var;

typedef struct dbf_waves {
	double hz;            /* the record's rate */
	int64_t first;        /* the record's sample index (at hz) of ch[*][0] */
	int64_t stride;       /* ch[*][j] is the record's sample first + j * stride (halved when full) */
	int64_t n, cap;
	float *ch[3];         /* ECG mV, pleth (0..1), CO2 mmHg; NAN in gaps */
} dbf_waves;

typedef struct dbf {
	const debrief_desc *d;
	scrub_buf *out;
	scrub_arena arena;    /* the report's tree, the header's fields, the events' texts */
	yaml_node *report;
	const char *started, *trainee_rec, *input;
	dbf_event *ev;
	int nev, evcap;
	dbf_var vars[DBF_MAX_VARS];
	int nvars;
	dbf_waves waves;
	double end_t;         /* the end, or the last recorded time of a record cut short */
	bool complete, torn;
	bool oom;
} dbf;

/* debrief_parse.c */
scrub_result dbf_parse(dbf *D, char *err, size_t errsize);
void dbf_fini(dbf *D);
const dbf_var *dbf_var_find(const dbf *D, const char *name);
/* the report's fields */
const char *dbf_str(yaml_node *obj, const char *key);          /* NULL when absent or null */
bool dbf_num(yaml_node *obj, const char *key, double *out);
bool dbf_bool(yaml_node *obj, const char *key);

/* debrief.c: writing */
void dbf_esc(scrub_buf *b, const char *s);                     /* HTML text and attribute values */
void dbf_js_str(scrub_buf *b, const char *s);                  /* a JSON string safe inside <script> */
const char *dbf_clock(double t, char *buf, size_t size);       /* m:ss or h:mm:ss, tenths when not whole */
const char *dbf_num_text(double v, int decimals, char *buf, size_t size);

/* debrief_plot.c */
void dbf_events_strip(dbf *D);
void dbf_plots(dbf *D);
void dbf_cpr(dbf *D);

/* debrief_monitor.c */
void dbf_monitor(dbf *D);

/* debrief_assets.c: the page's style (every rule under .scrub-debrief) and its one small script */
extern const char *const dbf_css[];
extern const char *const dbf_script[];

#endif
