/* sample: heat-bath chains on the dynamics' local fields (dyn_work_set / dyn_work_flip),
 * one rng stream per chain, per-thread workspaces; and the frequency statistics that compare
 * samples with an alignment; the run of `plmem sample` writing samples and statistics rows to
 * open streams, and its plot script.  No printing to the terminal, no files opened. */
#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "rng.h"
#include "util.h"
#include "weights.h"

void sample_opts_default(sample_opts *o)
{
	dyn_opts d;
	dyn_opts_default(&d);
	o->beta = SAMPLE_DEFAULT_BETA;
	o->update = d.update;
	o->order = d.order;
	o->seed = SAMPLE_DEFAULT_SEED;
}

struct sample_chains {
	const dyn_model *d;
	sample_opts o;
	size_t n, L, q, sweeps;
	uint8_t *a;          /* n x L states */
	double *energy;      /* n */
	plm_rng *rng;        /* n streams */
	int nt;              /* per-thread workspaces */
	dyn_work **ws;
	double **p;          /* q probabilities */
	uint8_t **next;      /* L new states (parallel updates) */
};

void sample_chains_destroy(sample_chains *s)
{
	if (s == NULL)
		return;
	for (int t = 0; t < s->nt; t++) {
		if (s->ws)
			dyn_work_destroy(s->ws[t]);
		if (s->p)
			free(s->p[t]);
		if (s->next)
			free(s->next[t]);
	}
	free(s->ws);
	free(s->p);
	free(s->next);
	free(s->a);
	free(s->energy);
	free(s->rng);
	free(s);
}

