/* sweep: the training-size sweep in memory (draw, fit, relax from three kinds of starts with
 * two kinds of couplings), its rows, their TSV, the summary over repetitions and the plot
 * script.  No terminal output and no programs run from here (see cmd_sweep.c). */
#include "config.h"
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "rng.h"
#include "split.h"
#include "util.h"
#include "weights.h"

const char *const sweep_kind_names[SWEEP_NKINDS + 1] = { "train", "test", "random", NULL };
const char *const sweep_coup_names[SWEEP_NCOUPS + 1] = { "asymmetric", "symmetrized", NULL };
const char *const sweep_cycle_end_names[] = { "detected", "max-sweeps", NULL };

const char *sweep_kind_name(int kind)
{
	return kind >= 0 && kind < SWEEP_NKINDS ? sweep_kind_names[kind] : "?";
}

const char *sweep_coup_name(int coup)
{
	return coup >= 0 && coup < SWEEP_NCOUPS ? sweep_coup_names[coup] : "?";
}

static int name_parse(const char *const *names, int n, const char *s, size_t len)
{
	for (int k = 0; k < n; k++)
		if (strlen(names[k]) == len && strncmp(names[k], s, len) == 0)
			return k;
	return -1;
}

int sweep_kind_parse(const char *s, size_t len)
{
	return name_parse(sweep_kind_names, SWEEP_NKINDS, s, len);
}

int sweep_coup_parse(const char *s, size_t len)
{
	int c = name_parse(sweep_coup_names, SWEEP_NCOUPS, s, len);
	if (c < 0 && len == 4 && strncmp(s, "asym", 4) == 0)
		c = SWEEP_ASYM;
	if (c < 0 && len == 3 && strncmp(s, "sym", 3) == 0)
		c = SWEEP_SYM;
	return c;
}

void sweep_opts_default(sweep_opts *o)
{
	memset(o, 0, sizeof *o);
	o->first_rep = 1;
	o->reps = SWEEP_DEFAULT_REPS;
	o->starts = SWEEP_DEFAULT_STARTS;
	o->kinds = (1u << SWEEP_NKINDS) - 1;
	o->coups = (1u << SWEEP_NCOUPS) - 1;
	o->seed = SWEEP_DEFAULT_SEED;
	o->train_weights = SWEEP_W_RECOMPUTE;
	o->theta = WEIGHTS_DEFAULT_THETA;
	o->force = SIZE_MAX;
	fit_opts_default(&o->fit);
	dyn_opts_default(&o->dyn);
}

void sweep_table_free(sweep_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof *t);
}

const sweep_row *sweep_table_find(const sweep_table *t, size_t P, size_t rep, int kind, int coup)
{
	for (size_t k = t->n; k-- > 0;) {
		const sweep_row *r = &t->rows[k];
		if (r->P == P && r->rep == rep && r->kind == kind && r->coup == coup)
			return r;
	}
	return NULL;
}

static int table_push(sweep_table *t, const sweep_row *r, plm_err *err)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		sweep_row *nr = realloc(t->rows, cap * sizeof *nr);
		if (nr == NULL)
			return plm_fail(err, PLM_ENOMEM, "out of memory (sweep rows)");
		t->rows = nr;
		t->cap = cap;
	}
	t->rows[t->n++] = *r;
	return PLM_OK;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

int sweep_log_sizes(size_t pmax, size_t npoints, size_t **out, size_t *n, plm_err *err)
{
	*out = NULL;
	*n = 0;
	if (pmax < 1 || npoints < 1)
		return plm_fail(err, PLM_EINVAL, "no training sizes (largest %zu, %zu points)", pmax, npoints);
	size_t *s = plm_calloc(npoints, sizeof *s, "training sizes", err);
	if (s == NULL)
		return PLM_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < npoints; i++) {
		double x = npoints == 1 ? (double)pmax : exp(log((double)pmax) * (double)i / (double)(npoints - 1));
		size_t p = (size_t)floor(x + 0.5);
		if (p < 1)
			p = 1;
		if (p > pmax)
			p = pmax;
		if (k == 0 || s[k - 1] != p)
			s[k++] = p;
	}
	qsort(s, k, sizeof *s, size_cmp);
	*out = s;
	*n = k;
	return PLM_OK;
}

void sweep_natural_overlap(const msa *m, const double *w, double *unweighted, double *weighted)
{
	size_t n = m->n, L = m->L, q = m->abc.q;
	double su = 0.0, sw = 0.0, W = 0.0, W2 = 0.0;
	if (w != NULL)
		for (size_t s = 0; s < n; s++) {
			W += w[s];
			W2 += w[s] * w[s];
		}
	double *cw = malloc(q * sizeof *cw);
	size_t *cu = malloc(q * sizeof *cu);
	if (cw == NULL || cu == NULL || n < 2 || L == 0) {
		*unweighted = NAN;
		if (weighted)
			*weighted = NAN;
		free(cw);
		free(cu);
		return;
	}
	/* pairs s != t identical at i: sum_a c_i(a) (c_i(a) - 1) ordered pairs (unweighted);
	 * sum_a C_i(a)^2 - sum_s w_s^2 with C_i(a) the weight of state a (weighted) */
	for (size_t i = 0; i < L; i++) {
		memset(cw, 0, q * sizeof *cw);
		memset(cu, 0, q * sizeof *cu);
		for (size_t s = 0; s < n; s++) {
			uint8_t a = m->seq[s * L + i];
			cu[a]++;
			if (w != NULL)
				cw[a] += w[s];
		}
		for (size_t a = 0; a < q; a++) {
			su += (double)cu[a] * (double)(cu[a] - (cu[a] > 0));
			sw += cw[a] * cw[a];
		}
	}
	*unweighted = su / ((double)L * (double)n * (double)(n - 1));
	if (weighted != NULL)
		*weighted = w != NULL && W * W > W2 ? (sw - (double)L * W2) / ((double)L * (W * W - W2)) : NAN;
	free(cw);
	free(cu);
}

