/* cli_help.h - what bcadmin says about its own command line, generated from cli_table.h: the
 * usage text, one verb's help, the JSON description (man page source), hints and suggestions. */
#ifndef BC_CLI_HELP_H
#define BC_CLI_HELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_table.h"
#include "status.h"

/* Every verb and option (`bcadmin --help`). */
void bc_cli_usage(FILE *f);
/* The help of the verb named words, or of every verb under it ("users"); false when there is
 * none (nothing printed). */
bool bc_cli_verb_help(FILE *f, const char *words);
/* The tables as JSON (`bcadmin help --json`): program, version, globalOptions, verbs. */
bc_status bc_cli_help_json(FILE *f, bc_error *err);

/* The subverbs of group ("jwks" -> "doctor, bootstrap, rotate") into out (always terminated). */
void bc_cli_subverbs(const char *group, char *out, size_t size);
/* The verb closest to the mistyped words ("usrs" -> "users", "users lst" -> "users list") into
 * out; false when nothing is close. */
bool bc_cli_suggest_verb(const char *words, char *out, size_t size);
/* The option among mask closest to name (without "--"); false when nothing is close. */
bool bc_cli_suggest_option(const char *name, opt_mask mask, char *out, size_t size);
/* The first verb that takes an option called name, or NULL. Static: never free. */
const char *bc_cli_option_owner(const char *name);

/* Usage errors (BC_USAGE) for a mistyped verb or option, with the closest match when one is near
 * ("unknown verb "usrs"; did you mean `bcadmin users`?"). verb may be NULL (none named yet). */
bc_status bc_cli_unknown_verb(const char *words, bc_error *err);
bc_status bc_cli_unknown_option(const char *verb, opt_mask mask, const char *name, size_t len,
                                bc_error *err);

#endif