int sample_chains_create(const dyn_model *d, const sample_opts *o, size_t n, const uint8_t *starts,
                         size_t nstarts, sample_chains **out, plm_err *err)
{
	*out = NULL;
	if (!(o->beta > 0.0))
		return plm_fail(err, PLM_EINVAL, "the inverse temperature must be > 0 (got %g)", o->beta);
	if (n == 0)
		return plm_fail(err, PLM_EINVAL, "no chains");
	if (starts != NULL && nstarts == 0)
		return plm_fail(err, PLM_EINVAL, "no start sequences");
	sample_chains *s = calloc(1, sizeof *s);
	if (s == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	s->d = d;
	s->o = *o;
	s->n = n;
	s->L = d->L;
	s->q = d->q;
	int nt = 1;
#ifdef _OPENMP
	nt = omp_get_max_threads();
#endif
	if ((size_t)nt > n)
		nt = (int)n;
	s->nt = nt;
	s->a = plm_calloc(n, d->L, "chain states", err);
	s->energy = plm_calloc(n, sizeof(double), "chain energies", err);
	s->rng = plm_calloc(n, sizeof(plm_rng), "chain random streams", err);
	s->ws = calloc((size_t)nt, sizeof *s->ws);
	s->p = calloc((size_t)nt, sizeof *s->p);
	s->next = calloc((size_t)nt, sizeof *s->next);
	if (!s->a || !s->energy || !s->rng || !s->ws || !s->p || !s->next) {
		sample_chains_destroy(s);
		return plm_fail(err, PLM_ENOMEM, "out of memory for %zu chains", n);
	}
	for (int t = 0; t < nt; t++) {
		int rc = dyn_work_create(d, &s->ws[t], err);
		if (rc != PLM_OK) {
			sample_chains_destroy(s);
			return rc;
		}
		s->p[t] = plm_calloc(d->q, sizeof(double), "state probabilities", err);
		s->next[t] = plm_calloc(d->L, 1, "parallel update", err);
		if (s->p[t] == NULL || s->next[t] == NULL) {
			sample_chains_destroy(s);
			return PLM_ENOMEM;
		}
	}
	for (size_t c = 0; c < n; c++) {
		uint8_t *a = s->a + c * d->L;
		rng_seed(&s->rng[c], o->seed, (uint64_t)c);
		if (starts != NULL)
			memcpy(a, starts + (c % nstarts) * d->L, d->L);
		else
			for (size_t i = 0; i < d->L; i++)
				a[i] = (uint8_t)rng_below(&s->rng[c], (uint64_t)d->q);
	}
	/* the energies of the starts */
	#pragma omp parallel num_threads(nt)
	{
		int tid = 0;
#ifdef _OPENMP
		tid = omp_get_thread_num();
#endif
		#pragma omp for schedule(dynamic, 1)
		for (size_t c = 0; c < n; c++) {
			dyn_work_set(d, s->ws[tid], s->a + c * d->L);
			s->energy[c] = dyn_work_energy(d, s->ws[tid]);
		}
	}
	*out = s;
	return PLM_OK;
}

/* A state drawn from P(a) ~ exp(beta (f_a - max f)); P is q scratch doubles. */
static uint8_t heat_bath(const double *f, size_t q, double beta, plm_rng *rng, double *p)
{
	double m = f[0];
	size_t best = 0;
	for (size_t a = 1; a < q; a++)
		if (f[a] > m) {
			m = f[a];
			best = a;
		}
	double z = 0.0;
	for (size_t a = 0; a < q; a++) {
		p[a] = exp(beta * (f[a] - m));
		z += p[a];
	}
	double u = rng_uniform(rng) * z;
	for (size_t a = 0; a < q; a++) {
		u -= p[a];
		if (u < 0.0)
			return (uint8_t)a;
	}
	return (uint8_t)best; /* u within rounding of z */
}

static void sweep(const sample_chains *s, dyn_work *w, plm_rng *rng, double *p, uint8_t *next)
{
	const dyn_model *d = s->d;
	size_t L = s->L, q = s->q;
	double beta = s->o.beta;
	if (isinf(beta)) {
		dyn_opts dopt = { .update = s->o.update, .order = s->o.order, .max_sweeps = 1 };
		dyn_sweep(d, &dopt, w, rng);
		return;
	}
	const double *f = dyn_work_fields(w);
	if (s->o.update == DYN_UPDATE_PARALLEL) {
		for (size_t i = 0; i < L; i++)
			next[i] = heat_bath(f + i * q, q, beta, rng, p);
		for (size_t i = 0; i < L; i++)
			dyn_work_flip(d, w, i, next[i]);
		return;
	}
	const size_t *order = dyn_sweep_order(w, s->o.order, rng);
	for (size_t k = 0; k < L; k++) {
		size_t i = order[k];
		dyn_work_flip(d, w, i, heat_bath(f + i * q, q, beta, rng, p));
	}
}

int sample_chains_run(sample_chains *s, size_t sweeps, plm_err *err)
{
	(void)err;
	if (sweeps == 0)
		return PLM_OK;
	#pragma omp parallel num_threads(s->nt)
	{
		int tid = 0;
#ifdef _OPENMP
		tid = omp_get_thread_num();
#endif
		dyn_work *w = s->ws[tid];
		/* the fields are computed from scratch at every call: a chain's numbers do not
		 * depend on which thread ran it before */
		#pragma omp for schedule(dynamic, 1)
		for (size_t c = 0; c < s->n; c++) {
			uint8_t *a = s->a + c * s->L;
			dyn_work_set(s->d, w, a);
			for (size_t t = 0; t < sweeps; t++)
				sweep(s, w, &s->rng[c], s->p[tid], s->next[tid]);
			memcpy(a, dyn_work_state(w), s->L);
			s->energy[c] = dyn_work_energy(s->d, w);
		}
	}
	s->sweeps += sweeps;
	return PLM_OK;
}

size_t sample_chains_count(const sample_chains *s)
{
	return s->n;
}

size_t sample_chains_sweeps(const sample_chains *s)
{
	return s->sweeps;
}

const uint8_t *sample_chains_states(const sample_chains *s)
{
	return s->a;
}

double sample_chains_energy(const sample_chains *s, size_t c)
{
	return s->energy[c];
}

/* ---- comparison with an alignment ------------------------------------------------------ */

struct sample_ref {
	size_t n, L, q, npair;
	double *f1;           /* L x q */
	double *f2;           /* npair x q x q, pairs i < j in row order */
	uint8_t *seqs;        /* n x L, for the overlaps */
};

static size_t pair_index(size_t i, size_t j, size_t L)
{
	/* pairs (0,1), (0,2) ... (0,L-1), (1,2) ...: i L - i (i + 1) / 2 + (j - i - 1) */
	return i * L - i * (i + 1) / 2 + (j - i - 1);
}

/* Weighted one- and two-site frequencies (weights normalised to sum 1). */
static void frequencies(const uint8_t *seqs, const double *w, size_t n, size_t L, size_t q,
                        double *f1, double *f2)
{
	double tot = 0.0;
	for (size_t s = 0; s < n; s++)
		tot += w ? w[s] : 1.0;
	double inv = tot > 0.0 ? 1.0 / tot : 0.0;
	size_t qq = q * q;
	memset(f1, 0, L * q * sizeof *f1);
	memset(f2, 0, (L * (L - 1) / 2) * qq * sizeof *f2);
	#pragma omp parallel for schedule(dynamic, 1)
	for (size_t i = 0; i < L; i++) {
		double *row = f2 + (i + 1 < L ? pair_index(i, i + 1, L) : 0) * qq;
		for (size_t s = 0; s < n; s++) {
			const uint8_t *x = seqs + s * L;
			double ws = (w ? w[s] : 1.0) * inv;
			f1[i * q + x[i]] += ws;
			size_t ai = (size_t)x[i] * q;
			for (size_t j = i + 1; j < L; j++)
				row[(j - i - 1) * qq + ai + x[j]] += ws;
		}
	}
}

void sample_ref_destroy(sample_ref *r)
{
	if (r == NULL)
		return;
	free(r->f1);
	free(r->f2);
	free(r->seqs);
	free(r);
}

int sample_ref_create(const uint8_t *seqs, const double *w, size_t n, size_t L, size_t q,
                      sample_ref **out, plm_err *err)
{
	*out = NULL;
	size_t npair = L * (L - 1) / 2, nf2, nseq;
	if (L < 2 || n == 0)
		return plm_fail(err, PLM_EINVAL, "the alignment needs a sequence and two positions");
	if (size_mul(npair, q * q, &nf2) != 0 || size_mul(n, L, &nseq) != 0)
		return plm_fail(err, PLM_ERANGE, "alignment too large for the pair statistics");
	sample_ref *r = calloc(1, sizeof *r);
	if (r == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	r->n = n;
	r->L = L;
	r->q = q;
	r->npair = npair;
	r->f1 = plm_calloc(L * q, sizeof(double), "one-site frequencies", err);
	r->f2 = plm_calloc(nf2, sizeof(double), "two-site frequencies", err);
	r->seqs = plm_calloc(nseq, 1, "alignment", err);
	if (!r->f1 || !r->f2 || !r->seqs) {
		sample_ref_destroy(r);
		return PLM_ENOMEM;
	}
	memcpy(r->seqs, seqs, nseq);
	frequencies(seqs, w, n, L, q, r->f1, r->f2);
	*out = r;
	return PLM_OK;
}

/* Running sums for a Pearson correlation. */
typedef struct pearson {
	double n, sx, sy, sxx, syy, sxy;
} pearson;

static void pearson_add(pearson *p, double x, double y)
{
	p->n += 1.0;
	p->sx += x;
	p->sy += y;
	p->sxx += x * x;
	p->syy += y * y;
	p->sxy += x * y;
}

static double pearson_r(const pearson *p)
{
	double vx = p->sxx - p->sx * p->sx / p->n, vy = p->syy - p->sy * p->sy / p->n;
	double cxy = p->sxy - p->sx * p->sy / p->n;
	if (!(vx > 0.0) || !(vy > 0.0))
		return NAN;
	return cxy / sqrt(vx * vy);
}

int sample_ref_compare(const sample_ref *r, const uint8_t *samples, size_t n, sample_stats *st,
                       plm_err *err)
{
	size_t L = r->L, q = r->q, qq = q * q;
	if (n == 0)
		return plm_fail(err, PLM_EINVAL, "no samples to compare");
	double *f1 = plm_calloc(L * q, sizeof(double), "sample frequencies", err);
	double *f2 = f1 ? plm_calloc(r->npair * qq, sizeof(double), "sample pair frequencies", err) : NULL;
	double *best = f2 ? plm_calloc(n, sizeof(double), "overlaps", err) : NULL;
	if (best == NULL) {
		free(f1);
		free(f2);
		return PLM_ENOMEM;
	}
	frequencies(samples, NULL, n, L, q, f1, f2);
	pearson p1 = { 0 }, pc = { 0 }, p2 = { 0 };
	for (size_t k = 0; k < L * q; k++)
		pearson_add(&p1, r->f1[k], f1[k]);
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++) {
			size_t base = pair_index(i, j, L) * qq;
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++) {
					double x = r->f2[base + a * q + b], y = f2[base + a * q + b];
					pearson_add(&p2, x, y);
					pearson_add(&pc, x - r->f1[i * q + a] * r->f1[j * q + b],
					            y - f1[i * q + a] * f1[j * q + b]);
				}
		}
	st->r_f1 = pearson_r(&p1);
	st->r_f2 = pearson_r(&p2);
	st->r_c2 = pearson_r(&pc);
	/* nearest alignment sequence of each sample */
	#pragma omp parallel for schedule(dynamic, 1)
	for (size_t s = 0; s < n; s++) {
		const uint8_t *x = samples + s * L;
		size_t most = 0;
		for (size_t t = 0; t < r->n && most < L; t++) {
			const uint8_t *y = r->seqs + t * L;
			size_t same = 0;
			for (size_t i = 0; i < L; i++)
				same += x[i] == y[i];
			if (same > most)
				most = same;
		}
		best[s] = (double)most / (double)L;
	}
	double sum = 0.0, lo = 1.0, hi = 0.0;
	for (size_t s = 0; s < n; s++) {
		sum += best[s];
		lo = best[s] < lo ? best[s] : lo;
		hi = best[s] > hi ? best[s] : hi;
	}
	st->overlap = sum / (double)n;
	st->overlap_min = lo;
	st->overlap_max = hi;
	free(f1);
	free(f2);
	free(best);
	return PLM_OK;
}

