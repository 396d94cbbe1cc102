/* ceval: contact evaluation: residue distances of a structure's chain on a model's positions
 * (or a list of true pairs), and the precision of a ranked list of pairs per sequence-separation
 * range at L/10, L/5, L/2 and L.  Computation only: no printing. */
#ifndef PLMEM_CEVAL_H
#define PLMEM_CEVAL_H

#include <stddef.h>

#include "align.h"
#include "contacts.h"
#include "err.h"
#include "pdb.h"

/* How a residue-residue distance is measured:
 *   CEVAL_CB     between C-beta atoms (C-alpha for glycine, and for a residue whose C-beta is
 *                not in the file);
 *   CEVAL_CA     between C-alpha atoms;
 *   CEVAL_HEAVY  the shortest distance between any two heavy (non-hydrogen) atoms. */
typedef enum ceval_def { CEVAL_CB = 0, CEVAL_CA, CEVAL_HEAVY } ceval_def;

/* "cb", "ca" or "heavy" -> the definition; -1 for anything else. */
int ceval_parse_def(const char *s, ceval_def *d);
const char *ceval_def_name(ceval_def d);

/* The least identity and number of aligned residues for a chain to count as the model's
 * protein (fewer aligned residues are accepted when the query has fewer than twice that). */
#define CEVAL_MIN_IDENTITY 0.30
#define CEVAL_MIN_ALIGNED 20

/* PLM_EINVAL, with a message naming WHAT (e.g. "1abc.pdb chain A") and the figures, when the
 * alignment ST is too poor by the thresholds above. */
int ceval_check_alignment(const align_stats *st, const char *what, plm_err *err);

/* D (L x L, row-major, symmetric) gets the distance in angstrom between the residues of C
 * that positions i and j are mapped to (MAP: position -> residue index in C, or -1), by
 * definition DEF; NAN where either position is unmapped or its residue lacks the atoms. */
int ceval_distances(const pdb_chain *c, const long *map, size_t L, ceval_def def, double *D, plm_err *err);

/* The same for a model of two proteins: positions below NA on chain CH[0], the others on
 * CH[1] (distances between the two chains for the pairs across; CH[0] may equal CH[1]). */
int ceval_distances2(const pdb_chain *const ch[2], const long *map, size_t L, size_t na, ceval_def def, double *D,
                     plm_err *err);

/* What ceval_structure found, for the caller's summary. */
typedef struct ceval_info {
	char chain[8];       /* the chain read */
	size_t nres;         /* its residues */
	align_stats st;      /* the reference sequence aligned to them */
	pdb_counts counts;   /* what reading skipped or converted */
} ceval_info;

/* D (L x L) from chain CHAIN (NULL: the first) of the structure PATH: the reference sequence
 * REFSEQ (L letters, '-' for positions without a residue) aligned to the chain's residues
 * (align_map), refused by ceval_check_alignment when too poor, then ceval_distances. */
int ceval_structure(const char *path, const char *chain, const char *refseq, size_t L, ceval_def def, double *D,
                    ceval_info *info, plm_err *err);

/* D (L x L) for a model of two proteins (a concatenated alignment): reference positions
 * [0, NA) aligned to chain CHAIN[0] of PATH, [NA, L) to CHAIN[1], each alignment refused by
 * ceval_check_alignment when too poor; INFO[k] describes chain k.  Distances within each chain
 * and between the two (for the inter-protein pairs), by DEF. */
int ceval_structure2(const char *path, const char *const chain[2], const char *refseq, size_t L, size_t na,
                     ceval_def def, double *D, ceval_info info[2], plm_err *err);

/* D (L x L) from the file PATH of true pairs 'i j [distance]' in the user's numbering (USER:
 * position -> user index; '#' lines are comments).  Two columns: the listed pairs are contacts
 * (D = 0) and every other pair is not (D = +inf).  Three or more: column 3 is the distance of
 * each listed pair and unlisted pairs are unknown (NAN).  Pairs naming an index that is no
 * model position are counted in *SKIPPED.  Refuses malformed lines with PATH:LINE. */
int ceval_read_pairs(const char *path, const long *user, size_t L, double *D, size_t *skipped, plm_err *err);

/* Sequence-separation ranges (|user_i - user_j|) and list lengths of the precision table. */
enum { CEVAL_ALL = 0, CEVAL_SHORT, CEVAL_MEDIUM, CEVAL_LONG, CEVAL_NRANGE }; /* >= 6, 6-11, 12-23, >= 24 */
enum { CEVAL_NFRAC = 4 };                                                       /* L/10, L/5, L/2, L */
extern const long ceval_range_lo[CEVAL_NRANGE], ceval_range_hi[CEVAL_NRANGE]; /* hi < 0: no bound */
extern const size_t ceval_frac_div[CEVAL_NFRAC];                               /* 10, 5, 2, 1 */
const char *ceval_range_name(int r);   /* "all (>= 6)", "short (6-11)", ... */

typedef struct ceval_table {
	size_t top[CEVAL_NFRAC];                    /* the list lengths max(1, floor(L / div)) */
	size_t n[CEVAL_NRANGE][CEVAL_NFRAC];        /* pairs evaluated (fewer when the range runs out) */
	size_t correct[CEVAL_NRANGE][CEVAL_NFRAC];  /* of those, contacts */
	double precision[CEVAL_NRANGE][CEVAL_NFRAC]; /* correct / n, NAN when n = 0 */
} ceval_table;

/* Precision of the ranked pairs P (N pairs, best first, as contacts_rank gives them) against
 * D (a contact: D < CUTOFF): for each range, the pairs of the list in that range whose
 * distance is known (D not NAN; unknown pairs are skipped, not counted wrong) are taken in
 * order, and of the first max(1, floor(L / div)) of them the fraction of contacts is the
 * precision.  USER: position -> user index, for the separations. */
void ceval_precision(const contacts_pair *p, size_t n, const long *user, size_t L, const double *D, double cutoff,
                     ceval_table *t);

/* For the ranked pairs P (N), skipping those whose distance D is unknown: of the first TOP[k]
 * pairs (k < NTOP), *NOUT[k] counted and *CORRECT[k] contacts (D < CUTOFF). */
void ceval_precision_top(const contacts_pair *p, size_t n, size_t L, const double *D, double cutoff,
                         const size_t *top, int ntop, size_t *nout, size_t *correct);

#endif
