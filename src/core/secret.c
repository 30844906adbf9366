/*
 * secret — tokens, hashes, passwords and sealed credentials on libsodium.
 * See secret.h. Tokens are stored only as SHA-256 hex (they are 256-bit random,
 * so a fast hash is enough); passwords use Argon2id with libsodium's
 * "interactive" limits so a sign-in costs tens of milliseconds, not seconds.
 */
#include "core/secret.h"
#include "core/xalloc.h"
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int secret_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

char *secret_token_new(const char *prefix)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    size_t plen = strlen(prefix);
    size_t blen = sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = xmalloc(plen + blen);
    memcpy(out, prefix, plen);
    sodium_bin2base64(out + plen, blen, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

void secret_token_hash(const char *s, char out[TOKEN_HASH_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, TOKEN_HASH_HEX, h, sizeof h);
}

char *secret_password_hash(const char *password)
{
    char *out = xmalloc(crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

bool secret_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void secret_mac(const unsigned char key[SECRET_KEY_BYTES], const char *msg,
                unsigned char out[SECRET_MAC_BYTES])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, SECRET_KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, out);
}

void secret_mac_b64(const unsigned char key[SECRET_KEY_BYTES], const char *msg, char *out,
                    size_t size)
{
    unsigned char h[SECRET_MAC_BYTES];
    assert(size >= 23);
    secret_mac(key, msg, h);
    sodium_bin2base64(out, size, h, 16, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb) return false;
    return sodium_memcmp(a, b, la) == 0;
}

int secret_key_load(const char *path, unsigned char key[SECRET_KEY_BYTES], struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        randombytes_buf(key, SECRET_KEY_BYTES);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return err_set(e, ERR_INTERNAL, "cannot create secret key %s: %s", path,
                           strerror(errno));
        ssize_t w = write(fd, key, SECRET_KEY_BYTES);
        int ok = w == SECRET_KEY_BYTES && fsync(fd) == 0;
        close(fd);
        if (!ok) {
            unlink(path); /* a short key file would be refused at every later start */
            return err_set(e, ERR_INTERNAL, "cannot write secret key %s", path);
        }
        return 0;
    }
    if (fd < 0)
        return err_set(e, ERR_INTERNAL, "cannot open secret key %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return err_set(e, ERR_INTERNAL, "cannot stat secret key %s: %s", path, strerror(errno));
    }
    if (st.st_mode & 077) {
        close(fd);
        return err_set(e, ERR_INTERNAL, "secret key %s is readable by others (chmod 600 it)", path);
    }
    /* a longer file is not this key: refuse it rather than use its first 32 bytes */
    ssize_t r = st.st_size == SECRET_KEY_BYTES ? read(fd, key, SECRET_KEY_BYTES) : -1;
    close(fd);
    if (r != SECRET_KEY_BYTES)
        return err_set(e, ERR_INTERNAL, "secret key %s must hold exactly %d bytes", path,
                       SECRET_KEY_BYTES);
    return 0;
}

char *secret_seal(const unsigned char key[SECRET_KEY_BYTES], const char *plain)
{
    size_t plen = strlen(plain);
    size_t clen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plen;
    unsigned char *box = xmalloc(clen);
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, plen,
                          box, key);
    size_t blen = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
    char *out = xmalloc(blen);
    sodium_bin2base64(out, blen, box, clen, sodium_base64_VARIANT_ORIGINAL);
    free(box);
    return out;
}

char *secret_open(const unsigned char key[SECRET_KEY_BYTES], const char *sealed)
{
    size_t slen = strlen(sealed);
    unsigned char *box = xmalloc(slen);
    size_t blen;
    char *out = NULL;
    if (sodium_base642bin(box, slen, sealed, slen, NULL, &blen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        goto out;
    size_t plen = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    out = xmalloc(plen + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
                                   blen - crypto_secretbox_NONCEBYTES, box, key) != 0) {
        free(out);
        out = NULL;
        goto out;
    }
    out[plen] = '\0';
out:
    free(box);
    return out;
}
