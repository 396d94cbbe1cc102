/* cmd_generate: `plmem generate random|features|ea|mnist`: options, output files and messages
 * for the binary data sets of the generate, ea and mnist modules.  Glue only: no drawing,
 * sampling or image processing happens here. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ea.h"
#include "generate.h"
#include "mnist.h"
#include "util.h"

/* The options that only one model takes (refused with another, by name). */
#define EA_ONLY "side temperature t-max temps chains equil thin disorder couplings matrix log"
#define MNIST_ONLY "idx skip threshold crop no-deskew"
#define FEATURES_ONLY "features coefficients"

/* The output files, in the order they are written (the model last). */
enum out_what { OUT_TRAIN, OUT_TEST, OUT_FEATURES, OUT_COEF, OUT_MATRIX, OUT_LOG, OUT_MODEL, NOUT };

typedef struct gen_args {
	cmd_common com;
	gen_opts o;
	ea_opts eo;
	unsigned long long seed;
	unsigned long long disorder; /* the seed when --disorder is not given */
	int format;
	const char *paths[NOUT];
	const char *idx;
	size_t skip, crop;
	double threshold;
	int no_deskew;
} gen_args;

#define DEF_OUTPUT "-"
#define DEF_FORMAT lines
#define GA(f) offsetof(gen_args, f)
#define BIG 2147483648.0 /* 2^31 */

static const cmd_row rows[] = {
	{ "spins", 'N', CMD_SIZE, "N", PLM_STR(GEN_DEF_N), GA(o.N), "random, features: spins per pattern (the model's L)",
	  .lo = 1, .hi = BIG },
	{ "patterns", 'P', CMD_SIZE, "P", PLM_STR(GEN_DEF_P), GA(o.P),
	  "training patterns (ea: samples; mnist: images, default all after --skip and --test)", .lo = 1, .hi = BIG },
	{ "nfeatures", 'D', CMD_SIZE, "D", PLM_STR(GEN_DEF_D), GA(o.D), "features: number of random features",
	  .lo = 1, .hi = BIG },
	{ "lf", 0, CMD_SIZE, "K", PLM_STR(GEN_DEF_LF), GA(o.Lf),
	  "features: non-zero coefficients per pattern (odd K: no ties)", .lo = 1, .hi = BIG },
	{ "seed", 's', CMD_U64, "S", PLM_STR(GEN_DEF_SEED), GA(seed), "random seed" },
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT, GA(paths[OUT_TRAIN]), "training patterns ('-': standard output)" },
	{ "format", 'f', CMD_CHOICE, "FMT", PLM_STR(DEF_FORMAT), GA(format),
	  "pattern files: lines (0/1), fasta or numbers (+1/-1)", .choices = gen_format_names },
	{ "test", 0, CMD_SIZE, "N", "0", GA(o.P_test), "also write N test patterns (needs --test-out)", .hi = BIG },
	{ "test-out", 0, CMD_STRING, "FILE", NULL, GA(paths[OUT_TEST]), "write the test patterns to FILE" },
	{ "features", 0, CMD_STRING, "FILE", NULL, GA(paths[OUT_FEATURES]), "features: write the D features to FILE" },
	{ "coefficients", 0, CMD_STRING, "FILE", NULL, GA(paths[OUT_COEF]),
	  "features: write the coefficients to FILE (TSV: set pattern feature coef)" },
	{ "side", 0, CMD_SIZE, "L", PLM_STR(EA_DEF_LS), GA(eo.Ls), "ea: lattice side (N = L x L spins)",
	  .lo = 2, .hi = 46340 },
	{ "temperature", 0, CMD_DOUBLE, "T", PLM_STR(EA_DEF_T), GA(eo.T), "ea: temperature of the samples",
	  .lo = 1e-6, .hi = 1e6 },
	{ "t-max", 0, CMD_DOUBLE, "T", PLM_STR(EA_DEF_TMAX), GA(eo.T_max), "ea: hottest temperature of the ladder",
	  .lo = 1e-6, .hi = 1e6 },
	{ "temps", 0, CMD_SIZE, "K", PLM_STR(EA_DEF_NTEMPS), GA(eo.ntemps),
	  "ea: temperatures, geometric from T to t-max (1: plain Metropolis)", .lo = 1, .hi = 4096 },
	{ "chains", 0, CMD_SIZE, "C", PLM_STR(EA_DEF_NCHAINS), GA(eo.nchains), "ea: independent parallel-tempering runs",
	  .lo = 1, .hi = 4096 },
	{ "equil", 0, CMD_SIZE, "S", PLM_STR(EA_DEF_EQUIL), GA(eo.equil), "ea: sweeps of every chain before its first sample",
	  .lo = 0, .hi = 1099511627776.0 },
	{ "thin", 0, CMD_SIZE, "S", PLM_STR(EA_DEF_THIN), GA(eo.thin), "ea: sweeps between two samples of a chain",
	  .lo = 1, .hi = 1099511627776.0 },
	{ "disorder", 0, CMD_U64, "S", "the seed", GA(disorder), "ea: seed of the couplings" },
	{ "couplings", 0, CMD_STRING, "FILE", NULL, GA(paths[OUT_MODEL]), "ea: write the true couplings J/T as a plmem model" },
	{ "matrix", 0, CMD_STRING, "FILE", NULL, GA(paths[OUT_MATRIX]), "ea: write the N x N coupling matrix J (TSV)" },
	{ "log", 0, CMD_STRING, "FILE", NULL, GA(paths[OUT_LOG]), "ea: write energies and exchange rates per log bin (TSV)" },
	{ "idx", 0, CMD_STRING, "FILE", NULL, GA(idx), "mnist: IDX image file (train-images-idx3-ubyte, gzip accepted)" },
	{ "skip", 0, CMD_SIZE, "K", "0", GA(skip), "mnist: skip the first K images", .lo = 0, .hi = BIG },
	{ "threshold", 0, CMD_DOUBLE, "V", PLM_STR(MNIST_DEF_THRESHOLD), GA(threshold), "mnist: pixel > V is +1",
	  .lo = -1, .hi = 256 },
	{ "crop", 0, CMD_SIZE, "C", PLM_STR(MNIST_DEF_CROP), GA(crop), "mnist: keep the central C x C pixels",
	  .lo = 1, .hi = BIG },
	{ "no-deskew", 0, CMD_FLAG, NULL, NULL, GA(no_deskew), "mnist: do not deskew by image moments" },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_OWN(rows),
	CMD_GROUP_END
};

