#include "units.h"
#include "diag.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

typedef struct unit_alias {
	const char *spelling;
	scrub_unit unit;
} unit_alias;

/* The first entry of each dimension is its canonical base unit. */
static const unit_alias units[] = {
	{"s", {"s", SCRUB_DIM_TIME, 1.0}},
	{"sec", {"s", SCRUB_DIM_TIME, 1.0}},
	{"ms", {"ms", SCRUB_DIM_TIME, 0.001}},
	{"min", {"min", SCRUB_DIM_TIME, 60.0}},
	{"h", {"h", SCRUB_DIM_TIME, 3600.0}},
	{"mg", {"mg", SCRUB_DIM_MASS, 1.0}},
	{"mcg", {"mcg", SCRUB_DIM_MASS, 0.001}},
	{"ug", {"mcg", SCRUB_DIM_MASS, 0.001}},
	{"\xc2\xb5g", {"mcg", SCRUB_DIM_MASS, 0.001}},
	{"g", {"g", SCRUB_DIM_MASS, 1000.0}},
	{"mL", {"mL", SCRUB_DIM_VOLUME, 1.0}},
	{"ml", {"mL", SCRUB_DIM_VOLUME, 1.0}},
	{"L", {"L", SCRUB_DIM_VOLUME, 1000.0}},
	{"l", {"L", SCRUB_DIM_VOLUME, 1000.0}},
	{"J", {"J", SCRUB_DIM_ENERGY, 1.0}},
	{"kJ", {"kJ", SCRUB_DIM_ENERGY, 1000.0}},
	{"mmHg", {"mmHg", SCRUB_DIM_PRESSURE, 1.0}},
	{"cmH2O", {"cmH2O", SCRUB_DIM_PRESSURE, 0.73556}},
	{"kPa", {"kPa", SCRUB_DIM_PRESSURE, 7.50062}},
	{"%", {"%", SCRUB_DIM_PERCENT, 1.0}},
	{"/min", {"/min", SCRUB_DIM_RATE, 1.0}},
	{"bpm", {"/min", SCRUB_DIM_RATE, 1.0}},
	{"per_min", {"/min", SCRUB_DIM_RATE, 1.0}},
	{"/s", {"/s", SCRUB_DIM_RATE, 60.0}},
	{"mm", {"mm", SCRUB_DIM_LENGTH, 1.0}},
	{"cm", {"cm", SCRUB_DIM_LENGTH, 10.0}},
	{"m", {"m", SCRUB_DIM_LENGTH, 1000.0}},
	{"C", {"C", SCRUB_DIM_TEMPERATURE, 1.0}},
	{"degC", {"C", SCRUB_DIM_TEMPERATURE, 1.0}},
	{"\xc2\xb0" "C", {"C", SCRUB_DIM_TEMPERATURE, 1.0}},
	{"L/min", {"L/min", SCRUB_DIM_FLOW, 1.0}},
	{"l/min", {"L/min", SCRUB_DIM_FLOW, 1.0}},
	{"mL/min", {"mL/min", SCRUB_DIM_FLOW, 0.001}},
	{"mL/h", {"mL/h", SCRUB_DIM_FLOW, 0.001 / 60.0}},
	{"mg/kg", {"mg/kg", SCRUB_DIM_DOSE_PER_KG, 1.0}},
	{"mcg/kg", {"mcg/kg", SCRUB_DIM_DOSE_PER_KG, 0.001}},
	{"mmol/L", {"mmol/L", SCRUB_DIM_CONC, 1.0}},
	{"deg", {"deg", SCRUB_DIM_ANGLE, 1.0}},
	{"\xc2\xb0", {"deg", SCRUB_DIM_ANGLE, 1.0}},
	{"rad", {"rad", SCRUB_DIM_ANGLE, 57.29577951308232}},
	{"N", {"N", SCRUB_DIM_FORCE, 1.0}},
	{"mm/s", {"mm/s", SCRUB_DIM_SPEED, 1.0}},
	{"cm/s", {"cm/s", SCRUB_DIM_SPEED, 10.0}},
	{"m/s", {"m/s", SCRUB_DIM_SPEED, 1000.0}},
	{"kg", {"kg", SCRUB_DIM_WEIGHT, 1.0}},
	/* blood glucose: 1 mmol/L = 18.016 mg/dL (glucose only: the factor is glucose's molar mass) */
	{"mg/dL", {"mg/dL", SCRUB_DIM_CONC, 1.0 / 18.016}},
	{"mg/dl", {"mg/dL", SCRUB_DIM_CONC, 1.0 / 18.016}},
	{"mcg/min", {"mcg/min", SCRUB_DIM_DOSE_RATE, 1.0}},
	{"ug/min", {"mcg/min", SCRUB_DIM_DOSE_RATE, 1.0}},
	{"mg/min", {"mg/min", SCRUB_DIM_DOSE_RATE, 1000.0}},
	{"mcg/h", {"mcg/h", SCRUB_DIM_DOSE_RATE, 1.0 / 60.0}},
	{"mg/h", {"mg/h", SCRUB_DIM_DOSE_RATE, 1000.0 / 60.0}},
	{"mcg/kg/min", {"mcg/kg/min", SCRUB_DIM_DOSE_RATE_PER_KG, 1.0}},
	{"ug/kg/min", {"mcg/kg/min", SCRUB_DIM_DOSE_RATE_PER_KG, 1.0}},
	{"mg/kg/h", {"mg/kg/h", SCRUB_DIM_DOSE_RATE_PER_KG, 1000.0 / 60.0}},
	{"units", {"units", SCRUB_DIM_UNITS, 1.0}},
	{"unit", {"units", SCRUB_DIM_UNITS, 1.0}},
	{"U", {"units", SCRUB_DIM_UNITS, 1.0}},
	{"IU", {"units", SCRUB_DIM_UNITS, 1.0}},
	{"mL/kg", {"mL/kg", SCRUB_DIM_VOLUME_PER_KG, 1.0}},
	{"ml/kg", {"mL/kg", SCRUB_DIM_VOLUME_PER_KG, 1.0}},
	{"mA", {"mA", SCRUB_DIM_CURRENT, 1.0}},
};