/* ---- one point ----------------------------------------------------------- */

/* The starts of one kind: NDRAW draws, each an index into the NRUN distinct start states
 * (RUNS, nrun x L). */
typedef struct start_set {
	size_t ndraw, nrun;
	size_t *draw;    /* ndraw: which run each draw is */
	uint8_t *runs;   /* nrun x L */
} start_set;

static void start_set_free(start_set *s)
{
	free(s->draw);
	free(s->runs);
	memset(s, 0, sizeof *s);
}

/* Rng stream ids of the sweep's own draws, apart from split_draw's (item indices < 2^40). */
#define SWEEP_STREAM(kind, P) ((UINT64_C(1) << 62) | ((uint64_t)(kind) << 48) | (uint64_t)(P))

/* S draws uniformly with repetition from POOL (npool x L states), or S uniform random
 * sequences when POOL is NULL.  With DEDUP (deterministic dynamics), identical pool rows
 * drawn several times are run once. */
static int make_starts(const uint8_t *pool, size_t npool, size_t L, size_t q, size_t S, int dedup,
                       uint64_t seed, uint64_t stream, start_set *st, plm_err *err)
{
	memset(st, 0, sizeof *st);
	if (pool != NULL && npool == 0)
		return PLM_OK; /* an empty test set: no draws */
	st->ndraw = S;
	st->draw = plm_calloc(S ? S : 1, sizeof *st->draw, "start draws", err);
	size_t *slot = NULL;
	if (st->draw == NULL)
		return PLM_ENOMEM;
	plm_rng r;
	rng_seed(&r, seed, stream);
	if (pool == NULL) {
		st->runs = plm_calloc(S ? S : 1, L, "random starts", err);
		if (st->runs == NULL)
			goto fail;
		for (size_t k = 0; k < S; k++) {
			for (size_t i = 0; i < L; i++)
				st->runs[k * L + i] = (uint8_t)rng_below(&r, q);
			st->draw[k] = k;
		}
		st->nrun = S;
		return PLM_OK;
	}
	/* SLOT[j]: the run of pool row j, or SIZE_MAX; runs keep the order of first draw */
	slot = plm_calloc(npool, sizeof *slot, "start slots", err);
	st->runs = slot ? plm_calloc(S ? S : 1, L, "starts", err) : NULL;
	if (st->runs == NULL)
		goto fail;
	for (size_t j = 0; j < npool; j++)
		slot[j] = SIZE_MAX;
	for (size_t k = 0; k < S; k++) {
		size_t j = (size_t)rng_below(&r, npool);
		if (!dedup || slot[j] == SIZE_MAX) {
			memcpy(st->runs + st->nrun * L, pool + j * L, L);
			slot[j] = st->nrun++;
		}
		st->draw[k] = dedup ? slot[j] : st->nrun - 1;
	}
	free(slot);
	return PLM_OK;
fail:
	free(slot);
	start_set_free(st);
	return PLM_ENOMEM;
}

/* Whether runs caught in a cycle are followed to max_sweeps (deterministic dynamics only:
 * sweep_run refuses --cycle-end max-sweeps with a random site order). */
static int follow_cycles_of(const sweep_opts *o)
{
	return o->cycle_end == SWEEP_CYCLE_MAX_SWEEPS &&
	       (o->dyn.update == DYN_UPDATE_PARALLEL || o->dyn.order == DYN_ORDER_ASCENDING);
}

/* Follow the N runs of ENDS that ended in a cycle (RES) to exactly DYN's max_sweeps sweeps: a
 * run caught at sweep t in a cycle of length c is at sweep max_sweeps in the state
 * k = (max_sweeps - t) mod c sweeps further on, and k < c sweeps from a state of a cycle can
 * neither reach a fixed point nor close the cycle, so a run of at most k sweeps lands there.
 * The runs of one k go as one batch.  Deterministic dynamics only (the caller checks). */
static int follow_cycles(const dyn_model *d, const dyn_opts *dyn, uint8_t *ends, const dyn_result *res,
                         size_t n, size_t L, plm_err *err)
{
	size_t *more = plm_calloc(n ? n : 1, sizeof *more, "cycle steps", err);
	uint8_t *buf = more ? plm_calloc(n ? n : 1, 3 * L, "cycle states", err) : NULL;
	dyn_result *r2 = buf ? plm_calloc(n ? n : 1, sizeof *r2, "cycle results", err) : NULL;
	int rc = r2 ? PLM_OK : PLM_ENOMEM;
	for (size_t k = 0; k < n && rc == PLM_OK; k++)
		more[k] = res[k].status == DYN_CYCLE && res[k].cycle > 0 && res[k].sweeps <= dyn->max_sweeps
		                  ? (dyn->max_sweeps - res[k].sweeps) % res[k].cycle
		                  : 0;
	for (size_t done = 0; rc == PLM_OK;) {
		size_t step = 0, m = 0;
		for (size_t k = 0; k < n; k++) /* the smallest step not done yet */
			if (more[k] > done && (step == 0 || more[k] < step))
				step = more[k];
		if (step == 0)
			break;
		for (size_t k = 0; k < n; k++)
			if (more[k] == step)
				memcpy(buf + m++ * L, ends + k * L, L);
		dyn_opts o2 = *dyn;
		o2.max_sweeps = step;
		dyn_batch b = { .n = m, .repeats = 1, .starts = buf, .noisy = buf + m * L, .ends = buf + 2 * m * L,
		                .res = r2 };
		if ((rc = dyn_run_batch(d, &o2, &b, err)) != PLM_OK)
			break;
		const uint8_t *moved = buf + 2 * m * L;
		for (size_t k = 0, j = 0; k < n; k++)
			if (more[k] == step)
				memcpy(ends + k * L, moved + j++ * L, L);
		done = step;
	}
	free(r2);
	free(buf);
	free(more);
	return rc;
}

