/*
 * Unit tests for core/secret: tokens are PREFIX + 43 URL-safe base64 characters
 * and differ on every call; token hashes are hex SHA-256 (checked against the
 * FIPS 180-2 vectors); Argon2id password hashes verify the right password only;
 * secret_equal compares whole strings; sealed credentials open with their key
 * and not with another, and a tampered or truncated box opens to NULL; the
 * secret key file is created with mode 0600 and 32 random bytes, reloads to
 * the same key, and is refused when group/world-readable or of the wrong size.
 */
#include "core/secret.h"
#include "testutil.h"
#include <sys/stat.h>

static int setup(void **state)
{
    (void)state;
    return secret_init();
}

static bool url_safe(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

static void token_is_prefix_and_43_url_safe_characters(void **state)
{
    (void)state;
    char *t = secret_token_new("phr_");
    assert_int_equal(strlen(t), 4 + 43);
    assert_memory_equal(t, "phr_", 4);
    assert_true(url_safe(t + 4));
    free(t);
    char *bare = secret_token_new("");
    assert_int_equal(strlen(bare), 43);
    assert_true(url_safe(bare));
    free(bare);
}

static void tokens_differ_on_every_call(void **state)
{
    (void)state;
    enum { N = 64 };
    char *t[N];
    for (int i = 0; i < N; i++)
        t[i] = secret_token_new("x");
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            assert_string_not_equal(t[i], t[j]);
    for (int i = 0; i < N; i++)
        free(t[i]);
}

static void token_hash_is_hex_sha256(void **state)
{
    (void)state;
    char h[TOKEN_HASH_HEX];
    secret_token_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    secret_token_hash("", h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    secret_token_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", h);
    assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assert_int_equal(strlen(h), TOKEN_HASH_HEX - 1);
}

static void token_hash_is_deterministic_and_distinguishes_tokens(void **state)
{
    (void)state;
    char a[TOKEN_HASH_HEX], b[TOKEN_HASH_HEX], c[TOKEN_HASH_HEX];
    secret_token_hash("phr_token", a);
    secret_token_hash("phr_token", b);
    secret_token_hash("phr_tokeN", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
}

static void password_hash_verifies_only_the_right_password(void **state)
{
    (void)state;
    char *h = secret_password_hash("correct horse battery staple");
    assert_non_null(h);
    assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
    assert_true(secret_password_verify(h, "correct horse battery staple"));
    assert_false(secret_password_verify(h, "correct horse battery stapl"));
    assert_false(secret_password_verify(h, "Correct horse battery staple"));
    assert_false(secret_password_verify(h, ""));
    free(h);
}

static void password_hashes_are_salted(void **state)
{
    (void)state;
    char *a = secret_password_hash("same");
    char *b = secret_password_hash("same");
    assert_string_not_equal(a, b);
    assert_true(secret_password_verify(a, "same"));
    assert_true(secret_password_verify(b, "same"));
    free(a);
    free(b);
}

static void password_verify_refuses_a_malformed_hash(void **state)
{
    (void)state;
    assert_false(secret_password_verify("", "x"));
    assert_false(secret_password_verify("$argon2id$garbage", "x"));
}

static void equal_compares_whole_strings(void **state)
{
    (void)state;
    assert_true(secret_equal("abc", "abc"));
    assert_true(secret_equal("", ""));
    assert_false(secret_equal("abc", "abd"));
    assert_false(secret_equal("abc", "abcd"));
    assert_false(secret_equal("abcd", "abc"));
    assert_false(secret_equal("", "a"));
}

static void key_of(unsigned char key[SECRET_KEY_BYTES], unsigned char fill)
{
    memset(key, fill, SECRET_KEY_BYTES);
}

static void seal_and_open_round_trip(void **state)
{
    (void)state;
    unsigned char key[SECRET_KEY_BYTES];
    key_of(key, 7);
    static const char *plain[] = {"xoxb-slack-secret", "", "ünïcödé ✓", "a\nb"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        char *box = secret_seal(key, plain[i]);
        assert_non_null(box);
        assert_null(strstr(box, plain[i][0] ? plain[i] : "\x01")); /* not in the clear */
        char *back = secret_open(key, box);
        assert_non_null(back);
        assert_string_equal(back, plain[i]);
        free(back);
        free(box);
    }
}

static void seal_uses_a_fresh_nonce_each_time(void **state)
{
    (void)state;
    unsigned char key[SECRET_KEY_BYTES];
    key_of(key, 9);
    char *a = secret_seal(key, "same");
    char *b = secret_seal(key, "same");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void tampered_box_opens_to_null(void **state)
{
    (void)state;
    unsigned char key[SECRET_KEY_BYTES];
    key_of(key, 1);
    char *box = secret_seal(key, "webhook secret");
    size_t n = strlen(box);
    /* flip one base64 character in the nonce, the MAC and the ciphertext */
    size_t where[] = {2, 40, n - 6};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        char *copy = strdup(box);
        copy[where[i]] = copy[where[i]] == 'A' ? 'B' : 'A';
        assert_null(secret_open(key, copy));
        free(copy);
    }
    free(box);
}

static void truncated_or_garbage_box_opens_to_null(void **state)
{
    (void)state;
    unsigned char key[SECRET_KEY_BYTES];
    key_of(key, 1);
    char *box = secret_seal(key, "webhook secret");
    box[20] = '\0';
    assert_null(secret_open(key, box));
    free(box);
    assert_null(secret_open(key, ""));
    assert_null(secret_open(key, "not base64 at all!"));
    assert_null(secret_open(key, "AAAA"));
}

static void wrong_key_opens_to_null(void **state)
{
    (void)state;
    unsigned char k1[SECRET_KEY_BYTES], k2[SECRET_KEY_BYTES];
    key_of(k1, 1);
    key_of(k2, 1);
    k2[31] ^= 1;
    char *box = secret_seal(k1, "twitter token");
    assert_null(secret_open(k2, box));
    free(box);
}

/* A fresh temporary directory in DIR (≥ 64 bytes) and the key path in PATH. */
static void temp_key_path(char *dir, char *path)
{
    strcpy(dir, "/tmp/pharos-secret-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, 96, "%s/secret.key", dir);
}

static void remove_temp(const char *dir, const char *path)
{
    unlink(path);
    rmdir(dir);
}

static void key_file_is_created_0600_with_32_bytes(void **state)
{
    (void)state;
    char dir[64], path[96];
    unsigned char key[SECRET_KEY_BYTES], zero[SECRET_KEY_BYTES] = {0};
    struct err e = {0};
    temp_key_path(dir, path);
    assert_int_equal(secret_key_load(path, key, &e), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, SECRET_KEY_BYTES);
    assert_memory_not_equal(key, zero, SECRET_KEY_BYTES);
    FILE *f = fopen(path, "rb");
    unsigned char disk[SECRET_KEY_BYTES];
    assert_int_equal(fread(disk, 1, sizeof disk, f), SECRET_KEY_BYTES);
    fclose(f);
    assert_memory_equal(disk, key, SECRET_KEY_BYTES);
    remove_temp(dir, path);
}

static void key_file_reloads_the_same_key(void **state)
{
    (void)state;
    char dir[64], path[96];
    unsigned char k1[SECRET_KEY_BYTES], k2[SECRET_KEY_BYTES];
    struct err e = {0};
    temp_key_path(dir, path);
    assert_int_equal(secret_key_load(path, k1, &e), 0);
    assert_int_equal(secret_key_load(path, k2, &e), 0);
    assert_memory_equal(k1, k2, SECRET_KEY_BYTES);
    /* and a credential sealed under the first opens under the second */
    char *box = secret_seal(k1, "s3cr3t");
    char *back = secret_open(k2, box);
    assert_string_equal(back, "s3cr3t");
    free(back);
    free(box);
    remove_temp(dir, path);
}

/* Writes N bytes to PATH with MODE. */
static void write_key_file(const char *path, size_t n, mode_t mode)
{
    unsigned char buf[64];
    memset(buf, 0x5a, sizeof buf);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void key_file_readable_by_others_is_refused(void **state)
{
    (void)state;
    char dir[64], path[96];
    unsigned char key[SECRET_KEY_BYTES];
    struct err e = {0};
    temp_key_path(dir, path);
    mode_t modes[] = {0640, 0604, 0644, 0660};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        write_key_file(path, SECRET_KEY_BYTES, modes[i]);
        assert_int_equal(secret_key_load(path, key, &e), -1);
        assert_non_null(strstr(e.msg, path));
        assert_non_null(strstr(e.msg, "readable by others"));
    }
    write_key_file(path, SECRET_KEY_BYTES, 0400);
    assert_int_equal(secret_key_load(path, key, &e), 0);
    assert_int_equal(key[0], 0x5a);
    remove_temp(dir, path);
}

static void key_file_of_the_wrong_size_is_refused(void **state)
{
    (void)state;
    char dir[64], path[96];
    unsigned char key[SECRET_KEY_BYTES];
    struct err e = {0};
    temp_key_path(dir, path);
    size_t sizes[] = {0, 16, 31, 33, 64};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        write_key_file(path, sizes[i], 0600);
        if (secret_key_load(path, key, &e) == 0)
            fail_msg("a key file of %zu bytes was accepted", sizes[i]);
        assert_non_null(strstr(e.msg, "exactly 32 bytes"));
    }
    remove_temp(dir, path);
}

static void key_file_in_a_missing_directory_is_an_error(void **state)
{
    (void)state;
    unsigned char key[SECRET_KEY_BYTES];
    struct err e = {0};
    assert_int_equal(secret_key_load("/nonexistent-dir/secret.key", key, &e), -1);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/secret.key"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_is_prefix_and_43_url_safe_characters),
        cmocka_unit_test(tokens_differ_on_every_call),
        cmocka_unit_test(token_hash_is_hex_sha256),
        cmocka_unit_test(token_hash_is_deterministic_and_distinguishes_tokens),
        cmocka_unit_test(password_hash_verifies_only_the_right_password),
        cmocka_unit_test(password_hashes_are_salted),
        cmocka_unit_test(password_verify_refuses_a_malformed_hash),
        cmocka_unit_test(equal_compares_whole_strings),
        cmocka_unit_test(seal_and_open_round_trip),
        cmocka_unit_test(seal_uses_a_fresh_nonce_each_time),
        cmocka_unit_test(tampered_box_opens_to_null),
        cmocka_unit_test(truncated_or_garbage_box_opens_to_null),
        cmocka_unit_test(wrong_key_opens_to_null),
        cmocka_unit_test(key_file_is_created_0600_with_32_bytes),
        cmocka_unit_test(key_file_reloads_the_same_key),
        cmocka_unit_test(key_file_readable_by_others_is_refused),
        cmocka_unit_test(key_file_of_the_wrong_size_is_refused),
        cmocka_unit_test(key_file_in_a_missing_directory_is_an_error),
    };
    return cmocka_run_group_tests_name("core/secret", tests, setup, NULL);
}