static const char *dim_names[SCRUB_DIM_COUNT_] = {
	[SCRUB_DIM_NONE] = "a plain number",
	[SCRUB_DIM_TIME] = "a time",
	[SCRUB_DIM_MASS] = "a mass",
	[SCRUB_DIM_VOLUME] = "a volume",
	[SCRUB_DIM_ENERGY] = "an energy",
	[SCRUB_DIM_PRESSURE] = "a pressure",
	[SCRUB_DIM_PERCENT] = "a percentage",
	[SCRUB_DIM_RATE] = "a rate per minute",
	[SCRUB_DIM_LENGTH] = "a length",
	[SCRUB_DIM_TEMPERATURE] = "a temperature",
	[SCRUB_DIM_FLOW] = "a flow",
	[SCRUB_DIM_DOSE_PER_KG] = "a dose per kg",
	[SCRUB_DIM_CONC] = "a concentration",
	[SCRUB_DIM_ANGLE] = "an angle",
	[SCRUB_DIM_FORCE] = "a force",
	[SCRUB_DIM_SPEED] = "a speed",
	[SCRUB_DIM_WEIGHT] = "a body weight",
	[SCRUB_DIM_DOSE_RATE] = "a dose rate",
	[SCRUB_DIM_DOSE_RATE_PER_KG] = "a dose rate per kg",
	[SCRUB_DIM_UNITS] = "a number of units",
	[SCRUB_DIM_VOLUME_PER_KG] = "a volume per kg",
	[SCRUB_DIM_CURRENT] = "a current",
};

scrub_dim scrub_dim_without_kg(scrub_dim dim)
{
	switch (dim) {
	case SCRUB_DIM_DOSE_PER_KG: return SCRUB_DIM_MASS;
	case SCRUB_DIM_VOLUME_PER_KG: return SCRUB_DIM_VOLUME;
	case SCRUB_DIM_DOSE_RATE_PER_KG: return SCRUB_DIM_DOSE_RATE;
	default: return SCRUB_DIM_NONE;
	}
}

const char *scrub_dim_name(scrub_dim dim)
{
	return dim < SCRUB_DIM_COUNT_ ? dim_names[dim] : "?";
}

