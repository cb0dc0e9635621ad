/* fuzz_dates.c - dates from outside (core/isotime.c, core/record_json.c): ISO-8601 text as
 * Better Auth on SQLite writes it, durations, and epoch milliseconds as Convex sends them. The
 * first byte picks which; the input is copied to a buffer of exactly its length so a read past
 * it is caught. A parsed ISO time formats to text that parses to the same instant. */
#include <string.h>

#include "fuzz.h"
#include "isotime.h"
#include "record_json.h"

static void iso(const char *s, size_t len)
{
    int64_t ms = 0;
    if (!bc_iso_parse(s, len, &ms))
        return;
    char out[BC_ISO_LEN + 1];
    bc_iso_format(ms, out);
    int64_t back = 0;
    /* Years outside 0000-9999 have no four-digit form; the rest must round-trip. */
    if (ms >= -62167219200000LL && ms <= 253402300799999LL) {
        FUZZ_CHECK(bc_iso_parse(out, strlen(out), &back));
        FUZZ_CHECK(back == ms);
    }
}

static void epoch(const char *s, size_t len)
{
    json_t *v = json_loadb(s, len, JSON_DECODE_ANY, NULL);
    if (!v)
        return;
    json_t *obj = json_pack("{s:s, s:O, s:O}", "id", "u1", "createdAt", v, "expiresAt", v);
    for (int m = 0; m < BC_MODEL_COUNT; m++) {
        bc_record r = {0};
        bc_error err = {0};
        if (bc_record_from_json((bc_model)m, obj, &r, &err) == BC_OK)
            json_decref(bc_record_to_json(&r));
        bc_record_release(&r);
    }
    json_decref(obj);
    json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t len = size - 1;
    char *s = malloc(len + 1);
    memcpy(s, data + 1, len);
    switch (data[0] % 3) {
    case 0:
        iso(s, len);
        break;
    case 1: {
        char *z = malloc(len + 1);
        memcpy(z, s, len);
        z[len] = '\0';
        int64_t ms;
        bc_duration_parse(z, &ms);
        free(z);
        break;
    }
    default:
        epoch(s, len);
    }
    free(s);
    return 0;
}
