/*
 * cli.c - the edgeplug command's entry point: the table of subcommands,
 * 'help' and '--version'. Each group of subcommands lives in its own file
 * (src/cli.h) and gets only its own arguments; nothing here knows what a
 * command does. Exit codes and every command are described in docs/cli.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "edgeplug.h"
#include "fmt.h"

static const cli_command *const commands[] = {
	&cli_cmd_run, &cli_cmd_validate, &cli_cmd_inspect, &cli_cmd_verify, &cli_cmd_audit,
	&cli_cmd_list, &cli_cmd_doctor, &cli_cmd_keygen, &cli_cmd_sign, NULL
};

static const char usage_text[] =
	"usage: edgeplug COMMAND [OPTION...] [ARG...]\n"
	"       edgeplug help [COMMAND]\n"
	"       edgeplug --version\n";

static const cli_command *find_command(const char *name)
{
	for (const cli_command *const *c = commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static int help(int argc, char **argv)
{
	if (argc > 1)
		return cli_usage(usage_text, "help: unexpected argument \"%s\"", argv[1]);
	if (argc == 1 && strcmp(argv[0], "help") != 0) {
		const cli_command *c = find_command(argv[0]);
		if (!c)
			return cli_usage(usage_text, "help: unknown command \"%s\"", argv[0]);
		fputs(c->help, stdout);
		return RC_OK;
	}
	ep_printf("edgeplug %s - a small WebAssembly 2.0 plugin host\n\n%s\ncommands:\n",
	       EP_VERSION, usage_text);
	for (const cli_command *const *c = commands; *c; c++)
		ep_printf("  %-9s %s\n", (*c)->name, (*c)->summary);
	fputs("\n'edgeplug help COMMAND' gives its options and exit codes.\n", stdout);
	return RC_OK;
}

/* Descriptors 0-2 are taken before anything is opened, /dev/null standing
 * in for a closed one: a plugin's file must never become our stderr. */
static void reserve_stdio(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);   /* lowest free: fd */
}

int main(int argc, char **argv)
{
	int rc;
	reserve_stdio();
	if (argc < 2) {
		fputs(usage_text, stderr);
		return RC_USAGE;
	}
	const char *name = argv[1];
	const cli_command *c = find_command(name);
	if (c) {
		if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
			fputs(c->help, stdout);
			rc = RC_OK;
		} else {
			rc = c->run(argc - 2, argv + 2);
		}
	} else if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 ||
	           strcmp(name, "-h") == 0) {
		rc = help(argc - 2, argv + 2);
	} else if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		if (argc > 2)
			return cli_usage(usage_text, "unexpected argument \"%s\"", argv[2]);
		/* libsodium's licence asks for its notice wherever it ships. */
		puts("edgeplug " EP_VERSION "\n"
		     "includes libsodium 1.0.18 (ISC licence: docs/licenses/libsodium.txt)");
		rc = RC_OK;
	} else if (name[0] == '-') {
		return cli_usage(usage_text, "unknown option \"%s\"", name);
	} else {
		return cli_usage(usage_text, "unknown command \"%s\"", name);
	}
	/* Results are only worth a zero exit if they reached their reader. */
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_fail(RC_SOFTWARE, "cannot write output: %s", ep_strerror(errno));
	return rc;
}