/* Run the dynamics from every start of ST and reduce them to ROW's statistics; with FOLLOW,
 * runs ending in a cycle are followed to the max_sweeps-th sweep (follow_cycles). */
static int relax_starts(const dyn_model *d, const sweep_opts *o, const start_set *st, size_t L,
                        uint64_t seed, sweep_row *row, plm_err *err)
{
	const dyn_opts *dyn = &o->dyn;
	int follow = follow_cycles_of(o);
	row->starts = st->ndraw;
	row->runs = st->nrun;
	row->overlap = row->overlap_sd = row->fixed_start = row->fixed_end = NAN;
	row->cycle = row->max_sweeps = row->sweeps = NAN;
	if (st->ndraw == 0)
		return PLM_OK;
	uint8_t *noisy = plm_calloc(st->nrun, L, "noisy starts", err);
	uint8_t *ends = noisy ? plm_calloc(st->nrun, L, "end states", err) : NULL;
	dyn_result *res = ends ? plm_calloc(st->nrun, sizeof *res, "results", err) : NULL;
	double *ov = res ? plm_calloc(st->nrun, sizeof *ov, "overlaps", err) : NULL;
	int rc = PLM_ENOMEM;
	if (ov == NULL)
		goto done;
	dyn_batch b = { .n = st->nrun, .repeats = 1, .first_index = 0, .first_repeat = 0, .noise = 0.0,
	                .seed = seed, .starts = st->runs, .noisy = noisy, .ends = ends, .res = res };
	if ((rc = dyn_run_batch(d, dyn, &b, err)) != PLM_OK)
		goto done;
	if (follow && (rc = follow_cycles(d, dyn, ends, res, st->nrun, L, err)) != PLM_OK)
		goto done;
	for (size_t k = 0; k < st->nrun; k++)
		ov[k] = dyn_overlap(ends + k * L, st->runs + k * L, L);
	for (size_t k = 0; o->example != NULL && k < o->examples && k < st->ndraw; k++) {
		size_t j = st->draw[k];
		if ((rc = o->example(o->example_ctx, row, k, st->runs + j * L, ends + j * L, err)) != PLM_OK)
			goto done;
	}
	double s1 = 0, s2 = 0, fs = 0, fe = 0, cy = 0, ms = 0, sw = 0;
	for (size_t k = 0; k < st->ndraw; k++) {
		size_t j = st->draw[k];
		s1 += ov[j];
		fs += res[j].status == DYN_FIXED && res[j].sweeps == 0;
		fe += res[j].status == DYN_FIXED;
		cy += res[j].status == DYN_CYCLE;
		ms += res[j].status == DYN_MAX_SWEEPS;
		sw += (double)res[j].sweeps;
	}
	double n = (double)st->ndraw, mean = s1 / n;
	for (size_t k = 0; k < st->ndraw; k++) {
		double dv = ov[st->draw[k]] - mean;
		s2 += dv * dv;
	}
	row->overlap = mean;
	row->overlap_sd = st->ndraw > 1 ? sqrt(s2 / (n - 1)) : 0.0;
	row->fixed_start = fs / n;
	row->fixed_end = fe / n;
	row->cycle = cy / n;
	row->max_sweeps = ms / n;
	row->sweeps = sw / n;
	rc = PLM_OK;
done:
	free(noisy);
	free(ends);
	free(res);
	free(ov);
	return rc;
}


/* The reference model's rows (P = 0, rep 1, couplings as given), appended to T: starts drawn
 * from all kept sequences (train), from the test set or all kept sequences (test), random. */
static int reference_point(const msa *m, const sweep_opts *o, sweep_table *t, plm_err *err)
{
	size_t L = m->L, q = m->abc.q;
	const plm_model *ref = o->reference;
	if (ref->L != L || ref->q != q)
		return plm_fail(err, PLM_EINVAL, "the reference model has L = %zu, q = %zu; the sequences L = %zu, q = %zu",
		                ref->L, ref->q, L, q);
	dyn_model *d = NULL;
	int rc = dyn_model_create(ref, 0, &d, err);
	int dedup = o->dyn.order == DYN_ORDER_ASCENDING;
	for (int k = 0; k < SWEEP_NKINDS && rc == PLM_OK; k++) {
		if (!(o->kinds & (1u << k)))
			continue;
		const uint8_t *pool = k == SWEEP_RANDOM ? NULL : k == SWEEP_TEST && o->test ? o->test : m->seq;
		size_t npool = k == SWEEP_RANDOM ? 0 : k == SWEEP_TEST && o->test ? o->ntest : m->n;
		start_set st;
		if ((rc = make_starts(pool, npool, L, q, o->starts, dedup, o->seed, SWEEP_STREAM(k, SWEEP_REFERENCE_P),
		                      &st, err)) != PLM_OK)
			break;
		sweep_row row = { .P = SWEEP_REFERENCE_P, .rep = 1, .kind = k, .coup = SWEEP_ASYM, .split_seed = o->seed,
		                  .meff = NAN, .lambda_j = NAN };
		plm_rng g;
		rng_seed(&g, o->seed, SWEEP_STREAM(SWEEP_NKINDS + 2 * k, SWEEP_REFERENCE_P));
		double t1 = plm_now();
		rc = relax_starts(d, o, &st, L, rng_next(&g), &row, err);
		row.relax_s = plm_now() - t1;
		start_set_free(&st);
		if (rc == PLM_OK)
			rc = table_push(t, &row, err);
	}
	dyn_model_destroy(d);
	return rc;
}

