/* fuzz target "options": the option parsing of every subcommand, without the work.
 * Input: byte 0 picks the subcommand (b % the number of subcommands); the rest is split at NUL
 * bytes into at most 64 arguments.  The subcommand's entry point runs with cmd_parse_only set
 * (cmd.h): it parses and checks its options and operands, prints its usage errors and returns
 * before it reads or writes a file.  The status must be 0 (parsed) or 2 (usage error); an exit,
 * a crash, a leak or a sanitizer report is a finding. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "fuzz.h"

const char fuzz_name[] = "options";

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t ncmd = 0;
	while (cmd_commands[ncmd].spec != NULL)
		ncmd++;
	const cmd_entry *c = &cmd_commands[data[0] % ncmd];
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = strdup(c->spec->name);
	const uint8_t *p = data + 1, *e = data + size;
	while (p < e && argc <= MAX_ARGS) {
		const uint8_t *z = memchr(p, '\0', (size_t)(e - p));
		size_t len = z ? (size_t)(z - p) : (size_t)(e - p);
		char *a = malloc(len + 1); /* exact size: the sanitizers see a read past the end */
		if (a == NULL)
			break;
		memcpy(a, p, len);
		a[len] = '\0';
		argv[argc++] = a;
		p += len + 1;
	}
	argv[argc] = NULL;
	char *copy[MAX_ARGS + 2]; /* getopt permutes argv: free what was allocated */
	memcpy(copy, argv, sizeof copy);
	cmd_parse_only = 1;
	int rc = c->run(argc, argv);
	fuzz_require(rc == CMD_EXIT_OK || rc == CMD_EXIT_USAGE, "parsing ends in 0 or a usage error (2)");
	for (int k = 0; k < argc; k++)
		free(copy[k]);
	return 0;
}
