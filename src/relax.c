/* relax: runs of the zero-temperature dynamics from a file's sequences, their end states and
 * rows (relax.h).  The dynamics live in dynamics.c; this module batches, names and writes. */
#include "config.h"
#include "relax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char relax_tsv_header[] = "name\trepeat\toverlap_start\toverlap_end\toverlap_end_start\tsweeps\t"
                                "flips\tstatus\tcycle\tenergy\n";

void relax_opts_default(relax_opts *o)
{
	dyn_opts_default(&o->dyn);
	o->noise = RELAX_DEFAULT_NOISE;
	o->repeats = RELAX_DEFAULT_REPEATS;
	o->seed = RELAX_DEFAULT_SEED;
	o->lines = 0;
}

int relax_read(const plm_model *m, const char *path, msa_format fmt, msa_unknown_policy unknown, msa **sp,
               uint8_t **starts, size_t *nbad, plm_err *err)
{
	*nbad = 0;
	int rc = model_read_sequences(m, path, fmt, unknown, sp, starts, err);
	if (rc != PLM_OK)
		return rc;
	for (size_t k = 0; k < (*sp)->nin; k++)
		*nbad += (*sp)->in_status[k] != MSA_KEPT; /* --unknown drop: an ambiguous or unknown letter */
	return PLM_OK;
}

/* ---- one run's outputs --------------------------------------------------------------- */

static void put_num(FILE *fp, double x)
{
	if (isnan(x))
		fputs("NA", fp);
	else
		fprintf(fp, "%.6f", x);
}

static void write_fasta(FILE *fp, const plm_model *m, const char *name, size_t rep, size_t nrep,
                        const uint8_t *orig, const uint8_t *end, const dyn_result *r)
{
	size_t L = m->L;
	fprintf(fp, ">%s", name);
	if (nrep > 1)
		fprintf(fp, " repeat=%zu", rep + 1);
	fprintf(fp, " overlap=%.4f sweeps=%zu flips=%zu status=%s", dyn_overlap(end, orig, L), r->sweeps,
	        r->flips, dyn_status_name(r->status));
	if (r->status == DYN_CYCLE)
		fprintf(fp, " cycle=%zu", r->cycle);
	if (!isnan(r->energy))
		fprintf(fp, " energy=%.6f", r->energy);
	fputc('\n', fp);
	char buf[4096];
	for (size_t i = 0; i < L;) {
		size_t n = 0;
		for (; i < L && n < sizeof buf; i++)
			buf[n++] = alphabet_letter(&m->abc, end[i]);
		fwrite(buf, 1, n, fp);
	}
	fputc('\n', fp);
}

/* The end state alone, one per line (PSICOV/.aln, or 0/1 patterns). */
static void write_line(FILE *fp, const plm_model *m, const uint8_t *end)
{
	for (size_t i = 0; i < m->L; i++)
		fputc(alphabet_letter(&m->abc, end[i]), fp);
	fputc('\n', fp);
}

static void write_tsv(FILE *fp, const char *name, size_t rep, size_t L, const uint8_t *orig,
                      const uint8_t *noisy, const uint8_t *end, const dyn_result *r)
{
	fprintf(fp, "%s\t%zu\t%.6f\t%.6f\t%.6f\t%zu\t%zu\t%s\t%zu\t", name, rep + 1,
	        dyn_overlap(noisy, orig, L), dyn_overlap(end, orig, L), dyn_overlap(end, noisy, L),
	        r->sweeps, r->flips, dyn_status_name(r->status), r->cycle);
	put_num(fp, r->energy);
	fputc('\n', fp);
}

/* ---- the runs -------------------------------------------------------------------------- */

/* Write the K = b->n * b->repeats runs of batch B (its first start is kept sequence FIRST). */
static void write_batch(const plm_model *m, const msa *s, const dyn_batch *b, size_t first,
                        const relax_opts *o, FILE *out, FILE *tsv, relax_counts *c)
{
	size_t L = m->L;
	for (size_t k = 0; k < b->n * b->repeats; k++) {
		size_t sk = first + k / b->repeats, rep = b->first_repeat + k % b->repeats;
		const char *name = s->in_names[s->in_index[sk]];
		const uint8_t *orig = b->starts + (sk - first) * L, *end = b->ends + k * L;
		if (o->lines)
			write_line(out, m, end);
		else
			write_fasta(out, m, name, rep, o->repeats, orig, end, &b->res[k]);
		if (tsv != NULL)
			write_tsv(tsv, name, rep, L, orig, b->noisy + k * L, end, &b->res[k]);
		c->sum_overlap += dyn_overlap(end, orig, L);
		c->status[b->res[k].status]++;
		c->runs++;
	}
}

int relax_run(const dyn_model *d, const plm_model *m, const msa *s, const uint8_t *starts, size_t lo,
              size_t hi, const relax_opts *o, FILE *out, FILE *tsv, relax_counts *c, plm_err *err)
{
	/* batches of at most RELAX_BATCH_RUNS runs: several starts with all their repeats, or one
	 * start and part of its repeats */
	size_t L = m->L, n = s->n, repeats = o->repeats;
	size_t rchunk = repeats < RELAX_BATCH_RUNS ? repeats : RELAX_BATCH_RUNS;
	size_t per = rchunk == repeats ? RELAX_BATCH_RUNS / repeats : 1;
	if (per > n)
		per = n ? n : 1;
	size_t cap = per * rchunk;
	uint8_t *noisy = plm_calloc(cap, L, "noisy starts", err);
	uint8_t *ends = noisy ? plm_calloc(cap, L, "end states", err) : NULL;
	dyn_result *res = ends ? plm_calloc(cap, sizeof *res, "results", err) : NULL;
	int rc = res == NULL ? PLM_ENOMEM : PLM_OK;
	for (size_t first = lo; first < hi && rc == PLM_OK; first += per)
		for (size_t r0 = 0; r0 < repeats && rc == PLM_OK; r0 += rchunk) {
			dyn_batch b = { .n = hi - first < per ? hi - first : per, .first_index = first,
			                .repeats = repeats - r0 < rchunk ? repeats - r0 : rchunk,
			                .first_repeat = r0, .noise = o->noise, .seed = o->seed,
			                .starts = starts + first * L, .noisy = noisy, .ends = ends, .res = res };
			if ((rc = dyn_run_batch(d, &o->dyn, &b, err)) == PLM_OK)
				write_batch(m, s, &b, first, o, out, tsv, c);
		}
	free(noisy);
	free(ends);
	free(res);
	return rc;
}
