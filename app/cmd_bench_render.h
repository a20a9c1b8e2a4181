#ifndef SCRUB_CMD_BENCH_RENDER_H
#define SCRUB_CMD_BENCH_RENDER_H
/* scrub bench render [--width W] [--height H] [--frames N] ...; argv[0] is the bench name. */
int scrub_cmd_bench_render(int argc, char **argv);
#endif
