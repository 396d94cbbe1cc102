/* pdb: one chain of a PDB or mmCIF structure (gzip or plain): residues in file order, their
 * one-letter codes and heavy atoms.  Both formats fill the same atom record and go through
 * one builder (chain choice, residues, alternate locations, models).  No printing, no exit. */
#include "config.h"
#include "pdb.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "msa_reader.h"
#include "util.h"

/* ---- residue names ------------------------------------------------------ */

static const struct {
	const char *name;
	char aa;
} res_codes[] = {
	{ "ALA", 'A' }, { "ARG", 'R' }, { "ASN", 'N' }, { "ASP", 'D' }, { "CYS", 'C' }, { "GLN", 'Q' },
	{ "GLU", 'E' }, { "GLY", 'G' }, { "HIS", 'H' }, { "ILE", 'I' }, { "LEU", 'L' }, { "LYS", 'K' },
	{ "MET", 'M' }, { "PHE", 'F' }, { "PRO", 'P' }, { "SER", 'S' }, { "THR", 'T' }, { "TRP", 'W' },
	{ "TYR", 'Y' }, { "VAL", 'V' },
	/* modified amino acids found as HETATM inside chains: the parent's letter */
	{ "MSE", 'M' }, { "SEP", 'S' }, { "TPO", 'T' }, { "PTR", 'Y' }, { "CSO", 'C' }, { "CSD", 'C' },
	{ "CME", 'C' }, { "OCS", 'C' }, { "CSS", 'C' }, { "MLY", 'K' }, { "M3L", 'K' }, { "KCX", 'K' },
	{ "LLP", 'K' }, { "HYP", 'P' }, { "PCA", 'E' }, { "CGU", 'E' }, { "HIC", 'H' }, { "NEP", 'H' },
	{ "SEC", 'C' }, { "PYL", 'K' }, { "ASX", 'B' }, { "GLX", 'Z' }
};

char pdb_res_code(const char *name)
{
	for (size_t k = 0; k < sizeof res_codes / sizeof res_codes[0]; k++)
		if (strcmp(name, res_codes[k].name) == 0)
			return res_codes[k].aa;
	return '\0';
}

const pdb_atom *pdb_find_atom(const pdb_chain *c, const pdb_residue *r, const char *name)
{
	for (size_t k = 0; k < r->natom; k++)
		if (strcmp(c->atoms[r->atom0 + k].name, name) == 0)
			return &c->atoms[r->atom0 + k];
	return NULL;
}

void pdb_chain_destroy(pdb_chain *c)
{
	if (c == NULL)
		return;
	free(c->res);
	free(c->atoms);
	free(c->seq);
	free(c);
}

/* ---- the builder both formats feed -------------------------------------- */

/* One atom record as read, whatever the format. */
typedef struct rec {
	int het;
	char altloc;
	char resname[4];
	char chain[8];
	long resnum;
	char icode;
	char name[5];
	char element[3];
	double x, y, z, occ;
	long model;
} rec;

typedef struct builder {
	const char *path;
	char want[8];       /* chain wanted ("" until chosen) */
	int any_chain;      /* the first chain with an amino acid */
	long model;         /* the first model's number */
	int have_model;
	long last_skipped_model;
	char seen[256];     /* chain ids met, separated by ", " (truncated) */
	int want_seen;      /* a record of the wanted chain was met */
	long het_num;       /* last skipped HETATM residue, to count residues not atoms */
	char het_icode;
	int have_het;
	size_t res_cap, atom_cap;
	pdb_chain *c;
} builder;

static void note_chain(builder *b, const char *id)
{
	size_t n = strlen(id), len = strlen(b->seen);
	for (const char *p = b->seen; *p; ) { /* already listed? */
		const char *e = strstr(p, ", ");
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && strncmp(p, id, n) == 0)
			return;
		if (e == NULL)
			break;
		p = e + 2;
	}
	if (len + n + 3 < sizeof b->seen)
		snprintf(b->seen + len, sizeof b->seen - len, "%s%s", len ? ", " : "", id);
}

static int is_hydrogen(const rec *r)
{
	return strcmp(r->element, "H") == 0 || strcmp(r->element, "D") == 0;
}