/* Point (P, rep): the rows of every selected kind and couplings, appended to T. */
static int sweep_point(const msa *m, const double *w, const size_t *order, size_t P, size_t rep,
                       const sweep_opts *o, sweep_table *t, plm_err *err)
{
	size_t L = m->L, q = m->abc.q;
	uint64_t split_seed = o->seed + rep - 1;
	msa *sub = NULL;
	double *wsub = NULL;
	plm_model *mod = NULL;
	dyn_model *d = NULL;
	uint8_t *rest = NULL;
	start_set st[SWEEP_NKINDS];
	memset(st, 0, sizeof st);
	int rc;
	if ((rc = split_subset(m, order, P, &sub, err)) != PLM_OK)
		goto done;
	wsub = plm_calloc(P, sizeof *wsub, "training weights", err);
	if (wsub == NULL) {
		rc = PLM_ENOMEM;
		goto done;
	}
	if (o->train_weights == SWEEP_W_GIVEN)
		for (size_t k = 0; k < P; k++)
			wsub[k] = w[order[k]];
	else if ((rc = weights_compute(sub, o->theta, wsub, err)) != PLM_OK)
		goto done;
	double t0 = plm_now();
	if ((rc = fit_model(sub, wsub, &o->fit, &mod, err)) != PLM_OK)
		goto done;
	double fit_s = plm_now() - t0;

	/* the pools: the training rows, the test rows (the rest of the draw order, or the
	 * explicit test set) */
	const uint8_t *test = o->test;
	size_t ntest = o->ntest;
	if (test == NULL) {
		ntest = m->n - P;
		rest = plm_calloc(ntest ? ntest : 1, L ? L : 1, "test sequences", err);
		if (rest == NULL) {
			rc = PLM_ENOMEM;
			goto done;
		}
		for (size_t k = 0; k < ntest; k++)
			memcpy(rest + k * L, m->seq + order[P + k] * L, L);
		test = rest;
	}
	int dedup = o->dyn.order == DYN_ORDER_ASCENDING;
	for (int k = 0; k < SWEEP_NKINDS; k++) {
		if (!(o->kinds & (1u << k)))
			continue;
		const uint8_t *pool = k == SWEEP_TRAIN ? sub->seq : k == SWEEP_TEST ? test : NULL;
		size_t npool = k == SWEEP_TRAIN ? P : k == SWEEP_TEST ? ntest : 0;
		if ((rc = make_starts(pool, npool, L, q, o->starts, dedup, split_seed, SWEEP_STREAM(k, P), &st[k],
		                      err)) != PLM_OK)
			goto done;
	}
	for (int c = 0; c < SWEEP_NCOUPS; c++) {
		if (!(o->coups & (1u << c)))
			continue;
		/* the last couplings take the model's J (rearranged in place), the others copy it */
		int last = (o->coups >> (c + 1)) == 0;
		if ((rc = last ? dyn_model_take(mod, c == SWEEP_SYM, &d, err)
		               : dyn_model_create(mod, c == SWEEP_SYM, &d, err)) != PLM_OK)
			goto done;
		for (int k = 0; k < SWEEP_NKINDS; k++) {
			if (!(o->kinds & (1u << k)))
				continue;
			sweep_row row = { .P = P, .rep = rep, .kind = k, .coup = c, .split_seed = split_seed,
			                  .meff = weights_meff(wsub, P), .lambda_j = mod->lambda_j, .fit_s = fit_s };
			double t1 = plm_now();
			plm_rng g;
			rng_seed(&g, split_seed, SWEEP_STREAM(SWEEP_NKINDS + 2 * k + c, P));
			if ((rc = relax_starts(d, o, &st[k], L, rng_next(&g), &row, err)) != PLM_OK)
				goto done;
			row.relax_s = plm_now() - t1;
			if ((rc = table_push(t, &row, err)) != PLM_OK)
				goto done;
		}
		dyn_model_destroy(d);
		d = NULL;
	}
	rc = PLM_OK;
done:
	for (int k = 0; k < SWEEP_NKINDS; k++)
		start_set_free(&st[k]);
	dyn_model_destroy(d);
	model_destroy(mod);
	msa_destroy(sub);
	free(wsub);
	free(rest);
	return rc;
}

static int point_done(const sweep_table *t, size_t P, size_t rep, const sweep_opts *o)
{
	for (int k = 0; k < SWEEP_NKINDS; k++)
		for (int c = 0; c < SWEEP_NCOUPS; c++)
			if ((o->kinds & (1u << k)) && (o->coups & (1u << c)) && sweep_table_find(t, P, rep, k, c) == NULL)
				return 0;
	return 1;
}

