/* main.c - bcadmin's entry point: everything happens in the command line module. */
#include "cli.h"

int main(int argc, char **argv)
{
    return bc_cli_main(argc, argv);
}
