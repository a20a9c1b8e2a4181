/* Khronos hello_xr (Debian's binary, a client nobody here wrote) on the simulated runtime:
 * it must run its frame loop for >= 100 frames and exit cleanly when the runtime's script
 * stops the session.
 *
 *   test_hello_xr HELLO_XR DATA_DIR GRAPHICS SCRIPT
 *
 * GRAPHICS is hello_xr's -g (Vulkan2: XR_KHR_vulkan_enable2, Vulkan: XR_KHR_vulkan_enable),
 * SCRIPT a file in DATA_DIR (without .simxr): hello_xr ends the session when the script stops
 * it, or when the script presses the menu button (hello_xr's quit action, xrRequestExitSession).
 *
 * hello_xr quits when a key is read from stdin, and reads EOF at once from /dev/null: it gets
 * a pipe that stays open until it exits. No display is needed (its Vulkan plugin has no mirror
 * window on Linux). When the runtime is built with AddressSanitizer, SIMXR_TEST_PRELOAD names
 * the ASan runtime: it is preloaded into the unsanitised hello_xr so that the sanitised
 * libsimxr.so can be loaded into it. Exit 77 (skipped) when hello_xr is not installed. */
#define _DEFAULT_SOURCE
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#define TIMEOUT_S 120

static int count_matching(const char *path, const char *prefix, const char *contains)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strncmp(line, prefix, strlen(prefix)) == 0 && (!contains || strstr(line, contains));
	fclose(f);
	return n;
}

static int count_containing(const char *path, const char *needle)
{
	return count_matching(path, "", needle);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: test_hello_xr HELLO_XR DATA_DIR GRAPHICS SCRIPT\n");
		return 2;
	}
	if (argv[1][0] == '\0' || access(argv[1], X_OK) != 0) {
		fprintf(stderr, "hello_xr not found (Debian: libopenxr-utils): skipped\n");
		return 77;
	}
	char script[512], dir[128], frames[256], haptics[256], out[256], left[256], right[256];
	snprintf(script, sizeof script, "%s/%s.simxr", argv[2], argv[4]);
	snprintf(dir, sizeof dir, "%s-%s", argv[4], argv[3]);
	snprintf(frames, sizeof frames, "%s/frames.log", dir);
	snprintf(haptics, sizeof haptics, "%s/haptics.log", dir);
	snprintf(out, sizeof out, "%s/hello_xr.log", dir);
	snprintf(left, sizeof left, "%s/simxr-frame00060-left.png", dir);
	snprintf(right, sizeof right, "%s/simxr-frame00060-right.png", dir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	remove(frames);
	remove(haptics);
	remove(left);
	remove(right);

	int in[2];
	if (pipe(in) != 0) {
		perror("pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(in[0], 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		close(in[0]);
		close(in[1]);
		close(fd);
		setenv("SIMXR_SCRIPT", script, 1);
		setenv("SIMXR_FRAME_LOG", frames, 1);
		setenv("SIMXR_HAPTIC_LOG", haptics, 1);
		setenv("SIMXR_CAPTURE_DIR", dir, 1);
		unsetenv("SIMXR_PACE");
		unsetenv("SIMXR_RATE");
		unsetenv("SIMXR_CAPTURE");
		const char *preload = getenv("SIMXR_TEST_PRELOAD");
		if (preload && *preload) {
			setenv("LD_PRELOAD", preload, 1);
			/* leaks of hello_xr and Mesa are not ours; test_simxr_api checks the runtime's */
			setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		}
		execl(argv[1], argv[1], "-g", argv[3], (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	int status = 0;
	bool done = false;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!done) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			done = true;
			break;
		}
		if (r < 0 && errno != EINTR) {
			perror("waitpid");
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > TIMEOUT_S) {
			fprintf(stderr, "hello_xr still running after %d s: killed\n", TIMEOUT_S);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	close(in[1]);
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) * 1e-9;

	CHECK(done);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		fprintf(stderr, "hello_xr: %s %d (its output is in %s)\n", WIFEXITED(status) ? "exit status" : "signal",
		        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), out);
	int nframes = count_matching(frames, "frame ", NULL);
	int rendered = count_matching(frames, "frame ", "layers=1 views=2");
	printf("hello_xr -g %s, %s: %d frames (%d with a stereo projection layer) in %.2f s\n", argv[3], argv[4], nframes, rendered, secs);
	CHECK(nframes >= 100);
	CHECK(rendered >= 100);
	/* the whole life cycle, in order, ending with EXITING after hello_xr ended the session */
	static const char *const run[] = {"IDLE", "READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED",
	                                  "VISIBLE", "SYNCHRONIZED", "STOPPING", "IDLE", "EXITING"};
	/* a lost runtime: hello_xr recreates its instance and runs again */
	static const char *const lost_then_run[] = {"IDLE", "READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED",
	                                            "LOSS_PENDING", "IDLE", "READY", "SYNCHRONIZED", "VISIBLE",
	                                            "FOCUSED", "VISIBLE", "SYNCHRONIZED", "STOPPING", "IDLE",
	                                            "EXITING"};
	bool lose = strstr(argv[4], "lose") != NULL;
	const char *const *states = lose ? lost_then_run : run;
	size_t nstates = lose ? sizeof lost_then_run / sizeof lost_then_run[0] : sizeof run / sizeof run[0];
	FILE *f = fopen(frames, "r");
	CHECK(f != NULL);
	size_t si = 0;
	if (f) {
		char line[512];
		while (fgets(line, sizeof line, f)) {
			char st[32];
			if (sscanf(line, "state %31s", st) == 1) {
				if (si < nstates && !strcmp(st, states[si]))
					si++;
				else
					fprintf(stderr, "unexpected state %s after %zu states\n", st, si), si = 100;
			}
		}
		fclose(f);
	}
	CHECK(si == nstates);
	/* hello_xr's grab action is pulled by the script: its haptics reach the right hand */
	CHECK(count_matching(haptics, "haptic ", "hand=right") > 0);
	/* hello_xr runs with the Vulkan validation layer when it is installed: no errors from it */
	CHECK(count_containing(out, "VUID-") == 0);
	CHECK(count_containing(out, "[Error") == 0);
	/* the eye images of frame 60: not blank, and the two eyes differ by the stereo parallax */
	unsigned char *px[2] = {NULL, NULL};
	int w[2] = {0}, h[2] = {0};
	for (int e = 0; e < 2; e++) {
		int c;
		px[e] = stbi_load(e ? right : left, &w[e], &h[e], &c, 4);
		CHECK(px[e] != NULL);
		CHECK(w[e] == 320 && h[e] == 320);
	}
	if (px[0] && px[1] && w[0] == w[1] && h[0] == h[1]) {
		size_t n = (size_t)w[0] * (size_t)h[0] * 4, differ = 0, not_bg = 0;
		for (size_t i = 0; i < n; i += 4) {
			differ += memcmp(px[0] + i, px[1] + i, 3) != 0;
			not_bg += memcmp(px[0] + i, px[0], 3) != 0;
		}
		printf("hello_xr: frame 60: %zu pixels differ between the eyes, %zu left-eye pixels differ from the corner\n",
		       differ, not_bg);
		CHECK(not_bg > 100);
		CHECK(differ > 100);
	}
	stbi_image_free(px[0]);
	stbi_image_free(px[1]);
	return CHECK_DONE();
}
