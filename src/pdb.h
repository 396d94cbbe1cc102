/* pdb: one chain of a macromolecular structure read from a PDB or mmCIF file (gzip or plain):
 * its residues in file order, their one-letter codes and atoms, for contact evaluation.
 * It reads and counts what it converts or skips; it never prints. */
#ifndef PLMEM_PDB_H
#define PLMEM_PDB_H

#include <stddef.h>

#include "err.h"

typedef struct pdb_atom {
	char name[5];     /* atom name, blanks trimmed ("CA", "CB", "OD1") */
	char element[3];  /* element symbol ("C", "SE"), from the record or the atom name */
	double x, y, z;
	double occ;       /* occupancy */
} pdb_atom;

typedef struct pdb_residue {
	char name[4];     /* residue name, e.g. "ALA", "MSE" */
	char aa;          /* one-letter code ('M' for MSE and so on), 'X' when unknown */
	long num;         /* author residue number */
	char icode;       /* insertion code, ' ' for none */
	int het;          /* 1: read from HETATM records (a modified residue kept in the chain) */
	size_t atom0;     /* first atom in the chain's atoms */
	size_t natom;
} pdb_residue;

/* What reading converted or skipped, for the caller's summary. */
typedef struct pdb_counts {
	size_t altloc_skipped;  /* atoms of a second alternate location (the highest occupancy kept) */
	size_t het_kept;        /* residues from HETATM records kept as amino acids (MSE -> M, ...) */
	size_t het_skipped;     /* HETATM residues of the chain skipped (waters, ligands) */
	size_t models_skipped;  /* models after the first (NMR ensembles) */
	size_t hydrogens;       /* hydrogen atoms skipped */
} pdb_counts;

typedef struct pdb_chain {
	char id[8];           /* chain identifier as asked, e.g. "A" */
	pdb_residue *res;
	size_t nres;
	pdb_atom *atoms;
	size_t natom;
	char *seq;            /* nres one-letter codes, NUL-terminated */
	pdb_counts counts;
} pdb_chain;

/* Read chain CHAIN (the author chain id; NULL or "": the first chain with amino acids) of the
 * first model of PATH ("-": standard input), PDB or mmCIF (recognised by content), gzip or
 * plain.  Residues are the chain's ATOM records and its HETATM records of modified amino
 * acids (MSE, SEP, TPO, ...: pdb_het_code), in file order; a residue is a change of (number,
 * insertion code).  Alternate locations: per atom, the highest occupancy (the first on ties);
 * a second residue name at the same number (microheterogeneity) is skipped.  Hydrogens are
 * skipped.  PLM_EFORMAT when the chain is absent (the message lists the chains there are) or
 * holds no amino acid; the message names PATH and the line of a malformed record. */
int pdb_read_chain(const char *path, const char *chain, pdb_chain **out, plm_err *err);
void pdb_chain_destroy(pdb_chain *c);

/* One-letter code of residue NAME: the 20 amino acids, the modified residues of the table in
 * pdb.c (MSE -> M, SEP -> S, ...), '\0' for anything else (water, ligands, nucleotides). */
char pdb_res_code(const char *name);

/* The atom of residue R named NAME, or NULL. */
const pdb_atom *pdb_find_atom(const pdb_chain *c, const pdb_residue *r, const char *name);

#endif
