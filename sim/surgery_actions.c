/* The surgery model: the actions and variables it adds to a scenario. */
#define SCRUB_LOG_MODULE "surgery"
#include "surgery_internal.h"
#include "log.h"
#include "scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

/* ---- the actions ---- */

#define Q(n, d, lo, hi, req, h) {.name = n, .kind = ACT_PARAM_QUANTITY, .dim = d, .min = lo, .max = hi, .required = req, .help = h}
#define C(n, lo, hi, req, h) {.name = n, .kind = ACT_PARAM_COUNT, .min = lo, .max = hi, .required = req, .help = h}
#define HAND {.name = "hand", .kind = ACT_PARAM_SYMBOL, .symbols = {"left", "right"}, .required = true, .help = "which hand"}
#define POS(n, h) Q(n, SCRUB_DIM_LENGTH, -1000, 1000, false, h)
#define ANG(n, h) Q(n, SCRUB_DIM_ANGLE, -3600, 3600, false, h)
#define LAYER(req) {.name = "layer", .kind = ACT_PARAM_SYMBOL, .symbols = {"skin", "fat", "muscle"}, .required = req, .help = "deepest tissue layer reached"}

const act_def surgery_actions[] = {
	[A_PICK] = {"pick", "instrument", "Take an instrument in one hand (none: put it down)",
	 {HAND, {.name = "instrument", .kind = ACT_PARAM_SYMBOL, .symbols = {"none", "scalpel", "forceps", "needle_driver", "scissors"},
	         .required = true, .help = "the instrument"}}},
	[A_POSE] = {"pose", "tracking", "The hand's target pose from now on (position of the tip, or of the needle's centre; orientation yaw-pitch-roll)",
	 {HAND, POS("x", "position, mm from the tissue block's corner"), POS("y", "position"), POS("z", "height above the skin"),
	  ANG("yaw", "turn about the vertical"), ANG("pitch", "turn about y"), ANG("roll", "turn about x")}},
	[A_MOVE] = {"move", "instrument", "Move the hand's target linearly from where it is to this pose (parameters not given stay)",
	 {HAND, POS("x", "position"), POS("y", "position"), POS("z", "height above the skin"),
	  ANG("yaw", "turn about the vertical"), ANG("pitch", "turn about y"), ANG("roll", "turn about x"),
	  Q("over", SCRUB_DIM_TIME, 0, 600, true, "how long the move takes")}},
	[A_GRASP] = {"grasp", "instrument", "Close the instrument's jaws (forceps) or blades (scissors: cuts the thread between them)", {HAND}},
	[A_RELEASE] = {"release", "instrument", "Open the instrument's jaws or blades", {HAND}},
	[A_THROW] = {"throw", "instrument", "One throw of an instrument tie around the needle driver",
	 {HAND, {.name = "direction", .kind = ACT_PARAM_SYMBOL, .symbols = {"clockwise", "counterclockwise"}, .required = true,
	         .help = "which way the thread is wrapped"},
	  C("wraps", 1, 3, false, "wraps of this throw (2: a surgeon's throw)"),
	  Q("tension", SCRUB_DIM_FORCE, 0.05, 50, false, "how hard the throw is pulled down (default 0.25 N)")}},
	[A_CUT_THREAD] = {"cut_thread", "instrument", "Cut the thread ends: the knot on the last suture is finished", {HAND}},
	[A_INCISION] = {"incision", "derived", "Derived: a scalpel stroke ended (the incision so far)",
	 {Q("length", SCRUB_DIM_LENGTH, 0, 10000, true, "length of the incision"),
	  Q("depth", SCRUB_DIM_LENGTH, 0, 1000, true, "deepest point below the skin"), LAYER(true),
	  Q("deviation", SCRUB_DIM_LENGTH, 0, 1000, true, "largest distance of this stroke from its straight line"),
	  Q("straightness", SCRUB_DIM_PERCENT, 0, 100, true, "straight distance over path length")}},
	[A_SUTURE] = {"suture", "derived", "Derived: the needle passed through the tissue and out again",
	 {Q("bite", SCRUB_DIM_LENGTH, 0, 1000, false, "the nearer of entry and exit, distance from the wound edge"),
	  Q("bite_max", SCRUB_DIM_LENGTH, 0, 1000, false, "the farther of entry and exit from the wound edge"),
	  Q("symmetry", SCRUB_DIM_LENGTH, 0, 1000, false, "difference between the two sides' distances"),
	  Q("depth", SCRUB_DIM_LENGTH, 0, 1000, true, "deepest point of the pass below the skin"),
	  Q("angle", SCRUB_DIM_ANGLE, 0, 90, true, "entry angle to the skin (90: perpendicular)"),
	  Q("spacing", SCRUB_DIM_LENGTH, 0, 10000, false, "distance along the wound to the nearest earlier suture (none for the first)"),
	  LAYER(true),
	  {.name = "crosses", .kind = ACT_PARAM_SYMBOL, .symbols = {"no", "yes"}, .required = true,
	   .help = "entry and exit lie on opposite sides of the wound"}}},
	[A_KNOT] = {"knot", "derived", "Derived: the knot on the last suture was finished (thread cut) and has settled",
	 {C("throws", 0, 100, true, "throws"),
	  {.name = "square", .kind = ACT_PARAM_SYMBOL, .symbols = {"no", "yes"}, .required = true,
	   .help = "at least two throws, each the opposite way of the one before"},
	  Q("tension", SCRUB_DIM_FORCE, -1e3, 1e3, false, "the tissue's pull on the tied loop"),
	  Q("gape", SCRUB_DIM_LENGTH, 0, 1000, false, "opening of the wound at the suture, at skin level"),
	  Q("gape_before", SCRUB_DIM_LENGTH, 0, 1000, false, "the same before the first throw"),
	  Q("compression", SCRUB_DIM_PERCENT, -1000, 100, false, "how much the loop squeezes the tissue between the bites"),
	  {.name = "apposed", .kind = ACT_PARAM_SYMBOL, .symbols = {"no", "yes"}, .help = "the edges meet (gape at most 1 mm)"},
	  {.name = "strangulated", .kind = ACT_PARAM_SYMBOL, .symbols = {"no", "yes"},
	   .help = "tied so tight that the tissue in the loop is squeezed by more than 15 %"}}},
	[A_INJURY] = {"tissue_injury", "derived", "Derived: an instrument pressed or stretched the tissue beyond its damage limit",
	 {{.name = "hand", .kind = ACT_PARAM_SYMBOL, .symbols = {"left", "right"}, .help = "which hand"},
	  Q("force", SCRUB_DIM_FORCE, 0, 1e6, false, "instrument force"),
	  {.name = "kind", .kind = ACT_PARAM_SYMBOL, .symbols = {"force", "strain", "tear"}, .required = true, .help = "what was exceeded"},
	  LAYER(false)}},
	[A_CUT] = {"cut", "derived", "Derived: the scissors cut the thread",
	 {Q("tail", SCRUB_DIM_LENGTH, 0, 10000, false, "thread left from the knot's bite to the cut (none: a free end was cut)")}},
	[A_SUTURE_SITE] = {"suture_site", "derived", "Derived: where a suture across the wound sits on it (right after its suture)",
	 {Q("along", SCRUB_DIM_LENGTH, -10000, 10000, true, "position along the wound from its start (the wound's from: point)"),
	  Q("bite_entry", SCRUB_DIM_LENGTH, 0, 1000, true, "distance of the entry from the wound edge"),
	  Q("bite_exit", SCRUB_DIM_LENGTH, 0, 1000, true, "distance of the exit from the wound edge"),
	  Q("wound_depth", SCRUB_DIM_LENGTH, 0, 1000, true, "depth of the wound"),
	  Q("depth_ratio", SCRUB_DIM_PERCENT, 0, 100000, true, "deepest point of the bite over the wound's depth (100 %: the bite reaches the wound's base)")}},
	[A_CLOSURE] = {"closure", "derived", "Derived: the hand that held the needle driver put its instrument down (none): the wound's closure so far",
	 {C("sutures", 0, 100000, true, "sutures across the wound with a finished knot"),
	  C("untied", 0, 100000, true, "sutures across the wound without a finished knot"),
	  Q("open_start", SCRUB_DIM_LENGTH, 0, 10000, true, "wound left open at its start: from the start to the nearest tied suture"),
	  Q("open_end", SCRUB_DIM_LENGTH, 0, 10000, true, "wound left open at its end: from the end to the nearest tied suture"),
	  Q("open_max", SCRUB_DIM_LENGTH, 0, 10000, true, "the longest stretch of the wound without a tied suture, ends included"),
	  Q("spacing_min", SCRUB_DIM_LENGTH, 0, 10000, false, "the shortest distance between neighbouring tied sutures (none with fewer than two)"),
	  Q("spacing_max", SCRUB_DIM_LENGTH, 0, 10000, false, "the longest distance between neighbouring tied sutures (none with fewer than two)"),
	  Q("depth_ratio_min", SCRUB_DIM_PERCENT, 0, 100000, false, "the shallowest bite across the wound, over the wound's depth")}},
	[A_INCISION_END] = {"incision_end", "derived", "Derived: the hand that cut put its instrument down (none): the whole incision, all strokes, on the skin",
	 {Q("span", SCRUB_DIM_LENGTH, 0, 10000, true, "length of the incision along its direction, end to end"),
	  Q("heading", SCRUB_DIM_ANGLE, -90, 90, true, "direction of the incision from the block's x axis (0: along x, 90: along y)"),
	  Q("x_min", SCRUB_DIM_LENGTH, -1000, 1000, true, "the incision's extent on the skin, mm from the block's corner"),
	  Q("x_max", SCRUB_DIM_LENGTH, -1000, 1000, true, "the incision's extent on the skin"),
	  Q("y_min", SCRUB_DIM_LENGTH, -1000, 1000, true, "the incision's extent on the skin"),
	  Q("y_max", SCRUB_DIM_LENGTH, -1000, 1000, true, "the incision's extent on the skin"),
	  C("strokes", 0, 100000, true, "scalpel strokes that cut"),
	  Q("tilt", SCRUB_DIM_ANGLE, 0, 90, true, "the blade's largest mean sideways lean from the vertical in a stroke (a bevelled cut)")}},
};
const int surgery_action_count = A_COUNT_;

static const char *const var_names[SCN_TISSUE_COUNT_] = {
	"incision_length", "incision_depth", "deepest_layer", "incision_deviation", "sutures", "knots",
	"square_knots", "injuries", "path_length", "idle_time", "wound_gape",
	"tied_sutures", "wound_open_start", "wound_open_end", "wound_open_max", "suture_spacing_min",
	"suture_spacing_max", "bite_depth_ratio_min", "incision_strokes",
};

const char *surgery_var_name(int field)
{
	return field >= 0 && field < SCN_TISSUE_COUNT_ ? var_names[field] : NULL;
}