const char sample_stats_header[] =
	"sweep\tsamples\tr_f1\tr_f2\tr_c2\toverlap\toverlap_min\toverlap_max\tpooled\n";

void sample_write_stats(FILE *fp, size_t sweep, int pooled, size_t n, const sample_stats *st)
{
	if (pooled)
		fputs("NA", fp);
	else
		fprintf(fp, "%zu", sweep);
	fprintf(fp, "\t%zu\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%d\n", n, st->r_f1, st->r_f2, st->r_c2,
	        st->overlap, st->overlap_min, st->overlap_max, pooled != 0);
}

int sample_write_gnuplot(FILE *fp, const char *tsv_path, const char *png_path)
{
	fprintf(fp, "# plmem sample: frequency correlations and overlap against sweeps\n"
	        "set terminal png size 800,500\nset output '%s'\nset datafile separator '\\t'\n"
	        "set key autotitle columnhead bottom right\nset xlabel 'sweep'\nset yrange [0:1]\n"
	        "plot '%s' every ::0 using 1:3 with linespoints, '' using 1:4 with linespoints, "
	        "'' using 1:5 with linespoints, '' using 1:6 with linespoints\n", png_path, tsv_path);
	return ferror(fp) ? PLM_EIO : PLM_OK;
}

/* The states of every chain, in ABC's letters. */
static int write_states(FILE *fp, const plm_alphabet *abc, const sample_chains *ch, int lines)
{
	size_t L = ch->L, n = ch->n, t = ch->sweeps;
	for (size_t c = 0; c < n; c++) {
		if (!lines)
			fprintf(fp, ">chain%zu_sweep%zu chain=%zu sweep=%zu energy=%.6f\n", c + 1, t, c + 1, t,
			        sample_chains_energy(ch, c));
		for (size_t i = 0; i < L; i++)
			fputc(alphabet_letter(abc, ch->a[c * L + i]), fp);
		fputc('\n', fp);
	}
	return ferror(fp) ? PLM_EIO : PLM_OK;
}

