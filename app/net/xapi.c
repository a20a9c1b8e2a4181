/* xAPI statements of a session (xapi.h). */
#include "xapi.h"
#include "json.h"
#include "yaml.h"

#include <math.h>
#include <sha1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* uuid5(NAMESPACE_URL, "urn:scrub:xapi") */
static const uint8_t scrub_ns[16] = {0xe8, 0xfd, 0x8a, 0xe5, 0x31, 0x3e, 0x58, 0xe2,
                                     0x98, 0xd2, 0xa3, 0x0e, 0xbb, 0x21, 0xba, 0x76};

void xapi_uuid(const char *name, char out[37])
{
	SHA1_CTX c;
	uint8_t h[SHA1_DIGEST_LENGTH];
	SHA1Init(&c);
	SHA1Update(&c, scrub_ns, sizeof scrub_ns);
	SHA1Update(&c, (const uint8_t *)name, strlen(name));
	SHA1Final(h, &c);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50); /* version 5 */
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80); /* the RFC 4122 variant */
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[h[i] >> 4];
		*p++ = hex[h[i] & 15];
	}
	*p = '\0';
}

void xapi_duration(double seconds, char *buf, size_t size)
{
	long long cs = isfinite(seconds) && seconds > 0 ? llround(seconds * 100) : 0;
	long long h = cs / 360000, m = cs / 6000 % 60, s = cs / 100 % 60, frac = cs % 100;
	int n = snprintf(buf, size, "PT");
	if (h)
		n += snprintf(buf + n, size - (size_t)n, "%lldH", h);
	if (m)
		n += snprintf(buf + n, size - (size_t)n, "%lldM", m);
	if (s || frac || (!h && !m)) {
		if (frac)
			n += snprintf(buf + n, size - (size_t)n, frac % 10 ? "%lld.%02lldS" : "%lld.%lldS", s,
			              frac % 10 ? frac : frac / 10);
		else
			snprintf(buf + n, size - (size_t)n, "%lldS", s);
	}
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

bool xapi_timestamp(const char *started, double offset_s, char *buf, size_t size)
{
	int y, mo, d, h, mi, s, used = 0;
	if (!started || sscanf(started, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 ||
	    used != (int)strlen(started) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
	    !isfinite(offset_s) || fabs(offset_s) > 1e9)
		return false;
	long long ms = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s) * 1000 +
	               llround(offset_s * 1000);
	long long secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000, days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	long long rem = secs - days * 86400, yy;
	unsigned mm, dd;
	civil_from_days(days, &yy, &mm, &dd);
	snprintf(buf, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", yy, mm, dd, rem / 3600, rem / 60 % 60, rem % 60,
	         ms - secs * 1000);
	return true;
}

/* ---- Reading report.json ---------------------------------------------------------------------- */

typedef struct rep_item {
	const char *id, *text, *status, *note;
	bool critical, has_time;
	double time_s, points, max_points;
} rep_item;

typedef struct rep {
	const char *scn_id, *title, *version, *scn_sha256, *trainee;
	bool complete, passed;
	double ended_at_s, score;
	rep_item *items;
	int nitems;
} rep;

static const char *str_of(yaml_node *map, const char *key)
{
	yaml_node *n = map ? yaml_get(map, key) : NULL;
	return n && yaml_is_scalar(n) && !(n->style == YAML_PLAIN && strcmp(n->str, "null") == 0) ? n->str : NULL;
}

static bool num_of(yaml_node *map, const char *key, double *v)
{
	const char *s = str_of(map, key);
	char *end;
	if (!s)
		return false;
	*v = strtod(s, &end);
	return end != s && !*end && isfinite(*v);
}

static bool bool_of(yaml_node *map, const char *key)
{
	const char *s = str_of(map, key);
	return s && strcmp(s, "true") == 0;
}

static bool read_report(const xapi_input *in, scrub_arena *a, rep *r, char *err, size_t errsize)
{
	scrub_diags d;
	scrub_diags_init(&d, "report.json", NULL, 0);
	yaml_limits lim = {.max_bytes = (size_t)256 << 20, .max_depth = 32, .max_nodes = 20000000};
	yaml_node *root = yaml_parse(in->report, in->report_len, &lim, a, &d);
	memset(r, 0, sizeof *r);
	bool ok = root && root->type == YAML_MAP;
	yaml_node *scn = ok ? yaml_get(root, "scenario") : NULL, *items = ok ? yaml_get(root, "items") : NULL;
	if (ok) {
		r->scn_id = str_of(scn, "id");
		r->title = str_of(scn, "title");
		r->version = str_of(scn, "version");
		r->scn_sha256 = str_of(scn, "sha256");
		r->trainee = str_of(root, "trainee");
		r->complete = bool_of(root, "complete");
		r->passed = bool_of(root, "passed");
		ok = r->scn_id && r->title && r->trainee && num_of(root, "score", &r->score) &&
		     num_of(root, "ended_at_s", &r->ended_at_s) && items && items->type == YAML_SEQ;
	}
	if (ok && items->n) {
		r->items = SCRUB_ARENA_NEW(a, rep_item, items->n);
		ok = r->items != NULL;
	}
	for (size_t i = 0; ok && i < items->n; i++) {
		yaml_node *it = items->items[i];
		rep_item *o = &r->items[r->nitems++];
		o->id = str_of(it, "id");
		o->text = str_of(it, "text");
		o->status = str_of(it, "status");
		o->note = str_of(it, "note");
		o->critical = bool_of(it, "critical");
		o->has_time = num_of(it, "time_s", &o->time_s);
		ok = o->id && o->text && o->status && num_of(it, "points", &o->points) &&
		     num_of(it, "max_points", &o->max_points);
	}
	if (!ok) {
		if (d.n)
			snprintf(err, errsize, "not a report: %s", d.v[0].msg);
		else
			snprintf(err, errsize, "not a Scrub report (a field is missing or of the wrong kind)");
	}
	scrub_diags_fini(&d);
	return ok;
}

/* ---- Writing statements ----------------------------------------------------------------------- */

/* `s` percent-encoded for a path segment (RFC 3987: unreserved characters kept). */
static void put_segment(scrub_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			scrub_buf_append(b, (const char *)p, 1);
		else
			scrub_buf_printf(b, "%%%02X", *p);
	}
}

