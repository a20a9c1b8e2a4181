/* scrub run --xr on the simulated runtime (docs/xr.md), as a user runs it:
 *
 *   test_scrub_xr SCRUB SRC_DIR play       data/bls_textbook.simxr plays the model run 'textbook' through the
 *                                          headset's action menu: the report equals, byte for byte, the one
 *                                          `scrub report` rebuilds from the record (and the headless run's, but
 *                                          for the input line); haptics, layers, the session life cycle; the
 *                                          left and right eye images differ by the stereo parallax
 *   test_scrub_xr SCRUB SRC_DIR lose       data/bls_lose.simxr loses the runtime at 100 s: exit 3, the record is
 *                                          kept (no end line), the report is marked incomplete and equals the
 *                                          one rebuilt from the record
 *   test_scrub_xr SCRUB SRC_DIR noruntime  no runtime: exit 3 and a message naming desktop and headless mode
 *   test_scrub_xr SCRUB SRC_DIR hands      data/bls_hands.simxr (tests/xr/gen_hands_simxr.py) plays the BLS scenario
 *                                          with the right controller's hands alone (no menu): a shoulder shaken,
 *                                          a hand raised to call for help, head tilt, pulse checks, compressions,
 *                                          the pads carried from the cart, the defibrillator's buttons; the report
 *                                          passes and equals `scrub report`'s and the headless replay's; the hands
 *                                          feel each compression and each heartbeat under the fingers
 *   test_scrub_xr SCRUB SRC_DIR tracked    data/hands_tracked.simxr: XR_EXT_hand_tracking joints (no controllers)
 *                                          compress, feel a carotid with two fingertips and pinch a pad
 *   test_scrub_xr SCRUB SRC_DIR views      data/mono.simxr: a headset with only a mono view configuration
 *   test_scrub_xr SCRUB SRC_DIR seethrough data/seethrough.simxr: only ADDITIVE (then only ALPHA_BLEND) blending
 *   test_scrub_xr SCRUB SRC_DIR profiles   every interaction profile Scrub suggests bindings for, current in turn:
 *                                          the trigger performs a menu entry and its haptic pulse is delivered
 *   test_scrub_xr SCRUB SRC_DIR incision   data/incision.simxr holds the scalpel in the right controller (squeeze)
 *                                          and cuts 40 mm through the skin of tests/data/skin_incision_frontend.yaml: the
 *                                          grip poses become `pose` actions, the physics derives the incision
 *                                          (into the fat), the blade in the tissue vibrates the right hand, and
 *                                          the report equals the one `scrub report` rebuilds from the record
 *
 * Run in the build's tests/xr folder with XR_RUNTIME_JSON naming build/simxr.json. */
#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

static const char *scrub, *src;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "$ %s\n", cmd);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	size_t got = b ? fread(b, 1, (size_t)n, f) : 0;
	fclose(f);
	if (!b)
		return NULL;
	b[got] = '\0';
	if (out_len)
		*out_len = got;
	return b;
}

static bool same_file(const char *a, const char *b)
{
	size_t na = 0, nb = 0;
	char *x = slurp(a, &na), *y = slurp(b, &nb);
	bool same = x && y && na == nb && memcmp(x, y, na) == 0;
	free(x);
	free(y);
	return same;
}

