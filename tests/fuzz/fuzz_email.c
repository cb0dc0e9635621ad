/* fuzz_email.c - the email rule (bc_admin_email_valid, core/admin.c) on any bytes, against an
 * independent oracle: the regex Better Auth's sign-up applies (zod 4.3.6's z.email()),
 *   /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/
 * run by the C library's POSIX regex engine (its two lookaheads checked on their own: no leading
 * dot, no two dots in a row). Every input must get the same answer from both. */
#include <regex.h>
#include <string.h>

#include "admin.h"
#include "fuzz.h"

static regex_t rule;
static int ready;

static int oracle(const char *s)
{
    if (s[0] == '.' || strstr(s, ".."))
        return 0;
    return regexec(&rule, s, 0, NULL, 0) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        FUZZ_CHECK(regcomp(&rule,
                           "^[A-Za-z0-9_'+.-]*[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*[.])+"
                           "[A-Za-z][A-Za-z]+$",
                           REG_EXTENDED | REG_NOSUB) == 0);
        ready = 1;
    }
    /* what a C string holds: the bytes up to the first NUL */
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    int want = oracle(text);
    int got = bc_admin_email_valid(text);
    if (want != got)
        fprintf(stderr, "email \"%s\": the regex says %d, bcadmin %d\n", text, want, got);
    FUZZ_CHECK(want == got);
    free(text);
    return 0;
}