/* Room for one more element of ELEM bytes in *ARR (holding N of CAP): FIRST, then doubling. */
static int grow(const builder *b, void **arr, size_t n, size_t *cap, size_t first, size_t elem, plm_err *err)
{
	if (n < *cap)
		return PLM_OK;
	size_t want = *cap ? 2 * *cap : first;
	void *q = realloc(*arr, want * elem);
	if (q == NULL)
		return plm_fail(err, PLM_ENOMEM, "%s: out of memory", b->path);
	*arr = q;
	*cap = want;
	return PLM_OK;
}

static int push_residue(builder *b, const rec *r, char code, plm_err *err)
{
	pdb_chain *c = b->c;
	void *arr = c->res;
	int rc = grow(b, &arr, c->nres, &b->res_cap, 256, sizeof *c->res, err);
	c->res = arr;
	if (rc != PLM_OK)
		return rc;
	pdb_residue *res = &c->res[c->nres++];
	memcpy(res->name, r->resname, sizeof res->name);
	res->aa = code ? code : 'X';
	res->num = r->resnum;
	res->icode = r->icode;
	res->het = r->het;
	res->atom0 = c->natom;
	res->natom = 0;
	if (r->het)
		c->counts.het_kept++;
	return PLM_OK;
}

/* Add atom R to the last residue; a second location of an atom already there replaces it
 * only with a higher occupancy. */
static int push_atom(builder *b, const rec *r, plm_err *err)
{
	pdb_chain *c = b->c;
	pdb_residue *res = &c->res[c->nres - 1];
	for (size_t k = 0; k < res->natom; k++) {
		pdb_atom *a = &c->atoms[res->atom0 + k];
		if (strcmp(a->name, r->name) == 0) {
			c->counts.altloc_skipped++;
			if (r->occ > a->occ) {
				a->x = r->x, a->y = r->y, a->z = r->z, a->occ = r->occ;
			}
			return PLM_OK;
		}
	}
	void *arr = c->atoms;
	int rc = grow(b, &arr, c->natom, &b->atom_cap, 2048, sizeof *c->atoms, err);
	c->atoms = arr;
	if (rc != PLM_OK)
		return rc;
	pdb_atom *a = &c->atoms[c->natom++];
	memcpy(a->name, r->name, sizeof a->name);
	memcpy(a->element, r->element, sizeof a->element);
	a->x = r->x, a->y = r->y, a->z = r->z, a->occ = r->occ;
	res->natom++;
	return PLM_OK;
}

/* Is R in the model and chain we keep?  Chooses the chain on the first amino acid when no
 * chain was asked for; counts skipped models. */
static int keep_record(builder *b, const rec *r, char code)
{
	if (!b->have_model) {
		b->model = r->model;
		b->have_model = 1;
	}
	if (r->model != b->model) {
		if (r->model != b->last_skipped_model) {
			b->c->counts.models_skipped++;
			b->last_skipped_model = r->model;
		}
		return 0;
	}
	note_chain(b, r->chain);
	if (b->any_chain && b->want[0] == '\0' && code)
		memcpy(b->want, r->chain, sizeof b->want);
	int keep = strcmp(r->chain, b->want) == 0;
	b->want_seen |= keep;
	return keep;
}

static int add_record(builder *b, const rec *r, plm_err *err)
{
	char code = pdb_res_code(r->resname);
	if (!keep_record(b, r, code))
		return PLM_OK;
	pdb_chain *c = b->c;
	if (r->het && code == '\0') {
		if (!b->have_het || b->het_num != r->resnum || b->het_icode != r->icode)
			c->counts.het_skipped++;
		b->have_het = 1, b->het_num = r->resnum, b->het_icode = r->icode;
		return PLM_OK;
	}
	if (is_hydrogen(r)) {
		c->counts.hydrogens++;
		return PLM_OK;
	}
	pdb_residue *last = c->nres ? &c->res[c->nres - 1] : NULL;
	if (last && last->num == r->resnum && last->icode == r->icode) {
		if (strcmp(last->name, r->resname) != 0) { /* microheterogeneity: keep the first */
			c->counts.altloc_skipped++;
			return PLM_OK;
		}
	} else {
		int rc = push_residue(b, r, code, err);
		if (rc != PLM_OK)
			return rc;
	}
	return push_atom(b, r, err);
}

