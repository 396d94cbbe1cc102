/* plot: running gnuplot on a script that a module wrote (sweep_write_gnuplot,
 * sample_write_gnuplot).  One behaviour for every command: the script is always kept, and a
 * missing or failing gnuplot is an outcome to report, not an error.  The only module that
 * starts another program; it prints nothing (gnuplot's own messages go to standard error,
 * never to standard output, which may carry a command's data). */
#ifndef PLMEM_PLOT_H
#define PLMEM_PLOT_H

#include <stddef.h>

typedef enum plot_result {
	PLOT_DRAWN = 0,  /* gnuplot ran and exited 0 */
	PLOT_NO_GNUPLOT, /* no gnuplot on PATH */
	PLOT_FAILED      /* gnuplot could not start, was killed or exited non-zero */
} plot_result;

/* Run `gnuplot SCRIPT` (gnuplot found on PATH) and wait for it. */
plot_result plot_run(const char *script);

/* What happened, for the command's summary: "plot PNG", "gnuplot is not installed: no PNG;
 * plot later with gnuplot SCRIPT" or "gnuplot failed: no PNG; see SCRIPT", into BUF (N bytes,
 * truncated to fit). */
void plot_describe(plot_result r, const char *png, const char *script, char *buf, size_t n);

/* The script's name for the image PNG: PNG without a final ".png", plus ".gp" ("a/b.png" ->
 * "a/b.gp", "b" -> "b.gp").  Caller frees; NULL when out of memory. */
char *plot_script_name(const char *png);

#endif
