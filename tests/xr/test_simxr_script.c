/* Unit tests of the simxr script parser and its interpolation. */
#include "check.h"
#include "simxr_script.h"

#include <stdio.h>
#include <stdlib.h>

static const char *GOOD =
	"# a scripted session\n"
	"rate 72\n"
	"pace off\n"
	"resolution 640 480   # per eye\n"
	"profile /interaction_profiles/oculus/touch_controller\n"
	"views mono\n"
	"blend alpha_blend\n"
	"stop frame 150\n"
	"lose time 2.5\n"
	"capture 10 20\n"
	"capture 30\n"
	"0   head/pose 0 1.6 0   0 0 0 1\n"
	"2   head/pose 1 1.6 -2  0 0.7071068 0 0.7071068\n"
	"0   right/trigger/value 0\n"
	"1   right/trigger/value 1\n"
	"3   right/trigger/value 0.5\n"
	"0.5 left/x/click 1\n"
	"1.5 left/x/click 0\n"
	"0   left/thumbstick 0 0\n"
	"1   left/thumbstick 1 -1\n"
	"0   left/grip/pose 0 0 0  0 0 0 2\n";

static double parse_err(const char *text, char *err, size_t n)
{
	simxr_script s;
	scrub_result r = simxr_script_parse(text, "t.simxr", &s, err, n);
	simxr_script_fini(&s);
	return r;
}