/* ---- PDB format --------------------------------------------------------- */

/* Columns FROM .. TO (1-based, inclusive) of LINE (length N) into BUF, blanks trimmed. */
static void field(const char *line, size_t n, size_t from, size_t to, char *buf, size_t size)
{
	size_t k = 0;
	for (size_t i = from - 1; i < to && i < n && k + 1 < size; i++)
		if (line[i] != ' ')
			buf[k++] = line[i];
	buf[k] = '\0';
}

static int parse_double(const char *s, double *x)
{
	char *end;
	if (*s == '\0')
		return -1;
	*x = strtod(s, &end);
	return *end == '\0' ? 0 : -1;
}

/* Element from an atom name when the record has none: " CA " is carbon, "1HB " hydrogen. */
static void element_from_name(const char *line, size_t n, char *el)
{
	char nm[5];
	field(line, n, 13, 16, nm, sizeof nm);
	const char *p = nm;
	while (*p && isdigit((unsigned char)*p))
		p++;
	el[0] = (char)toupper((unsigned char)(*p ? *p : 'X'));
	el[1] = '\0';
}

static int parse_pdb_atom(const char *path, size_t lineno, const char *line, size_t n, long model, rec *r,
                          plm_err *err)
{
	char buf[16];
	memset(r, 0, sizeof *r);
	if (n < 54)
		return plm_fail(err, PLM_EFORMAT, "%s:%zu: an ATOM/HETATM record of %zu characters (needs 54: "
		                "coordinates in columns 31-54)", path, lineno, n);
	r->het = line[0] == 'H';
	r->altloc = line[16];
	field(line, n, 18, 20, r->resname, sizeof r->resname);
	r->chain[0] = line[21] == ' ' ? '_' : line[21];
	field(line, n, 23, 26, buf, sizeof buf);
	char *end;
	r->resnum = strtol(buf, &end, 10);
	if (buf[0] == '\0' || *end != '\0')
		return plm_fail(err, PLM_EFORMAT, "%s:%zu: residue number '%s' (columns 23-26) is not an integer",
		                path, lineno, buf);
	r->icode = line[26];
	field(line, n, 13, 16, r->name, sizeof r->name);
	double *xyz[3] = { &r->x, &r->y, &r->z };
	for (int k = 0; k < 3; k++) {
		field(line, n, 31 + 8 * (size_t)k, 38 + 8 * (size_t)k, buf, sizeof buf);
		if (parse_double(buf, xyz[k]) != 0)
			return plm_fail(err, PLM_EFORMAT, "%s:%zu: coordinate '%s' (columns %d-%d) is not a number",
			                path, lineno, buf, 31 + 8 * k, 38 + 8 * k);
	}
	field(line, n, 55, 60, buf, sizeof buf);
	if (parse_double(buf, &r->occ) != 0)
		r->occ = 1.0;
	field(line, n, 77, 78, r->element, sizeof r->element);
	for (char *p = r->element; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (r->element[0] == '\0')
		element_from_name(line, n, r->element);
	r->model = model;
	return PLM_OK;
}

static int read_pdb(builder *b, char *text, plm_err *err)
{
	long model = 0;
	size_t lineno = 0;
	for (char *line = text; line && *line; ) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		if (n && line[n - 1] == '\r')
			n--;
		lineno++;
		if (n >= 5 && strncmp(line, "MODEL", 5) == 0) {
			model = strtol(line + 5, NULL, 10);
		} else if ((n >= 4 && strncmp(line, "ATOM", 4) == 0 && (n == 4 || line[4] == ' ')) ||
		           (n >= 6 && strncmp(line, "HETATM", 6) == 0)) {
			rec r;
			int rc = parse_pdb_atom(b->path, lineno, line, n, model, &r, err);
			if (rc == PLM_OK)
				rc = add_record(b, &r, err);
			if (rc != PLM_OK)
				return rc;
		}
		line = nl ? nl + 1 : NULL;
	}
	return PLM_OK;
}

/* ---- mmCIF format -------------------------------------------------------- */

/* Split LINE into at most MAX whitespace-separated tokens, quotes ('...' or "...") removed;
 * writes NULs into LINE.  Returns the count. */
