/*
 * Fuzz target for core/config's INI loading (libFuzzer; `make fuzz`).
 *
 * Each input is written to one temporary file (reused across runs) and loaded
 * with config_load_file() into a fresh config, then config_finish() runs.
 * Invariants: a failure is ERR_INVALID and its message starts with the file's
 * path followed by ":LINE:" for a line that exists in the input; a success
 * leaves a config that finishes either with an error naming a [server] key or
 * with a port in 0..65535, an http(s) base_url without a trailing slash, and
 * the derived database, secret key and e-mail sender filled in. Nothing leaks.
 */
#include "core/config.h"
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];
static int fd = -1;

static void cleanup(void)
{
    if (fd >= 0) unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        strcpy(path, "/tmp/pharos-fuzz-config-XXXXXX");
        fd = mkstemp(path);
        assert(fd >= 0);
        atexit(cleanup);
    }
    assert(ftruncate(fd, 0) == 0);
    assert(pwrite(fd, data, size, 0) == (ssize_t)size);

    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';

    struct config c;
    struct err e = {0};
    config_init(&c);
    if (config_load_file(&c, path, &e) != 0) {
        assert(e.code == ERR_INVALID);
        size_t pl = strlen(path);
        assert(strncmp(e.msg, path, pl) == 0 && e.msg[pl] == ':');
        char *end;
        long line = strtol(e.msg + pl + 1, &end, 10);
        assert(end != e.msg + pl + 1 && *end == ':');
        assert(line >= 1 && line <= lines);
    } else if (config_finish(&c, &e) != 0) {
        assert(e.code == ERR_INVALID);
        /* the checks across keys name their section: [server] base_url, [email] smtp_url… */
        assert(e.msg[0] == '[' && strstr(e.msg, "] ") != NULL);
    } else {
        assert(c.listen_host && c.listen_port >= 0 && c.listen_port <= 65535);
        assert(strncmp(c.base_url, "http://", 7) == 0 || strncmp(c.base_url, "https://", 8) == 0);
        size_t bl = strlen(c.base_url);
        assert(c.base_url[bl - 1] != '/' || bl <= 8);
        assert(c.database && *c.database && c.secret_key_file && *c.secret_key_file);
        assert(c.email_from && *c.email_from);
        assert(c.threads >= 1 && c.threads <= 256);
    }
    config_free(&c);
    return 0;
}
