/* fuzz_deployment.c - choosing a Convex deployment (core/deployment.c) from a .env file: the
 * input after its first byte is read as a .env (dotenv.c) holding CONVEX_DEPLOY_KEY,
 * CONVEX_DEPLOYMENT_TOKEN, CONVEX_SELF_HOSTED_URL / _ADMIN_KEY and, standing for --url and
 * --admin-key, FUZZ_URL and FUZZ_ADMIN_KEY; the first byte's bits pick --prod and which flags
 * are given. A chosen deployment's URL and key then go through bc_convex_new's checks. */
#include <string.h>

#include "convex_http.h"
#include "deployment.h"
#include "dotenv.h"
#include "fuzz.h"

static const char *from_env(void *ctx, const char *name)
{
    const bc_dotenv_entry *e = bc_dotenv_get(ctx, name);
    return e && strlen(e->value) == e->value_len ? e->value : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bc_dotenv *env = NULL;
    bc_error err = {0};
    if (bc_dotenv_parse((const char *)data + 1, size - 1, ".env", &env, &err) != BC_OK)
        return 0;
    bc_deploy_opts opts = {
        .url = data[0] & 1 ? from_env(env, "FUZZ_URL") : NULL,
        .admin_key = data[0] & 2 ? from_env(env, "FUZZ_ADMIN_KEY") : NULL,
        .prod = data[0] & 4,
    };
    bc_env_source src = {.label = ".env", .fn = from_env, .ctx = env};
    bc_deployment d = {0};
    (void)bc_deployment_configured(&opts, &src, 1);
    bc_status st = bc_deployment_choose(&opts, &src, 1, &d, &err);
    FUZZ_CHECK(st == BC_OK || err.msg[0]);
    if (st == BC_OK) {
        FUZZ_CHECK(d.url && d.key && d.name && d.fingerprint && d.label && d.how);
        /* The key is a secret: never in what the operator is shown (unless the URL holds it). */
        if (strlen(d.key) >= 8 && !strstr(d.url, d.key)) {
            FUZZ_CHECK(!strstr(d.label, d.key));
            FUZZ_CHECK(!strstr(d.how, d.key));
        }
        bc_convex *c = NULL;
        if (bc_convex_new(d.url, d.key, &c, &err) == BC_OK)
            bc_convex_free(c);
    }
    bc_deployment_release(&d);
    bc_dotenv_free(env);
    return 0;
}
