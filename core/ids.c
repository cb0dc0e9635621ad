/* ids.c - uniform random ids, as better-auth's generateId(32) makes them. */
#include "ids.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

void bc_random_id(char out[BC_ID_LEN + 1])
{
    static const char alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t have = 0;
    while (have < BC_ID_LEN) {
        unsigned char bytes[64];
        if (RAND_bytes(bytes, sizeof bytes) != 1) {
            fputs("bcadmin: the system random generator failed\n", stderr);
            abort();
        }
        /* 62 * 4 = 248: bytes >= 248 would bias the modulo, so they are thrown away. */
        for (size_t i = 0; i < sizeof bytes && have < BC_ID_LEN; i++)
            if (bytes[i] < 248)
                out[have++] = alphabet[bytes[i] % 62];
    }
    out[BC_ID_LEN] = '\0';
}
