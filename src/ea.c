/* ea: couplings of the 2-D Edwards-Anderson model, its parallel-tempering sampler (Metropolis
 * sweeps in typewriter order, neighbour exchanges after every sweep), the log-binned
 * equilibration statistics, and the true couplings as a plmem model.  No files, no printing. */
#include "ea.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alphabet.h"
#include "rng.h"
#include "util.h"
#include "version.h"

/* Stream ids: the couplings, one per replica slot, one per chain's exchanges. */
#define EA_STREAM_COUPLINGS UINT64_C(0)
#define EA_STREAM_REPLICA (UINT64_C(1) << 40)
#define EA_STREAM_EXCHANGE (UINT64_C(2) << 40)

void ea_opts_default(ea_opts *o)
{
	memset(o, 0, sizeof *o);
	o->Ls = EA_DEF_LS;
	o->T = EA_DEF_T;
	o->T_max = EA_DEF_TMAX;
	o->ntemps = EA_DEF_NTEMPS;
	o->nchains = EA_DEF_NCHAINS;
	o->nsamples = EA_DEF_NSAMPLES;
	o->equil = EA_DEF_EQUIL;
	o->thin = EA_DEF_THIN;
	o->seed = EA_DEF_SEED;
	o->disorder = EA_DEF_SEED;
}

int ea_lattice_create(size_t Ls, uint64_t disorder, ea_lattice **out, plm_err *err)
{
	*out = NULL;
	size_t N;
	if (Ls < 2)
		return plm_fail(err, PLM_EINVAL, "the lattice side must be at least 2, not %zu", Ls);
	if (size_mul(Ls, Ls, &N) || N > ((size_t)1 << 31))
		return plm_fail(err, PLM_ERANGE, "lattice side %zu is too large", Ls);
	ea_lattice *l = plm_calloc(1, sizeof *l, "lattice", err);
	if (l == NULL)
		return PLM_ENOMEM;
	l->Ls = Ls;
	l->N = N;
	l->jr = plm_calloc(N, sizeof *l->jr, "couplings", err);
	l->jd = l->jr ? plm_calloc(N, sizeof *l->jd, "couplings", err) : NULL;
	if (l->jd == NULL) {
		ea_lattice_destroy(l);
		return PLM_ENOMEM;
	}
	/* one stream, drawn in a fixed order: right bond then down bond of each site */
	plm_rng r;
	rng_seed(&r, disorder, EA_STREAM_COUPLINGS);
	for (size_t i = 0; i < N; i++) {
		size_t row = i / Ls, col = i % Ls;
		double a = rng_normal(&r), b = rng_normal(&r);
		l->jr[i] = col + 1 < Ls ? a : 0.0;
		l->jd[i] = row + 1 < Ls ? b : 0.0;
	}
	*out = l;
	return PLM_OK;
}

void ea_lattice_destroy(ea_lattice *l)
{
	if (l == NULL)
		return;
	free(l->jr);
	free(l->jd);
	free(l);
}

double ea_energy(const ea_lattice *l, const int8_t *s)
{
	size_t N = l->N, Ls = l->Ls;
	double e = 0.0;
	for (size_t i = 0; i < N; i++) {
		double h = 0.0;
		if (l->jr[i] != 0.0)
			h += l->jr[i] * s[i + 1];
		if (l->jd[i] != 0.0)
			h += l->jd[i] * s[i + Ls];
		e -= s[i] * h;
	}
	return e;
}

void ea_run_destroy(ea_run *r)
{
	if (r == NULL)
		return;
	ea_lattice_destroy(r->lat);
	free(r->temps);
	free(r->samples);
	if (r->bins != NULL) {
		/* every bin's arrays live in two blocks owned by the first bin */
		free(r->bins[0].e);
		free(r->bins[0].acc);
	}
	free(r->bins);
	free(r->e_chain);
	free(r->acc);
	free(r);
}

/* Neighbour table: 4 per site (right, left, down, up); a missing neighbour is the site itself
 * with coupling 0, so the local field needs no branches. */
typedef struct ea_nbr {
	uint32_t *j; /* 4N */
	double *c;   /* 4N */
} ea_nbr;

