/* plot: run gnuplot on a script file and say what came of it (plot.h).  It never prints and
 * never exits; the child's standard output goes to standard error. */
#include "config.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"

extern char **environ;

/* The shell's status for a command that was not found; the child of posix_spawnp exits with it
 * where the C library cannot report exec failures to the parent. */
#define PLOT_NOT_FOUND_STATUS 127

plot_result plot_run(const char *script)
{
	posix_spawn_file_actions_t fa;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return PLOT_FAILED;
	/* gnuplot writes the image named in the script; anything it prints goes to stderr */
	if (posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return PLOT_FAILED;
	}
	char *argv[] = { "gnuplot", (char *)script, NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == ENOENT)
		return PLOT_NO_GNUPLOT;
	if (rc != 0)
		return PLOT_FAILED;
	int st;
	pid_t w;
	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (w < 0 || !WIFEXITED(st))
		return PLOT_FAILED;
	if (WEXITSTATUS(st) == PLOT_NOT_FOUND_STATUS)
		return PLOT_NO_GNUPLOT;
	return WEXITSTATUS(st) == 0 ? PLOT_DRAWN : PLOT_FAILED;
}

void plot_describe(plot_result r, const char *png, const char *script, char *buf, size_t n)
{
	switch (r) {
	case PLOT_DRAWN:
		snprintf(buf, n, "plot %s", png);
		break;
	case PLOT_NO_GNUPLOT:
		snprintf(buf, n, "gnuplot is not installed: no PNG; plot later with gnuplot %s", script);
		break;
	default:
		snprintf(buf, n, "gnuplot failed: no PNG; see %s", script);
		break;
	}
}

char *plot_script_name(const char *png)
{
	size_t n = strlen(png);
	if (n > 4 && strcmp(png + n - 4, ".png") == 0)
		n -= 4;
	char *s = malloc(n + 4);
	if (s != NULL) {
		memcpy(s, png, n);
		memcpy(s + n, ".gp", 4);
	}
	return s;
}
