/* cli_complete.h - shell completion from the verb and option tables (cli_complete.c). */
#ifndef BC_CLI_COMPLETE_H
#define BC_CLI_COMPLETE_H

#include <stdio.h>

/* `bcadmin __complete WORD... CURRENT`: prints to f, one per line, what may replace CURRENT
 * after the words before it; the line "@file" means a file name. Returns the exit code (0). */
int bc_cli_complete_main(int argc, char **argv, FILE *f);

#endif