int main(void)
{
	simxr_script s;
	char err[512];
	CHECK(simxr_script_parse(GOOD, "good.simxr", &s, err, sizeof err) == SCRUB_OK);
	CHECK_STR(err, "");
	CHECK_NEAR(s.rate_hz, 72, 0);
	CHECK(s.pace == 0);
	CHECK(s.width == 640 && s.height == 480);
	CHECK_STR(s.profile, "/interaction_profiles/oculus/touch_controller");
	CHECK(s.views == 1 && s.blend == 3);
	CHECK(s.stop.frame == 150 && s.stop.time < 0);
	CHECK(s.lose.frame < 0);
	CHECK_NEAR(s.lose.time, 2.5, 0);
	CHECK(s.ncaptures == 3);
	CHECK(simxr_script_captures(&s, 20) && simxr_script_captures(&s, 30) && !simxr_script_captures(&s, 11));
	CHECK(s.nchannels == 5);

	float v[7];
	const simxr_channel *head = simxr_script_channel(&s, "head/pose");
	CHECK(head && head->kind == SIMXR_CHANNEL_POSE && head->nkeys == 2);
	if (head) {
		simxr_channel_eval(head, 1.0, v); /* halfway: position lerp, 45 degrees of yaw by slerp */
		CHECK_NEAR(v[0], 0.5, 1e-6);
		CHECK_NEAR(v[1], 1.6, 1e-6);
		CHECK_NEAR(v[2], -1.0, 1e-6);
		CHECK_NEAR(v[3], 0, 1e-6);
		CHECK_NEAR(v[4], 0.3826834, 1e-5); /* sin(22.5 deg) */
		CHECK_NEAR(v[6], 0.9238795, 1e-5); /* cos(22.5 deg) */
		simxr_channel_eval(head, -1.0, v); /* before the first key: the first value */
		CHECK_NEAR(v[0], 0, 0);
		CHECK_NEAR(v[6], 1, 1e-6);
		simxr_channel_eval(head, 10.0, v); /* after the last: the last */
		CHECK_NEAR(v[0], 1, 0);
		CHECK_NEAR(v[4], 0.7071068, 1e-6);
	}
	const simxr_channel *trig = simxr_script_channel(&s, "right/trigger/value");
	CHECK(trig && trig->kind == SIMXR_CHANNEL_VALUE && trig->ncomp == 1);
	if (trig) {
		simxr_channel_eval(trig, 0.25, v);
		CHECK_NEAR(v[0], 0.25, 1e-6);
		simxr_channel_eval(trig, 2.0, v);
		CHECK_NEAR(v[0], 0.75, 1e-6);
		simxr_channel_eval(trig, 1.0, v);
		CHECK_NEAR(v[0], 1.0, 1e-6);
	}
	const simxr_channel *x = simxr_script_channel(&s, "left/x/click");
	CHECK(x && x->kind == SIMXR_CHANNEL_STEP);
	if (x) {
		simxr_channel_eval(x, 0.4, v);
		CHECK_NEAR(v[0], 1, 0); /* before the first key the first value holds */
		simxr_channel_eval(x, 1.49, v);
		CHECK_NEAR(v[0], 1, 0); /* a step, not a ramp */
		simxr_channel_eval(x, 1.5, v);
		CHECK_NEAR(v[0], 0, 0);
	}
	const simxr_channel *stick = simxr_script_channel(&s, "left/thumbstick");
	CHECK(stick && stick->ncomp == 2);
	if (stick) {
		simxr_channel_eval(stick, 0.5, v);
		CHECK_NEAR(v[0], 0.5, 1e-6);
		CHECK_NEAR(v[1], -0.5, 1e-6);
	}
	const simxr_channel *grip = simxr_script_channel(&s, "left/grip/pose");
	CHECK(grip != NULL);
	if (grip) {
		simxr_channel_eval(grip, 0, v); /* the quaternion was normalised */
		CHECK_NEAR(v[6], 1, 1e-6);
	}
	CHECK(simxr_script_channel(&s, "right/grip/pose") == NULL);
	simxr_script_fini(&s);

	/* slerp takes the short way round when the quaternions are in opposite hemispheres */
	CHECK(simxr_script_parse("0 head/pose 0 0 0 0 0 0 1\n1 head/pose 0 0 0 0 0.7071068 0 -0.7071068\n", "q", &s, err,
	                         sizeof err) == SCRUB_OK);
	if (s.nchannels == 1) {
		simxr_channel_eval(&s.channels[0], 0.5, v);
		CHECK_NEAR(fabs(v[4]), 0.3826834, 1e-5);
		CHECK_NEAR(fabs(v[6]), 0.9238795, 1e-5);
	}
	simxr_script_fini(&s);

	/* errors: file:line:col: error: text */
	struct {
		const char *text, *msg;
	} bad[] = {
		{"rate 0\n", "t.simxr:1:1: error: expected 'rate HZ' with 1 <= HZ <= 1000"},
		{"\n\npace maybe\n", "t.simxr:3:1: error: expected 'pace on' or 'pace off'"},
		{"stop after 3\n", "t.simxr:1:1: error: expected 'stop frame N' or 'stop time SECONDS'"},
		{"lose frame -2\n", "t.simxr:1:12: error: expected a frame index (an integer >= 0), got '-2'"},
		{"capture 1 x\n", "t.simxr:1:11: error: expected a frame index (an integer >= 0), got 'x'"},
		{"0 head/pose 0 1.6 0\n", "t.simxr:1:3: error: channel 'head/pose' takes 7 values, got 3"},
		{"0 left/trigger/value 1 2\n", "t.simxr:1:3: error: channel 'left/trigger/value' takes 1 value, got 2"},
		{"0 left/a/click 0.5\n", "t.simxr:1:16: error: channel 'left/a/click' is a click/touch: its value is 0 or 1"},
		{"  0 head/pose 0 0 0 0 0 0 0\n", "t.simxr:1:21: error: orientation quaternion (qx qy qz qw) has zero length"},
		{"1 right/trigger/value 1\n0.5 right/trigger/value 0\n",
		 "t.simxr:2:1: error: keyframe at 0.5 s comes before the previous keyframe of 'right/trigger/value' (1 s)"},
		{"0 middle/trigger/value 1\n",
		 "t.simxr:1:3: error: unknown channel 'middle/trigger/value' (expected head/pose, or left/ or right/ followed "
		 "by IDENTIFIER/COMPONENT with COMPONENT one of pose, click, touch, value, force, x, y, or a bare 2D "
		 "IDENTIFIER such as thumbstick)"},
		{"0 left/trigger/valu 1\n", NULL},
		{"0 left/trigger/value one\n", "t.simxr:1:22: error: expected a number, got 'one'"},
		{"-1 left/trigger/value 1\n", "t.simxr:1:1: error: keyframe time must be >= 0, got -1"},
		{"fly 3\n", "t.simxr:1:1: error: unknown line 'fly' (expected rate, pace, resolution, profile, views, blend, "
		            "stop, lose, capture or a keyframe starting with its time)"},
		{"views triple\n", "t.simxr:1:1: error: expected 'views mono' or 'views stereo'"},
		{"blend glass\n", "t.simxr:1:1: error: expected 'blend opaque', 'blend additive' or 'blend alpha_blend'"},
		{"profile /user/hand/left\n", "t.simxr:1:1: error: expected 'profile /interaction_profiles/VENDOR/NAME'"},
		{"resolution 8 8\n", "t.simxr:1:1: error: expected 'resolution WIDTH HEIGHT' with 16..8192 pixels"},
		{"0 head/pose nan 0 0 0 0 0 1\n", "t.simxr:1:13: error: expected a number, got 'nan'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(parse_err(bad[i].text, err, sizeof err) == SCRUB_ERR_INVALID);
		if (bad[i].msg)
			CHECK_STR(err, bad[i].msg);
	}

	/* files */
	CHECK(simxr_script_load("/nonexistent/x.simxr", &s, err, sizeof err) == SCRUB_ERR_IO);
	simxr_script_fini(&s);
	const char *path = "test_simxr_script.tmp";
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(GOOD, f);
		fclose(f);
		CHECK(simxr_script_load(path, &s, err, sizeof err) == SCRUB_OK);
		CHECK(s.nchannels == 5);
		simxr_script_fini(&s);
		remove(path);
	}
	return CHECK_DONE();
}