int sweep_run(const msa *m, const double *w, const sweep_opts *o, sweep_table *t, plm_err *err)
{
	size_t n = m->n;
	if (o->nsizes == 0 || o->reps == 0 || o->first_rep < 1 || o->first_rep > o->reps)
		return plm_fail(err, PLM_EINVAL, "nothing to run (%zu sizes, repetitions %zu to %zu)", o->nsizes,
		                o->first_rep, o->reps);
	if (o->kinds == 0 || o->coups == 0)
		return plm_fail(err, PLM_EINVAL, "no start kind or no couplings selected");
	for (size_t k = 0; k < o->nsizes; k++)
		if (o->sizes[k] < 1 || o->sizes[k] > n)
			return plm_fail(err, PLM_EINVAL, "training size %zu is not between 1 and the %zu sequences", o->sizes[k], n);
	if (o->cycle_end == SWEEP_CYCLE_MAX_SWEEPS && !follow_cycles_of(o))
		return plm_fail(err, PLM_EINVAL, "cycles can be followed to max-sweeps only with deterministic dynamics "
		                "(parallel updates, or sequential in ascending order)");
	size_t total = o->nsizes * (o->reps - o->first_rep + 1), done = 0;
	int rc = PLM_OK;
	if (o->reference != NULL && !point_done(t, SWEEP_REFERENCE_P, 1, &(sweep_opts){ .kinds = o->kinds, .coups = 1u })) {
		if ((rc = reference_point(m, o, t, err)) == PLM_OK && o->point != NULL)
			rc = o->point(o->point_ctx, t, 0, total, err);
		if (rc != PLM_OK)
			return rc;
	}
	size_t *order = plm_calloc(n ? n : 1, sizeof *order, "draw order", err);
	if (order == NULL)
		return PLM_ENOMEM;
	for (size_t rep = o->first_rep; rep <= o->reps && rc == PLM_OK; rep++) {
		/* one draw order per repetition: the training sets of its sizes are nested */
		int drawn = 0;
		for (size_t k = 0; k < o->nsizes && rc == PLM_OK; k++) {
			size_t P = o->sizes[k];
			if (!point_done(t, P, rep, o)) {
				size_t pmax = 0;
				for (size_t j = 0; j < o->nsizes; j++)
					pmax = o->sizes[j] > pmax ? o->sizes[j] : pmax;
				if (!drawn && (rc = split_draw(w, n, pmax, o->seed + rep - 1, o->force, order, NULL, err)) != PLM_OK)
					break;
				drawn = 1;
				rc = sweep_point(m, w, order, P, rep, o, t, err);
			}
			done++;
			if (rc == PLM_OK && o->point != NULL)
				rc = o->point(o->point_ctx, t, done, total, err);
		}
	}
	free(order);
	return rc;
}

size_t sweep_points_done(const sweep_table *t, const sweep_opts *o)
{
	size_t done = 0;
	for (size_t a = 0; a < o->nsizes; a++)
		for (size_t rep = o->first_rep; rep <= o->reps; rep++)
			done += (size_t)point_done(t, o->sizes[a], rep, o);
	return done;
}

void sweep_reps_range(const sweep_table *t, const sweep_opts *o, size_t *lo, size_t *hi)
{
	*lo = SIZE_MAX;
	*hi = 0;
	for (size_t a = 0; a < o->nsizes; a++) {
		size_t n = 0;
		for (size_t rep = o->first_rep; rep <= o->reps; rep++)
			n += (size_t)point_done(t, o->sizes[a], rep, o);
		*lo = n < *lo ? n : *lo;
		*hi = n > *hi ? n : *hi;
	}
	if (*lo == SIZE_MAX)
		*lo = 0;
}

double sweep_mean_overlap(const sweep_table *t, const sweep_opts *o, size_t P, int kind, int coup)
{
	double s = 0;
	size_t n = 0;
	for (size_t rep = o->first_rep; rep <= o->reps; rep++) {
		const sweep_row *r = sweep_table_find(t, P, rep, kind, coup);
		if (r != NULL && r->starts > 0) {
			s += r->overlap;
			n++;
		}
	}
	return n ? s / (double)n : NAN;
}

/* ---- sizes and settings ------------------------------------------------------ */