static int nbr_build(const ea_lattice *l, ea_nbr *nb, plm_err *err)
{
	size_t N = l->N, Ls = l->Ls;
	nb->j = plm_calloc(4 * N, sizeof *nb->j, "neighbour table", err);
	nb->c = nb->j ? plm_calloc(4 * N, sizeof *nb->c, "neighbour table", err) : NULL;
	if (nb->c == NULL)
		return PLM_ENOMEM;
	for (size_t i = 0; i < N; i++) {
		size_t row = i / Ls, col = i % Ls;
		uint32_t *j = nb->j + 4 * i;
		double *c = nb->c + 4 * i;
		for (size_t k = 0; k < 4; k++)
			j[k] = (uint32_t)i;
		if (col + 1 < Ls) {
			j[0] = (uint32_t)(i + 1);
			c[0] = l->jr[i];
		}
		if (col > 0) {
			j[1] = (uint32_t)(i - 1);
			c[1] = l->jr[i - 1];
		}
		if (row + 1 < Ls) {
			j[2] = (uint32_t)(i + Ls);
			c[2] = l->jd[i];
		}
		if (row > 0) {
			j[3] = (uint32_t)(i - Ls);
			c[3] = l->jd[i - Ls];
		}
	}
	return PLM_OK;
}

/* One Metropolis sweep at inverse temperature BETA in typewriter order:
 * flip s_i with probability min(1, exp(-beta dE)), dE = 2 s_i sum_j J_ij s_j. */
static void metropolis_sweep(const ea_nbr *nb, size_t N, double beta, int8_t *s, plm_rng *r)
{
	for (size_t i = 0; i < N; i++) {
		const uint32_t *j = nb->j + 4 * i;
		const double *c = nb->c + 4 * i;
		double h = c[0] * s[j[0]] + c[1] * s[j[1]] + c[2] * s[j[2]] + c[3] * s[j[3]];
		double de = 2.0 * s[i] * h;
		if (de <= 0.0 || rng_uniform(r) < exp(-beta * de))
			s[i] = (int8_t)-s[i];
	}
}

static size_t log2_floor(uint64_t x)
{
	size_t b = 0;
	while (x >>= 1)
		b++;
	return b;
}

/* The state of one parallel-tempering chain: its NT slots (slot k holds the replica at
 * temperature k), their streams and energies, and its exchange stream and counters. */
typedef struct ea_chain {
	int8_t **cfg;      /* nt configurations */
	plm_rng *rng;      /* nt: one stream per slot */
	plm_rng *xrng;     /* the exchange stream */
	double *E;         /* nt: current energies */
	double *esum;      /* nt: energy summed over the current log bin */
	uint64_t *att;     /* nt: exchanges tried in the current log bin (slot k with k + 1) */
	uint64_t *acc;     /* nt: accepted in the current log bin */
	uint64_t *acc_tot; /* nt: accepted over the whole run */
	double eall;       /* energy at T summed over the sampling sweeps */
} ea_chain;

/* Run chain C from sweep 1 to S: sweep every slot, then try the exchanges colder pair first,
 * swapping the configurations of T_k and T_k+1 with probability
 *   min(1, exp((1/T_k - 1/T_k+1)(E_k - E_k+1))),
 * take a sample at T every THIN sweeps after EQUIL, and close the log bins.  Touches only the
 * chain's own state, samples and bins, so chains can run on any threads. */
