/* Stand-alone runner for `scrub bench tissue` until the dispatcher wires it. */
int scrub_cmd_bench_tissue(int argc, char **argv);

int main(int argc, char **argv)
{
	return scrub_cmd_bench_tissue(argc, argv);
}
