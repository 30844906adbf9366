/*
 * cli/export — `pharos export --out DIR [--page SLUG]` (SPEC §2): the public
 * page as a static site that any web server or object store can serve while
 * the pharos host itself is down.
 *
 * The files are the entries of a snapshot built in export mode
 * (public/snapshot.h): the same bytes the server sends, but with links relative
 * to each file, every history page and every event included, and directories
 * with index.html where the server has paths ("incidents/7/index.html").
 * The static assets compiled into the binary go to DIR/static/, each under its
 * content-hashed name (which the pages link) and its plain one; older hashed
 * copies stay, so a page exported before still finds its files. Existing files
 * are overwritten; nothing else in DIR is touched.
 */
#include "cli/cli.h"
#include "core/asset.h"
#include "public/snapshot.h"
#include "render/tmpl_set.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Creates every directory leading to the file PATH. */
static int make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        int rc = mkdir(path, 0755);
        *p = '/';
        if (rc != 0 && errno != EEXIST) return -1;
    }
    return 0;
}

/* Writes LEN bytes of DATA to OUT/NAME. Prints the error and returns -1 on failure. */
static int write_file(const char *out, const char *name, const char *data, size_t len)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", out, name) >= (int)sizeof path) {
        fprintf(stderr, "pharos export: path too long: %s/%s\n", out, name);
        return -1;
    }
    FILE *f = NULL;
    if (make_parents(path) != 0 || !(f = fopen(path, "wb")) || fwrite(data, 1, len, f) != len ||
        fclose(f) != 0) {
        fprintf(stderr, "pharos export: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes every entry of S and the static assets under OUT; returns the file count or -1. */
static int write_site(struct snapshot *s, const char *out)
{
    int n = 0;
    char name[1024];
    const struct snap_entry *en;
    for (size_t i = 0; (en = snapshot_entry(s, i)) != NULL; i++) {
        if (!snapshot_export_file(en->path, name, sizeof name)) continue;
        if (write_file(out, name, en->body, en->len) != 0) return -1;
        n++;
    }
    const struct asset *a;
    for (size_t i = 0; (a = asset_at(i)) != NULL; i++) {
        snprintf(name, sizeof name, "static/%s", a->name);
        if (write_file(out, name, a->data, a->len) != 0 ||
            write_file(out, a->path, a->data, a->len) != 0)
            return -1;
        n += 2;
    }
    return n;
}

int cmd_export(int argc, char **argv)
{
    static const char *const flags[] = {"out", "page", "base-url", NULL};
    struct cli_args a;
    struct config cfg;
    struct app app = {.cfg = &cfg};
    struct app_ctx c = {.app = &app, .actor = {.kind = ACTOR_CLI}};
    struct tmpl_set *tmpls = NULL;
    struct snapshot *snap = NULL;
    struct err e = {0};
    if (cli_args_parse(argc, argv, flags, "export", &a) != 0) return EXIT_USAGE;
    const char *out = cli_flag(&a, "out");
    if (!out || !*out) {
        fprintf(stderr, "pharos export: --out is required\n");
        return EXIT_USAGE;
    }
    if (cli_config(&a, &cfg) != 0) return EXIT_USAGE;
    int rc = EXIT_FAIL;
    if (cli_open_db(&cfg, &c.db) != 0 || cli_page(&a, &c) != 0) goto out;
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "pharos export: cannot create %s: %s\n", out, strerror(errno));
        goto out;
    }
    tmpls = tmpl_set_new_embedded("templates/");
    struct snap_renderer r = {.tmpls = tmpls, .base_url = cfg.base_url, .export = true};
    if (snapshot_build(c.db, c.page_id, &r, &snap, &e) != 0) {
        fprintf(stderr, "pharos export: %s\n", e.msg);
        goto out;
    }
    int n = write_site(snap, out);
    if (n < 0) goto out;
    printf("exported %d files to %s\n", n, out);
    rc = EXIT_OK;
out:
    snapshot_release(snap);
    tmpl_set_free(tmpls);
    db_close(c.db);
    config_free(&cfg);
    return rc;
}
