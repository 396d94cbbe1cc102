/* generate: random patterns and the random-features model, drawn from explicit random streams
 * (one per pattern and per feature), and their text writers.
 * It never opens files or prints on its own: the caller passes the streams. */
#include "generate.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "util.h"

/* Stream ids: disjoint ranges for training patterns, test patterns and features. */
#define GEN_STREAM_TRAIN UINT64_C(0)
#define GEN_STREAM_TEST (UINT64_C(1) << 40)
#define GEN_STREAM_FEATURE (UINT64_C(2) << 40)

void gen_opts_default(gen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->kind = GEN_RANDOM;
	o->N = GEN_DEF_N;
	o->P = GEN_DEF_P;
	o->P_test = 0;
	o->D = GEN_DEF_D;
	o->Lf = GEN_DEF_LF;
	o->seed = GEN_DEF_SEED;
}

void gen_destroy(gen_set *g)
{
	if (g == NULL)
		return;
	free(g->train);
	free(g->test);
	free(g->features);
	free(g->cidx);
	free(g->csign);
	free(g);
}

/* N equiprobable +-1 spins, 64 per draw. */
static void draw_spins(plm_rng *r, int8_t *x, size_t N)
{
	uint64_t bits = 0;
	for (size_t i = 0; i < N; i++) {
		if (i % 64 == 0)
			bits = rng_next(r);
		x[i] = (bits & 1) ? 1 : -1;
		bits >>= 1;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* One features-model pattern: Lf distinct features (Floyd's sampling), signs +-1, then
 * x_i = sign(sum_k c_k f_ki); a zero sum (even Lf only) gets a +-1 drawn from the same stream.
 * Returns the number of such ties. */
static uint64_t draw_features_pattern(plm_rng *r, const gen_set *g, int8_t *x, uint32_t *idx,
                                      int8_t *sgn)
{
	size_t D = g->o.D, Lf = g->o.Lf, N = g->o.N;
	size_t m = 0;
	for (size_t j = D - Lf; j < D; j++) {
		uint32_t t = (uint32_t)rng_below(r, (uint64_t)j + 1);
		for (size_t k = 0; k < m; k++)
			if (idx[k] == t) {
				t = (uint32_t)j;
				break;
			}
		idx[m++] = t;
	}
	qsort(idx, Lf, sizeof *idx, cmp_u32);
	for (size_t k = 0; k < Lf; k++)
		sgn[k] = (rng_next(r) >> 63) ? 1 : -1;
	uint64_t ties = 0;
	for (size_t i = 0; i < N; i++) {
		long sum = 0;
		for (size_t k = 0; k < Lf; k++)
			sum += sgn[k] * g->features[(size_t)idx[k] * N + i];
		if (sum == 0) {
			ties++;
			x[i] = (rng_next(r) >> 63) ? 1 : -1;
		} else {
			x[i] = sum > 0 ? 1 : -1;
		}
	}
	return ties;
}

int gen_run(const gen_opts *o, gen_set **out, plm_err *err)
{
	*out = NULL;
	if (o->N == 0)
		return plm_fail(err, PLM_EINVAL, "the number of spins N must be at least 1");
	if (o->P == 0)
		return plm_fail(err, PLM_EINVAL, "the number of patterns P must be at least 1");
	if (o->kind == GEN_FEATURES) {
		if (o->D == 0 || o->D > UINT32_MAX)
			return plm_fail(err, PLM_EINVAL, "the number of features D must be in [1, %lu]",
			                (unsigned long)UINT32_MAX);
		if (o->Lf == 0 || o->Lf > o->D)
			return plm_fail(err, PLM_EINVAL,
			                "Lf (non-zero coefficients per pattern) must be in [1, D = %zu], not %zu",
			                o->D, o->Lf);
	}
	size_t ntr, nte, nfe, ncoef, ntot = o->P + o->P_test;
	if (ntot < o->P || size_mul(o->P, o->N, &ntr) || size_mul(o->P_test, o->N, &nte) ||
	    size_mul(o->D, o->N, &nfe) || size_mul(ntot, o->Lf, &ncoef))
		return plm_fail(err, PLM_ERANGE, "data set too large (N = %zu, P = %zu, test = %zu)",
		                o->N, o->P, o->P_test);

	gen_set *g = plm_calloc(1, sizeof *g, "data set", err);
	if (g == NULL)
		return PLM_ENOMEM;
	g->o = *o;
	if ((g->train = plm_calloc(ntr, 1, "training patterns", err)) == NULL)
		goto nomem;
	if (o->P_test > 0 && (g->test = plm_calloc(nte, 1, "test patterns", err)) == NULL)
		goto nomem;
	if (o->kind == GEN_FEATURES) {
		if ((g->features = plm_calloc(nfe, 1, "features", err)) == NULL ||
		    (g->cidx = plm_calloc(ncoef, sizeof *g->cidx, "coefficients", err)) == NULL ||
		    (g->csign = plm_calloc(ncoef, 1, "coefficients", err)) == NULL)
			goto nomem;
	}

	plm_rng r;
	if (o->kind == GEN_RANDOM) {
		for (size_t mu = 0; mu < o->P; mu++) {
			rng_seed(&r, o->seed, GEN_STREAM_TRAIN + mu);
			draw_spins(&r, g->train + mu * o->N, o->N);
		}
		for (size_t t = 0; t < o->P_test; t++) {
			rng_seed(&r, o->seed, GEN_STREAM_TEST + t);
			draw_spins(&r, g->test + t * o->N, o->N);
		}
	} else {
		for (size_t k = 0; k < o->D; k++) {
			rng_seed(&r, o->seed, GEN_STREAM_FEATURE + k);
			draw_spins(&r, g->features + k * o->N, o->N);
		}
		for (size_t mu = 0; mu < ntot; mu++) {
			int is_test = mu >= o->P;
			size_t row = is_test ? mu - o->P : mu;
			rng_seed(&r, o->seed, (is_test ? GEN_STREAM_TEST : GEN_STREAM_TRAIN) + row);
			int8_t *x = (is_test ? g->test : g->train) + row * o->N;
			g->nties += draw_features_pattern(&r, g, x, g->cidx + mu * o->Lf, g->csign + mu * o->Lf);
		}
	}
	*out = g;
	return PLM_OK;
nomem:
	gen_destroy(g);
	return PLM_ENOMEM;
}

int gen_write_spins(FILE *fp, const int8_t *x, size_t n, size_t N, gen_format fmt,
                    const char *prefix, plm_err *err)
{
	char *line = plm_calloc(3 * N + 2, 1, "output line", err); /* "+1 " per spin */
	if (line == NULL)
		return PLM_ENOMEM;
	for (size_t s = 0; s < n; s++) {
		const int8_t *xs = x + s * N;
		size_t k = 0;
		if (fmt == GEN_FORMAT_NUMBERS) {
			for (size_t i = 0; i < N; i++) {
				line[k++] = xs[i] > 0 ? '+' : '-';
				line[k++] = '1';
				if (i + 1 < N)
					line[k++] = ' ';
			}
		} else {
			for (size_t i = 0; i < N; i++)
				line[k++] = xs[i] > 0 ? '1' : '0';
		}
		line[k++] = '\n';
		if (fmt == GEN_FORMAT_FASTA)
			fprintf(fp, ">%s%zu\n", prefix, s + 1);
		fwrite(line, 1, k, fp);
		if (ferror(fp))
			break;
	}
	free(line);
	if (ferror(fp))
		return plm_fail(err, PLM_EIO, "write error");
	return PLM_OK;
}

int gen_write_coefficients(FILE *fp, const gen_set *g, plm_err *err)
{
	if (g->o.kind != GEN_FEATURES || g->cidx == NULL)
		return plm_fail(err, PLM_EINVAL, "only the features model has coefficients");
	size_t Lf = g->o.Lf;
	fprintf(fp, "set\tpattern\tfeature\tcoef\n");
	for (size_t mu = 0; mu < g->o.P + g->o.P_test && !ferror(fp); mu++) {
		int is_test = mu >= g->o.P;
		size_t row = is_test ? mu - g->o.P : mu;
		for (size_t k = 0; k < Lf; k++)
			fprintf(fp, "%s\t%zu\t%lu\t%+d\n", is_test ? "test" : "train", row + 1,
			        (unsigned long)g->cidx[mu * Lf + k] + 1, (int)g->csign[mu * Lf + k]);
	}
	if (ferror(fp))
		return plm_fail(err, PLM_EIO, "write error");
	return PLM_OK;
}

int gen_kind_parse(const char *s, gen_kind *k)
{
	if (strcmp(s, "random") == 0)
		*k = GEN_RANDOM;
	else if (strcmp(s, "features") == 0)
		*k = GEN_FEATURES;
	else
		return -1;
	return 0;
}

const char *const gen_format_names[] = { "lines", "fasta", "numbers", NULL };

int gen_format_parse(const char *s, gen_format *f)
{
	if (strcmp(s, "lines") == 0)
		*f = GEN_FORMAT_LINES;
	else if (strcmp(s, "fasta") == 0)
		*f = GEN_FORMAT_FASTA;
	else if (strcmp(s, "numbers") == 0)
		*f = GEN_FORMAT_NUMBERS;
	else
		return -1;
	return 0;
}
