/* fuzz: what the fuzz targets of tests/fuzz share.  Each target (msa.c, model.c, weights.c,
 * import.c, options.c) defines LLVMFuzzerTestOneInput and FUZZ_NAME; it is linked either with
 * libFuzzer's main (tests/fuzz/fuzz_<t>, configure --enable-fuzz) or with replay.c's main
 * (tests/fuzz/replay_<t>, every build, run by make check on tests/fuzz/regress/<t>/).
 * A target feeds the bytes through the library (or the subcommands' option parsing) and
 * aborts when a result breaks a property the library promises (fuzz_require), so that the
 * fuzzer reports it like a crash. */
#ifndef PLMEM_FUZZ_H
#define PLMEM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name ("msa"): replay_<t> reads tests/fuzz/regress/<name>/ by default. */
extern const char fuzz_name[];

/* The path of this process's scratch file N (0 or 1) holding DATA[0..SIZE): the library's
 * readers take paths.  The files live in $TMPDIR (or /tmp) and are removed at exit.
 * NULL when the file cannot be written (the target then returns). */
const char *fuzz_file(int n, const void *data, size_t size);

/* A path for a file the library writes ($TMPDIR/plmem-fuzz-<name>-<pid>.out); the caller
 * removes it. */
const char *fuzz_out_path(void);

/* fuzz_file(0, ...) of DATA, gzip-compressed first when GZIP is non-zero (the raw bytes when
 * compressing fails): the readers' gzip path. */
const char *fuzz_file_gz(int gzip, const void *data, size_t size);

/* Abort with "fuzz_<name>: what" on stderr when COND is false. */
#define fuzz_require(cond, what) fuzz_require_at((cond) != 0, (what), __FILE__, __LINE__)
void fuzz_require_at(int ok, const char *what, const char *file, int line);

#endif