const cmd_spec cmd_generate_spec = {
	.name = "generate",
	.synopsis = "[options] random|features|ea|mnist",
	.summary = "Write binary data sets: random patterns, random features, 2-D spin-glass samples, MNIST.",
	.details =
	"Spin +1 is written 1 (or +1), spin -1 is written 0 (or -1); plmem fit (binary alphabet)\n"
	"and plmem relax read every format.  random: independent, equiprobable spins.\n"
	"features: D random +-1 features f_k; each pattern is sign(sum_k c_k f_k) with exactly\n"
	"K coefficients c_k = +-1 at random features (even K: a zero sum gets a random sign).\n"
	"ea: equilibrium samples of the 2-D Edwards-Anderson model (L x L, open boundaries,\n"
	"Gaussian couplings, no fields) at temperature T by parallel tempering.\n"
	"mnist: images of an IDX file deskewed, cropped to the central 14 x 14 and thresholded.\n"
	"The same seed gives the same files; training pattern mu does not depend on --test.",
	.groups = groups,
	.common = offsetof(gen_args, com),
	.nops = 1,
	.operands = "the model name (random, features, ea or mnist)",
};

/* One output file: its path, the atomic writer, and what goes in it. */

typedef struct gen_out {
	const char *path;
	plm_outfile f;
	int open;
} gen_out;

/* Everything the four data sets can write: the spins and what they came from. */
typedef struct gen_data {
	const int8_t *train, *test;
	size_t P, P_test, N;
	const gen_set *g;  /* random/features, or NULL */
	const ea_run *ea;  /* ea, or NULL */
	const plm_model *truth;
} gen_data;