typedef struct ctx {
	const xapi_config *cfg;
	const xapi_input *in;
	const rep *r;
	const char *lang;
	char registration[37];
	scrub_buf scn_iri;
	scrub_buf ext;             /* BASE/extensions/ */
} ctx;

static void lang_map(scrub_json *j, const char *key, const char *lang, const char *text)
{
	scrub_json_object_begin(j, key);
	scrub_json_str(j, lang, text);
	scrub_json_object_end(j);
}

static void ext_key(ctx *c, scrub_buf *tmp, const char *name)
{
	scrub_buf_clear(tmp);
	scrub_buf_append(tmp, c->ext.data, c->ext.len);
	scrub_buf_puts(tmp, name);
}

static void begin_statement(ctx *c, scrub_json *j, const char *id, const char *verb, const char *timestamp)
{
	scrub_json_object_begin(j, NULL);
	scrub_json_str(j, "id", id);
	scrub_json_object_begin(j, "actor");
	scrub_json_str(j, "objectType", "Agent");
	scrub_json_str(j, "name", c->r->trainee);
	scrub_json_object_begin(j, "account");
	scrub_json_str(j, "homePage", c->cfg->homepage ? c->cfg->homepage : XAPI_DEFAULT_HOMEPAGE);
	scrub_json_str(j, "name", c->r->trainee);
	scrub_json_object_end(j);
	scrub_json_object_end(j);
	scrub_json_object_begin(j, "verb");
	char iri[128];
	snprintf(iri, sizeof iri, XAPI_VERB_BASE "%s", verb);
	scrub_json_str(j, "id", iri);
	lang_map(j, "display", "en-US", verb);
	scrub_json_object_end(j);
	scrub_json_str(j, "timestamp", timestamp);
}

static void scenario_object(ctx *c, scrub_json *j)
{
	scrub_json_object_begin(j, "object");
	scrub_json_str(j, "objectType", "Activity");
	scrub_json_strn(j, "id", c->scn_iri.data, c->scn_iri.len);
	scrub_json_object_begin(j, "definition");
	lang_map(j, "name", c->lang, c->r->title);
	size_t dl = c->in->description ? strlen(c->in->description) : 0;
	while (dl && strchr(" \t\r\n", c->in->description[dl - 1]))
		dl--;
	if (dl) {
		scrub_json_object_begin(j, "description");
		scrub_json_strn(j, c->lang, c->in->description, dl);
		scrub_json_object_end(j);
	}
	scrub_json_str(j, "type", "http://adlnet.gov/expapi/activities/simulation");
	scrub_json_object_end(j);
	scrub_json_object_end(j);
}

