/* main.c - entry point (placeholder until the verbs land). */
#include <stdio.h>

int main(void)
{
    puts("bcadmin " BCADMIN_VERSION);
    return 0;
}
