/* The debrief (app/debrief): a fragment for the server with notes and the note form, escaping of everything from
 * the record, the report and the notes, bounded output for a long record, refusals of what is not a record. */
#include "check.h"
#include "debrief.h"

#include <stdlib.h>

static const char report[] =
	"{\"report_format\": 1, \"scenario\": {\"id\": \"x\", \"title\": \"T & <T>\", \"version\": \"1\"},\n"
	" \"trainee\": \"a<b\", \"input\": \"desktop\", \"complete\": true, \"outcome\": \"stable\", \"end_state\": \"stable\",\n"
	" \"ended_at_s\": 7200, \"score\": 55.5, \"passed\": false, \"pass_rule\": {\"score\": 80, \"all_critical\": true},\n"
	" \"points_earned\": 5, \"points_possible\": 9, \"penalties\": 0, \"critical_failures\": [\"c1\"],\n"
	" \"items\": [{\"id\": \"c1\", \"text\": \"Do <it>\", \"kind\": \"do\", \"critical\": true, \"status\": \"missed\",\n"
	"   \"time_s\": null, \"points\": 0, \"max_points\": 5, \"note\": \"expected \\\"x\\\" & y\"},\n"
	"  {\"id\": \"f1\", \"text\": \"Never\", \"kind\": \"forbid\", \"critical\": false, \"status\": \"violated\",\n"
	"   \"time_s\": 60, \"points\": 0, \"max_points\": 0, \"penalty\": 4}],\n"
	" \"timeline\": []}\n";

/* a two-hour record: variables every second, waveforms at 25 Hz (more than the monitor keeps), a few events */
static char *long_record(size_t *len, bool end, bool torn)
{
	scrub_buf b;
	scrub_buf_init(&b);
	scrub_buf_puts(&b, "{\"type\":\"session\",\"format\":1,\"started\":\"2026-12-04T01:02:03Z\",\"trainee\":\"a<b\",\"input\":\"desktop\"}\n");
	scrub_buf_puts(&b, "{\"type\":\"state\",\"t\":0,\"from\":null,\"to\":\"start\",\"cause\":\"start\"}\n");
	for (int s = 0; s <= 7200; s++) {
		scrub_buf_printf(&b, "{\"type\":\"vars\",\"t\":%d,\"values\":{\"hr\":%d,\"sbp\":%d,\"rhythm\":\"%s\"}}\n", s, 60 + s % 50,
		                 100 + s % 7, s < 3600 ? "sinus" : "</script><x>");
		if (s) {
			scrub_buf_printf(&b, "{\"type\":\"waves\",\"t\":%d,\"hz\":25,\"first\":%d,\"ecg_mv\":[", s, (s - 1) * 25);
			for (int k = 0; k < 25; k++)
				scrub_buf_printf(&b, "%s%.3f", k ? "," : "", (k % 5) * 0.25);
			scrub_buf_puts(&b, "],\"pleth\":[0.5],\"co2_mmhg\":[35]}\n");
		}
		if (s == 60)
			scrub_buf_puts(&b, "{\"type\":\"action\",\"t\":60,\"action\":\"give_drug\",\"params\":{\"drug\":\"<img src=x onerror=alert(1)>\"}}\n"
			                   "{\"type\":\"item\",\"t\":60,\"id\":\"f1\",\"status\":\"violated\",\"note\":\"<why>\"}\n"
			                   "{\"type\":\"state\",\"t\":60,\"from\":\"start\",\"to\":\"st&te\",\"cause\":\"action give_drug\"}\n");
	}
	if (end)
		scrub_buf_puts(&b, "{\"type\":\"end\",\"t\":7200,\"outcome\":\"stable\"}\n");
	if (torn)
		scrub_buf_puts(&b, "{\"type\":\"vars\",\"t\":72");
	*len = b.len;
	return b.data;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_fragment_notes_form(void)
{
	size_t len;
	char *rec = long_record(&len, true, false);
	debrief_note notes[] = {{3000, "Dr <X>", "<b>bold</b> & more"}, {30, NULL, "early"}};
	debrief_desc d = {.record = rec, .record_len = len, .report = report, .report_len = strlen(report), .notes = notes, .nnotes = 2,
	                  .fragment = true, .note_action = "/s/1/notes?a=1&b=2", .csrf_token = "tok\"en"};
	scrub_buf out;
	scrub_buf_init(&out);
	char err[200];
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_OK);
	const char *h = out.data ? out.data : "";
	CHECK(strncmp(h, "<section class=\"scrub-debrief\">", 31) == 0);
	CHECK(!strstr(h, "<html") && !strstr(h, "<!DOCTYPE"));
	/* escaping: the report, the record, the notes */
	CHECK(!strstr(h, "<img") && strstr(h, "&lt;img src=x onerror=alert(1)&gt;"));
	CHECK(!strstr(h, "<b>bold") && strstr(h, "&lt;b&gt;bold&lt;/b&gt; &amp; more"));
	CHECK(strstr(h, "Dr &lt;X&gt;") != NULL);
	CHECK(strstr(h, "T &amp; &lt;T&gt;") && strstr(h, "a&lt;b") && strstr(h, "Do &lt;it&gt;"));
	CHECK(strstr(h, "expected &quot;x&quot; &amp; y") && strstr(h, "&lt;why&gt;") && strstr(h, "st&amp;te"));
	CHECK(count(h, "</script>") == 2); /* the data and the script, nothing from the record */
	const char *data = strstr(h, "class=\"dbf-data\">");
	CHECK(data && strstr(data, "\\u003c/script\\u003e\\u003cx\\u003e"));
	/* the notes: in order in the list, on the timeline, marked on every plot and the strip */
	const char *list = strstr(h, "<ol class=\"dbf-notes\">");
	const char *early = list ? strstr(list, "early") : NULL, *bold = list ? strstr(list, "&lt;b&gt;bold") : NULL;
	CHECK(early && bold && early < bold);
	CHECK(count(h, "class=\"dbf-ev-note\"") == 2);
	CHECK(count(h, "class=\"dbf-mk-note\"") == 2 * count(h, "<figure"));
	CHECK(count(h, "class=\"dbf-flag\"") == 2);
	/* the form */
	CHECK(strstr(h, "<form class=\"dbf-note-form\" method=\"post\" action=\"/s/1/notes?a=1&amp;b=2\">") != NULL);
	CHECK(strstr(h, "name=\"csrf\" value=\"tok&quot;en\"") != NULL);
	CHECK(strstr(h, "name=\"t\"") && strstr(h, "name=\"text\""));
	/* the checklist: a missed critical item and a violated forbidden one */
	CHECK(strstr(h, "data-status=\"missed\">Missed</span>") && strstr(h, "data-status=\"violated\">Violated</span>"));
	CHECK(strstr(h, "&minus;4") != NULL);
	CHECK(strstr(h, "<span class=\"dbf-pf\">Not passed</span>") && !strstr(h, "<span class=\"dbf-inc\">"));
	/* bounded: every series at most 2000 points, the waveforms halved to 12.5 Hz */
	int paths = 0;
	for (const char *p = h; (p = strstr(p, "class=\"dbf-line\"")) != NULL; p++) {
		const char *dd = strstr(p, " d=\""), *e = dd ? strchr(dd + 4, '"') : NULL;
		int pts = 0;
		for (const char *q = dd; q && q < e; q++)
			pts += *q == 'M' || *q == 'L';
		CHECK(pts > 100 && pts <= 2000);
		paths++;
	}
	CHECK(paths == 2); /* hr, and sbp on the blood pressure plot */
	CHECK(strstr(h, "\"hz\":12.5,") != NULL);
	CHECK(strstr(h, "2:00:00") != NULL);
	scrub_buf_fini(&out);
	free(rec);
}