static void run_chain(ea_run *run, const ea_nbr *nb, ea_chain *ch, size_t c, size_t S)
{
	const ea_opts *o = &run->o;
	const size_t N = run->lat->N, nt = o->ntemps, C = o->nchains, nbins = run->nbins;
	const double *temps = run->temps;
	size_t bin = 0, nsweeps_bin = 0, nsampled = 0;
	for (size_t t = 1; t <= S; t++) {
		for (size_t k = 0; k < nt; k++) {
			metropolis_sweep(nb, N, 1.0 / temps[k], ch->cfg[k], &ch->rng[k]);
			ch->E[k] = ea_energy(run->lat, ch->cfg[k]);
		}
		for (size_t k = 0; k + 1 < nt; k++) {
			double d = (1.0 / temps[k] - 1.0 / temps[k + 1]) * (ch->E[k] - ch->E[k + 1]);
			ch->att[k]++;
			if (d >= 0.0 || rng_uniform(ch->xrng) < exp(d)) {
				int8_t *x = ch->cfg[k];
				ch->cfg[k] = ch->cfg[k + 1];
				ch->cfg[k + 1] = x;
				double e = ch->E[k];
				ch->E[k] = ch->E[k + 1];
				ch->E[k + 1] = e;
				ch->acc[k]++;
				ch->acc_tot[k]++;
			}
		}
		for (size_t k = 0; k < nt; k++)
			ch->esum[k] += ch->E[k];
		nsweeps_bin++;
		if (t > o->equil) {
			ch->eall += ch->E[0];
			if ((t - o->equil) % o->thin == 0) {
				size_t k = nsampled * C + c;
				if (k < o->nsamples)
					memcpy(run->samples + k * N, ch->cfg[0], N);
				nsampled++;
			}
		}
		if (t == run->bins[c * nbins + bin].last) {
			ea_bin *bb = &run->bins[c * nbins + bin];
			for (size_t k = 0; k < nt; k++) {
				bb->e[k] = ch->esum[k] / ((double)nsweeps_bin * (double)N);
				bb->acc[k] = ch->att[k] ? (double)ch->acc[k] / (double)ch->att[k] : 0.0;
				ch->esum[k] = 0.0;
				ch->att[k] = ch->acc[k] = 0;
			}
			nsweeps_bin = 0;
			bin++;
		}
	}
}

static int check_opts(const ea_opts *o, plm_err *err)
{
	if (!(o->T > 0.0) || !isfinite(o->T))
		return plm_fail(err, PLM_EINVAL, "the temperature must be positive, not %g", o->T);
	if (o->ntemps == 0)
		return plm_fail(err, PLM_EINVAL, "the ladder needs at least one temperature");
	if (o->ntemps > 1 && (!(o->T_max > o->T) || !isfinite(o->T_max)))
		return plm_fail(err, PLM_EINVAL,
		                "the hottest temperature (%g) must be above the sampled one (%g)", o->T_max, o->T);
	if (o->nchains == 0 || o->nsamples == 0 || o->thin == 0)
		return plm_fail(err, PLM_EINVAL, "chains, samples and thinning must be at least 1");
	if (o->ntemps > 4096 || o->nchains > 4096)
		return plm_fail(err, PLM_EINVAL, "at most 4096 temperatures and 4096 chains");
	return PLM_OK;
}

/* A copy of L in *OUT. */
static int lattice_copy(const ea_lattice *l, ea_lattice **out, plm_err *err)
{
	int rc = ea_lattice_create(l->Ls, 0, out, err);
	if (rc != PLM_OK)
		return rc;
	memcpy((*out)->jr, l->jr, l->N * sizeof *l->jr);
	memcpy((*out)->jd, l->jd, l->N * sizeof *l->jd);
	return PLM_OK;
}

int ea_run_create(const ea_opts *o, ea_run **out, plm_err *err)
{
	return ea_run_create_on(o, NULL, out, err);
}

/* RUN's statistics bins (per chain, bin k covers sweeps 2^k .. 2^(k+1) - 1, the last one up to
 * S) and its temperatures, the geometric ladder T_k = T (T_max / T)^(k / (nt - 1)). */
static void set_bins_and_ladder(ea_run *run, size_t C, size_t S)
{
	const ea_opts *o = &run->o;
	const size_t nt = o->ntemps, nbins = run->nbins;
	for (size_t b = 0; b < C * nbins; b++) {
		run->bins[b].e = run->bins[0].e + b * nt;
		run->bins[b].acc = run->bins[0].acc + b * nt;
		size_t k = b % nbins;
		run->bins[b].first = (uint64_t)1 << k;
		run->bins[b].last = k + 1 < nbins ? ((uint64_t)1 << (k + 1)) - 1 : S;
	}
	for (size_t k = 0; k < nt; k++)
		run->temps[k] = nt == 1 ? o->T : o->T * pow(o->T_max / o->T, (double)k / (double)(nt - 1));
}

