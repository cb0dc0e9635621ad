/* Unit tests for core/text.c: escaping hostile text, display widths, fitting with an ellipsis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static void check_escape(const char *in, size_t len, const char *want)
{
    char *got = bc_text_escape(in, len);
    assert_string_equal(got, want);
    assert_true(bc_text_is_safe(got, strlen(got)));
    free(got);
}

static void escapes_terminal_sequences(void **state)
{
    (void)state;
    check_escape("\x1b[31mred\x1b[0m", 12, "\\x1b[31mred\\x1b[0m");
    /* OSC 52 clipboard write terminated by BEL */
    check_escape("\x1b]52;c;ZXZpbA==\x07", 16, "\\x1b]52;c;ZXZpbA==\\x07");
    check_escape("fake\rreal", 9, "fake\\rreal");
    check_escape("a\nb\tc", 5, "a\\nb\\tc");
    check_escape("\x1b[2J\x1b[H", 7, "\\x1b[2J\\x1b[H");
    check_escape("del\x7f", 4, "del\\x7f");
}

static void escapes_c1_bidi_and_broken_utf8(void **state)
{
    (void)state;
    check_escape("\xc2\x9b"
                 "31m",
                 5, "\\u009b31m"); /* C1 CSI */
    check_escape("abc\xe2\x80\xae"
                 "cba",
                 9, "abc\\u202ecba");           /* right-to-left override */
    check_escape("\xe2\x80\xa8", 3, "\\u2028"); /* line separator */
    check_escape("\xff\xfe", 2, "\\xff\\xfe");
    check_escape("\xc3", 1, "\\xc3");                   /* truncated sequence */
    check_escape("\xed\xa0\x80", 3, "\\xed\\xa0\\x80"); /* UTF-16 surrogate */
    check_escape("nul\0byte", 8, "nul\\x00byte");       /* embedded NUL */
}

/* A CSV cell: the same escaping, a NUL included, but newline, CR and tab kept for the quoting. */
static void csv_cells_escape_like_tables(void **state)
{
    (void)state;
    char *got = bc_text_csv_cell("a\0b\x1b[1m\nc\td", 11, false);
    assert_string_equal(got, "a\\x00b\\x1b[1m\nc\td");
    free(got);
    got = bc_text_csv_cell("=1+1\0", 5, true); /* a formula neutralised, its NUL escaped */
    assert_string_equal(got, "'=1+1\\x00");
    free(got);
    got = bc_text_csv_cell("\0=x", 3, true); /* a leading NUL is not a formula start */
    assert_string_equal(got, "\\x00=x");
    free(got);
}

static void keeps_safe_text(void **state)
{
    (void)state;
    check_escape("", 0, "");
    check_escape("Zoë Ångström", strlen("Zoë Ångström"), "Zoë Ångström");
    check_escape("日本語", strlen("日本語"), "日本語");
    check_escape("back\\slash", 10, "back\\slash");
    assert_true(bc_text_is_safe("plain", 5));
    assert_false(bc_text_is_safe("\x1b", 1));
    assert_false(bc_text_is_safe("\xff", 1));
}

static void measures_display_width(void **state)
{
    (void)state;
    assert_int_equal(bc_text_width(""), 0);
    assert_int_equal(bc_text_width("abc"), 3);
    assert_int_equal(bc_text_width("日本"), 4);      /* wide: 2 columns each */
    assert_int_equal(bc_text_width("e\xcc\x81"), 1); /* e + combining acute */
    assert_int_equal(bc_text_width("Zoë"), 3);
    assert_int_equal(bc_text_width("\xef\xbc\xa1"), 2); /* fullwidth A */
}

static void check_fit(const char *in, size_t width, const char *want, size_t want_used)
{
    size_t used = 99;
    char *got = bc_text_fit(in, width, &used);
    assert_string_equal(got, want);
    assert_int_equal(used, want_used);
    assert_true(bc_text_width(got) <= width);
    free(got);
}

