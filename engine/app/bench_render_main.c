/* Stand-alone runner for `scrub bench render` until the dispatcher wires it. */
#include "cmd_bench_render.h"

int main(int argc, char **argv)
{
	return scrub_cmd_bench_render(argc, argv);
}
