/* model.c - the static description of Better Auth 1.4.9's tables. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#define T BC_FT_TEXT
#define B BC_FT_BOOL
#define D BC_FT_DATE

static const bc_field_def user_fields[] = {
    {"id", T, true, false},          {"name", T, true, false},
    {"email", T, true, false},       {"emailVerified", B, true, false},
    {"image", T, false, false},      {"createdAt", D, true, false},
    {"updatedAt", D, true, false},   {"role", T, false, false},
    {"banned", B, false, false},     {"banReason", T, false, false},
    {"banExpires", D, false, false},
};

static const bc_field_def session_fields[] = {
    {"id", T, true, false},         {"expiresAt", D, true, false},
    {"token", T, true, true},       {"createdAt", D, true, false},
    {"updatedAt", D, true, false},  {"ipAddress", T, false, false},
    {"userAgent", T, false, false}, {"userId", T, true, false},
    {"impersonatedBy", T, false, false},
};

static const bc_field_def account_fields[] = {
    {"id", T, true, false},
    {"accountId", T, true, false},
    {"providerId", T, true, false},
    {"userId", T, true, false},
    {"accessToken", T, false, true},
    {"refreshToken", T, false, true},
    {"idToken", T, false, true},
    {"accessTokenExpiresAt", D, false, false},
    {"refreshTokenExpiresAt", D, false, false},
    {"scope", T, false, false},
    {"password", T, false, true},
    {"createdAt", D, true, false},
    {"updatedAt", D, true, false},
};

static const bc_field_def verification_fields[] = {
    {"id", T, true, false},        {"identifier", T, true, false}, {"value", T, true, true},
    {"expiresAt", D, true, false}, {"createdAt", D, true, false},  {"updatedAt", D, true, false},
};

static const bc_field_def jwks_fields[] = {
    {"id", T, true, false},        {"publicKey", T, true, false}, {"privateKey", T, true, true},
    {"createdAt", D, true, false}, {"expiresAt", D, false, false},
};

#undef T
#undef B
#undef D

#define MODEL(n, f) {n, f, sizeof f / sizeof f[0]}
static const bc_model_def models[BC_MODEL_COUNT] = {
    [BC_MODEL_USER] = MODEL("user", user_fields),
    [BC_MODEL_SESSION] = MODEL("session", session_fields),
    [BC_MODEL_ACCOUNT] = MODEL("account", account_fields),
    [BC_MODEL_VERIFICATION] = MODEL("verification", verification_fields),
    [BC_MODEL_JWKS] = MODEL("jwks", jwks_fields),
};

const bc_model_def *bc_model_get(bc_model m)
{
    return &models[m];
}

bool bc_model_by_name(const char *name, bc_model *out)
{
    for (int m = 0; m < BC_MODEL_COUNT; m++) {
        if (strcmp(models[m].name, name) == 0) {
            *out = (bc_model)m;
            return true;
        }
    }
    return false;
}

const bc_field_def *bc_model_field(bc_model m, const char *field)
{
    for (size_t i = 0; i < models[m].n_fields; i++)
        if (strcmp(models[m].fields[i].name, field) == 0)
            return &models[m].fields[i];
    return NULL;
}

char *bc_mask_secret(const char *secret)
{
    size_t n = strlen(secret);
    if (n >= 24)
        return bc_xasprintf("****%s", secret + n - 4);
    return bc_xstrdup("****");
}

void bc_record_mask(bc_model m, bc_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const bc_field_def *def = bc_model_field(m, r->fields[i].name);
        bc_value *v = &r->fields[i].value;
        if (!def || !def->secret || v->kind != BC_V_TEXT)
            continue;
        char *masked = bc_mask_secret(v->u.text);
        bc_value_release(v);
        *v = bc_value_text(masked);
        free(masked);
    }
}
