/* ids.h - Better Auth's random identifiers: 32 characters from [a-zA-Z0-9], uniform (rejection
 * sampling over OpenSSL's random bytes), used for ids and session tokens. */
#ifndef BC_IDS_H
#define BC_IDS_H

#define BC_ID_LEN 32

/* Fill out with a new id and a NUL. */
void bc_random_id(char out[BC_ID_LEN + 1]);

#endif
