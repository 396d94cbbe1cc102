/* cluster: the MPI side of fit and relax (see cluster.h): dividing the sites, gathering the
 * small per-site arrays, streaming the rows of J to rank 0 in order for the one model file,
 * agreeing on failures.  Compiled only --with-mpi; it never prints, and no rank ever holds
 * more of J than its own rows plus one block in transit. */
#include "config.h"

#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "util.h"

#define COMM MPI_COMM_WORLD
enum { TAG_CRC = 1, TAG_ROWS, TAG_LEN, TAG_TEXT };

static int started;               /* 1: this process called MPI_Init (and must call MPI_Finalize) */
static int my_rank = 0, nranks = 1; /* a process not started by an MPI launcher is one rank */

/* Launchers set these (Open MPI's mpirun, PMIx and PMI launchers: srun, MPICH's hydra).  Without
 * one, MPI_Init would start a singleton, which costs seconds for nothing. */
static int launched(void)
{
	static const char *const var[] = { "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE" };
	for (size_t k = 0; k < sizeof var / sizeof var[0]; k++)
		if (getenv(var[k]) != NULL)
			return 1;
	return 0;
}

void cluster_library(char *buf, size_t n)
{
	char v[MPI_MAX_LIBRARY_VERSION_STRING];
	int len = 0;
	MPI_Get_library_version(v, &len); /* callable before MPI_Init */
	v[strcspn(v, "\n,")] = '\0';     /* its first line, up to the first comma */
	snprintf(buf, n, "yes (%s); fit and relax divide their work among mpirun's processes", v);
}

int cluster_init(int *argc, char ***argv)
{
	int done = 0, provided;
	MPI_Initialized(&done);
	if (!done) {
		if (!launched())
			return 0;
		if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
			return -1;
		started = 1;
	}
	MPI_Comm_rank(COMM, &my_rank);
	MPI_Comm_size(COMM, &nranks);
	return 0;
}

void cluster_finalize(void)
{
	int done = 0;
	MPI_Finalized(&done);
	if (started && !done)
		MPI_Finalize();
}

size_t cluster_rank(void)
{
	return (size_t)my_rank;
}

size_t cluster_size(void)
{
	return (size_t)nranks;
}

int cluster_agree(int st, plm_err *err)
{
	int k = nranks, r = my_rank;
	if (k == 1)
		return st;
	int mine = st != PLM_OK ? r : k, first = k;
	MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, COMM);
	if (first == k)
		return PLM_OK;
	plm_err e = { 0 };
	if (first == r && err != NULL)
		e = *err;
	e.code = st;
	MPI_Bcast(&e.code, 1, MPI_INT, first, COMM);
	MPI_Bcast(e.msg, (int)sizeof e.msg, MPI_CHAR, first, COMM);
	e.msg[sizeof e.msg - 1] = '\0';
	if (err != NULL) {
		*err = e;
		if (first != 0)
			snprintf(err->msg, sizeof err->msg, "rank %d: %.1000s", first, e.msg);
	}
	return e.code != PLM_OK ? e.code : PLM_EINVAL;
}

/* Every rank's COUNT[r] items of SIZE bytes at offset DISPL[r] of BUF (in place), on every rank.
 * Byte counts must fit an int: these are the per-site arrays (at most L q floats). */
static void allgather(void *buf, size_t size, const int *count, const int *displ, int *bc, int *bd)
{
	int k = (int)cluster_size();
	for (int r = 0; r < k; r++) {
		bc[r] = count[r] * (int)size;
		bd[r] = displ[r] * (int)size;
	}
	MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, bc, bd, MPI_BYTE, COMM);
}