int ea_run_create_on(const ea_opts *o, const ea_lattice *lat, ea_run **out, plm_err *err)
{
	*out = NULL;
	int rc = check_opts(o, err);
	if (rc != PLM_OK)
		return rc;
	ea_run *run = plm_calloc(1, sizeof *run, "sampler", err);
	if (run == NULL)
		return PLM_ENOMEM;
	run->o = *o;
	rc = lat ? lattice_copy(lat, &run->lat, err) : ea_lattice_create(o->Ls, o->disorder, &run->lat, err);
	if (rc != PLM_OK) {
		ea_run_destroy(run);
		return rc;
	}
	run->o.Ls = run->lat->Ls;
	const size_t N = run->lat->N, nt = o->ntemps, C = o->nchains, R = nt * C;
	/* sweeps per chain: equilibration, then one sample every THIN sweeps */
	size_t per_chain = (o->nsamples + C - 1) / C, S, ns;
	if (size_mul(per_chain, o->thin, &S) || S + o->equil < S || size_mul(o->nsamples, N, &ns)) {
		ea_run_destroy(run);
		return plm_fail(err, PLM_ERANGE, "too many samples or sweeps");
	}
	S += o->equil;
	const size_t nbins = log2_floor(S) + 1;
	run->nbins = nbins;

	ea_nbr nb = { NULL, NULL };
	int8_t *spins = NULL, **cfg = NULL;
	double *E = NULL;
	uint64_t *cnt = NULL;
	plm_rng *rng = NULL;
	ea_chain *ch = NULL;
	rc = PLM_ENOMEM;
	if ((run->temps = plm_calloc(nt, sizeof *run->temps, "temperatures", err)) == NULL ||
	    (run->samples = plm_calloc(ns, 1, "samples", err)) == NULL ||
	    (run->bins = plm_calloc(C * nbins, sizeof *run->bins, "statistics", err)) == NULL ||
	    (run->bins[0].e = plm_calloc(C * nbins * nt, sizeof(double), "statistics", err)) == NULL ||
	    (run->bins[0].acc = plm_calloc(C * nbins * nt, sizeof(double), "statistics", err)) == NULL ||
	    (run->e_chain = plm_calloc(C, sizeof *run->e_chain, "statistics", err)) == NULL ||
	    (run->acc = plm_calloc(nt, sizeof *run->acc, "statistics", err)) == NULL ||
	    (spins = plm_calloc(R, N, "replicas", err)) == NULL ||
	    (cfg = plm_calloc(R, sizeof *cfg, "replicas", err)) == NULL ||
	    (E = plm_calloc(2 * R, sizeof *E, "energies", err)) == NULL ||
	    (cnt = plm_calloc(3 * R, sizeof *cnt, "exchanges", err)) == NULL ||
	    (rng = plm_calloc(R + C, sizeof *rng, "random streams", err)) == NULL ||
	    (ch = plm_calloc(C, sizeof *ch, "chains", err)) == NULL ||
	    nbr_build(run->lat, &nb, err) != PLM_OK)
		goto done;
	set_bins_and_ladder(run, C, S);
	/* slot r = c * nt + k: chain c's replica at temperature k, with stream r; replicas start
	 * random */
	for (size_t r = 0; r < R; r++) {
		cfg[r] = spins + r * N;
		rng_seed(&rng[r], o->seed, EA_STREAM_REPLICA + r);
		for (size_t i = 0; i < N; i++)
			cfg[r][i] = (rng_next(&rng[r]) >> 63) ? 1 : -1;
	}
	for (size_t c = 0; c < C; c++) {
		rng_seed(&rng[R + c], o->seed, EA_STREAM_EXCHANGE + c);
		ch[c] = (ea_chain){ cfg + c * nt, rng + c * nt, rng + R + c, E + c * nt, E + R + c * nt,
		                    cnt + c * nt, cnt + R + c * nt, cnt + 2 * R + c * nt, 0.0 };
	}
	/* chains are independent: one thread runs a whole chain, no barrier between sweeps */
#pragma omp parallel for schedule(dynamic, 1)
	for (size_t c = 0; c < C; c++)
		run_chain(run, &nb, &ch[c], c, S);
	for (size_t c = 0; c < C; c++)
		run->e_chain[c] = S > o->equil ? ch[c].eall / ((double)(S - o->equil) * (double)N) : 0.0;
	for (size_t k = 0; k + 1 < nt; k++) {
		uint64_t a = 0;
		for (size_t c = 0; c < C; c++)
			a += ch[c].acc_tot[k];
		run->acc[k] = (double)a / ((double)S * (double)C);
	}
	rc = PLM_OK;
done:
	free(nb.j);
	free(nb.c);
	free(spins);
	free(cfg);
	free(E);
	free(cnt);
	free(rng);
	free(ch);
	if (rc != PLM_OK) {
		ea_run_destroy(run);
		return rc;
	}
	*out = run;
	return PLM_OK;
}

