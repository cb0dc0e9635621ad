/* fuzz_convex_answer.c - a Convex deployment's HTTP answer to a function call (core/convex_http.c:
 * status, value, function error with errorData and logLines), read exactly as bc_convex_run
 * reads it. The first byte picks the HTTP status; the rest is the body. A successful value is
 * then decoded as a Convex value, as the driver does. */
#include <string.h>

#include "convex_http.h"
#include "convex_value.h"
#include "fuzz.h"

static const long statuses[] = {200, 200, 200, 200, 400, 401, 404, 429, 500, 503};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bc_convex_call call = {.kind = BC_CALL_QUERY, .path = "auth:findMany", .read_only = data[0] & 1};
    long status = statuses[data[0] % (sizeof statuses / sizeof statuses[0])];
    bc_convex_answer(&call, status, (const char *)data + 1, size - 1, "http://127.0.0.1:1");
    FUZZ_CHECK((call.status == BC_OK) == (call.value != NULL));
    FUZZ_CHECK(call.status == BC_OK || call.err.msg[0]);
    if (call.value) {
        char *text = json_dumps(call.value, JSON_COMPACT | JSON_ENCODE_ANY);
        bc_cv *v = NULL;
        bc_error err = {0};
        if (text && bc_cv_parse(text, strlen(text), "value", &v, &err) == BC_OK)
            bc_cv_free(v);
        free(text);
    }
    bc_convex_call_release(&call);
    return 0;
}
