/* fuzz_record_json.c - JSON rows with Better Auth's field names (core/record_json.c) on any
 * text: each model's reading, and what was read written back as JSON that reads again. */
#include <string.h>

#include "fuzz.h"
#include "record_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *obj = json_loadb((const char *)data, size, 0, NULL);
    if (!obj)
        return 0;
    for (int m = 0; m < BC_MODEL_COUNT; m++) {
        bc_record r = {0};
        bc_error err = {0};
        if (bc_record_from_json((bc_model)m, obj, &r, &err) == BC_OK) {
            json_t *out = bc_record_to_json(&r);
            bc_record back = {0};
            FUZZ_CHECK(bc_record_from_json((bc_model)m, out, &back, &err) == BC_OK);
            bc_record_release(&back);
            json_decref(out);
        }
        bc_record_release(&r);
    }
    json_decref(obj);
    return 0;
}
