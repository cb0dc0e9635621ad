/* Unit tests for isotime: Better Auth's ISO-8601 encoding and durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "isotime.h"

static void round_trip(void **state)
{
    const char *samples[] = {"2026-11-27T05:31:35.107Z", "1970-01-01T00:00:00.000Z",
                             "2000-02-29T23:59:59.999Z", "1969-12-31T23:59:59.999Z",
                             "9999-12-31T23:59:59.999Z"};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        int64_t ms;
        char out[BC_ISO_LEN + 1];
        assert_true(bc_iso_parse(samples[i], strlen(samples[i]), &ms));
        bc_iso_format(ms, out);
        assert_string_equal(out, samples[i]);
    }
}

static void known_values(void **state)
{
    int64_t ms;
    assert_true(bc_iso_parse("2026-11-27T05:31:35.107Z", 24, &ms));
    assert_int_equal(ms, 1795757495107LL);
    assert_true(bc_iso_parse("1970-01-01T01:00:00+01:00", 25, &ms));
    assert_int_equal(ms, 0);
    assert_true(bc_iso_parse("2026-11-27", 10, &ms));
    assert_int_equal(ms % 86400000, 0);
    assert_true(bc_iso_parse("2026-11-27T05:31:35.1Z", 22, &ms));
    assert_int_equal(ms % 1000, 100);
}

static void rejects_garbage(void **state)
{
    const char *bad[] = {"", "2026", "2026-13-01", "2026-11-27T25:00:00Z", "2026-11-27T05:31:35.Z",
                         "2026-11-27T05:31:35.107Zjunk", "yesterday", "2026-11-27T05"};
    int64_t ms;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(bc_iso_parse(bad[i], strlen(bad[i]), &ms));
    /* length bound: the parser must not read past len */
    assert_false(bc_iso_parse("2026-11-27T05:31:35.107Z", 12, &ms));
}

static void durations(void **state)
{
    int64_t ms;
    assert_true(bc_duration_parse("30m", &ms));
    assert_int_equal(ms, 1800000);
    assert_true(bc_duration_parse("2w", &ms));
    assert_int_equal(ms, 14LL * 86400000);
    assert_false(bc_duration_parse("0d", &ms));
    assert_false(bc_duration_parse("7", &ms));
    assert_false(bc_duration_parse("-1h", &ms));
    assert_false(bc_duration_parse("1y", &ms));
    assert_false(bc_duration_parse("99999999999999999999d", &ms));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(known_values),
        cmocka_unit_test(rejects_garbage),
        cmocka_unit_test(durations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