static int write_one(enum out_what k, FILE *fp, const gen_data *d, gen_format fmt, plm_err *err)
{
	switch (k) {
	case OUT_TRAIN:
		return gen_write_spins(fp, d->train, d->P, d->N, fmt, "p", err);
	case OUT_TEST:
		return gen_write_spins(fp, d->test, d->P_test, d->N, fmt, "t", err);
	case OUT_FEATURES:
		return gen_write_spins(fp, d->g->features, d->g->o.D, d->N, fmt, "f", err);
	case OUT_COEF:
		return gen_write_coefficients(fp, d->g, err);
	case OUT_MATRIX:
		return ea_write_matrix(fp, d->ea->lat, err);
	case OUT_LOG:
		return ea_write_log(fp, d->ea, err);
	default:
		return PLM_OK;
	}
}

/* Write every requested output to a temporary file, then rename them all into place (the
 * model last, by model_write's own temporary file); on any failure none is left behind. */
static int write_outputs(const cmd_spec *spec, gen_out *outs, const gen_data *d, gen_format fmt)
{
	plm_err err;
	int rc = PLM_OK;
	const char *failed = NULL;
	for (size_t k = 0; k < NOUT && rc == PLM_OK; k++) {
		if (outs[k].path == NULL || k == OUT_MODEL)
			continue;
		failed = outs[k].path;
		rc = outfile_open(&outs[k].f, outs[k].path, &err);
		if (rc != PLM_OK)
			break;
		outs[k].open = 1;
		rc = write_one((enum out_what)k, outs[k].f.fp, d, fmt, &err);
	}
	if (rc == PLM_OK && outs[OUT_MODEL].path != NULL) {
		failed = outs[OUT_MODEL].path;
		rc = model_write(d->truth, outs[OUT_MODEL].path, &err);
	}
	size_t committed = 0;
	for (size_t k = 0; k < NOUT && rc == PLM_OK; k++) {
		if (!outs[k].open)
			continue;
		failed = outs[k].path;
		outs[k].open = 0;
		rc = outfile_commit(&outs[k].f, &err);
		if (rc == PLM_OK)
			committed++;
	}
	for (size_t k = 0; k < NOUT; k++)
		if (outs[k].open)
			outfile_abort(&outs[k].f);
	if (rc != PLM_OK) {
		/* the model (written before the commits) and the files already renamed go too */
		if (outs[OUT_MODEL].path != NULL && failed != outs[OUT_MODEL].path)
			unlink(outs[OUT_MODEL].path);
		for (size_t k = 0; k < NOUT && committed > 0; k++)
			if (k != OUT_MODEL && outs[k].path != NULL && outs[k].path != failed &&
			    strcmp(outs[k].path, "-") != 0) {
				unlink(outs[k].path);
				committed--;
			}
		if (strstr(err.msg, failed) != NULL)
			cmd_error(spec, "%s", err.msg);
		else
			cmd_error(spec, "%s: %s", failed, err.msg);
		return CMD_EXIT_FAIL;
	}
	return CMD_EXIT_OK;
}

/* The sampler's equilibration summary on standard error: exchange rates, and the energy at T
 * in the last log bins (mean over chains +- the chains' standard error). */
static void ea_report(const ea_run *r)
{
	const ea_opts *o = &r->o;
	size_t C = o->nchains, nt = o->ntemps;
	fprintf(stderr, "plmem generate: ea %zu x %zu, T = %g, %zu samples from %zu chains x %zu "
	        "temperatures (%g ... %g), %zu + %zu x %zu sweeps per chain\n", o->Ls, o->Ls, o->T,
	        o->nsamples, C, nt, r->temps[0], r->temps[nt - 1], o->equil, o->thin,
	        (o->nsamples + C - 1) / C);
	if (nt > 1) {
		double lo = 1.0, hi = 0.0;
		for (size_t k = 0; k + 1 < nt; k++) {
			lo = r->acc[k] < lo ? r->acc[k] : lo;
			hi = r->acc[k] > hi ? r->acc[k] : hi;
		}
		fprintf(stderr, "plmem generate: exchange rates %.3f ... %.3f between neighbour temperatures\n",
		        lo, hi);
	}
	size_t nb = r->nbins;
	for (size_t b = nb > 4 ? nb - 4 : 0; b < nb; b++) {
		double m = 0.0, m2 = 0.0;
		for (size_t c = 0; c < C; c++) {
			double e = r->bins[c * nb + b].e[0];
			m += e / (double)C;
			m2 += e * e / (double)C;
		}
		double se = C > 1 ? sqrt(fmax(m2 - m * m, 0.0) / (double)(C - 1)) : NAN;
		fprintf(stderr, "plmem generate: energy per spin at T, sweeps %llu-%llu: %.5f +- %.5f\n",
		        (unsigned long long)r->bins[b].first, (unsigned long long)r->bins[b].last, m, se);
	}
}

