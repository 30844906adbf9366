/*
 * secret — everything secret goes through here (libsodium underneath):
 * random tokens, their one-way hashes for storage, Argon2id passwords, the
 * server's secret key file and authenticated encryption of stored credentials.
 * Call secret_init() once before any thread starts.
 */
#ifndef PHAROS_SECRET_H
#define PHAROS_SECRET_H
#include "core/err.h"
#include <stdbool.h>
#include <stddef.h>

enum { SECRET_KEY_BYTES = 32, SECRET_MAC_BYTES = 32, TOKEN_HASH_HEX = 65 };

/* Initialises libsodium. Returns -1 if it cannot. */
int secret_init(void);

/* A new random token: PREFIX followed by 43 URL-safe characters (256 bits). Caller frees. */
char *secret_token_new(const char *prefix);

/* Hex SHA-256 of S into OUT (65 bytes with the NUL): how tokens and session ids are stored. */
void secret_token_hash(const char *s, char out[TOKEN_HASH_HEX]);

/* Argon2id hash of PASSWORD (moderate limits). Caller frees. NULL if hashing failed. */
char *secret_password_hash(const char *password);
/* True if PASSWORD matches the stored HASH. */
bool secret_password_verify(const char *hash, const char *password);

/* HMAC-SHA256 of the string MSG under KEY into OUT. */
void secret_mac(const unsigned char key[SECRET_KEY_BYTES], const char *msg,
                unsigned char out[SECRET_MAC_BYTES]);
/* The same, its first 16 bytes in URL-safe base64 without padding
 * (22 characters) into OUT of SIZE >= 23: the MAC of every derived link token. */
void secret_mac_b64(const unsigned char key[SECRET_KEY_BYTES], const char *msg, char *out,
                    size_t size);

/* Constant-time comparison of two NUL-terminated strings. */
bool secret_equal(const char *a, const char *b);

/*
 * Loads the 32-byte key from PATH, creating it (mode 0600, random) if missing.
 * Returns 0, or -1 with E filled (unreadable file, wrong size, wrong mode).
 */
int secret_key_load(const char *path, unsigned char key[SECRET_KEY_BYTES], struct err *e);

/* Encrypts PLAIN with KEY (XSalsa20-Poly1305, random nonce); base64 text, caller frees. */
char *secret_seal(const unsigned char key[SECRET_KEY_BYTES], const char *plain);
/* Decrypts what secret_seal produced. Caller frees; NULL if forged or corrupt. */
char *secret_open(const unsigned char key[SECRET_KEY_BYTES], const char *sealed);

#endif