const scrub_unit *scrub_unit_suggest(const char *s, size_t n, scrub_dim dim)
{
	/* the unit word alone: up to a space or a range's ".." */
	size_t e = 0;
	while (e < n && s[e] != ' ' && s[e] != '\t' && !(s[e] == '.' && e + 1 < n && s[e + 1] == '.'))
		e++;
	char word[32], low[sizeof units / sizeof units[0]][24];
	const char *cand[sizeof units / sizeof units[0]];
	size_t nc = 0;
	if (e == 0 || e >= sizeof word)
		return NULL;
	for (size_t i = 0; i < e; i++)
		word[i] = (char)tolower((unsigned char)s[i]);
	word[e] = 0;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		const char *sp = units[i].spelling;
		size_t l = strlen(sp);
		cand[i] = NULL;
		if ((dim != SCRUB_DIM_NONE && units[i].unit.dim != dim) || l >= sizeof low[0])
			continue;
		for (size_t k = 0; k <= l; k++)
			low[i][k] = (char)tolower((unsigned char)sp[k]);
		cand[i] = low[i];
		nc = i + 1;
	}
	const char *best = scrub_suggest(word, cand, nc);
	return best ? &units[(size_t)(best - low[0]) / sizeof low[0]].unit : NULL;
}

const scrub_unit *scrub_unit_find(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strlen(units[i].spelling) == n && memcmp(units[i].spelling, s, n) == 0)
			return &units[i].unit;
	}
	return NULL;
}

const scrub_unit *scrub_unit_base(scrub_dim dim)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (units[i].unit.dim == dim)
			return &units[i].unit;
	}
	return NULL;
}

static char dim_units_buf[SCRUB_DIM_COUNT_][128];
static pthread_once_t dim_units_once = PTHREAD_ONCE_INIT;

static void fill_dim_units(void)
{
	for (int dim = 0; dim < SCRUB_DIM_COUNT_; dim++) {
		char *b = dim_units_buf[dim];
		size_t len = 0;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
			if ((int)units[i].unit.dim != dim || strcmp(units[i].spelling, units[i].unit.name) != 0)
				continue;
			if (strchr(units[i].spelling, '\xc2'))
				continue;
			len += (size_t)snprintf(b + len, sizeof dim_units_buf[0] - len, "%s%s", len ? ", " : "",
			                        units[i].spelling);
		}
	}
}

const char *scrub_dim_units(scrub_dim dim)
{
	if (dim >= SCRUB_DIM_COUNT_)
		return "";
	pthread_once(&dim_units_once, fill_dim_units);
	return dim_units_buf[dim];
}

static bool is_unit_char(char c)
{
	return isalpha((unsigned char)c) || c == '/' || c == '%' || (unsigned char)c >= 0x80 ||
	       c == '2' || c == '_';
}