static void fits_with_ellipsis_at_character_boundaries(void **state)
{
    (void)state;
    check_fit("hello", 10, "hello", 5);
    check_fit("hello", 5, "hello", 5);
    check_fit("hello world", 5, "hell…", 5);
    check_fit("hello", 1, "…", 1);
    check_fit("hello", 0, "", 0);
    check_fit("", 3, "", 0);
    /* A wide character that would straddle the edge is left out whole. */
    check_fit("日本語", 4, "日…", 3);
    check_fit("日本語", 5, "日本…", 5);
    check_fit("日本語", 6, "日本語", 6);
    /* A combining mark stays with its base. */
    check_fit("e\xcc\x81"
              "e\xcc\x81"
              "e\xcc\x81",
              3,
              "e\xcc\x81"
              "e\xcc\x81"
              "e\xcc\x81",
              3);
    check_fit("e\xcc\x81"
              "e\xcc\x81"
              "e\xcc\x81"
              "x",
              3,
              "e\xcc\x81"
              "e\xcc\x81"
              "…",
              3);
    /* Hostile text is escaped before it is measured and cut. */
    check_fit("\x1b[31mX", 6, "\\x1b[…", 6);
    check_fit("a\rb", 10, "a\\rb", 4);
    size_t used;
    char *nul = bc_text_fit("abc", 2, NULL); /* used may be NULL */
    assert_string_equal(nul, "a…");
    free(nul);
    (void)used;
}

static bool has(const char *hay, const char *needle)
{
    size_t nn;
    char *n = bc_text_fold(needle, strlen(needle), &nn);
    bool r = bc_text_contains_folded(hay, strlen(hay), n, nn);
    free(n);
    return r;
}

static void folds_every_alphabet(void **state)
{
    (void)state;
    assert_true(has("\xc5\x9etefan Pop", "\xc5\x9ftefan"));          /* Ştefan / ştefan */
    assert_true(has("\xc3\x89" "COLE", "\xc3\xa9" "cole"));           /* ÉCOLE / école */
    assert_true(has("E\xcc\x81" "COLE", "\xc3\xa9" "cole"));          /* decomposed É */
    assert_true(has("\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91", "\xce\xb8\xce\xb7")); /* ΑΘΗΝΑ / θη */
    assert_true(has("\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90", "\xd0\xbc\xd0\xbe\xd1\x81")); /* МОСКВА / мос */
    assert_true(has("Alice@Example.COM", "example.com"));
    /* an ASCII needle in other text: İ and the Kelvin sign lower to ASCII, a mark composes */
    assert_true(has("\xc4\xb0STANBUL", "istanbul"));
    assert_true(has("5 \xe2\x84\xaa", "5 k"));
    assert_true(has("\xc5\x9etefan", "tefan"));
    assert_false(has("Se\xcc\x81verine", "severine"));
    assert_true(has("Se\xcc\x81verine", "s\xc3\xa9verine"));
    assert_true(has("anything", ""));
    assert_false(has("stefan", "\xc5\x9ftefan"));
    assert_false(has("ab", "abc"));
    /* text stops at a NUL, as LIKE reads it; broken UTF-8 folds its ASCII letters */
    assert_false(bc_text_contains_folded("jo\0big", 6, "big", 3));
    assert_true(bc_text_contains_folded("\xff" "ABC", 4, "abc", 3));
    /* a long non-ASCII text (past the stack buffer) */
    char longtext[2000] = "";
    for (int i = 0; i < 300; i++)
        strcat(longtext, "\xc3\x89");
    strcat(longtext, "NEEDLE");
    assert_true(has(longtext, "\xc3\xa9needle"));
    size_t n;
    char *f = bc_text_fold("\xc5\x9eTEFAN", 7, &n);
    assert_string_equal(f, "\xc5\x9ftefan");
    assert_int_equal(n, 7);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_every_alphabet),
        cmocka_unit_test(escapes_terminal_sequences),
        cmocka_unit_test(escapes_c1_bidi_and_broken_utf8),
        cmocka_unit_test(keeps_safe_text),
        cmocka_unit_test(csv_cells_escape_like_tables),
        cmocka_unit_test(measures_display_width),
        cmocka_unit_test(fits_with_ellipsis_at_character_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
