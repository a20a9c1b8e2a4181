/* Units of measure: what a clinician writes (mg, mL, J, mmHg, /min, s, min ...).
 * Each unit has a dimension and a factor to that dimension's base unit; quantities of one
 * dimension convert, quantities of different dimensions never do (mg vs mL is an error). */
#ifndef SCRUB_UNITS_H
#define SCRUB_UNITS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum scrub_dim {
	SCRUB_DIM_NONE = 0,   /* a plain number (count, ratio) */
	SCRUB_DIM_TIME,       /* base s */
	SCRUB_DIM_MASS,       /* base mg */
	SCRUB_DIM_VOLUME,     /* base mL */
	SCRUB_DIM_ENERGY,     /* base J */
	SCRUB_DIM_PRESSURE,   /* base mmHg */
	SCRUB_DIM_PERCENT,    /* base % */
	SCRUB_DIM_RATE,       /* base /min (heart rate, respiratory rate, compression rate) */
	SCRUB_DIM_LENGTH,     /* base mm */
	SCRUB_DIM_TEMPERATURE,/* base C */
	SCRUB_DIM_FLOW,       /* base L/min */
	SCRUB_DIM_DOSE_PER_KG,/* base mg/kg */
	SCRUB_DIM_CONC,       /* base mmol/L */
	SCRUB_DIM_ANGLE,      /* base deg */
	SCRUB_DIM_FORCE,      /* base N */
	SCRUB_DIM_SPEED,      /* base mm/s */
	SCRUB_DIM_WEIGHT,     /* body weight, base kg (kept apart from drug mass on purpose) */
	SCRUB_DIM_DOSE_RATE,  /* an infusion's drug per time, base mcg/min */
	SCRUB_DIM_DOSE_RATE_PER_KG, /* base mcg/kg/min */
	SCRUB_DIM_UNITS,      /* international units (insulin, heparin), base units */
	SCRUB_DIM_VOLUME_PER_KG, /* base mL/kg (30 mL/kg of crystalloid) */
	SCRUB_DIM_CURRENT,    /* pacing current, base mA */
	SCRUB_DIM_COUNT_
} scrub_dim;

typedef struct scrub_unit {
	const char *name;     /* canonical spelling */
	scrub_dim dim;
	double factor;        /* value_in_base = value * factor */
} scrub_unit;

/* Looks up a unit by any accepted spelling ("ml", "mL", "µg", "mcg", "bpm"...). */
const scrub_unit *scrub_unit_find(const char *s, size_t n);
/* The unit a misspelt one probably meant ("mins": min, "jj": J, "secs": s): the nearest spelling of
 * dimension `dim` (SCRUB_DIM_NONE: any), case aside; NULL when none is close. `s` may run on after
 * the unit (a space or ".." ends it). */
const scrub_unit *scrub_unit_suggest(const char *s, size_t n, scrub_dim dim);
/* A dimension per kilogram of body weight (mg/kg, mL/kg, mcg/kg/min) and the one it becomes for a
 * patient of known weight (mass, volume, dose rate); SCRUB_DIM_NONE when `dim` is not per kg. */
scrub_dim scrub_dim_without_kg(scrub_dim dim);
/* The canonical unit for a dimension (its base unit). */
const scrub_unit *scrub_unit_base(scrub_dim dim);
const char *scrub_dim_name(scrub_dim dim);
/* All canonical unit names of a dimension, comma separated, for messages. */
const char *scrub_dim_units(scrub_dim dim);

/* A parsed quantity: a number, optionally with a unit ("1 mg", "200J", "2 min", "30"). */
typedef struct scrub_quantity {
	double value;             /* as written */
	const scrub_unit *unit;   /* NULL when no unit was written */
} scrub_quantity;

/* Parses a number with an optional unit from s[0..n). Returns the number of characters
 * consumed (0 if no number). `*out_bad_unit` is set to the offset of a unit word that is not
 * known (or -1). Leading and trailing spaces are skipped. */
size_t scrub_quantity_parse(const char *s, size_t n, scrub_quantity *out, int *out_bad_unit);

/* Parses a duration: "30 s", "2 min", "1.5 h", "1:30" (m:ss) or "1:02:03". A bare number is
 * refused (a unit must be written). Returns false and fills `why` on error. */
bool scrub_duration_parse(const char *s, size_t n, double *out_seconds, const char **why);

/* Formats seconds as m:ss.ss (or h:mm:ss.ss) for reports; writes into buf. */
const char *scrub_format_time(double seconds, char *buf, size_t size);

#endif