static size_t cif_tokens(char *line, char **tok, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p == '\'' || *p == '"') {
			char q = *p++;
			tok[n++] = p;
			while (*p && !(*p == q && (p[1] == ' ' || p[1] == '\t' || p[1] == '\0')))
				p++;
		} else {
			tok[n++] = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = '\0';
	}
	return n;
}

enum { CIF_GROUP, CIF_ALT, CIF_COMP, CIF_LCOMP, CIF_ASYM, CIF_LASYM, CIF_SEQ, CIF_LSEQ, CIF_INS, CIF_ATOM,
       CIF_LATOM, CIF_TYPE, CIF_X, CIF_Y, CIF_Z, CIF_OCC, CIF_MODEL, CIF_NCOL };

static const char *cif_names[CIF_NCOL] = {
	"group_PDB", "label_alt_id", "auth_comp_id", "label_comp_id", "auth_asym_id", "label_asym_id",
	"auth_seq_id", "label_seq_id", "pdbx_PDB_ins_code", "auth_atom_id", "label_atom_id", "type_symbol",
	"Cartn_x", "Cartn_y", "Cartn_z", "occupancy", "pdbx_PDB_model_num"
};

static const char *cif_get(char **tok, size_t ntok, const int *col, int a, int b)
{
	int k = col[a] >= 0 ? col[a] : (b >= 0 ? col[b] : -1);
	if (k < 0 || (size_t)k >= ntok)
		return NULL;
	const char *s = tok[k];
	return (strcmp(s, "?") == 0 || strcmp(s, ".") == 0) ? NULL : s;
}

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static int cif_record(const char *path, size_t lineno, char **tok, size_t ntok, const int *col, rec *r,
                      plm_err *err)
{
	memset(r, 0, sizeof *r);
	const char *g = cif_get(tok, ntok, col, CIF_GROUP, -1);
	r->het = g && strcmp(g, "HETATM") == 0;
	const char *s = cif_get(tok, ntok, col, CIF_ALT, -1);
	r->altloc = s ? s[0] : ' ';
	copy_str(r->resname, sizeof r->resname, cif_get(tok, ntok, col, CIF_COMP, CIF_LCOMP));
	copy_str(r->chain, sizeof r->chain, cif_get(tok, ntok, col, CIF_ASYM, CIF_LASYM));
	copy_str(r->name, sizeof r->name, cif_get(tok, ntok, col, CIF_ATOM, CIF_LATOM));
	copy_str(r->element, sizeof r->element, cif_get(tok, ntok, col, CIF_TYPE, -1));
	for (char *p = r->element; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	s = cif_get(tok, ntok, col, CIF_INS, -1);
	r->icode = s ? s[0] : ' ';
	s = cif_get(tok, ntok, col, CIF_SEQ, CIF_LSEQ);
	char *end;
	r->resnum = s ? strtol(s, &end, 10) : 0;
	if (s == NULL || *end != '\0')
		return plm_fail(err, PLM_EFORMAT, "%s:%zu: _atom_site residue number '%s' is not an integer", path,
		                lineno, s ? s : "?");
	double *xyz[3] = { &r->x, &r->y, &r->z };
	for (int k = 0; k < 3; k++) {
		s = cif_get(tok, ntok, col, CIF_X + k, -1);
		if (s == NULL || parse_double(s, xyz[k]) != 0)
			return plm_fail(err, PLM_EFORMAT, "%s:%zu: _atom_site.Cartn_%c '%s' is not a number", path, lineno,
			                "xyz"[k], s ? s : "?");
	}
	s = cif_get(tok, ntok, col, CIF_OCC, -1);
	if (s == NULL || parse_double(s, &r->occ) != 0)
		r->occ = 1.0;
	s = cif_get(tok, ntok, col, CIF_MODEL, -1);
	r->model = s ? strtol(s, NULL, 10) : 0;
	return PLM_OK;
}

static int read_cif(builder *b, char *text, plm_err *err)
{
	int col[CIF_NCOL], ncol = 0, in_header = 0, in_rows = 0;
	char *tok[64];
	size_t lineno = 0;
	for (char *line = text; line && *line; ) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		size_t n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		lineno++;
		if (strncmp(line, "loop_", 5) == 0) {
			in_header = 1, in_rows = 0, ncol = 0;
			for (int k = 0; k < CIF_NCOL; k++)
				col[k] = -1;
		} else if (in_header && strncmp(line, "_atom_site.", 11) == 0) {
			char *name = line + 11;
			name[strcspn(name, " \t")] = '\0';
			for (int k = 0; k < CIF_NCOL; k++)
				if (strcmp(name, cif_names[k]) == 0)
					col[k] = ncol;
			ncol++;
		} else if (in_header && ncol > 0 && line[0] != '_' && line[0] != '#' && n > 0) {
			in_header = 0, in_rows = 1;
		} else if (line[0] == '_' || line[0] == '#' || strncmp(line, "data_", 5) == 0) {
			in_header = 0, in_rows = 0;
		}
		if (in_rows && n > 0) {
			size_t nt = cif_tokens(line, tok, 64);
			rec r;
			int rc = cif_record(b->path, lineno, tok, nt, col, &r, err);
			if (rc == PLM_OK)
				rc = add_record(b, &r, err);
			if (rc != PLM_OK)
				return rc;
		}
		line = nl ? nl + 1 : NULL;
	}
	return PLM_OK;
}

