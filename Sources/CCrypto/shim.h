#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
// libcrypto (OpenSSL 3) for HMAC, digests, PBKDF2 and secure random bytes.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#endif