int cluster_fit(const msa *m, const double *w, const fit_opts *o, plm_model **out, plm_err *err)
{
	*out = NULL;
	const size_t k = cluster_size(), r = cluster_rank();
	if (k == 1)
		return fit_model(m, w, o, out, err);
	int st = PLM_OK;
	if (o->symmetric)
		st = plm_fail(err, PLM_EINVAL, "--symmetric fits all sites in one joint L-BFGS: run it as one process");
	else if (m->L > (size_t)INT_MAX / 64 / 8)
		st = plm_fail(err, PLM_ERANGE, "%zu positions: too many for the gathering of the per-site records", m->L);
	size_t *bounds = st == PLM_OK ? plm_calloc(k + 1, sizeof *bounds, "site ranges", err) : NULL;
	int *ic = bounds ? plm_calloc(4 * k, sizeof *ic, "site ranges", err) : NULL;
	if (st == PLM_OK && ic == NULL)
		st = PLM_ENOMEM;
	plm_model *mod = NULL;
	if (st == PLM_OK && m->abc.q == 2 && !o->bin_per_site) {
		/* the batched binary fit (fitbin.h) sums over blocks of the sites fitted together, so
		 * a site's last bits depend on the others: rank 0 fits them all (J is 16 L^2 bytes) */
		for (size_t p = 1; p <= k; p++)
			bounds[p] = m->L;
	} else if (st == PLM_OK) {
		fit_split(m, k, bounds);
	}
	if (st == PLM_OK)
		st = fit_model_rows(m, w, o, bounds[r], bounds[r + 1], &mod, err);
	st = cluster_agree(st, err);
	if (st == PLM_OK) {
		/* the whole h and per-site records on every rank (a few bytes per site) */
		int *count = ic, *displ = ic + k, *bc = ic + 2 * k, *bd = ic + 3 * k;
		const size_t q = m->abc.q;
		for (size_t p = 0; p < k; p++) {
			count[p] = (int)(bounds[p + 1] - bounds[p]);
			displ[p] = (int)bounds[p];
		}
		allgather(mod->iters, sizeof *mod->iters, count, displ, bc, bd);
		allgather(mod->evals, sizeof *mod->evals, count, displ, bc, bd);
		allgather(mod->status, sizeof *mod->status, count, displ, bc, bd);
		allgather(mod->gnorm, sizeof *mod->gnorm, count, displ, bc, bd);
		allgather(mod->fx, sizeof *mod->fx, count, displ, bc, bd);
		allgather(mod->h, q * sizeof *mod->h, count, displ, bc, bd);
	}
	free(bounds);
	free(ic);
	if (st != PLM_OK) {
		model_destroy(mod);
		return st;
	}
	*out = mod;
	return PLM_OK;
}

/* Rows of J per block sent to rank 0 (at least one). */
static size_t block_rows(const plm_model *mod)
{
	size_t row = mod->L * mod->q * mod->q * sizeof(float);
	return row >= CLUSTER_BLOCK_BYTES ? 1 : CLUSTER_BLOCK_BYTES / row;
}

int cluster_write_model(const plm_model *mod, const char *path, plm_err *err)
{
	const size_t k = cluster_size(), r = cluster_rank();
	if (k == 1)
		return model_write(mod, path, err);
	/* a model every rank holds whole (the Hebbian rule): rank 0 writes it */
	int whole = mod->row0 == 0 && mod->nrows == mod->L, all_whole = 0;
	MPI_Allreduce(&whole, &all_whole, 1, MPI_INT, MPI_MIN, COMM);
	if (all_whole)
		return cluster_agree(r == 0 ? model_write(mod, path, err) : PLM_OK, err);
	const size_t rowlen = mod->L * mod->q * mod->q, brows = block_rows(mod);
	/* each rank's rows, in order, must tile 0 .. L */
	unsigned long long mine[2] = { mod->row0, mod->nrows }, *all = NULL;
	int st = PLM_OK;
	if (r == 0 && (all = plm_calloc(2 * k, sizeof *all, "row ranges", err)) == NULL)
		st = PLM_ENOMEM;
	MPI_Gather(mine, 2, MPI_UNSIGNED_LONG_LONG, all, 2, MPI_UNSIGNED_LONG_LONG, 0, COMM);
	for (size_t p = 0, next = 0; r == 0 && st == PLM_OK && p < k; next += all[2 * p + 1], p++)
		if (all[2 * p] != next)
			st = plm_fail(err, PLM_EINVAL, "%s: the ranks' rows of J do not follow each other", path);
	model_out *o = NULL;
	float *buf = NULL; /* rank 0: one block in transit */
	if (r == 0 && st == PLM_OK &&
	    (buf = plm_calloc_aligned(brows * rowlen, sizeof *buf, "block of couplings", err)) == NULL)
		st = PLM_ENOMEM;
	if (r == 0 && st == PLM_OK)
		st = model_out_open(mod, path, &o, err);
	if (r == 0 && st == PLM_OK)
		st = model_out_rows(o, mod->J, mod->nrows, NULL, err);
	st = cluster_agree(st, err);
	if (st != PLM_OK) {
		model_out_abort(o);
		free(buf);
		free(all);
		return st;
	}
	if (r != 0) {
		for (size_t i = 0; i < mod->nrows; i += brows) {
			size_t n = mod->nrows - i < brows ? mod->nrows - i : brows;
			const float *rows = mod->J + i * rowlen;
			uint32_t crc = model_rows_crc(mod, rows, n);
			MPI_Send(&crc, 1, MPI_UINT32_T, 0, TAG_CRC, COMM);
			MPI_Send(rows, (int)(n * rowlen), MPI_FLOAT, 0, TAG_ROWS, COMM);
		}
	} else {
		/* after a write error, keep receiving (the senders must finish) but write nothing */
		for (size_t p = 1; p < k; p++)
			for (size_t i = 0; i < all[2 * p + 1]; i += brows) {
				size_t n = all[2 * p + 1] - i < brows ? all[2 * p + 1] - i : brows;
				uint32_t crc;
				MPI_Recv(&crc, 1, MPI_UINT32_T, (int)p, TAG_CRC, COMM, MPI_STATUS_IGNORE);
				MPI_Recv(buf, (int)(n * rowlen), MPI_FLOAT, (int)p, TAG_ROWS, COMM, MPI_STATUS_IGNORE);
				if (st == PLM_OK)
					st = model_out_rows(o, buf, n, &crc, err);
			}
		free(buf);
		if (st == PLM_OK)
			st = model_out_close(o, err);
		else
			model_out_abort(o);
	}
	free(all);
	return cluster_agree(st, err);
}

