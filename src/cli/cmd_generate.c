/* cmd_generate: `plmem generate random|features|ea|mnist`: options, output files and messages
 * for the binary data sets of the generate, ea and mnist modules.  Glue only: no drawing,
 * sampling or image processing happens here. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ea.h"
#include "generate.h"
#include "mnist.h"
#include "util.h"

enum {
	OPT_LF = 400,
	OPT_TEST,
	OPT_TEST_OUT,
	OPT_FEATURES,
	OPT_COEFFICIENTS,
	OPT_SIDE,
	OPT_TEMP,
	OPT_TMAX,
	OPT_TEMPS,
	OPT_CHAINS,
	OPT_EQUIL,
	OPT_THIN,
	OPT_DISORDER,
	OPT_COUPLINGS,
	OPT_MATRIX,
	OPT_LOG,
	OPT_IDX,
	OPT_SKIP,
	OPT_THRESHOLD,
	OPT_CROP,
	OPT_NO_DESKEW
};

#define DEF_OUTPUT "-"
#define DEF_FORMAT lines

static const cmd_opt opts[] = {
	{ "spins", 'N', "N", PLM_STR(GEN_DEF_N), "random, features: spins per pattern (the model's L)" },
	{ "patterns", 'P', "P", PLM_STR(GEN_DEF_P),
	  "training patterns (ea: samples; mnist: images, default all after --skip and --test)" },
	{ "nfeatures", 'D', "D", PLM_STR(GEN_DEF_D), "features: number of random features" },
	{ "lf", OPT_LF, "K", PLM_STR(GEN_DEF_LF),
	  "features: non-zero coefficients per pattern (odd K: no ties)" },
	{ "seed", 's', "S", PLM_STR(GEN_DEF_SEED), "random seed" },
	{ "output", 'o', "FILE", DEF_OUTPUT, "training patterns ('-': standard output)" },
	{ "format", 'f', "FMT", PLM_STR(DEF_FORMAT), "pattern files: lines (0/1), fasta or numbers (+1/-1)" },
	{ "test", OPT_TEST, "N", "0", "also write N test patterns (needs --test-out)" },
	{ "test-out", OPT_TEST_OUT, "FILE", NULL, "write the test patterns to FILE" },
	{ "features", OPT_FEATURES, "FILE", NULL, "features: write the D features to FILE" },
	{ "coefficients", OPT_COEFFICIENTS, "FILE", NULL,
	  "features: write the coefficients to FILE (TSV: set pattern feature coef)" },
	{ "side", OPT_SIDE, "L", PLM_STR(EA_DEF_LS), "ea: lattice side (N = L x L spins)" },
	{ "temperature", OPT_TEMP, "T", PLM_STR(EA_DEF_T), "ea: temperature of the samples" },
	{ "t-max", OPT_TMAX, "T", PLM_STR(EA_DEF_TMAX), "ea: hottest temperature of the ladder" },
	{ "temps", OPT_TEMPS, "K", PLM_STR(EA_DEF_NTEMPS),
	  "ea: temperatures, geometric from T to t-max (1: plain Metropolis)" },
	{ "chains", OPT_CHAINS, "C", PLM_STR(EA_DEF_NCHAINS), "ea: independent parallel-tempering runs" },
	{ "equil", OPT_EQUIL, "S", PLM_STR(EA_DEF_EQUIL), "ea: sweeps of every chain before its first sample" },
	{ "thin", OPT_THIN, "S", PLM_STR(EA_DEF_THIN), "ea: sweeps between two samples of a chain" },
	{ "disorder", OPT_DISORDER, "S", "the seed", "ea: seed of the couplings" },
	{ "couplings", OPT_COUPLINGS, "FILE", NULL, "ea: write the true couplings J/T as a plmem model" },
	{ "matrix", OPT_MATRIX, "FILE", NULL, "ea: write the N x N coupling matrix J (TSV)" },
	{ "log", OPT_LOG, "FILE", NULL, "ea: write energies and exchange rates per log bin (TSV)" },
	{ "idx", OPT_IDX, "FILE", NULL, "mnist: IDX image file (train-images-idx3-ubyte, gzip accepted)" },
	{ "skip", OPT_SKIP, "K", "0", "mnist: skip the first K images" },
	{ "threshold", OPT_THRESHOLD, "V", PLM_STR(MNIST_DEF_THRESHOLD), "mnist: pixel > V is +1" },
	{ "crop", OPT_CROP, "C", PLM_STR(MNIST_DEF_CROP), "mnist: keep the central C x C pixels" },
	{ "no-deskew", OPT_NO_DESKEW, NULL, NULL, "mnist: do not deskew by image moments" },
	CMD_OPT_THREADS,
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_generate_spec = {
	"generate",
	"[options] random|features|ea|mnist",
	"Write binary data sets: random patterns, random features, 2-D spin-glass samples, MNIST.",
	"Spin +1 is written 1 (or +1), spin -1 is written 0 (or -1); plmem fit (binary alphabet)\n"
	"and plmem relax read every format.  random: independent, equiprobable spins.\n"
	"features: D random +-1 features f_k; each pattern is sign(sum_k c_k f_k) with exactly\n"
	"K coefficients c_k = +-1 at random features (even K: a zero sum gets a random sign).\n"
	"ea: equilibrium samples of the 2-D Edwards-Anderson model (L x L, open boundaries,\n"
	"Gaussian couplings, no fields) at temperature T by parallel tempering.\n"
	"mnist: images of an IDX file deskewed, cropped to the central 14 x 14 and thresholded.\n"
	"The same seed gives the same files; training pattern mu does not depend on --test.",
	opts
};

/* One output file: its path, the atomic writer, and what goes in it. */
enum out_what { OUT_TRAIN, OUT_TEST, OUT_FEATURES, OUT_COEF, OUT_MATRIX, OUT_LOG, OUT_MODEL, NOUT };

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