/* ---- the options -------------------------------------------------------------------- */

/* The defaults of every option. */
static void args_init(gen_args *a)
{
	memset(a, 0, sizeof *a);
	gen_opts_default(&a->o);
	ea_opts_default(&a->eo);
	a->seed = GEN_DEF_SEED;
	gen_format f;
	gen_format_parse(PLM_STR(DEF_FORMAT), &f);
	a->format = (int)f;
	a->paths[OUT_TRAIN] = DEF_OUTPUT;
	a->o.P = GEN_DEF_P;
	a->skip = 0;
	a->crop = MNIST_DEF_CROP;
	a->threshold = MNIST_DEF_THRESHOLD;
}

/* The seeds, once the options are read: --disorder defaults to --seed. */
static void args_finish(gen_args *a, const cmd_ops *ops)
{
	a->o.seed = a->eo.seed = a->seed;
	a->eo.disorder = cmd_given(ops, "disorder") ? a->disorder : a->eo.seed;
}

/* An option of ONLY given with a model other than the one it belongs to (WHICH): the usage
 * error naming it, else 0. */
static int check_scope(const cmd_spec *spec, const cmd_ops *ops, const char *only, int belongs,
                       const char *which)
{
	const char *o = cmd_given(ops, only);
	if (o != NULL && !belongs)
		return cmd_usage_error(spec, "--%s needs the %s model (this is %s)", o, which, ops->v[0]);
	return 0;
}

/* The usage errors the table cannot express; 0 or CMD_EXIT_USAGE.  MODEL: 0 random, 1
 * features, 2 ea, 3 mnist. */
static int check(const cmd_spec *spec, const gen_args *a, const cmd_ops *ops, int model)
{
	const char *const *p = a->paths;
	int r;
	if ((r = check_scope(spec, ops, FEATURES_ONLY, model == 1, "features")) != 0 ||
	    (r = check_scope(spec, ops, EA_ONLY, model == 2, "ea")) != 0 ||
	    (r = check_scope(spec, ops, MNIST_ONLY, model == 3, "mnist")) != 0)
		return r;
	if (model == 3 && a->idx == NULL)
		return cmd_usage_error(spec, "mnist needs --idx FILE (scripts/mnist.sh fetches it)");
	if (a->o.P_test > 0 && p[OUT_TEST] == NULL)
		return cmd_usage_error(spec, "--test %zu needs --test-out FILE", a->o.P_test);
	if (p[OUT_TEST] != NULL && a->o.P_test == 0)
		return cmd_usage_error(spec, "--test-out needs --test N with N >= 1");
	if (model == 1 && a->o.Lf > a->o.D)
		return cmd_usage_error(spec, "--lf %zu is larger than the number of features (%zu)", a->o.Lf, a->o.D);
	if (model == 2 && a->eo.ntemps > 1 && !(a->eo.T_max > a->eo.T))
		return cmd_usage_error(spec, "--t-max %g must be above --temperature %g (or --temps 1)", a->eo.T_max,
		                       a->eo.T);
	int nstdout = 0;
	for (size_t k = 0; k < NOUT; k++) {
		if (p[k] == NULL)
			continue;
		nstdout += strcmp(p[k], "-") == 0;
		for (size_t l = 0; l < k; l++)
			if (p[l] != NULL && strcmp(p[l], "-") != 0 && strcmp(p[l], p[k]) == 0)
				return cmd_usage_error(spec, "two outputs go to the same file '%s'", p[k]);
	}
	if (p[OUT_MODEL] != NULL && strcmp(p[OUT_MODEL], "-") == 0)
		return cmd_usage_error(spec, "--couplings needs a file, not standard output");
	if (nstdout > 1)
		return cmd_usage_error(spec, "only one output can be standard output");
	return 0;
}