static int compare(const sample_run_opts *o, const uint8_t *a, size_t n, size_t sweep, int pooled,
                   plm_err *err)
{
	sample_stats st;
	int rc = sample_ref_compare(o->ref, a, n, &st, err);
	if (rc == PLM_OK && o->stats != NULL)
		o->stats(o->stats_ctx, sweep, pooled, n, &st);
	return rc;
}

int sample_run(sample_chains *ch, const plm_alphabet *abc, const sample_run_opts *o, FILE *out,
               double *run_s, plm_err *err)
{
	size_t n = ch->n, L = ch->L, every = o->every;
	/* the samples kept for the pooled statistics */
	size_t nrec = o->sweeps > o->burn_in ? o->sweeps / every - o->burn_in / every : 0, npool = 0;
	uint8_t *pool = NULL;
	if (o->ref != NULL && nrec > 0 && n <= o->pool_bytes / L / nrec)
		pool = plm_calloc(n * nrec, L, "pooled samples", err);
	int rc = o->ref != NULL ? compare(o, ch->a, n, 0, 0, err) : PLM_OK;
	*run_s = 0.0;
	while (rc == PLM_OK && ch->sweeps + every <= o->sweeps) {
		double t1 = plm_now();
		if ((rc = sample_chains_run(ch, every, err)) != PLM_OK)
			break;
		*run_s += plm_now() - t1;
		if (o->ref != NULL && (rc = compare(o, ch->a, n, ch->sweeps, 0, err)) != PLM_OK)
			break;
		if (ch->sweeps <= o->burn_in)
			continue;
		if ((rc = write_states(out, abc, ch, o->lines)) != PLM_OK) {
			plm_fail(err, rc, "write error");
			break;
		}
		if (pool != NULL && npool < n * nrec) {
			memcpy(pool + npool * L, ch->a, n * L);
			npool += n;
		}
	}
	if (rc == PLM_OK && pool != NULL && npool > 0)
		rc = compare(o, pool, npool, 0, 1, err);
	free(pool);
	return rc;
}

int sample_ref_weighted(const msa *s, const uint8_t *seqs, double theta, size_t L, size_t q,
                        sample_ref **out, plm_err *err)
{
	*out = NULL;
	double *w = plm_calloc(s->n ? s->n : 1, sizeof *w, "weights", err);
	if (w == NULL)
		return PLM_ENOMEM;
	int rc = weights_compute(s, theta, w, err);
	if (rc == PLM_OK)
		rc = sample_ref_create(seqs, w, s->n, L, q, out, err);
	free(w);
	return rc;
}