int cmd_generate_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_generate_spec;
	gen_opts o;
	gen_opts_default(&o);
	ea_opts eo;
	ea_opts_default(&eo);
	gen_format fmt;
	gen_format_parse(PLM_STR(DEF_FORMAT), &fmt);
	gen_out outs[NOUT];
	memset(outs, 0, sizeof outs);
	outs[OUT_TRAIN].path = DEF_OUTPUT;
	const char *idx = NULL;
	size_t skip = 0, crop = MNIST_DEF_CROP;
	double threshold = MNIST_DEF_THRESHOLD;
	int have_test = 0, have_P = 0, have_disorder = 0, deskew = 1, threads = 0;
	int only_features = 0, only_ea = 0, only_mnist = 0;
	unsigned long long seed;

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'N':
			if (cmd_parse_size(spec, "spins", optarg, 1, (size_t)1 << 31, &o.N))
				return CMD_EXIT_USAGE;
			break;
		case 'P':
			if (cmd_parse_size(spec, "patterns", optarg, 1, (size_t)1 << 31, &o.P))
				return CMD_EXIT_USAGE;
			have_P = 1;
			break;
		case 'D':
		case OPT_LF:
			if (cmd_parse_size(spec, c == 'D' ? "nfeatures" : "lf", optarg, 1, (size_t)1 << 31,
			                   c == 'D' ? &o.D : &o.Lf))
				return CMD_EXIT_USAGE;
			break;
		case 's':
		case OPT_DISORDER:
			if (cmd_parse_u64(spec, c == 's' ? "seed" : "disorder", optarg, &seed))
				return CMD_EXIT_USAGE;
			if (c == 's')
				o.seed = eo.seed = seed;
			else
				eo.disorder = seed;
			have_disorder |= c == OPT_DISORDER;
			only_ea |= c == OPT_DISORDER;
			break;
		case 'o':
			outs[OUT_TRAIN].path = optarg;
			break;
		case 'f':
			if (gen_format_parse(optarg, &fmt) != 0)
				return cmd_usage_error(spec, "--format: '%s' is not lines, fasta or numbers", optarg);
			break;
		case OPT_TEST:
			if (cmd_parse_size(spec, "test", optarg, 0, (size_t)1 << 31, &o.P_test))
				return CMD_EXIT_USAGE;
			have_test = 1;
			break;
		case OPT_TEST_OUT:
			outs[OUT_TEST].path = optarg;
			break;
		case OPT_FEATURES:
		case OPT_COEFFICIENTS:
			outs[c == OPT_FEATURES ? OUT_FEATURES : OUT_COEF].path = optarg;
			only_features = 1;
			break;
		case OPT_SIDE:
			if (cmd_parse_size(spec, "side", optarg, 2, 46340, &eo.Ls))
				return CMD_EXIT_USAGE;
			only_ea = 1;
			break;
		case OPT_TEMP:
		case OPT_TMAX:
			if (cmd_parse_double(spec, c == OPT_TEMP ? "temperature" : "t-max", optarg, 1e-6, 1e6,
			                     c == OPT_TEMP ? &eo.T : &eo.T_max))
				return CMD_EXIT_USAGE;
			only_ea = 1;
			break;
		case OPT_TEMPS:
		case OPT_CHAINS:
			if (cmd_parse_size(spec, c == OPT_TEMPS ? "temps" : "chains", optarg, 1, 4096,
			                   c == OPT_TEMPS ? &eo.ntemps : &eo.nchains))
				return CMD_EXIT_USAGE;
			only_ea = 1;
			break;
		case OPT_EQUIL:
		case OPT_THIN:
			if (cmd_parse_size(spec, c == OPT_EQUIL ? "equil" : "thin", optarg, c == OPT_EQUIL ? 0 : 1,
			                   (size_t)1 << 40, c == OPT_EQUIL ? &eo.equil : &eo.thin))
				return CMD_EXIT_USAGE;
			only_ea = 1;
			break;
		case OPT_COUPLINGS:
		case OPT_MATRIX:
		case OPT_LOG:
			outs[c == OPT_COUPLINGS ? OUT_MODEL : c == OPT_MATRIX ? OUT_MATRIX : OUT_LOG].path = optarg;
			only_ea = 1;
			break;
		case OPT_IDX:
			idx = optarg;
			only_mnist = 1;
			break;
		case OPT_SKIP:
		case OPT_CROP:
			if (cmd_parse_size(spec, c == OPT_SKIP ? "skip" : "crop", optarg, c == OPT_SKIP ? 0 : 1,
			                   (size_t)1 << 31, c == OPT_SKIP ? &skip : &crop))
				return CMD_EXIT_USAGE;
			only_mnist = 1;
			break;
		case OPT_THRESHOLD:
			if (cmd_parse_double(spec, "threshold", optarg, -1.0, 256.0, &threshold))
				return CMD_EXIT_USAGE;
			only_mnist = 1;
			break;
		case OPT_NO_DESKEW:
			deskew = 0;
			only_mnist = 1;
			break;
		default:
			if ((r = cmd_common_option(spec, c, optarg, &threads)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the model name (random, features, ea or mnist)");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	int is_ea = strcmp(arg[0], "ea") == 0, is_mnist = strcmp(arg[0], "mnist") == 0;
	if (!is_ea && !is_mnist && gen_kind_parse(arg[0], &o.kind) != 0)
		return cmd_usage_error(spec, "unknown model '%s' (random, features, ea or mnist)", arg[0]);
	if (only_features && (is_ea || is_mnist || o.kind == GEN_RANDOM))
		return cmd_usage_error(spec, "--features and --coefficients need the features model");
	if (only_ea && !is_ea)
		return cmd_usage_error(spec, "--side, --temperature, --t-max, --temps, --chains, --equil, "
		                       "--thin, --disorder, --couplings, --matrix and --log need the ea model");
	if (only_mnist && !is_mnist)
		return cmd_usage_error(spec, "--idx, --skip, --threshold, --crop and --no-deskew need mnist");
	if (is_mnist && idx == NULL)
		return cmd_usage_error(spec, "mnist needs --idx FILE (scripts/mnist.sh fetches it)");
	if (o.P_test > 0 && outs[OUT_TEST].path == NULL)
		return cmd_usage_error(spec, "--test %zu needs --test-out FILE", o.P_test);
	if (outs[OUT_TEST].path != NULL && (!have_test || o.P_test == 0))
		return cmd_usage_error(spec, "--test-out needs --test N with N >= 1");
	if (o.kind == GEN_FEATURES && !is_ea && !is_mnist && o.Lf > o.D)
		return cmd_usage_error(spec, "--lf %zu is larger than the number of features (%zu)", o.Lf, o.D);
	if (is_ea && eo.ntemps > 1 && !(eo.T_max > eo.T))
		return cmd_usage_error(spec, "--t-max %g must be above --temperature %g (or --temps 1)",
		                       eo.T_max, eo.T);
	if (is_ea && !have_disorder)
		eo.disorder = eo.seed;
	int nstdout = 0;
	for (size_t k = 0; k < NOUT; k++) {
		if (outs[k].path == NULL)
			continue;
		if (strcmp(outs[k].path, "-") == 0)
			nstdout++;
		for (size_t l = 0; l < k; l++)
			if (outs[l].path != NULL && strcmp(outs[l].path, "-") != 0 &&
			    strcmp(outs[l].path, outs[k].path) == 0)
				return cmd_usage_error(spec, "two outputs go to the same file '%s'", outs[k].path);
	}
	if (outs[OUT_MODEL].path != NULL && strcmp(outs[OUT_MODEL].path, "-") == 0)
		return cmd_usage_error(spec, "--couplings needs a file, not standard output");
	if (nstdout > 1)
		return cmd_usage_error(spec, "only one output can be standard output");
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(threads);

	plm_err err;
	gen_data d = { NULL, NULL, o.P, o.P_test, o.N, NULL, NULL, NULL };
	gen_set *g = NULL;
	ea_run *ea = NULL;
	plm_model *truth = NULL;
	mnist_images *im = NULL;
	int8_t *spins = NULL;
	int rc = PLM_OK;
	if (is_ea) {
		eo.nsamples = o.P + o.P_test;
		rc = ea_run_create(&eo, &ea, &err);
		if (rc == PLM_OK && outs[OUT_MODEL].path != NULL) {
			char *line = cmd_join_argv(argc, argv);
			rc = ea_truth_model(ea->lat, eo.T, line, &truth, &err);
			free(line);
		}
		if (rc == PLM_OK) {
			d.N = ea->lat->N;
			d.train = ea->samples;
			d.test = ea->samples + o.P * d.N;
			d.ea = ea;
			d.truth = truth;
			ea_report(ea);
		}
	} else if (is_mnist) {
		rc = mnist_read_idx(idx, &im, &err);
		d.P = have_P ? o.P : 0;
		d.N = crop * crop;
		if (rc == PLM_OK)
			rc = mnist_patterns(im, idx, skip, &d.P, o.P_test, deskew, crop, threshold, &spins, &err);
		if (rc == PLM_OK) {
			d.train = spins;
			d.test = spins + d.P * d.N;
		}
	} else {
		rc = gen_run(&o, &g, &err);
		if (rc == PLM_OK) {
			d.train = g->train;
			d.test = g->test;
			d.g = g;
		}
	}
	int ex;
	if (rc != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		ex = CMD_EXIT_FAIL;
	} else {
		ex = write_outputs(spec, outs, &d, fmt);
	}
	gen_destroy(g);
	ea_run_destroy(ea);
	model_destroy(truth);
	mnist_images_destroy(im);
	free(spins);
	return ex;
}