int ea_truth_model(const ea_lattice *l, double T, const char *cmdline, plm_model **out,
                   plm_err *err)
{
	*out = NULL;
	if (!(T > 0.0))
		return plm_fail(err, PLM_EINVAL, "the temperature must be positive, not %g", T);
	size_t N = l->N, Ls = l->Ls;
	plm_model *m = NULL;
	int rc = model_create(N, 2, &m, err);
	if (rc != PLM_OK)
		return rc;
	if ((rc = alphabet_init(&m->abc, "binary", err)) != PLM_OK)
		goto fail;
	m->ncol_in = N;
	for (size_t i = 0; i < N; i++)
		m->col[i] = i;
	snprintf(m->rule, sizeof m->rule, "%s", "ea-truth");
	m->no_fields = 1;
	m->max_gap_seq = m->max_gap_col = 1.0;
	model_drop_convergence(m);
	rc = PLM_ENOMEM;
	if ((m->version = plm_strdup(plm_version(), err)) == NULL ||
	    (cmdline != NULL && (m->cmdline = plm_strdup(cmdline, err)) == NULL))
		goto fail;
	/* J_ij(a, b) = s(a) s(b) K with K = J_ij / T: H_i(1) - H_i(0) = 2 sum_j K s_j, the log-odds
	 * of s_i = +1 against -1 under exp(-H / T).  Both orders (ij and ji) are stored. */
	for (size_t i = 0; i < N; i++) {
		size_t nbr[2] = { i + 1, i + Ls };
		double c[2] = { l->jr[i], l->jd[i] };
		for (size_t k = 0; k < 2; k++) {
			if (c[k] == 0.0)
				continue;
			float K = (float)(c[k] / T);
			float *a = model_J(m, i, nbr[k]), *b = model_J(m, nbr[k], i);
			a[0] = b[0] = K;
			a[1] = b[1] = -K;
			a[2] = b[2] = -K;
			a[3] = b[3] = K;
		}
	}
	*out = m;
	return PLM_OK;
fail:
	model_destroy(m);
	return rc;
}

int ea_write_matrix(FILE *fp, const ea_lattice *l, plm_err *err)
{
	size_t N = l->N, Ls = l->Ls;
	for (size_t i = 0; i < N; i++) {
		for (size_t j = 0; j < N; j++) {
			double v = 0.0;
			if (j == i + 1 && i % Ls + 1 < Ls)
				v = l->jr[i];
			else if (i == j + 1 && j % Ls + 1 < Ls)
				v = l->jr[j];
			else if (j == i + Ls)
				v = l->jd[i];
			else if (i == j + Ls)
				v = l->jd[j];
			if (j > 0)
				fputc('\t', fp);
			if (v == 0.0)
				fputc('0', fp);
			else
				fprintf(fp, "%.9g", v);
		}
		fputc('\n', fp);
	}
	if (ferror(fp))
		return plm_fail(err, PLM_EIO, "write error");
	return PLM_OK;
}

int ea_write_log(FILE *fp, const ea_run *r, plm_err *err)
{
	const size_t nt = r->o.ntemps;
	fprintf(fp, "chain\tfirst_sweep\tlast_sweep\ttemp_index\tT\tenergy\texchange_rate\n");
	for (size_t c = 0; c < r->o.nchains; c++)
		for (size_t b = 0; b < r->nbins; b++) {
			const ea_bin *bb = &r->bins[c * r->nbins + b];
			for (size_t k = 0; k < nt; k++) {
				fprintf(fp, "%zu\t%llu\t%llu\t%zu\t%.6g\t%.6f\t", c + 1, (unsigned long long)bb->first,
				        (unsigned long long)bb->last, k + 1, r->temps[k], bb->e[k]);
				if (k + 1 < nt)
					fprintf(fp, "%.4f\n", bb->acc[k]);
				else
					fputs("NA\n", fp);
			}
		}
	if (ferror(fp))
		return plm_fail(err, PLM_EIO, "write error");
	return PLM_OK;
}