static void context(ctx *c, scrub_json *j, bool item)
{
	scrub_buf k;
	scrub_buf_init(&k);
	scrub_json_object_begin(j, "context");
	scrub_json_str(j, "registration", c->registration);
	scrub_json_object_begin(j, "contextActivities");
	if (item) {
		scrub_json_array_begin(j, "parent");
		scrub_json_object_begin(j, NULL);
		scrub_json_str(j, "objectType", "Activity");
		scrub_json_strn(j, "id", c->scn_iri.data, c->scn_iri.len);
		scrub_json_object_end(j);
		scrub_json_array_end(j);
	}
	/* the MedBiquitous Virtual Patient profile these statements follow (xAPI Profiles: its id in "category") */
	scrub_json_array_begin(j, "category");
	scrub_json_object_begin(j, NULL);
	scrub_json_str(j, "objectType", "Activity");
	scrub_json_str(j, "id", XAPI_VP_PROFILE);
	scrub_json_object_begin(j, "definition");
	scrub_json_str(j, "type", "http://adlnet.gov/expapi/activities/profile");
	scrub_json_object_end(j);
	scrub_json_object_end(j);
	scrub_json_array_end(j);
	scrub_json_object_end(j);
	if (!item && c->r->version)
		scrub_json_str(j, "revision", c->r->version);
	scrub_json_str(j, "platform", "Scrub " SCRUB_VERSION);
	scrub_json_str(j, "language", c->lang);
	scrub_json_object_begin(j, "extensions");
	ext_key(c, &k, "record-sha256");
	scrub_json_str(j, k.data, c->in->record_sha256);
	if (c->r->scn_sha256) {
		ext_key(c, &k, "scenario-sha256");
		scrub_json_str(j, k.data, c->r->scn_sha256);
	}
	scrub_json_object_end(j);
	scrub_json_object_end(j);
	scrub_buf_fini(&k);
}

static void score(scrub_json *j, double scaled, double raw, double min, double max)
{
	scaled = scaled < -1 ? -1 : scaled > 1 ? 1 : scaled;
	raw = raw < min ? min : raw > max ? max : raw;
	scrub_json_object_begin(j, "score");
	scrub_json_num(j, "scaled", scaled, 4);
	scrub_json_num(j, "raw", raw, 2);
	scrub_json_num(j, "min", min, 2);
	scrub_json_num(j, "max", max, 2);
	scrub_json_object_end(j);
}

static bool emit(ctx *c, scrub_arena *a, scrub_buf *b, const char *id, xapi_statement *out)
{
	if (b->oom)
		return false;
	char *s = scrub_arena_strndup(a, b->data, b->len);
	if (!s)
		return false;
	snprintf(out->id, sizeof out->id, "%s", id);
	out->json = s;
	out->len = b->len;
	scrub_buf_clear(b);
	return true;
}

static void statement_id(ctx *c, const char *key, char id[37])
{
	char name[512];
	snprintf(name, sizeof name, "%s/%s", c->in->record_sha256, key);
	xapi_uuid(name, id);
}

/* attempted, completed, passed or failed: the scenario as a whole. */
static void scenario_statement(ctx *c, scrub_json *j, const char *verb, const char *id)
{
	char ts[40], dur[48];
	bool at_start = strcmp(verb, "attempted") == 0;
	xapi_timestamp(c->in->started, at_start ? 0 : c->r->ended_at_s, ts, sizeof ts);
	begin_statement(c, j, id, verb, ts);
	scenario_object(c, j);
	if (!at_start || !c->r->complete) {
		scrub_json_object_begin(j, "result");
		if (!at_start)
			score(j, c->r->score / 100, c->r->score, 0, 100);
		if (!at_start)
			scrub_json_bool(j, "success", c->r->passed);
		scrub_json_bool(j, "completion", c->r->complete);
		xapi_duration(c->r->ended_at_s, dur, sizeof dur);
		scrub_json_str(j, "duration", dur);
		scrub_json_object_end(j);
	}
	context(c, j, false);
	scrub_json_object_end(j);
}