/* ---- the data sets --------------------------------------------------------------------- */

/* What the data set came from, freed by data_free. */
typedef struct gen_made {
	gen_set *g;
	ea_run *ea;
	plm_model *truth;
	mnist_images *im;
	int8_t *spins;
} gen_made;

static void made_free(gen_made *x)
{
	gen_destroy(x->g);
	ea_run_destroy(x->ea);
	model_destroy(x->truth);
	mnist_images_destroy(x->im);
	free(x->spins);
}

/* Draw, sample or read the data set of MODEL into D (and X). */
static int make_data(gen_args *a, int model, int have_P, const char *cmdline, gen_data *d, gen_made *x,
                     plm_err *err)
{
	int rc;
	*d = (gen_data){ NULL, NULL, a->o.P, a->o.P_test, a->o.N, NULL, NULL, NULL };
	if (model == 2) {
		a->eo.nsamples = a->o.P + a->o.P_test;
		rc = ea_run_create(&a->eo, &x->ea, err);
		if (rc == PLM_OK && a->paths[OUT_MODEL] != NULL)
			rc = ea_truth_model(x->ea->lat, a->eo.T, cmdline, &x->truth, err);
		if (rc == PLM_OK) {
			d->N = x->ea->lat->N;
			d->train = x->ea->samples;
			d->test = x->ea->samples + a->o.P * d->N;
			d->ea = x->ea;
			d->truth = x->truth;
			ea_report(x->ea);
		}
	} else if (model == 3) {
		d->P = have_P ? a->o.P : 0;
		d->N = a->crop * a->crop;
		rc = mnist_read_idx(a->idx, &x->im, err);
		if (rc == PLM_OK)
			rc = mnist_patterns(x->im, a->idx, a->skip, &d->P, a->o.P_test, !a->no_deskew, a->crop, a->threshold,
			                    &x->spins, err);
		if (rc == PLM_OK) {
			d->train = x->spins;
			d->test = x->spins + d->P * d->N;
		}
	} else {
		a->o.kind = model == 1 ? GEN_FEATURES : GEN_RANDOM;
		rc = gen_run(&a->o, &x->g, err);
		if (rc == PLM_OK) {
			d->train = x->g->train;
			d->test = x->g->test;
			d->g = x->g;
		}
	}
	return rc;
}

static const char *const models[] = { "random", "features", "ea", "mnist", NULL };

int cmd_generate_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_generate_spec;
	gen_args a;
	args_init(&a);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	int model = 0;
	while (models[model] != NULL && strcmp(models[model], ops.v[0]) != 0)
		model++;
	if (models[model] == NULL)
		return cmd_usage_error(spec, "unknown model '%s' (random, features, ea or mnist)", ops.v[0]);
	args_finish(&a, &ops);
	if ((r = check(spec, &a, &ops, model)) != 0)
		return r;
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(a.com.threads);
	plm_err err;
	gen_data d;
	gen_made x = { 0 };
	gen_out outs[NOUT];
	memset(outs, 0, sizeof outs);
	for (size_t k = 0; k < NOUT; k++)
		outs[k].path = a.paths[k];
	char *line = model == 2 && a.paths[OUT_MODEL] ? cmd_join_argv(argc, argv) : NULL;
	int ex = CMD_EXIT_FAIL;
	if (make_data(&a, model, cmd_given(&ops, "patterns") != NULL, line, &d, &x, &err) != PLM_OK)
		cmd_error(spec, "%s", err.msg);
	else
		ex = write_outputs(spec, outs, &d, (gen_format)a.format);
	free(line);
	made_free(&x);
	return ex;
}
