/* cmd_info: `plmem info MODEL`: prints a model file's header, training settings and
 * convergence summary, and with --sites the per-site table.  Glue only: the model module
 * reads and summarises; this file formats. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "model.h"

typedef struct info_args {
	cmd_common com;
	int sites;
} info_args;

static const cmd_row rows[] = {
	{ "sites", 0, CMD_FLAG, NULL, NULL, offsetof(info_args, sites), "also print the per-site convergence table" },
	CMD_ROW_END
};

static const cmd_group groups[] = { CMD_OWN(rows), CMD_GROUP_END };

const cmd_spec cmd_info_spec = {
	.name = "info",
	.synopsis = "[options] MODEL",
	.summary = "Print a model file's header, training settings and convergence summary.",
	.details = "MODEL may be gzip-compressed, or '-' for standard input.\n"
	"One 'key  value' line per item (keys have no spaces: awk '$1 == \"M_eff\"' finds one).\n"
	"--sites adds a table, one line per position: pos (1-based model position), the\n"
	"position in the user's numbering, the reference residue, status, iterations,\n"
	"evaluations, final gradient norm and final objective.",
	.groups = groups,
	.common = offsetof(info_args, com),
	.nops = 1,
	.operands = "the model file MODEL",
	.serial = "reads one file and runs on one thread",
};

static const char *str_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

static void print_header(const plm_model *m, const char *path)
{
	size_t L = m->L, q = m->q;
	printf("file              %s\n", path);
	printf("format            plmem model, version %u\n", m->file_version);
	printf("plmem_version     %s\n", str_or(m->version, "unknown"));
	printf("rule              %s (%s)\n", m->rule,
	       strcmp(m->rule, MODEL_RULE_HEBB) == 0      ? "Hebbian baseline"
	       : strcmp(m->rule, MODEL_RULE_PLM_SYM) == 0 ? "pseudo-likelihood, symmetric couplings fitted jointly"
	       : strcmp(m->rule, MODEL_RULE_PLMC) == 0    ? "imported from a plmc parameter file, symmetric couplings"
	       : strcmp(m->rule, MODEL_RULE_CCMPRED) == 0 ? "imported from CCMpred raw couplings, symmetric"
	                                         : "pseudo-likelihood, asymmetric couplings");
	printf("alphabet          %s (%s)\n", m->abc.name, m->abc.letters);
	printf("L                 %zu\n", L);
	printf("q                 %zu\n", q);
	printf("parameters        %zu fields, %zu couplings\n", L * q, L * (L - 1) * q * q);
	printf("columns           %zu of %zu alignment columns (first %zu, last %zu)\n", L, m->ncol_in,
	       m->col[0] + 1, m->col[L - 1] + 1);
	if (m->focus != NULL)
		printf("focus             %s (residues %ld to %ld)\n", m->focus, m->resnum ? m->resnum[0] : 0L,
		       m->resnum ? m->resnum[L - 1] : 0L);
	else
		printf("focus             none (positions are alignment columns)\n");
	if (m->refseq != NULL)
		printf("refseq            %s\n", m->refseq);
	printf("lambda_h          %g\n", m->lambda_h);
	printf("lambda_J          %g\n", m->lambda_j);
	printf("no_fields         %s\n", m->no_fields ? "yes (h fixed at 0)" : "no");
	printf("theta             %g\n", m->theta);
	printf("max_gap_seq       %g\n", m->max_gap_seq);
	printf("max_gap_col       %g\n", m->max_gap_col);
	printf("tol               %g\n", m->tol);
	printf("max_iter          %llu\n", (unsigned long long)m->max_iter);
	printf("source            %s\n", str_or(m->source, "unknown"));
	printf("command           %s\n", str_or(m->cmdline, "unknown"));
	printf("sequences_read    %llu\n", (unsigned long long)m->nseq_in);
	printf("M                 %llu\n", (unsigned long long)m->nseq);
	printf("unique            %llu\n", (unsigned long long)m->nunique);
	printf("M_eff             %.6g\n", m->meff);
	printf("statistics        weights %s, f_i %s, f_ij %s\n", m->weights ? "kept" : "not kept",
	       m->fi ? "kept" : "not kept", m->fij ? "kept" : "not kept");
}

static void print_conv(const model_conv *s, const plm_model *m)
{
	if (!s->have) {
		if (strcmp(m->rule, MODEL_RULE_PLMC) == 0 || strcmp(m->rule, MODEL_RULE_CCMPRED) == 0)
			printf("convergence       none recorded (imported: %s's files do not keep it)\n", m->rule);
		else
			printf("convergence       none recorded (rule %s has no optimisation)\n", m->rule);
		return;
	}
	printf("sites_converged   %zu\n", s->nstatus[SITE_CONVERGED]);
	printf("sites_max_iter    %zu\n", s->nstatus[SITE_MAX_ITER]);
	printf("sites_linesearch  %zu\n", s->nstatus[SITE_LINESEARCH]);
	if (s->nstatus[SITE_NOT_FITTED] > 0)
		printf("sites_not_fitted  %zu\n", s->nstatus[SITE_NOT_FITTED]);
	printf("iterations        min %u, median %u, max %u\n", s->iters[0], s->iters[1], s->iters[2]);
	printf("evaluations       min %u, median %u, max %u\n", s->evals[0], s->evals[1], s->evals[2]);
	printf("max_gradient_norm %.3g (position %ld)\n", s->max_gnorm, model_user_index(m, s->max_gnorm_site));
	printf("objective         %.10g (sum over sites)\n", s->total_fx);
}

static void print_sites(const plm_model *m)
{
	printf("#pos\t%s\tres\tstatus\titers\tevals\tgnorm\tobjective\n", m->resnum ? "resnum" : "column");
	for (size_t i = 0; i < m->L; i++) {
		printf("%zu\t%ld\t%c", i + 1, model_user_index(m, i), m->refseq ? m->refseq[i] : '.');
		if (m->iters != NULL)
			printf("\t%s\t%u\t%u\t%.3g\t%.10g\n", model_site_status_name(m->status[i]), m->iters[i], m->evals[i],
			       m->gnorm[i], m->fx[i]);
		else
			printf("\t-\t-\t-\t-\t-\n");
	}
}

int cmd_info_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_info_spec;
	info_args a = { 0 };
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	const char *path = ops.v[0];
	plm_model *m = cmd_load_model(spec, path);
	if (m == NULL)
		return CMD_EXIT_FAIL;
	plm_err err;
	model_conv s;
	int rc = model_conv_summary(m, &s, &err);
	if (rc == PLM_OK) {
		print_header(m, path);
		print_conv(&s, m);
		if (a.sites)
			print_sites(m);
	}
	model_destroy(m);
	return cmd_status(spec, rc, &err);
}
