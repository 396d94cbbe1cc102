/* cmdgroups: the option groups shared by several subcommands, defined once (cmd.h): the fit
 * settings (over a fit_opts: fit, sweep, and the MPI path through fit) and the dynamics
 * settings (over a dyn_opts: relax, sample, sweep).  Defaults come from the library's macros;
 * no parsing lives here (cmdparse.c does it from these rows). */
#include "config.h"
#include "cmd.h"

#include "dynamics.h"
#include "fit.h"
#include "util.h"

#define FO(f) offsetof(fit_opts, f)

const cmd_row cmd_fit_rows[] = {
	{ "lambda-h", 0, CMD_DOUBLE, "X", PLM_STR(FIT_DEFAULT_LAMBDA_H), FO(lambda_h), "L2 penalty on the fields",
	  .lo = 0, .hi = 1e6 },
	{ "lambda-j", 0, CMD_DOUBLE, "X", "auto", FO(lambda_j), "L2 penalty on the couplings, or auto (below)",
	  .lo = 0, .hi = 1e6, .word = "auto", .word_val = FIT_LAMBDA_J_AUTO },
	{ "max-iter", 0, CMD_SIZE, "N", PLM_STR(FIT_DEFAULT_MAX_ITER), FO(max_iter), "L-BFGS iterations per site" },
	{ "lbfgs-m", 0, CMD_SIZE, "N", "auto", FO(lbfgs_m),
	  "L-BFGS history length (auto: " PLM_STR(FIT_LBFGS_M_SITES) " per site on alignments with >= "
	  PLM_STR(FIT_LBFGS_M_ENTRIES) " entries per column off the column's most frequent state, else "
	  PLM_STR(FIT_DEFAULT_LBFGS_M) ")", .lo = 1, .hi = 1000, .word = "auto", .word_val = 0 },
	{ "tol", 0, CMD_DOUBLE, "X", PLM_STR(FIT_DEFAULT_TOL), FO(tol),
	  "stop a site when the Euclidean norm of its gradient is <= X", .lo = 0, .hi = 1e6 },
	{ "ftol", 0, CMD_DOUBLE, "X", "auto", FO(ftol),
	  "or when its objective fell by <= X times its value over the last " PLM_STR(FIT_FTOL_WINDOW)
	  " iterations (0: off; auto: " PLM_STR(FIT_FTOL_SITES) " for q > 2, 0 for binary data)", .lo = 0, .hi = 1,
	  .word = "auto", .word_val = FIT_FTOL_AUTO },
	{ "no-fields", 0, CMD_FLAG, NULL, NULL, FO(no_fields), "fix the fields h at 0" },
	{ "symmetric", 0, CMD_FLAG, NULL, NULL, FO(symmetric),
	  "then fit the symmetric model (J_ji = J_ij^T) jointly, as plmc does" },
	{ "max-memory", 0, CMD_BYTES, "SIZE", "physical memory", FO(max_memory),
	  "refuse a fit whose memory estimate exceeds SIZE (bytes, or e.g. 512M, 8G)" },
	CMD_ROW_END
};

#define DO(f) offsetof(dyn_opts, f)

const cmd_row cmd_dyn_rows[] = {
	{ "update", 0, CMD_CHOICE, "MODE", PLM_STR(DYN_DEFAULT_UPDATE), DO(update),
	  "sequential (one site at a time) or parallel (all sites from the previous state)",
	  .choices = dyn_update_names },
	{ "order", 0, CMD_CHOICE, "ORDER", PLM_STR(DYN_DEFAULT_ORDER), DO(order),
	  "site order of a sequential sweep: ascending (1..L) or random (new each sweep)",
	  .choices = dyn_order_names },
	{ "max-sweeps", 0, CMD_SIZE, "N", PLM_STR(DYN_MAX_SWEEPS_DEFAULT), DO(max_sweeps),
	  "stop a run after N sweeps (status max-sweeps)" },
	CMD_ROW_END
};