static void item_statement(ctx *c, scrub_json *j, const rep_item *it, const char *id)
{
	char ts[40];
	bool done = strcmp(it->status, "done") == 0;
	xapi_timestamp(c->in->started, it->has_time ? it->time_s : c->r->ended_at_s, ts, sizeof ts);
	begin_statement(c, j, id, done ? "passed" : "failed", ts);
	scrub_buf iri, k;
	scrub_buf_init(&iri);
	scrub_buf_init(&k);
	scrub_buf_append(&iri, c->scn_iri.data, c->scn_iri.len);
	scrub_buf_puts(&iri, "/items/");
	put_segment(&iri, it->id);
	scrub_json_object_begin(j, "object");
	scrub_json_str(j, "objectType", "Activity");
	scrub_json_strn(j, "id", iri.data, iri.len);
	scrub_json_object_begin(j, "definition");
	lang_map(j, "name", c->lang, it->text);
	scrub_json_str(j, "type", "http://adlnet.gov/expapi/activities/objective");
	scrub_json_object_end(j);
	scrub_json_object_end(j);
	scrub_json_object_begin(j, "result");
	if (it->max_points > 0) {
		double min = it->points < 0 ? it->points : 0;
		score(j, it->points / it->max_points, it->points, min, it->max_points);
	}
	scrub_json_bool(j, "success", done);
	scrub_json_bool(j, "completion", true);
	scrub_json_object_begin(j, "extensions");
	ext_key(c, &k, "item-status");
	scrub_json_str(j, k.data, it->status);
	ext_key(c, &k, "critical");
	scrub_json_bool(j, k.data, it->critical);
	if (it->note) {
		ext_key(c, &k, "note");
		scrub_json_str(j, k.data, it->note);
	}
	scrub_json_object_end(j);
	scrub_json_object_end(j);
	context(c, j, true);
	scrub_json_object_end(j);
	scrub_buf_fini(&iri);
	scrub_buf_fini(&k);
}

scrub_result xapi_build(const xapi_config *cfg, const xapi_input *in, scrub_arena *a, xapi_statement **out, int *n,
                        char *err, size_t errsize)
{
	*out = NULL;
	*n = 0;
	rep r;
	if (!read_report(in, a, &r, err, errsize))
		return SCRUB_ERR_INVALID;
	char probe[40];
	if (!xapi_timestamp(in->started, 0, probe, sizeof probe)) {
		snprintf(err, errsize, "the record's start '%s' is not an ISO 8601 UTC time", in->started ? in->started : "");
		return SCRUB_ERR_INVALID;
	}
	ctx c = {.cfg = cfg, .in = in, .r = &r, .lang = cfg->lang && *cfg->lang ? cfg->lang : "en"};
	statement_id(&c, "registration", c.registration);
	const char *base = cfg->activity_base && *cfg->activity_base ? cfg->activity_base : XAPI_DEFAULT_BASE;
	size_t bl = strlen(base);
	scrub_buf_init(&c.scn_iri);
	scrub_buf_init(&c.ext);
	scrub_buf_append(&c.scn_iri, base, bl);
	scrub_buf_append(&c.ext, base, bl);
	if (bl && base[bl - 1] != '/') {
		scrub_buf_puts(&c.scn_iri, "/");
		scrub_buf_puts(&c.ext, "/");
	}
	scrub_buf_puts(&c.scn_iri, "scenarios/");
	put_segment(&c.scn_iri, r.scn_id);
	scrub_buf_puts(&c.ext, "extensions/");

	xapi_statement *v = SCRUB_ARENA_NEW(a, xapi_statement, r.nitems + 3);
	scrub_buf b;
	scrub_buf_init(&b);
	scrub_json j;
	bool ok = v != NULL && !c.scn_iri.oom && !c.ext.oom;
	int k = 0;
	const char *verbs[3] = {"attempted", r.complete ? "completed" : NULL, r.complete ? (r.passed ? "passed" : "failed") : NULL};
	for (int i = 0; ok && i < 3; i++) {
		if (!verbs[i])
			continue;
		char id[37];
		statement_id(&c, verbs[i], id);
		scrub_json_init(&j, &b, false);
		scenario_statement(&c, &j, verbs[i], id);
		ok = emit(&c, a, &b, id, &v[k++]);
	}
	for (int i = 0; ok && i < r.nitems; i++) {
		if (strcmp(r.items[i].status, "pending") == 0) /* not decided: nothing to say */
			continue;
		char id[37], key[300];
		snprintf(key, sizeof key, "item/%s", r.items[i].id);
		statement_id(&c, key, id);
		scrub_json_init(&j, &b, false);
		item_statement(&c, &j, &r.items[i], id);
		ok = emit(&c, a, &b, id, &v[k++]);
	}
	scrub_buf_fini(&b);
	scrub_buf_fini(&c.scn_iri);
	scrub_buf_fini(&c.ext);
	if (!ok)
		return SCRUB_ERR_NOMEM;
	*out = v;
	*n = k;
	return SCRUB_OK;
}
