/* cmdhint: help for the habits users bring: edit distances for "did you mean", the flags of
 * plmc and CCMpred answered with plmem's equivalent, plmc's .params file name, grammatical
 * counts, the progress line and the common options written before the subcommand name.
 * Prints only what it is asked to print; never exits. */
#include "config.h"
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

size_t cmd_edit_distance(const char *a, const char *b)
{
	/* optimal string alignment: d[i][j] over prefixes, three rows kept */
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return la > lb ? la : lb;
	size_t r0[65], r1[65], r2[65], *pp = r0, *p = r1, *c = r2;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

/* plmc's and CCMpred's flags.  Where the two tools give one letter two meanings, the answer
 * names both. */
static const struct {
	const char *flag, *hint;
} foreign[] = {
	{ "-le", "plmc's -le 16 is plmem's default penalty (--lambda-j auto = 8/M_eff: plmc's 16 on each "
	         "symmetric block, half of it on each direction); plmc's -le X is --lambda-j X/(2 M_eff)" },
	{ "-lh", "plmc's -lh X (field penalty on the summed likelihood) is --lambda-h X/M_eff" },
	{ "-lg", "plmc's -lg (group L1 penalty) has no plmem equivalent: plmem's penalties are L2 (--lambda-h, --lambda-j)" },
	{ "-theta", "plmc's -t/--theta is --theta (the same meaning: neighbours at identity >= 1 - theta)" },
	{ "-m", "plmc's -m (maximum iterations) is --max-iter; so is CCMpred's -n" },
	{ "-n", "plmc's -n (threads) is -t/--threads; CCMpred's -n (iterations) is --max-iter" },
	{ "-t", "plmc's -t is --theta (plmem's -t is --threads, as CCMpred's)" },
	{ "-w", "plmc's -w FILE (weights) is --weights FILE; CCMpred's -w X (identity threshold) is --theta 1-X" },
	{ "-f", "plmc's -f NAME (focus sequence) is --focus NAME" },
	{ "-c", "plmc's -c FILE (coupling scores) is plmem contacts --gauge stored --include-gap -o FILE MODEL" },
	{ "-e", "CCMpred's -e (stop on the objective's relative decrease) has no equivalent: plmem stops a site "
	        "on its gradient norm (--tol)" },
	{ "-l", "CCMpred's -l F (coupling penalty F (L-1) on the summed likelihood) is about --lambda-j F*(L-1)/(2 M_eff)" },
	{ "-g", "plmc's -g (gaps left out of the likelihood) has no equivalent; see --max-gap-seq and --max-gap-col" },
	{ "-s", "plmc's -s (weight scale) has no equivalent: plmem's weights are 1/n_s (--theta)" },
	{ "-r", "CCMpred's -r FILE (raw couplings) is the model itself: plmem export, or import -o MODEL FILE to read one" },
	{ "-A", "CCMpred's -A (no APC) is plmem contacts --apc none" },
	{ "--lambdae", "plmc's --lambdae X is --lambda-j X/(2 M_eff); its default 16 is plmem's default (--lambda-j auto)" },
	{ "--lambdah", "plmc's --lambdah X is --lambda-h X/M_eff" },
	{ "--lambdag", "plmc's --lambdag (group L1 penalty) has no plmem equivalent" },
	{ "--maxiter", "plmc's --maxiter is --max-iter" },
	{ "--ncores", "plmc's --ncores is -t/--threads" },
	{ "--gapignore", "plmc's --gapignore has no equivalent; see --max-gap-seq and --max-gap-col" },
};

const char *cmd_foreign_hint(const char *token)
{
	if (token == NULL || token[0] != '-' || token[1] == '\0')
		return NULL;
	if (token[1] == '-') { /* long: the name up to '=' */
		size_t len = strcspn(token, "=");
		for (size_t k = 0; k < sizeof foreign / sizeof foreign[0]; k++)
			if (strlen(foreign[k].flag) == len && strncmp(foreign[k].flag, token, len) == 0)
				return foreign[k].hint;
		return NULL;
	}
	/* single dash: the longest flag that starts the token (-le16 and -le are plmc's -le) */
	const char *best = NULL;
	size_t blen = 0;
	for (size_t k = 0; k < sizeof foreign / sizeof foreign[0]; k++) {
		const char *f = foreign[k].flag;
		size_t len = strlen(f);
		if (f[1] != '-' && strncmp(f, token, len) == 0 && len > blen) {
			best = foreign[k].hint;
			blen = len;
		}
	}
	return best;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int cmd_check_model_name(const cmd_spec *spec, const char *opt, const char *path)
{
	if (path == NULL || !(ends_with(path, ".params") || ends_with(path, ".params.gz")))
		return 0;
	cmd_usage_error(spec,
	                "%s %s: '.params' is plmc's parameter file, but %s writes a plmem model; write it as "
	                "NAME.plm, then 'plmem export --format plmc -o %s NAME.plm' gives plmc's format",
	                opt, path, spec->name, path);
	return -1;
}

const char *cmd_prefix(const cmd_spec *spec, char *buf, size_t len)
{
	snprintf(buf, len, "plmem %s: ", spec->name);
	return buf;
}

const char *cmd_count(char *buf, size_t len, unsigned long long n, const char *thing, const char *plural)
{
	if (n == 1)
		snprintf(buf, len, "1 %s", thing);
	else if (plural != NULL)
		snprintf(buf, len, "%llu %s", n, plural);
	else
		snprintf(buf, len, "%llu %ss", n, thing);
	return buf;
}

/* ---- progress ------------------------------------------------------------------------------- */

void cmd_progress_init(cmd_progress *p, const cmd_spec *spec, const cmd_common *com, const char *what)
{
	memset(p, 0, sizeof *p);
	p->spec = spec;
	p->what = what;
	p->start = plm_now();
	p->tty = isatty(STDERR_FILENO);
	if (com->progress == CMD_PROGRESS_ALWAYS)
		p->on = 1;
	else if (com->progress == CMD_PROGRESS_AUTO)
		p->on = p->tty && !com->quiet;
}

void cmd_progress_update(void *ctx, size_t done, size_t total)
{
	cmd_progress *p = ctx;
	if (!p->on)
		return;
	double now = plm_now();
	if (done < total && now - p->last < (p->tty ? 0.25 : CMD_PROGRESS_LOG_S))
		return;
	if (!p->tty && done == total && p->shown == 2)
		return; /* the last line of a log once */
	p->last = now;
	double el = now - p->start;
	double left = done > 0 ? el * (double)(total - done) / (double)done : 0.0;
	fprintf(stderr, "%splmem %s: %s %zu/%zu, %.0f s elapsed, about %.0f s left%s", p->tty ? "\r" : "",
	        p->spec->name, p->what, done, total, el, left, p->tty ? "   " : "\n");
	fflush(stderr);
	p->shown = p->tty ? 1 : done == total ? 2 : 3;
}

void cmd_progress_end(cmd_progress *p)
{
	if (p->tty && p->shown)
		fputc('\n', stderr);
	p->shown = 0;
}

/* ---- common options before the subcommand name --------------------------------------- */

int cmd_leading_common(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
		const char *a = argv[i];
		const cmd_row *hit = NULL;
		if (a[1] == '-') {
			size_t len = strcspn(a + 2, "=");
			for (const cmd_row *r = cmd_common_rows; r->lname != NULL; r++)
				if (strlen(r->lname) == len && strncmp(r->lname, a + 2, len) == 0)
					hit = r;
			if (hit != NULL && strchr(a, '=') == NULL && hit->arg != NULL)
				i++; /* "--threads N" */
		} else {
			for (const char *p = a + 1; *p != '\0'; p++) {
				hit = NULL;
				for (const cmd_row *r = cmd_common_rows; r->lname != NULL; r++)
					if (r->key == *p)
						hit = r;
				if (hit == NULL)
					break;
				if (hit->arg != NULL) { /* "-t2" or "-t 2" */
					if (p[1] == '\0')
						i++;
					break;
				}
			}
		}
		if (hit == NULL)
			return i;
		i++;
	}
	return i;
}