size_t scrub_quantity_parse(const char *s, size_t n, scrub_quantity *out, int *out_bad_unit)
{
	size_t i = 0;
	*out_bad_unit = -1;
	out->unit = NULL;
	while (i < n && s[i] == ' ')
		i++;
	size_t start = i;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	bool digits = false;
	while (i < n && isdigit((unsigned char)s[i])) {
		i++;
		digits = true;
	}
	if (i < n && s[i] == '.' && !(i + 1 < n && s[i + 1] == '.')) {
		i++;
		while (i < n && isdigit((unsigned char)s[i])) {
			i++;
			digits = true;
		}
	}
	if (!digits)
		return 0;
	/* Exponents are not for clinicians, but accept them when the next char is a digit. */
	if (i + 1 < n && (s[i] == 'e' || s[i] == 'E') && isdigit((unsigned char)s[i + 1])) {
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	char num[64];
	size_t len = i - start;
	if (len >= sizeof num)
		return 0;
	memcpy(num, s + start, len);
	num[len] = '\0';
	out->value = strtod(num, NULL);
	if (!isfinite(out->value))
		return 0;
	size_t j = i;
	while (j < n && s[j] == ' ')
		j++;
	size_t ustart = j;
	/* A unit starts with a letter, '/', '%' or a degree sign; "2" is only allowed inside. */
	if (j < n && (isalpha((unsigned char)s[j]) || s[j] == '/' || s[j] == '%' ||
	              (unsigned char)s[j] >= 0x80)) {
		while (j < n && is_unit_char(s[j]))
			j++;
		const scrub_unit *u = scrub_unit_find(s + ustart, j - ustart);
		if (!u) {
			*out_bad_unit = (int)ustart;
			return j;
		}
		out->unit = u;
		i = j;
	}
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

bool scrub_duration_parse(const char *s, size_t n, double *out_seconds, const char **why)
{
	while (n && s[n - 1] == ' ')
		n--;
	while (n && *s == ' ') {
		s++;
		n--;
	}
	if (memchr(s, ':', n)) {
		/* m:ss or h:mm:ss */
		double parts[3];
		int np = 0;
		size_t i = 0;
		while (i <= n && np < 3) {
			size_t j = i;
			while (j < n && isdigit((unsigned char)s[j]))
				j++;
			if (j < n && s[j] == '.') {
				j++;
				while (j < n && isdigit((unsigned char)s[j]))
					j++;
			}
			if (j == i) {
				*why = "expected a time like 1:30 (minutes:seconds)";
				return false;
			}
			char buf[32];
			if (j - i >= sizeof buf) {
				*why = "number too long";
				return false;
			}
			memcpy(buf, s + i, j - i);
			buf[j - i] = '\0';
			parts[np++] = strtod(buf, NULL);
			if (j == n)
				break;
			if (s[j] != ':') {
				*why = "expected a time like 1:30 (minutes:seconds)";
				return false;
			}
			i = j + 1;
			if (i == n) {
				*why = "expected a time like 1:30 (minutes:seconds)";
				return false;
			}
		}
		if (np < 2 || np > 3) {
			*why = "expected a time like 1:30 (minutes:seconds)";
			return false;
		}
		for (int k = 1; k < np; k++) {
			if (parts[k] >= 60) {
				*why = "seconds and minutes after a ':' must be below 60";
				return false;
			}
		}
		*out_seconds = np == 2 ? parts[0] * 60 + parts[1]
		                       : parts[0] * 3600 + parts[1] * 60 + parts[2];
		return true;
	}
	scrub_quantity q;
	int bad;
	size_t used = scrub_quantity_parse(s, n, &q, &bad);
	if (used == 0) {
		*why = "expected a duration such as 30 s, 2 min or 1:30";
		return false;
	}
	if (bad >= 0) {
		const scrub_unit *sug = scrub_unit_suggest(s + bad, n - (size_t)bad, SCRUB_DIM_TIME);
		static const char *const why_sug[] = {"unknown time unit (did you mean 's'?)", "unknown time unit (did you mean 'ms'?)",
		                                      "unknown time unit (did you mean 'min'?)", "unknown time unit (did you mean 'h'?)"};
		static const char *const names[] = {"s", "ms", "min", "h"};
		*why = "unknown time unit (expected s, min or h)";
		for (size_t i = 0; sug && i < sizeof names / sizeof names[0]; i++)
			if (strcmp(sug->name, names[i]) == 0)
				*why = why_sug[i];
		return false;
	}
	if (used != n) {
		*why = "unexpected text after the duration";
		return false;
	}
	if (!q.unit) {
		*why = "a duration needs a unit: write 30 s, 2 min or 1:30";
		return false;
	}
	if (q.unit->dim != SCRUB_DIM_TIME) {
		*why = "expected a time unit (s, min or h)";
		return false;
	}
	if (q.value < 0) {
		*why = "a duration cannot be negative";
		return false;
	}
	*out_seconds = q.value * q.unit->factor;
	return true;
}

const char *scrub_format_time(double seconds, char *buf, size_t size)
{
	if (!isfinite(seconds)) {
		snprintf(buf, size, "-");
		return buf;
	}
	if (fabs(seconds) >= 1e12) { /* beyond any session (and beyond a long in hundredths): as seconds */
		snprintf(buf, size, "%g s", seconds);
		return buf;
	}
	long cs = lround(seconds * 100.0);
	const char *sign = cs < 0 ? "-" : "";
	if (cs < 0)
		cs = -cs;
	long h = cs / 360000, m = (cs / 6000) % 60, sec = (cs / 100) % 60, frac = cs % 100;
	if (h)
		snprintf(buf, size, "%s%ld:%02ld:%02ld.%02ld", sign, h, m, sec, frac);
	else
		snprintf(buf, size, "%s%ld:%02ld.%02ld", sign, m, sec, frac);
	return buf;
}