int sweep_parse_list(const char *s, int whole, double **out, size_t *n, plm_err *err)
{
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	double *v = plm_calloc(cap, sizeof *v, "list", err);
	if (v == NULL)
		return PLM_ENOMEM;
	size_t k = 0;
	for (const char *p = s;;) {
		char *end;
		errno = 0;
		double x = strtod(p, &end);
		if (end == p || errno || !(x > 0) || (*end != ',' && *end != '\0')) {
			free(v);
			return plm_fail(err, PLM_EINVAL, "expected positive numbers separated by commas, got '%s'", s);
		}
		if (whole && x != floor(x)) {
			free(v);
			return plm_fail(err, PLM_EINVAL, "%g is not a whole number (use --alphas for P / L)", x);
		}
		v[k++] = x;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*out = v;
	*n = k;
	return PLM_OK;
}

/* The explicit sizes (or alphas) of SO as sizes 1..N, sorted, duplicates removed. */
static int listed_sizes(const sweep_size_opts *so, size_t n, size_t L, size_t *sizes, size_t *nout,
                        plm_err *err)
{
	for (size_t k = 0; k < so->nlist; k++) {
		double x = so->alphas ? floor(so->list[k] * (double)L + 0.5) : so->list[k];
		if (x < 1)
			x = 1;
		if (x > (double)n)
			return plm_fail(err, PLM_EINVAL, "training size %.0f%s exceeds the %zu kept sequences", x,
			                so->alphas ? " (from --alphas)" : "", n);
		sizes[k] = (size_t)x;
	}
	qsort(sizes, so->nlist, sizeof *sizes, size_cmp);
	size_t m = 0;
	for (size_t k = 0; k < so->nlist; k++)
		if (m == 0 || sizes[m - 1] != sizes[k])
			sizes[m++] = sizes[k];
	*nout = m;
	return PLM_OK;
}

int sweep_sizes(const sweep_size_opts *so, size_t n, size_t L, double meff, size_t **out, size_t *nout,
                plm_err *err)
{
	*out = NULL;
	*nout = 0;
	/* keep a test set of at least a fifth of the sequences, unless one is given */
	size_t pmax_all = so->test_given ? n : n - (n + 4) / 5;
	if (pmax_all < 1)
		return plm_fail(err, PLM_EINVAL, "%zu kept sequence%s: too few for a training and a test set", n,
		                n == 1 ? "" : "s");
	if (so->list == NULL) {
		size_t pmax = so->max_size ? so->max_size : (size_t)floor(meff + 0.5);
		pmax = pmax > pmax_all ? pmax_all : pmax < 1 ? 1 : pmax;
		return sweep_log_sizes(pmax, so->npoints, out, nout, err);
	}
	size_t *sizes = plm_calloc(so->nlist ? so->nlist : 1, sizeof *sizes, "training sizes", err);
	if (sizes == NULL)
		return PLM_ENOMEM;
	int rc = listed_sizes(so, n, L, sizes, nout, err);
	if (rc != PLM_OK) {
		free(sizes);
		*nout = 0;
		return rc;
	}
	*out = sizes;
	return PLM_OK;
}

int sweep_settings_key(const sweep_opts *o, const msa *m, const msa_opts *read, const char *weights_file,
                       const char *test_path, const char *reference_path, char **out, plm_err *err)
{
	char lj[32], extra[96] = "";
	if (o->fit.lambda_j == FIT_LAMBDA_J_AUTO)
		snprintf(lj, sizeof lj, "auto");
	else
		snprintf(lj, sizeof lj, "%.17g", o->fit.lambda_j);
	if (o->fit.lbfgs_m != 0) /* a later setting: written when it is not the default (auto) */
		snprintf(extra, sizeof extra, " lbfgs-m=%zu", o->fit.lbfgs_m);
	if (o->fit.ftol != FIT_FTOL_AUTO)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " ftol=%.17g", o->fit.ftol);
	if (o->cycle_end != SWEEP_CYCLE_DETECTED) /* later settings, written when not the default */
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " cycle-end=%s",
		         sweep_cycle_end_names[o->cycle_end]);
	const char *refp = reference_path ? reference_path : "";
	const char *fmt = "format=%s alphabet=%s unknown=%s focus=%s max-gap-seq=%.17g max-gap-col=%.17g "
	                  "theta=%.17g weights=%s lambda-h=%.17g lambda-j=%s max-iter=%zu tol=%.17g "
	                  "no-fields=%d symmetric=%d starts=%zu seed=%llu kinds=%u couplings=%u test=%s "
	                  "update=%s order=%s max-sweeps=%zu%s%s%s";
#define SWEEP_KEY_ARGS                                                                                  \
	msa_format_name(m->format), m->abc.name, msa_unknown_name(read->unknown),                        \
	        read->focus ? read->focus : "-", read->max_gap_seq, read->max_gap_col, o->theta,          \
	        weights_file ? weights_file : "-", o->fit.lambda_h, lj, o->fit.max_iter, o->fit.tol,     \
	        o->fit.no_fields, o->fit.symmetric, o->starts, (unsigned long long)o->seed, o->kinds,     \
	        o->coups, test_path ? test_path : "-", dyn_update_names[o->dyn.update],                   \
	        dyn_order_names[o->dyn.order], o->dyn.max_sweeps, extra, *refp ? " reference=" : "", refp
	int len = snprintf(NULL, 0, fmt, SWEEP_KEY_ARGS);
	char *s = len < 0 ? NULL : plm_calloc((size_t)len + 1, 1, "settings", err);
	if (s == NULL)
		return len < 0 ? plm_fail(err, PLM_EINVAL, "settings cannot be written") : PLM_ENOMEM;
	snprintf(s, (size_t)len + 1, fmt, SWEEP_KEY_ARGS);
#undef SWEEP_KEY_ARGS
	*out = s;
	return PLM_OK;
}

/* The "settings: " line of the metadata file META into *OUT (malloc'd; NULL when absent). */
static int read_meta_settings(const char *meta, char **out, plm_err *err)
{
	*out = NULL;
	FILE *fp = meta ? fopen(meta, "r") : NULL;
	if (fp == NULL)
		return PLM_OK;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = PLM_OK;
	while (*out == NULL && (len = getline(&line, &cap, fp)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strncmp(line, "settings: ", 10) == 0 && (*out = plm_strdup(line + 10, err)) == NULL)
			rc = PLM_ENOMEM;
	}
	free(line);
	fclose(fp);
	return rc;
}

int sweep_resume(const char *path, const char *meta, const char *key, sweep_table *t, int *found, plm_err *err)
{
	*found = access(path, F_OK) == 0;
	if (!*found)
		return PLM_OK;
	char *old = NULL;
	int rc = sweep_read_rows(path, t, &old, err);
	if (rc == PLM_OK && old == NULL)
		rc = read_meta_settings(meta, &old, err);
	if (rc != PLM_OK) {
		size_t k = err ? strlen(err->msg) : 0;
		if (err)
			snprintf(err->msg + k, sizeof err->msg - k, " (remove it or choose another -o)");
		return rc;
	}
	if (old == NULL || strcmp(old, key) != 0)
		rc = plm_fail(err, PLM_EINVAL,
		              "%s was made with other settings; remove it or choose another -o to start anew\n"
		              "  it has:  %s\n  now:     %s", path, old ? old : "(none)", key);
	free(old);
	return rc;
}