void cluster_share(size_t n, size_t *lo, size_t *hi)
{
	const size_t k = cluster_size(), r = cluster_rank();
	*lo = n / k * r + (r < n % k ? r : n % k);
	*hi = *lo + n / k + (r < n % k);
}

int cluster_append(FILE *fp, const char *buf, size_t len, plm_err *err)
{
	const size_t k = cluster_size(), r = cluster_rank();
	if (k == 1)
		return PLM_OK;
	int st = PLM_OK;
	char *b = NULL; /* rank 0: one block in transit */
	if (r == 0 && (b = plm_calloc(CLUSTER_BLOCK_BYTES, 1, "output block", err)) == NULL)
		st = PLM_ENOMEM;
	if ((st = cluster_agree(st, err)) != PLM_OK) {
		free(b);
		return st;
	}
	if (r != 0) {
		unsigned long long n = len;
		MPI_Send(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, TAG_LEN, COMM);
		for (size_t off = 0; off < len; off += CLUSTER_BLOCK_BYTES) {
			size_t c = len - off < CLUSTER_BLOCK_BYTES ? len - off : CLUSTER_BLOCK_BYTES;
			MPI_Send(buf + off, (int)c, MPI_CHAR, 0, TAG_TEXT, COMM);
		}
		return cluster_agree(st, err);
	}
	for (size_t p = 1; p < k; p++) {
		unsigned long long n;
		MPI_Recv(&n, 1, MPI_UNSIGNED_LONG_LONG, (int)p, TAG_LEN, COMM, MPI_STATUS_IGNORE);
		for (size_t off = 0; off < n; off += CLUSTER_BLOCK_BYTES) {
			size_t c = n - off < CLUSTER_BLOCK_BYTES ? n - off : CLUSTER_BLOCK_BYTES;
			MPI_Recv(b, (int)c, MPI_CHAR, (int)p, TAG_TEXT, COMM, MPI_STATUS_IGNORE);
			if (st == PLM_OK && fwrite(b, 1, c, fp) != c)
				st = plm_fail_errno(err, PLM_EIO, "write error");
		}
	}
	free(b);
	return cluster_agree(st, err);
}

/* Sum N values of TYPE (ELEM bytes each) over the ranks in rank order, on every rank. */
static int sum_ordered(void *x, size_t n, size_t elem, MPI_Datatype type, int dbl, plm_err *err)
{
	const size_t k = cluster_size(), r = cluster_rank();
	if (k == 1)
		return PLM_OK;
	int st = PLM_OK;
	unsigned char *all = NULL;
	if (r == 0 && (all = plm_calloc(k * n, elem, "sums", err)) == NULL)
		st = PLM_ENOMEM;
	st = cluster_agree(st, err);
	if (st != PLM_OK)
		return st;
	MPI_Gather(x, (int)n, type, all, (int)n, type, 0, COMM);
	if (r == 0)
		for (size_t i = 0; i < n; i++)
			for (size_t p = 1; p < k; p++) {
				if (dbl)
					((double *)x)[i] += ((double *)all)[p * n + i];
				else
					((size_t *)x)[i] += ((size_t *)all)[p * n + i];
			}
	free(all);
	MPI_Bcast(x, (int)n, type, 0, COMM);
	return PLM_OK;
}

int cluster_sum(double *x, size_t n, plm_err *err)
{
	return sum_ordered(x, n, sizeof *x, MPI_DOUBLE, 1, err);
}

int cluster_sum_sizes(size_t *x, size_t n, plm_err *err)
{
	_Static_assert(sizeof(size_t) == sizeof(unsigned long long) || sizeof(size_t) == sizeof(unsigned long),
	               "size_t is unsigned long or unsigned long long");
	return sum_ordered(x, n, sizeof *x, sizeof(size_t) == sizeof(unsigned long) ? MPI_UNSIGNED_LONG
	                                                                              : MPI_UNSIGNED_LONG_LONG,
	                   0, err);
}