static int count(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* removes the line that starts with `key` (the report's "input" line) */
static void drop_line(char *text, const char *key)
{
	char *p = strstr(text, key);
	if (!p)
		return;
	char *e = strchr(p, '\n');
	if (e)
		memmove(p, e + 1, strlen(e + 1) + 1);
}

typedef struct textbook_action {
	double t;
	const char *name;
} textbook_action;

static const textbook_action textbook[] = {
	{5, "check_responsiveness"}, {8, "call_for_help"}, {10, "open_airway"}, {12, "check_pulse"},
	{20, "start_cpr"}, {60, "attach_pads"}, {65, "power_on_aed"}, {72, "stop_cpr"}, {73, "analyse_rhythm"},
	{77, "shock"}, {79, "start_cpr"}, {195, "stop_cpr"}, {197, "analyse_rhythm"}, {201, "shock"},
	{203, "start_cpr"}, {280, "check_pulse"},
};

/* the record's input actions must be the model run's, at its times (the actions the simulation
 * derives, such as the patient model's judgements, are made again by every replay) */
static void check_actions(const char *record, int expect_n)
{
	int n = 0;
	for (const char *p = record; (p = strstr(p, "{\"type\":\"action\",\"t\":")); p++) {
		const char *eol = strchr(p, '\n');
		const char *der = strstr(p, "\"derived\":true");
		if (der && (!eol || der < eol))
			continue;
		n++;
		double t = strtod(p + 21, NULL);
		const char *a = strstr(p, "\"action\":\"");
		CHECK(a != NULL);
		if (!a || n > expect_n)
			continue;
		a += 10;
		size_t len = strcspn(a, "\"");
		CHECK(fabs(t - textbook[n - 1].t) < 1e-9);
		CHECK(len == strlen(textbook[n - 1].name) && strncmp(a, textbook[n - 1].name, len) == 0);
		if (fabs(t - textbook[n - 1].t) >= 1e-9)
			fprintf(stderr, "action %d at %g, expected %g\n", n - 1, t, textbook[n - 1].t);
	}
	CHECK(n == expect_n);
}

static double luma(const uint8_t *p) { return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]; }

/* Mean absolute luminance difference between right(x) and left(x + s) over rows 64..191 of two w x h images. */
static double shifted_diff(const uint8_t *l, const uint8_t *r, int w, int h, int s)
{
	double sum = 0;
	long n = 0;
	for (int y = h / 4; y < h * 3 / 4; y++)
		for (int x = 0; x + s < w; x++) {
			sum += fabs(luma(r + 4 * (y * w + x)) - luma(l + 4 * (y * w + x + s)));
			n++;
		}
	return n ? sum / (double)n : 1e9;
}

static void check_parallax(void)
{
	int w, h, c, w2, h2;
	uint8_t *l = stbi_load("play_cap/simxr-frame00030-left.png", &w, &h, &c, 4);
	uint8_t *r = stbi_load("play_cap/simxr-frame00030-right.png", &w2, &h2, &c, 4);
	CHECK(l && r);
	if (!l || !r)
		return;
	CHECK(w == 256 && h == 256 && w2 == w && h2 == h);
	/* not empty: a real scene, with a spread of brightness */
	double mean = 0, var = 0;
	for (int i = 0; i < w * h; i++)
		mean += luma(l + 4 * i);
	mean /= w * h;
	for (int i = 0; i < w * h; i++)
		var += (luma(l + 4 * i) - mean) * (luma(l + 4 * i) - mean);
	double sd = sqrt(var / (w * h));
	fprintf(stderr, "left eye: mean luma %.1f, sd %.1f\n", mean, sd);
	CHECK(sd > 10);
	/* The eyes' images are related by a horizontal shift. simxr's FOV is 52 deg outward and 44 deg inward, so
	 * a point at infinity lies (tan 52 - tan 44) / (tan 52 + tan 44) * w px further left in the right eye's image
	 * than in the left eye's. The 63 mm IPD adds f * 0.063 / z for a point at depth z (f = w / (tan 52 + tan 44)):
	 * from 1.8 px at 4 m (the back wall) to 10 px at 0.7 m (the table). The best shift must lie in between. */
	double t52 = tan(52 * M_PI / 180), t44 = tan(44 * M_PI / 180);
	double inf_shift = (t52 - t44) / (t52 + t44) * w, f = w / (t52 + t44);
	int best = -1;
	double best_d = 1e9, d0 = shifted_diff(l, r, w, h, 0);
	for (int s = 0; s < 80; s++) {
		double d = shifted_diff(l, r, w, h, s);
		if (d < best_d)
			best_d = d, best = s;
	}
	fprintf(stderr, "eyes: unshifted diff %.2f; best shift %d px (diff %.2f); infinity shift %.1f px, "
	                "parallax %.1f..%.1f px\n",
	        d0, best, best_d, inf_shift, f * 0.063 / 4, f * 0.063 / 0.7);
	CHECK(d0 > 5);                      /* the images differ */
	CHECK(best_d < d0 * 0.5);           /* ... by a shift */
	CHECK(best > inf_shift + 1.0);      /* more than the FOV alone: the eyes are apart */
	CHECK(best < inf_shift + f * 0.063 / 0.7 + 1.0);
	stbi_image_free(l);
	stbi_image_free(r);
}

static void play(void)
{
	CHECK(run("rm -rf play play_cap play_headless && mkdir -p play_cap") == 0);
	char script[4096];
	snprintf(script, sizeof script, "%s/tests/xr/data/bls_textbook.simxr", src);
	setenv("SIMXR_SCRIPT", script, 1);
	setenv("SIMXR_FRAME_LOG", "play_cap/frames.log", 1);
	setenv("SIMXR_HAPTIC_LOG", "play_cap/haptics.log", 1);
	setenv("SIMXR_CAPTURE_DIR", "play_cap", 1);
	CHECK(run("'%s' run --xr '%s/tests/data/bls_frontend.yaml' --out play --quiet > play_cap/stdout 2> play_cap/stderr",
	          scrub, src) == 0);
	run("cat play_cap/stdout play_cap/stderr");
	char *report = slurp("play/report.json", NULL);
	CHECK(report && strstr(report, "\"passed\": true") && strstr(report, "\"complete\": true"));
	CHECK(report && strstr(report, "\"outcome\": \"rosc\""));
	/* the equivalent headless replay of the recorded actions */
	CHECK(run("'%s' report play/session.jsonl --out play/replay.json --quiet", scrub) == 0);
	CHECK(same_file("play/report.json", "play/replay.json"));
	/* and the headless run of the same model run: the same report but for where the actions came from */
	CHECK(run("'%s' run --headless '%s/tests/data/bls_frontend.yaml' --model-run textbook --trainee anonymous "
	          "--out play_headless --quiet",
	          scrub, src) == 0);
	char *headless = slurp("play_headless/report.json", NULL);
	CHECK(headless != NULL);
	if (report && headless) {
		drop_line(report, "  \"input\":");
		drop_line(headless, "  \"input\":");
		CHECK(strcmp(report, headless) == 0);
	}
	char *record = slurp("play/session.jsonl", NULL);
	CHECK(record != NULL);
	if (record) {
		check_actions(record, 16);
		CHECK(count(record, "{\"type\":\"end\"") == 1);
		CHECK(strstr(record, "\"input\":\"xr simxr") != NULL);
	}
	/* one haptic pulse on the right hand per performed action */
	char *hap = slurp("play_cap/haptics.log", NULL);
	CHECK(hap && count(hap, "haptic ") == 16 && count(hap, "hand=right") == 16);
	/* the frame loop: monitor and menu panels while playing, the results panel at the end, then the app's exit
	 * request: STOPPING, IDLE, EXITING */
	char *frames = slurp("play_cap/frames.log", NULL);
	CHECK(frames != NULL);
	if (frames) {
		CHECK(count(frames, "layers=3 views=2") > 2700);
		/* every projection layer carries the eyes' depth (XR_KHR_composition_layer_depth, validated by simxr) */
		CHECK(count(frames, "views=2 depth=2") == count(frames, "views=2 depth"));
		CHECK(count(frames, "views=2 depth=2") > 2700);
		CHECK(count(frames, "layers=2 views=2") >= 45);
		CHECK(strstr(frames, "time_mismatch") == NULL);
		const char *stop = strstr(frames, "state STOPPING"), *ex = strstr(frames, "state EXITING");
		CHECK(stop && ex && stop < ex);
		/* the app asked to stop long before the script's safety stop at 320 s */
		CHECK(stop && strtol(stop + strlen("state STOPPING frame="), NULL, 10) < 2900);
	}
	check_parallax();
	free(report);
	free(headless);
	free(record);
	free(hap);
	free(frames);
}

static void lose(void)
{
	CHECK(run("rm -rf lose lose_cap && mkdir -p lose_cap") == 0);
	char script[4096];
	snprintf(script, sizeof script, "%s/tests/xr/data/bls_lose.simxr", src);
	setenv("SIMXR_SCRIPT", script, 1);
	setenv("SIMXR_FRAME_LOG", "lose_cap/frames.log", 1);
	CHECK(run("'%s' run --xr '%s/tests/data/bls_frontend.yaml' --out lose --quiet > lose_cap/stdout 2> lose_cap/stderr",
	          scrub, src) == 3);
	run("cat lose_cap/stdout lose_cap/stderr");
	char *err = slurp("lose_cap/stderr", NULL);
	CHECK(err && strstr(err, "runtime was lost at 1:39") && strstr(err, "session record is kept"));
	char *record = slurp("lose/session.jsonl", NULL);
	CHECK(record != NULL);
	if (record) {
		check_actions(record, 11); /* everything up to 1:19 */
		CHECK(strstr(record, "{\"type\":\"end\"") == NULL);
	}
	char *report = slurp("lose/report.json", NULL);
	CHECK(report && strstr(report, "\"complete\": false") && strstr(report, "\"outcome\": \"incomplete\""));
	CHECK(run("'%s' report lose/session.jsonl --out lose/replay.json --quiet", scrub) == 0);
	CHECK(same_file("lose/report.json", "lose/replay.json"));
	char *frames = slurp("lose_cap/frames.log", NULL);
	CHECK(frames && strstr(frames, "LOSS_PENDING"));
	free(err);
	free(record);
	free(report);
	free(frames);
}

/* Scenario control from the hand-held panel: pause (the scenario clock stands still), an instructor jump,
 * ending the session (scored as cut short). */
static void control(void)
{
	CHECK(run("rm -rf control control_cap && mkdir -p control_cap") == 0);
	char script[4096];
	snprintf(script, sizeof script, "%s/tests/xr/data/bls_control.simxr", src);
	setenv("SIMXR_SCRIPT", script, 1);
	setenv("SIMXR_FRAME_LOG", "control_cap/frames.log", 1);
	CHECK(run("'%s' run --xr '%s/tests/data/bls_frontend.yaml' --out control --quiet > control_cap/stdout 2> control_cap/stderr",
	          scrub, src) == 0);
	run("cat control_cap/stdout control_cap/stderr");
	char *record = slurp("control/session.jsonl", NULL);
	CHECK(record != NULL);
	if (record) {
		const char *a = strstr(record, "{\"type\":\"action\",\"t\":");
		CHECK(a && strstr(a, "check_responsiveness") && fabs(strtod(a + 21, NULL) - 1.0) < 0.15);
		const char *j = strstr(record, "\"action\":\"instructor_jump\"");
		CHECK(j != NULL);
		if (j) {
			const char *t = j;
			while (t > record && strncmp(t, "\"t\":", 4) != 0)
				t--;
			double jt = strtod(t + 4, NULL);
			/* performed 9 s into the run, of which 5 s were paused */
			CHECK(jt > 3.5 && jt < 4.5);
			if (!(jt > 3.5 && jt < 4.5))
				fprintf(stderr, "jump at %g s\n", jt);
		}
		CHECK(strstr(record, "\"to\":\"asystole\",\"cause\":\"instructor\"") != NULL);
		CHECK(strstr(record, "{\"type\":\"end\"") == NULL);
	}
	char *report = slurp("control/report.json", NULL);
	CHECK(report && strstr(report, "\"complete\": false") && strstr(report, "\"passed\": false"));
	CHECK(run("'%s' report control/session.jsonl --out control/replay.json --quiet", scrub) == 0);
	CHECK(same_file("control/report.json", "control/replay.json"));
	free(record);
	free(report);
}

static void noruntime(void)
{
	CHECK(run("rm -rf none none_cap && mkdir -p none_cap") == 0);
	setenv("XR_RUNTIME_JSON", "/nonexistent/simxr.json", 1);
	CHECK(run("'%s' run --xr '%s/tests/data/bls_frontend.yaml' --out none > none_cap/stdout 2> none_cap/stderr",
	          scrub, src) == 3);
	char *err = slurp("none_cap/stderr", NULL);
	char want[4200];
	snprintf(want, sizeof want, "desktop mode:  scrub run %s/tests/data/bls_frontend.yaml", src);
	CHECK(err && strstr(err, "no OpenXR runtime is installed or active"));
	CHECK(err && strstr(err, want));
	CHECK(err && strstr(err, "headless mode") && strstr(err, "scrub run --headless"));
	if (err)
		fputs(err, stderr);
	struct stat sb;
	CHECK(stat("none", &sb) != 0); /* nothing was created */
	free(err);
}

static void incision(void)
{
	CHECK(run("rm -rf inc inc_cap && mkdir -p inc_cap") == 0);
	char script[4096];
	snprintf(script, sizeof script, "%s/tests/xr/data/incision.simxr", src);
	setenv("SIMXR_SCRIPT", script, 1);
	setenv("SIMXR_FRAME_LOG", "inc_cap/frames.log", 1);
	setenv("SIMXR_HAPTIC_LOG", "inc_cap/haptics.log", 1);
	setenv("SIMXR_CAPTURE_DIR", "inc_cap", 1);
	CHECK(run("'%s' run --xr '%s/tests/data/skin_incision_frontend.yaml' --out inc --quiet > inc_cap/stdout 2> inc_cap/stderr",
	          scrub, src) == 0);
	run("cat inc_cap/stdout inc_cap/stderr");
	char *report = slurp("inc/report.json", NULL);
	CHECK(report && strstr(report, "\"passed\": true") && strstr(report, "\"complete\": true"));
	CHECK(report && strstr(report, "\"outcome\": \"done\""));
	CHECK(run("'%s' report inc/session.jsonl --out inc/replay.json --quiet", scrub) == 0);
	CHECK(same_file("inc/report.json", "inc/replay.json"));
	char *record = slurp("inc/session.jsonl", NULL);
	CHECK(record != NULL);
	if (record) {
		/* squeeze: scalpel, then forceps, needle driver, scissors and none (put down: the scenario ends) */
		static const char *const picked[] = {"scalpel", "forceps", "needle_driver", "scissors"};
		for (size_t i = 0; i < sizeof picked / sizeof *picked; i++) {
			char want[128];
			snprintf(want, sizeof want, "\"action\":\"pick\",\"params\":{\"hand\":\"right\",\"instrument\":\"%s\"}",
			         picked[i]);
			CHECK(count(record, want) == 1);
		}
		CHECK(count(record, "\"action\":\"pick\",\"params\":{\"hand\":\"right\",\"instrument\":\"none\"}") == 1);
		/* the grip's trajectory as poses (only when it moved), the blade upright in the tissue's frame */
		int poses = count(record, "\"action\":\"pose\",\"params\":{\"hand\":\"right\"");
		fprintf(stderr, "right-hand poses: %d\n", poses);
		CHECK(poses > 100 && poses < 400);
		CHECK(count(record, "\"y\":\"20mm\",\"z\":\"-4.5mm\",\"yaw\":\"0deg\",\"pitch\":\"0deg\",\"roll\":\"0deg\"") > 50);
		/* the physics' outcome: one stroke, through the skin into the fat, about 40 mm, straight */
		CHECK(count(record, "\"action\":\"incision\"") == 1);
		const char *inc = strstr(record, "\"action\":\"incision\"");
		CHECK(inc && strstr(inc, "\"layer\":\"fat\"") && strstr(inc, "\"derived\":true"));
		const char *len = inc ? strstr(inc, "\"length\":\"") : NULL;
		double mm = len ? strtod(len + 10, NULL) : 0;
		fprintf(stderr, "incision length %.2f mm\n", mm);
		CHECK(mm > 35 && mm < 45);
		CHECK(count(record, "{\"type\":\"end\"") == 1);
	}
	/* vibration on the right hand while the blade is in the tissue (2.9 s to 7.7 s), never on the left */
	char *hap = slurp("inc_cap/haptics.log", NULL);
	CHECK(hap && count(hap, "hand=right") > 30 && count(hap, "hand=left") == 0);
	char *frames = slurp("inc_cap/frames.log", NULL);
	CHECK(frames && strstr(frames, "time_mismatch") == NULL && strstr(frames, "state EXITING"));
	free(report);
	free(record);
	free(hap);
	free(frames);
}

/* care by hand with the controllers: BLS to ROSC, every action from the hands, the menu never used */
static void hands(void)
{
	CHECK(run("rm -rf hands hands_cap hands_headless && mkdir -p hands_cap") == 0);
	char script[4096];
	snprintf(script, sizeof script, "%s/tests/xr/data/bls_hands.simxr", src);
	setenv("SIMXR_SCRIPT", script, 1);
	setenv("SIMXR_FRAME_LOG", "hands_cap/frames.log", 1);
	setenv("SIMXR_HAPTIC_LOG", "hands_cap/haptics.log", 1);
	setenv("SIMXR_CAPTURE_DIR", "hands_cap", 1);
	CHECK(run("SCRUB_LOG=xr=info '%s' run --xr '%s/tests/data/bls_frontend.yaml' --out hands --quiet > hands_cap/stdout "
	          "2> hands_cap/stderr", scrub, src) == 0);
	run("cat hands_cap/stdout hands_cap/stderr");
	/* the whole case by hand: the menu is never used (a pick logs "menu pick" and clicks 50 ms in the hand) */
	char *err = slurp("hands_cap/stderr", NULL);
	CHECK(err && strstr(err, "menu pick") == NULL);
	free(err);
	char *report = slurp("hands/report.json", NULL);
	CHECK(report && strstr(report, "\"passed\": true") && strstr(report, "\"outcome\": \"rosc\""));
	CHECK(run("'%s' report hands/session.jsonl --out hands/replay.json --quiet", scrub) == 0);
	CHECK(same_file("hands/report.json", "hands/replay.json"));
	/* the actions the hands made (actions.txt, as the desktop writes it), replayed headless: the same report but for
	 * the input line */
	CHECK(run("'%s' run --headless '%s/tests/data/bls_frontend.yaml' --actions hands/actions.txt --out hands_headless "
	          "--quiet", scrub, src) == 0);
	char *headless = slurp("hands_headless/report.json", NULL);
	if (report && headless) {
		drop_line(report, "  \"input\":");
		drop_line(headless, "  \"input\":");
		CHECK(strcmp(report, headless) == 0);
	}
	char *record = slurp("hands/session.jsonl", NULL);
	CHECK(record != NULL);
	if (record) {
		/* a hand on the shoulder, a hand raised over the head: the scenario's own call (its textbook calls the
		 * arrest team) */
		CHECK(count(record, "\"action\":\"check_responsiveness\"") == 1);
		CHECK(count(record, "\"action\":\"call_for_help\",\"params\":{\"who\":\"arrest_team\"}") == 1);
		CHECK(count(record, "\"action\":\"open_airway\",\"params\":{\"method\":\"head_tilt_chin_lift\"}") == 1);
		CHECK(count(record, "\"action\":\"check_pulse\",\"params\":{\"site\":\"carotid\",\"duration\":\"8.1s\"}") == 1);
		CHECK(count(record, "\"action\":\"check_pulse\",\"params\":{\"site\":\"carotid\",\"duration\":\"6.1s\"}") == 1);
		int n = count(record, "\"action\":\"compression\"");
		fprintf(stderr, "compressions by hand: %d\n", n);
		CHECK(n > 350);
		CHECK(count(record, "\"action\":\"compression\",\"params\":{\"depth\":\"55mm\",\"recoil\":\"100%\"}") == n);
		CHECK(count(record, "\"action\":\"start_cpr\",\"params\":{\"rate\":\"10") == 4);
		CHECK(count(record, "\"action\":\"attach_pads\",\"params\":{\"position\":\"anterolateral\"}") == 1);
		CHECK(count(record, "\"action\":\"power_on_aed\"") == 1);
		CHECK(count(record, "\"action\":\"analyse_rhythm\"") == 2);
		CHECK(count(record, "\"action\":\"shock\",\"params\":{\"energy\":\"200J\"}") == 2);
		/* and nothing else: the shoulder, the call, a head tilt, 2 pulse checks, 4 start_cpr and 4 stop_cpr inferred
		 * from the compressions, the pads, power, 2 analyses, 2 shocks */
		CHECK(count(record, "{\"type\":\"action\"") - count(record, "\"derived\":true") == n + 19);
	}
	/* the hands feel: a tick at the bottom of each compression, the menu's and the hands' clicks, and after ROSC the
	 * heartbeat under the fingers on the carotid */
	char *hap = slurp("hands_cap/haptics.log", NULL);
	CHECK(hap != NULL);
	if (hap) {
		int ticks = count(hap, "amplitude=0.350"), beats = count(hap, "amplitude=0.600");
		fprintf(stderr, "haptics: %d compression ticks, %d heartbeats\n", ticks, beats);
		CHECK(ticks > 350);
		CHECK(beats >= 3);
		CHECK(count(hap, "hand=left") == 0);
		CHECK(count(hap, "amplitude=0.500 duration_ns=50000000") == 0); /* no menu click */
	}
	free(report);
	free(headless);
	free(record);
	free(hap);
}

/* XR_EXT_hand_tracking: the joints of tracked hands give care (simxr's hand from the script's palm and pinch) */
static void tracked(void)
{
	CHECK(run("rm -rf tracked tracked_cap && mkdir -p tracked_cap") == 0);
	char script[4096];
	snprintf(script, sizeof script, "%s/tests/xr/data/hands_tracked.simxr", src);
	setenv("SIMXR_SCRIPT", script, 1);
	setenv("SIMXR_FRAME_LOG", "tracked_cap/frames.log", 1);
	setenv("SIMXR_HAPTIC_LOG", "tracked_cap/haptics.log", 1);
	CHECK(run("SCRUB_LOG=xr=info '%s' run --xr '%s/tests/data/acls_frontend.yaml' --out tracked --quiet "
	          "> tracked_cap/stdout 2> tracked_cap/stderr", scrub, src) == 0);
	run("cat tracked_cap/stdout tracked_cap/stderr");
	char *err = slurp("tracked_cap/stderr", NULL);
	CHECK(err && strstr(err, "XR_EXT_hand_tracking: on"));
	char *record = slurp("tracked/session.jsonl", NULL);
	CHECK(record != NULL);
	if (record) {
		int n = count(record, "\"action\":\"compression\",\"params\":{\"depth\":\"52mm\",\"recoil\":\"100%\"}");
		fprintf(stderr, "compressions by the tracked palm: %d\n", n);
		CHECK(n >= 9 && n == count(record, "\"action\":\"compression\""));
		CHECK(count(record, "\"action\":\"start_cpr\"") == 1);
		const char *p = strstr(record, "\"action\":\"check_pulse\",\"params\":{\"site\":\"carotid\",\"duration\":\"");
		double dur = p ? strtod(p + strlen("\"action\":\"check_pulse\",\"params\":{\"site\":\"carotid\",\"duration\":\""), NULL) : 0;
		fprintf(stderr, "pulse check with two fingertips: %.1f s\n", dur);
		CHECK(dur > 5.5 && dur < 7.0);
		CHECK(count(record, "\"action\":\"check_pulse\"") == 1);
		/* one pad carried by a pinch: on the skin, but no attach_pads until both are on */
		CHECK(count(record, "\"action\":\"attach_pads\"") == 0);
	}
	CHECK(run("'%s' report tracked/session.jsonl --out tracked/replay.json --quiet", scrub) == 0);
	CHECK(same_file("tracked/report.json", "tracked/replay.json"));
	free(err);
	free(record);
}

static double luma_sd(const uint8_t *p, int w, int h, double *mean_out)
{
	double mean = 0, var = 0;
	for (int i = 0; i < w * h; i++)
		mean += luma(p + 4 * i);
	mean /= w * h;
	for (int i = 0; i < w * h; i++)
		var += (luma(p + 4 * i) - mean) * (luma(p + 4 * i) - mean);
	*mean_out = mean;
	return sqrt(var / (w * h));
}

/* a headset that offers only a mono view configuration */
static void views(void)
{
	CHECK(run("rm -rf views views_cap && mkdir -p views_cap") == 0);
	char script[4096];
	snprintf(script, sizeof script, "%s/tests/xr/data/mono.simxr", src);
	setenv("SIMXR_SCRIPT", script, 1);
	setenv("SIMXR_FRAME_LOG", "views_cap/frames.log", 1);
	setenv("SIMXR_CAPTURE_DIR", "views_cap", 1);
	CHECK(run("SCRUB_LOG=xr=info '%s' run --xr '%s/tests/data/bls_frontend.yaml' --out views --quiet "
	          "> views_cap/stdout 2> views_cap/stderr", scrub, src) == 0);
	run("cat views_cap/stderr");
	char *err = slurp("views_cap/stderr", NULL);
	CHECK(err && strstr(err, "view configuration mono, blend mode opaque"));
	char *frames = slurp("views_cap/frames.log", NULL);
	CHECK(frames && count(frames, "layers=3 views=1") > 30 && count(frames, "views=2") == 0);
	int w = 0, h = 0, c = 0;
	uint8_t *img = stbi_load("views_cap/simxr-frame00030-mono.png", &w, &h, &c, 4);
	CHECK(img && w == 192 && h == 160);
	if (img) {
		double mean, sd = luma_sd(img, w, h, &mean);
		fprintf(stderr, "mono view: mean luma %.1f, sd %.1f\n", mean, sd);
		CHECK(sd > 10);
		stbi_image_free(img);
	}
	free(err);
	free(frames);
}

/* see-through headsets: only ADDITIVE, then only ALPHA_BLEND; no room is drawn, the patient is */
static void seethrough(void)
{
	for (int k = 0; k < 2; k++) {
		const char *mode = k ? "alpha_blend" : "additive";
		CHECK(run("rm -rf see_%s see_%s_cap && mkdir -p see_%s_cap", mode, mode, mode) == 0);
		char script[4096], dir[64];
		snprintf(script, sizeof script, "%s/tests/xr/data/seethrough.simxr", src);
		snprintf(dir, sizeof dir, "see_%s_cap", mode);
		setenv("SIMXR_SCRIPT", script, 1);
		setenv("SIMXR_BLEND", mode, 1);
		char path[128];
		snprintf(path, sizeof path, "%s/frames.log", dir);
		setenv("SIMXR_FRAME_LOG", path, 1);
		setenv("SIMXR_CAPTURE_DIR", dir, 1);
		CHECK(run("SCRUB_LOG=xr=info '%s' run --xr '%s/tests/data/bls_frontend.yaml' --out see_%s --quiet "
		          "> %s/stdout 2> %s/stderr", scrub, src, mode, dir, dir) == 0);
		snprintf(path, sizeof path, "%s/stderr", dir);
		char *err = slurp(path, NULL);
		CHECK(err && strstr(err, k ? "blend mode alpha blend" : "blend mode additive"));
		snprintf(path, sizeof path, "%s/frames.log", dir);
		char *frames = slurp(path, NULL);
		char want[64];
		snprintf(want, sizeof want, "views=2 depth=2 blend=%s", mode);
		CHECK(frames && count(frames, want) > 30);
		snprintf(path, sizeof path, "%s/simxr-frame00030-left.png", dir);
		int w = 0, h = 0, c = 0;
		uint8_t *img = stbi_load(path, &w, &h, &c, 4);
		CHECK(img != NULL);
		if (img) {
			/* the top rows look at the far wall in an opaque headset: black here; the table and the patient are
			 * drawn in the middle */
			int black = 0, lit = 0;
			for (int x = 0; x < w; x++)
				black += luma(img + 4 * x) < 1.0;
			for (int y = h / 3; y < 2 * h / 3; y++)
				for (int x = w / 4; x < 3 * w / 4; x++)
					lit += luma(img + 4 * (y * w + x)) > 20;
			fprintf(stderr, "%s: %d of %d top-row pixels black, %d lit in the middle\n", mode, black, w, lit);
			CHECK(black == w);
			CHECK(lit > w * h / 12);
			stbi_image_free(img);
		}
		free(err);
		free(frames);
	}
	unsetenv("SIMXR_BLEND");
}

/* every interaction profile Scrub suggests bindings for: made current by the script, the trigger performs the
 * menu's first entry and the haptic pulse reaches that controller */
static void profiles(void)
{
	static const char *const all[] = {
		"khr/simple_controller", "oculus/touch_controller", "valve/index_controller", "htc/vive_controller",
		"microsoft/motion_controller", "hp/mixed_reality_controller", "htc/vive_cosmos_controller",
		"htc/vive_focus3_controller", "bytedance/pico4_controller", "ml/ml2_controller",
		"samsung/odyssey_controller", "facebook/touch_controller_pro", "meta/touch_controller_plus",
	};
	CHECK(run("rm -rf prof && mkdir -p prof") == 0);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		/* khr/simple has no trigger value: its select/click is bound; the script's value channel reads 0 there */
		CHECK(run("sed 's|PROFILE|/interaction_profiles/%s|; s|right/trigger/value|right/%s|' '%s/tests/xr/data/profile.simxr.in' "
		          "> prof/%zu.simxr", all[i], i == 0 ? "select/click" : "trigger/value", src, i) == 0);
		char script[256], log[256], hlog[256];
		snprintf(script, sizeof script, "prof/%zu.simxr", i);
		snprintf(log, sizeof log, "prof/%zu.frames", i);
		snprintf(hlog, sizeof hlog, "prof/%zu.haptics", i);
		setenv("SIMXR_SCRIPT", script, 1);
		setenv("SIMXR_FRAME_LOG", log, 1);
		setenv("SIMXR_HAPTIC_LOG", hlog, 1);
		CHECK(run("'%s' run --xr '%s/tests/data/bls_frontend.yaml' --out prof/%zu --quiet > prof/%zu.out 2>&1", scrub,
		          src, i, i) == 0);
		char *frames = slurp(log, NULL), *hap = slurp(hlog, NULL), *rec = NULL, want[128];
		snprintf(want, sizeof want, "profile /interaction_profiles/%s\n", all[i]);
		snprintf(script, sizeof script, "prof/%zu/session.jsonl", i);
		rec = slurp(script, NULL);
		bool ok = frames && strstr(frames, want) && hap && count(hap, "haptic ") == 1 && count(hap, "hand=right") == 1 &&
		          rec && count(rec, "\"action\":\"check_responsiveness\"") == 1;
		if (!ok)
			fprintf(stderr, "profile %s: not current, no haptic pulse or no action\n", all[i]);
		CHECK(ok);
		free(frames);
		free(hap);
		free(rec);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: test_scrub_xr SCRUB SRC_DIR play|lose|control|noruntime|incision|hands|tracked|views|"
		                "seethrough|profiles\n");
		return 2;
	}
	scrub = argv[1];
	src = argv[2];
	setenv("SIMXR_PACE", "0", 1);
	if (strcmp(argv[3], "play") == 0)
		play();
	else if (strcmp(argv[3], "lose") == 0)
		lose();
	else if (strcmp(argv[3], "control") == 0)
		control();
	else if (strcmp(argv[3], "noruntime") == 0)
		noruntime();
	else if (strcmp(argv[3], "incision") == 0)
		incision();
	else if (strcmp(argv[3], "hands") == 0)
		hands();
	else if (strcmp(argv[3], "tracked") == 0)
		tracked();
	else if (strcmp(argv[3], "views") == 0)
		views();
	else if (strcmp(argv[3], "seethrough") == 0)
		seethrough();
	else if (strcmp(argv[3], "profiles") == 0)
		profiles();
	else
		return 2;
	return CHECK_DONE();
}
