/* check_plot: the gnuplot runner's outcomes with stand-ins for gnuplot on PATH (none, one that
 * fails, one that succeeds and gets the script's name, one that writes to standard output,
 * which must reach standard error), the summary texts and the script's name. */
#include "check_common.h"

#include "plot.h"

static char dir[256];

/* A folder holding an executable "gnuplot" with shell BODY (NULL: an empty folder), put
 * alone on PATH. */
static void fake_gnuplot(const char *body)
{
	snprintf(dir, sizeof dir, "%s/check_plot.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (body != NULL) {
		char path[512];
		snprintf(path, sizeof path, "%s/gnuplot", dir);
		FILE *fp = fopen(path, "w");
		ck_assert_ptr_nonnull(fp);
		fprintf(fp, "#!/bin/sh\n%s\n", body);
		fclose(fp);
		ck_assert_int_eq(chmod(path, 0755), 0);
	}
	ck_assert_int_eq(setenv("PATH", dir, 1), 0);
}

static void remove_dir(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "/bin/rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_no_gnuplot)
{
	char *path = strdup(getenv("PATH"));
	fake_gnuplot(NULL);
	ck_assert_int_eq(plot_run("x.gp"), PLOT_NO_GNUPLOT);
	setenv("PATH", path, 1);
	free(path);
	remove_dir();
}
END_TEST

START_TEST(test_failing_gnuplot)
{
	char *path = strdup(getenv("PATH"));
	fake_gnuplot("exit 3");
	ck_assert_int_eq(plot_run("x.gp"), PLOT_FAILED);
	setenv("PATH", path, 1);
	free(path);
	remove_dir();
}
END_TEST

/* Success, the script's name as the one argument, and nothing on standard output. */
START_TEST(test_gnuplot_runs)
{
	char *path = strdup(getenv("PATH"));
	fake_gnuplot("test $# = 1 || exit 5; echo \"ran $1\" >\"${0%/*}/out\"; echo to-stdout");
	char out[512], cap[512];
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(cap, sizeof cap, "%s/stdout", dir);
	/* stdout to a file for the run: the child must not write there */
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	FILE *fp = fopen(cap, "w");
	ck_assert_ptr_nonnull(fp);
	dup2(fileno(fp), STDOUT_FILENO);
	plot_result r = plot_run("my script.gp");
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fclose(fp);
	setenv("PATH", path, 1);
	free(path);
	ck_assert_int_eq(r, PLOT_DRAWN);
	size_t n;
	unsigned char *text = slurp(out, &n);
	ck_assert_uint_eq(n, strlen("ran my script.gp\n"));
	ck_assert_int_eq(memcmp(text, "ran my script.gp\n", n), 0);
	free(text);
	text = slurp(cap, &n);
	ck_assert_uint_eq(n, 0);
	free(text);
	remove_dir();
}
END_TEST

START_TEST(test_texts)
{
	char buf[256];
	plot_describe(PLOT_DRAWN, "a.png", "a.gp", buf, sizeof buf);
	ck_assert_str_eq(buf, "plot a.png");
	plot_describe(PLOT_NO_GNUPLOT, "a.png", "a.gp", buf, sizeof buf);
	ck_assert_str_eq(buf, "gnuplot is not installed: no PNG; plot later with gnuplot a.gp");
	plot_describe(PLOT_FAILED, "a.png", "a.gp", buf, sizeof buf);
	ck_assert_str_eq(buf, "gnuplot failed: no PNG; see a.gp");
	const char *in[] = { "a/b.png", "b", "x.PNG", ".png", "c.png.png" };
	const char *want[] = { "a/b.gp", "b.gp", "x.PNG.gp", ".png.gp", "c.png.gp" };
	for (size_t k = 0; k < 5; k++) {
		char *s = plot_script_name(in[k]);
		ck_assert_str_eq(s, want[k]);
		free(s);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plot");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_no_gnuplot);
	tcase_add_test(tc, test_failing_gnuplot);
	tcase_add_test(tc, test_gnuplot_runs);
	tcase_add_test(tc, test_texts);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
