/* fuzz_convex_value.c - Convex values in convex_encoded_json (core/convex_value.c) on any text:
 * decoding, re-encoding (what was decoded encodes to text that decodes to the same encoding),
 * and every document as a record of each model, then back to a document. */
#include <string.h>

#include "convex_value.h"
#include "fuzz.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bc_cv *v = NULL;
    bc_error err = {0};
    if (bc_cv_parse((const char *)data, size, "value", &v, &err) != BC_OK)
        return 0;
    char *once = bc_cv_dump(v);
    bc_cv *again = NULL;
    FUZZ_CHECK(bc_cv_parse(once, strlen(once), "value", &again, &err) == BC_OK);
    char *twice = bc_cv_dump(again);
    FUZZ_CHECK(strcmp(once, twice) == 0);
    /* A findMany page's documents, or the value itself, as records. */
    const bc_cv *page = bc_cv_get(v, "page");
    const bc_cv *const *docs = (const bc_cv *const *)&v;
    size_t n = 1;
    if (page && page->kind == BC_CV_ARRAY) {
        docs = (const bc_cv *const *)page->u.arr.items;
        n = page->u.arr.n;
    }
    for (size_t i = 0; i < n; i++)
        for (int m = 0; m < BC_MODEL_COUNT; m++) {
            bc_record r = {0};
            if (bc_cv_doc_to_record((bc_model)m, docs[i], &r, &err) == BC_OK)
                bc_cv_free(bc_cv_record_to_doc((bc_model)m, &r));
            bc_record_release(&r);
        }
    free(once);
    free(twice);
    bc_cv_free(again);
    bc_cv_free(v);
    return 0;
}
