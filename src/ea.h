/* ea: the 2-D Edwards-Anderson spin glass (Ls x Ls square lattice, open boundaries, Gaussian
 * couplings, no fields) and its equilibrium samples by parallel tempering, with the statistics
 * that show whether the chains equilibrated.  It draws and computes; it opens no files and
 * never prints. */
#ifndef PLMEM_EA_H
#define PLMEM_EA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "model.h"

typedef struct ea_opts {
	size_t Ls;          /* side of the lattice: N = Ls * Ls spins */
	double T;           /* temperature of the samples (the coldest of the ladder) */
	double T_max;       /* hottest temperature of the ladder */
	size_t ntemps;      /* temperatures, geometric from T to T_max; 1: plain Metropolis at T */
	size_t nchains;     /* independent parallel-tempering runs (samples are interleaved) */
	size_t nsamples;    /* samples in all, at temperature T */
	size_t equil;       /* sweeps of every chain before its first sample */
	size_t thin;        /* sweeps between two samples of one chain */
	uint64_t seed;      /* the sampling streams */
	uint64_t disorder;  /* the couplings' stream (the same couplings for any --seed) */
} ea_opts;

/* Defaults: the paper's system (Ls = 32, T = 0.99) and a ladder that exchanges at rates
 * 0.52-0.57 on it (measured; 10 temperatures give about 0.4, docs/experiments.md). */
#define EA_DEF_LS 32
#define EA_DEF_T 0.99
#define EA_DEF_TMAX 2.0
#define EA_DEF_NTEMPS 16
#define EA_DEF_NCHAINS 8
#define EA_DEF_NSAMPLES 1000
#define EA_DEF_EQUIL 20000
#define EA_DEF_THIN 10
#define EA_DEF_SEED 1

void ea_opts_default(ea_opts *o);

/* The couplings of one disorder draw.  Site i = r * Ls + c; bond (i, i + 1) to the right is
 * jr[i] (0 on the last column), bond (i, i + Ls) below is jd[i] (0 on the last row). */
typedef struct ea_lattice {
	size_t Ls, N;
	double *jr, *jd; /* N each */
} ea_lattice;

/* Draw the couplings J ~ N(0, 1) of seed DISORDER.  PLM_EINVAL for Ls < 2, PLM_ERANGE when N
 * overflows. */
int ea_lattice_create(size_t Ls, uint64_t disorder, ea_lattice **out, plm_err *err);
void ea_lattice_destroy(ea_lattice *l);
/* H(s) = -sum over bonds J_ij s_i s_j of N spins +-1. */
double ea_energy(const ea_lattice *l, const int8_t *s);

/* Statistics of one log-binned stretch of sweeps [first, last] of one chain: bin b holds
 * sweeps 2^b ... 2^(b+1) - 1 (sweep 1 is the first), cut at the last sweep. */
typedef struct ea_bin {
	uint64_t first, last;
	double *e;        /* ntemps: mean energy per spin at each temperature over the bin */
	double *acc;      /* ntemps - 1: accepted / attempted exchanges between T_k and T_k+1 */
} ea_bin;

typedef struct ea_run {
	ea_opts o;
	ea_lattice *lat;
	double *temps;    /* ntemps, ascending */
	int8_t *samples;  /* nsamples x N: sample k is the (k / nchains)-th of chain k % nchains */
	size_t nbins;     /* per chain */
	ea_bin *bins;     /* nchains x nbins, chain-major */
	double *e_chain;  /* nchains: mean energy per spin at T over the sampling sweeps */
	double *acc;      /* ntemps - 1: exchange rates over all chains and all sweeps */
} ea_run;

/* Sample.  Every replica (chain, temperature slot) has its own random stream; replicas are
 * swept in parallel and exchanges are drawn from one stream per chain, so the samples are the
 * same for any number of threads.  PLM_EINVAL for a bad setting (message says which). */
int ea_run_create(const ea_opts *o, ea_run **out, plm_err *err);
/* The same on the couplings of LAT (copied; any values, e.g. +-1 bonds; o->Ls and o->disorder
 * are ignored), or on those of o->Ls and o->disorder when LAT is NULL (ea_run_create). */
int ea_run_create_on(const ea_opts *o, const ea_lattice *lat, ea_run **out, plm_err *err);
void ea_run_destroy(ea_run *r);

/* The true couplings as a q = 2 plmem model of the Boltzmann weight exp(-H / T):
 * J_ij(a, b) = s(a) s(b) J_ij / T with s(a) = 2a - 1, no fields (the zero-sum gauge; relax on
 * it is the zero-temperature dynamics of H).  CMDLINE may be NULL. */
int ea_truth_model(const ea_lattice *l, double T, const char *cmdline, plm_model **out,
                   plm_err *err);
/* The N x N coupling matrix J_ij (not divided by T), tab-separated, one row per line. */
int ea_write_matrix(FILE *fp, const ea_lattice *l, plm_err *err);
/* The log-binned statistics as TSV: chain first_sweep last_sweep temp_index T energy
 * exchange_rate (NA for the hottest temperature). */
int ea_write_log(FILE *fp, const ea_run *r, plm_err *err);

#endif