static void test_incomplete_and_refusals(void)
{
	size_t len;
	char *rec = long_record(&len, false, true);
	debrief_desc d = {.record = rec, .record_len = len, .report = report, .report_len = strlen(report)};
	scrub_buf out;
	scrub_buf_init(&out);
	char err[200];
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_OK);
	CHECK(out.data && strncmp(out.data, "<!DOCTYPE html>", 15) == 0 && strstr(out.data, "</html>"));
	CHECK(out.data && strstr(out.data, "<span class=\"dbf-inc\">Incomplete</span>"));
	CHECK(out.data && !strstr(out.data, "<form"));
	scrub_buf_clear(&out);
	/* a report that is not one */
	d.report = "{\"score\": 1";
	d.report_len = strlen(d.report);
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_ERR_INVALID && strstr(err, "report"));
	/* a record without its header; a damaged line in the middle */
	d.report = report;
	d.report_len = strlen(report);
	const char *bad = "{\"type\":\"vars\",\"t\":1,\"values\":{}}\n";
	d.record = bad;
	d.record_len = strlen(bad);
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_ERR_INVALID && strstr(err, "header"));
	const char *damaged = "{\"type\":\"session\"}\n{\"type\":\"vars\",\"t\":1,\"values\":{}}\n{\"type\": broken\n{\"type\":\"end\",\"t\":2,\"outcome\":\"x\"}\n";
	d.record = damaged;
	d.record_len = strlen(damaged);
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_ERR_INVALID && strstr(err, "damaged line 3"));
	/* times and values at the ends of what a double holds: a page, quickly */
	const char *huge = "{\"type\":\"session\"}\n{\"type\":\"vars\",\"t\":1e300,\"values\":{\"hr\":1e300,\"x\":-1e-300}}\n"
	                   "{\"type\":\"vars\",\"t\":0,\"values\":{\"hr\":-1e300,\"x\":5}}\n{\"type\":\"action\",\"t\":1e299,\"action\":\"a\"}\n";
	d.record = huge;
	d.record_len = strlen(huge);
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_OK);
	CHECK(out.len < 200000 && out.data && !strstr(out.data, "nan") && !strstr(out.data, "inf"));
	scrub_buf_clear(&out);
	d.record = "";
	d.record_len = 0;
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_ERR_INVALID && strstr(err, "empty"));
	scrub_buf_fini(&out);
	free(rec);
}

/* a record with more events than the page lists: the rest are counted, not listed */
static void test_many_events(void)
{
	scrub_buf rec;
	scrub_buf_init(&rec);
	scrub_buf_puts(&rec, "{\"type\":\"session\"}\n");
	for (int i = 0; i < 6000; i++)
		scrub_buf_printf(&rec, "{\"type\":\"action\",\"t\":%d,\"action\":\"a%d\",\"params\":{}}\n", i, i);
	debrief_desc d = {.record = rec.data, .record_len = rec.len, .report = report, .report_len = strlen(report)};
	scrub_buf out;
	scrub_buf_init(&out);
	char err[200];
	CHECK(debrief_html(&d, &out, err, sizeof err) == SCRUB_OK);
	CHECK(out.data && count(out.data, "class=\"dbf-ev-action\"") == 5000);
	CHECK(out.data && count(out.data, "class=\"dbf-act\"") == 5000);
	CHECK(out.data && strstr(out.data, "1000 more events after these are left out here"));
	scrub_buf_fini(&out);
	scrub_buf_fini(&rec);
}

int main(void)
{
	test_many_events();
	test_fragment_notes_form();
	test_incomplete_and_refusals();
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures != 0;
}