/* ---- the reader --------------------------------------------------------- */

static int is_cif(const char *text)
{
	const char *p = text;
	while (*p == '#' || isspace((unsigned char)*p)) { /* leading comments and blanks */
		if (*p == '#')
			p += strcspn(p, "\n");
		else
			p++;
	}
	return strncmp(p, "data_", 5) == 0;
}

static int finish_chain(builder *b, const char *chain, plm_err *err)
{
	pdb_chain *c = b->c;
	size_t aa = 0;
	for (size_t k = 0; k < c->nres; k++)
		aa += c->res[k].aa != 'X';
	if (c->nres == 0 && b->seen[0] == '\0')
		return plm_fail(err, PLM_EFORMAT, "%s: no ATOM records (not a PDB or mmCIF structure?)", b->path);
	if (c->nres == 0 && !b->any_chain && !b->want_seen)
		return plm_fail(err, PLM_EFORMAT, "%s: no chain '%s' (chains there: %s); choose one with --chain",
		                b->path, chain, b->seen);
	if (aa == 0)
		return plm_fail(err, PLM_EFORMAT, "%s: chain '%s' holds no amino acid", b->path,
		                b->want[0] ? b->want : chain ? chain : "");
	memcpy(c->id, b->want, sizeof c->id);
	c->seq = malloc(c->nres + 1);
	if (c->seq == NULL)
		return plm_fail(err, PLM_ENOMEM, "%s: out of memory", b->path);
	for (size_t k = 0; k < c->nres; k++)
		c->seq[k] = c->res[k].aa;
	c->seq[c->nres] = '\0';
	return PLM_OK;
}

int pdb_read_chain(const char *path, const char *chain, pdb_chain **out, plm_err *err)
{
	*out = NULL;
	if (chain && strlen(chain) >= sizeof ((pdb_chain *)0)->id)
		return plm_fail(err, PLM_EINVAL, "chain '%s': a chain identifier has at most %zu characters", chain,
		                sizeof ((pdb_chain *)0)->id - 1);
	char *text = NULL;
	size_t len = 0;
	int rc = msa_reader_slurp(path, &text, &len, err);
	if (rc != PLM_OK)
		return rc;
	builder b;
	memset(&b, 0, sizeof b);
	b.path = path;
	b.any_chain = chain == NULL || chain[0] == '\0';
	b.last_skipped_model = -1;
	if (!b.any_chain)
		memcpy(b.want, chain, strlen(chain) + 1);
	b.c = calloc(1, sizeof *b.c);
	if (b.c == NULL)
		rc = plm_fail(err, PLM_ENOMEM, "%s: out of memory", path);
	if (rc == PLM_OK)
		rc = is_cif(text) ? read_cif(&b, text, err) : read_pdb(&b, text, err);
	free(text);
	if (rc == PLM_OK)
		rc = finish_chain(&b, chain, err);
	if (rc != PLM_OK) {
		pdb_chain_destroy(b.c);
		return rc;
	}
	*out = b.c;
	return PLM_OK;
}