/* ---- files --------------------------------------------------------------- */

static void put_num(FILE *fp, double x)
{
	if (isnan(x))
		fputs("\tNA", fp);
	else
		fprintf(fp, "\t%.6g", x);
}

static int row_cmp(const void *a, const void *b)
{
	const sweep_row *x = a, *y = b;
	if (x->P != y->P)
		return x->P < y->P ? -1 : 1;
	if (x->rep != y->rep)
		return x->rep < y->rep ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->coup < y->coup ? -1 : x->coup > y->coup;
}

#define ROW_COLUMNS "P\talpha\trep\tsplit_seed\tkind\tcouplings\tstarts\truns\toverlap\toverlap_sd\t" \
	"fixed_start\tfixed_end\tcycle\tmax_sweeps\tsweeps\tmeff_train\tlambda_j\tfit_s\trelax_s"

int sweep_write_meta(FILE *fp, const char *header)
{
	fprintf(fp, "%s\n", header);
	return ferror(fp) ? PLM_EIO : PLM_OK;
}

int sweep_write_rows(FILE *fp, const sweep_table *t, size_t L)
{
	fputs(ROW_COLUMNS "\n", fp);
	sweep_row *r = malloc((t->n ? t->n : 1) * sizeof *r);
	if (r == NULL)
		return PLM_ENOMEM;
	if (t->n > 0) {
		memcpy(r, t->rows, t->n * sizeof *r);
		qsort(r, t->n, sizeof *r, row_cmp);
	}
	for (size_t k = 0; k < t->n; k++) {
		const sweep_row *x = &r[k];
		fprintf(fp, "%zu\t%.6g\t%zu\t%llu\t%s\t%s\t%zu\t%zu", x->P, (double)x->P / (double)L, x->rep,
		        (unsigned long long)x->split_seed, sweep_kind_name(x->kind), sweep_coup_name(x->coup),
		        x->starts, x->runs);
		put_num(fp, x->overlap);
		put_num(fp, x->overlap_sd);
		put_num(fp, x->fixed_start);
		put_num(fp, x->fixed_end);
		put_num(fp, x->cycle);
		put_num(fp, x->max_sweeps);
		put_num(fp, x->sweeps);
		put_num(fp, x->meff);
		put_num(fp, x->lambda_j);
		fprintf(fp, "\t%.4f\t%.4f\n", x->fit_s, x->relax_s);
	}
	free(r);
	return PLM_OK;
}

static double field_num(const char *s)
{
	if (strcmp(s, "NA") == 0)
		return NAN;
	return strtod(s, NULL);
}

int sweep_read_rows(const char *path, sweep_table *t, char **settings, plm_err *err)
{
	*settings = NULL;
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = PLM_OK, seen_header = 0;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '#') {
			if (strncmp(line, "# settings: ", 12) == 0 && *settings == NULL &&
			    (*settings = plm_strdup(line + 12, err)) == NULL) {
				rc = PLM_ENOMEM;
				break;
			}
			continue;
		}
		if (!seen_header) {
			if (strcmp(line, ROW_COLUMNS) != 0) {
				rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: not a plmem sweep table (unexpected columns)", path, lineno);
				break;
			}
			seen_header = 1;
			continue;
		}
		char *f[19];
		size_t nf = 0;
		for (char *p = line; nf < 19;) {
			f[nf++] = p;
			char *tab = strchr(p, '\t');
			if (tab == NULL)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		sweep_row r = { 0 };
		if (nf != 19 || (r.kind = sweep_kind_parse(f[4], strlen(f[4]))) < 0 ||
		    (r.coup = sweep_coup_parse(f[5], strlen(f[5]))) < 0) {
			rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: malformed sweep row", path, lineno);
			break;
		}
		r.P = (size_t)strtoull(f[0], NULL, 10);
		r.rep = (size_t)strtoull(f[2], NULL, 10);
		r.split_seed = strtoull(f[3], NULL, 10);
		r.starts = (size_t)strtoull(f[6], NULL, 10);
		r.runs = (size_t)strtoull(f[7], NULL, 10);
		r.overlap = field_num(f[8]);
		r.overlap_sd = field_num(f[9]);
		r.fixed_start = field_num(f[10]);
		r.fixed_end = field_num(f[11]);
		r.cycle = field_num(f[12]);
		r.max_sweeps = field_num(f[13]);
		r.sweeps = field_num(f[14]);
		r.meff = field_num(f[15]);
		r.lambda_j = field_num(f[16]);
		r.fit_s = field_num(f[17]);
		r.relax_s = field_num(f[18]);
		if ((rc = table_push(t, &r, err)) != PLM_OK)
			break;
	}
	if (rc == PLM_OK && ferror(fp))
		rc = plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	if (rc == PLM_OK && !seen_header)
		rc = plm_fail(err, PLM_EFORMAT, "%s: not a plmem sweep table (no column names)", path);
	free(line);
	fclose(fp);
	if (rc != PLM_OK) {
		free(*settings);
		*settings = NULL;
	}
	return rc;
}

