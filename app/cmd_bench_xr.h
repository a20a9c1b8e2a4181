#ifndef SCRUB_CMD_BENCH_XR_H
#define SCRUB_CMD_BENCH_XR_H
/* scrub bench xr [SCENARIO] [--frames N] [--runs N] [--scale S]; argv[0] is the bench name. */
int scrub_cmd_bench_xr(int argc, char **argv);
#endif
