/* cmdtable: the table of subcommands (name, spec, entry point), read by plmem.c's dispatch
 * and by the option-parser fuzz target (tests/fuzz/options.c). */
#include "config.h"

#include "cmd.h"

/* Each subcommand defines its spec and entry point in src/cmd_<name>.c. */
#define CMD_DECLARE(name) \
	extern const cmd_spec cmd_##name##_spec; \
	int cmd_##name##_main(int argc, char **argv);
/* (subcommand declarations: keep in the order of the table below) */
CMD_DECLARE(weights)
CMD_DECLARE(fit)
CMD_DECLARE(info)
CMD_DECLARE(export)
CMD_DECLARE(relax)
CMD_DECLARE(sample)
CMD_DECLARE(score)
CMD_DECLARE(contacts)
CMD_DECLARE(generate)
CMD_DECLARE(import)
CMD_DECLARE(split)
CMD_DECLARE(sweep)
CMD_DECLARE(pair)
/* (end of declarations) */

const cmd_entry cmd_commands[] = {
/* (subcommand table entries) */
	{ &cmd_weights_spec, cmd_weights_main },
	{ &cmd_fit_spec, cmd_fit_main },
	{ &cmd_info_spec, cmd_info_main },
	{ &cmd_export_spec, cmd_export_main },
	{ &cmd_relax_spec, cmd_relax_main },
	{ &cmd_sample_spec, cmd_sample_main },
	{ &cmd_score_spec, cmd_score_main },
	{ &cmd_contacts_spec, cmd_contacts_main },
	{ &cmd_generate_spec, cmd_generate_main },
	{ &cmd_import_spec, cmd_import_main },
	{ &cmd_split_spec, cmd_split_main },
	{ &cmd_sweep_spec, cmd_sweep_main },
	{ &cmd_pair_spec, cmd_pair_main },
	{ NULL, NULL }
};