int sweep_write_summary(FILE *fp, const sweep_table *t, const sweep_opts *o, size_t L)
{
	fputs("P\talpha\tkind\tcouplings\treps\toverlap\toverlap_spread\toverlap_min\toverlap_max\t"
	      "fixed_start\tfixed_end\tcycle\tmax_sweeps\tmeff_train\tfit_s\n", fp);
	/* one block per curve (kind, couplings), so that the plot joins its points */
	for (int k = 0; k < SWEEP_NKINDS; k++)
		for (int c = 0; c < SWEEP_NCOUPS; c++)
			for (size_t a = 0; a < o->nsizes; a++) {
				if (!(o->kinds & (1u << k)) || !(o->coups & (1u << c)))
					continue;
				size_t P = o->sizes[a], nr = 0;
				double s1 = 0, s2 = 0, lo = INFINITY, hi = -INFINITY, fs = 0, fe = 0, cy = 0, ms = 0,
				       me = 0, ft = 0;
				for (size_t rep = o->first_rep; rep <= o->reps; rep++) {
					const sweep_row *r = sweep_table_find(t, P, rep, k, c);
					if (r == NULL || r->starts == 0)
						continue;
					nr++;
					s1 += r->overlap;
					s2 += r->overlap * r->overlap;
					lo = r->overlap < lo ? r->overlap : lo;
					hi = r->overlap > hi ? r->overlap : hi;
					fs += r->fixed_start;
					fe += r->fixed_end;
					cy += r->cycle;
					ms += r->max_sweeps;
					me += r->meff;
					ft += r->fit_s;
				}
				if (nr == 0)
					continue;
				double n = (double)nr, mean = s1 / n;
				double var = nr > 1 ? (s2 - n * mean * mean) / (n - 1) : 0.0;
				fprintf(fp, "%zu\t%.6g\t%s\t%s\t%zu", P, (double)P / (double)L, sweep_kind_name(k),
				        sweep_coup_name(c), nr);
				put_num(fp, mean);
				put_num(fp, var > 0 ? sqrt(var) : 0.0);
				put_num(fp, lo);
				put_num(fp, hi);
				put_num(fp, fs / n);
				put_num(fp, fe / n);
				put_num(fp, cy / n);
				put_num(fp, ms / n);
				put_num(fp, me / n);
				fprintf(fp, "\t%.4f\n", ft / n);
			}
	for (int k = 0; k < SWEEP_NKINDS; k++) { /* the reference model's rows */
		const sweep_row *r = sweep_table_find(t, SWEEP_REFERENCE_P, 1, k, SWEEP_ASYM);
		if (r == NULL || r->starts == 0 || !(o->kinds & (1u << k)))
			continue;
		fprintf(fp, "%d\t0\t%s\treference\t1", SWEEP_REFERENCE_P, sweep_kind_name(k));
		double v[] = { r->overlap, 0.0, r->overlap, r->overlap, r->fixed_start, r->fixed_end, r->cycle,
		               r->max_sweeps, r->meff };
		for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
			put_num(fp, v[j]);
		fputs("\tNA\n", fp);
	}
	return PLM_OK;
}

void sweep_reference_overlaps(const sweep_table *t, double *ov)
{
	for (int k = 0; k < SWEEP_NKINDS; k++) {
		const sweep_row *r = sweep_table_find(t, SWEEP_REFERENCE_P, 1, k, SWEEP_ASYM);
		ov[k] = r != NULL && r->starts > 0 ? r->overlap : NAN;
	}
}

int sweep_write_gnuplot(FILE *fp, const char *summary_path, const char *png_path, const char *title,
                        unsigned kinds, unsigned coups, double ref, const double *refov, const char *refname)
{
	fprintf(fp,
	        "# plmem sweep: final overlap q(start, end) against alpha = P / L\n"
	        "set terminal pngcairo size 1150,650 noenhanced\n"
	        "set output '%s'\n"
	        "set title '%s'\n"
	        "set logscale x\n"
	        "set xlabel 'alpha = P / L'\n"
	        "set ylabel 'final overlap q(start, end)'\n"
	        "set yrange [0:1.02]\n"
	        "set key outside right top vertical\n"
	        "set offsets graph 0.03, graph 0.03, 0, 0\n"
	        "set datafile separator '\\t'\n"
	        "set datafile missing 'NA'\n"
	        "sel(k, c) = (strcol(3) eq k && strcol(4) eq c) ? $2 : 1/0\n",
	        png_path, title);
	fprintf(fp, "plot ");
	static const char *const colour[SWEEP_NKINDS][SWEEP_NCOUPS] = {
		{ "#1f4e9c", "#8e44ad" }, { "#c0392b", "#e6a700" }, { "#2e8b57", "#7f8c8d" }
	};
	for (int k = 0; k < SWEEP_NKINDS; k++)
		for (int c = 0; c < SWEEP_NCOUPS; c++)
			if ((kinds & (1u << k)) && (coups & (1u << c)))
				fprintf(fp,
				        "'%s' using (sel('%s', '%s')):6:7 with yerrorlines lc rgb '%s' pt %d "
				        "title '%s, %s', \\\n     ",
				        summary_path, sweep_kind_names[k], sweep_coup_names[c], colour[k][c], 7 + 2 * c,
				        sweep_kind_names[k], sweep_coup_names[c]);
	for (int k = 0; k < SWEEP_NKINDS && refov != NULL; k++)
		if ((kinds & (1u << k)) && !isnan(refov[k]))
			fprintf(fp, "%.6f with lines dt 3 lw 2 lc rgb '%s' title '%s, %s (%.3f)', \\\n     ", refov[k],
			        colour[k][0], sweep_kind_names[k], refname ? refname : "reference model", refov[k]);
	if (isnan(ref))
		fprintf(fp, "NaN notitle\n");
	else
		fprintf(fp, "%.6f with lines dt 2 lc rgb 'black' title 'natural sequences (%.3f)'\n", ref,
		        ref);
	return ferror(fp) ? PLM_EIO : PLM_OK;
}
