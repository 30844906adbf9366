/*
 * cli/args — flag parsing and the set-up every command shares. See cli.h.
 */
#include "app/pages.h"
#include "cli/cli.h"
#include "store/pages.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const common[] = {"config", "data", "database", NULL};
/* Flags that take no value (present: "1"). */
static const char *const switches[] = {"reset-password", NULL};

static bool listed(const char *const *list, const char *name, size_t len)
{
    for (int i = 0; list && list[i]; i++)
        if (strlen(list[i]) == len && strncmp(list[i], name, len) == 0) return true;
    return false;
}

int cli_args_parse(int argc, char **argv, const char *const *allowed, const char *cmd,
                   struct cli_args *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "pharos %s: unexpected argument \"%s\" (see pharos --help)\n", cmd, a);
            return -1;
        }
        a += 2;
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        if (!listed(common, a, len) && !listed(allowed, a, len)) {
            fprintf(stderr, "pharos %s: unknown option --%.*s (see pharos --help)\n", cmd, (int)len,
                    a);
            return -1;
        }
        const char *value = eq                         ? eq + 1
                            : listed(switches, a, len) ? "1"
                            : i + 1 < argc             ? argv[++i]
                                                       : NULL;
        if (!value) {
            fprintf(stderr, "pharos %s: --%s needs a value\n", cmd, a);
            return -1;
        }
        if (len == 4 && strncmp(a, "host", 4) == 0) {
            if (out->nhosts == 16) {
                fprintf(stderr, "pharos %s: at most 16 --host\n", cmd);
                return -1;
            }
            out->hosts[out->nhosts++] = value;
            continue;
        }
        struct cli_flag *f = NULL;
        for (int k = 0; k < out->nflags; k++)
            if (strlen(out->flags[k].name) == len && strncmp(out->flags[k].name, a, len) == 0)
                f = &out->flags[k];
        if (!f) {
            if (out->nflags == 16) return -1;
            f = &out->flags[out->nflags++];
            for (int k = 0; common[k]; k++)
                if (strlen(common[k]) == len && !strncmp(common[k], a, len)) f->name = common[k];
            for (int k = 0; allowed && allowed[k]; k++)
                if (strlen(allowed[k]) == len && !strncmp(allowed[k], a, len)) f->name = allowed[k];
        }
        f->value = value;
    }
    return 0;
}

const char *cli_flag(const struct cli_args *a, const char *name)
{
    for (int i = 0; i < a->nflags; i++)
        if (strcmp(a->flags[i].name, name) == 0) return a->flags[i].value;
    return NULL;
}

int cli_config(const struct cli_args *a, struct config *cfg)
{
    static const struct {
        const char *flag, *key;
    } map[] = {{"listen", "server.listen"},
               {"base-url", "server.base_url"},
               {"data", "storage.data_dir"},
               {"database", "storage.database"}};
    struct err e = {0};
    config_init(cfg);
    const char *file = cli_flag(a, "config");
    if (file && config_load_file(cfg, file, &e) != 0) goto fail;
    if (config_load_env(cfg, &e) != 0) goto fail;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *v = cli_flag(a, map[i].flag);
        char src[32];
        snprintf(src, sizeof src, "--%s", map[i].flag);
        if (v && config_set(cfg, map[i].key, v, src, &e) != 0) goto fail;
    }
    if (config_finish(cfg, &e) != 0) goto fail;
    return 0;
fail:
    fprintf(stderr, "pharos: configuration error: %s\n", e.msg);
    config_free(cfg);
    return -1;
}

int cli_open_db(const struct config *cfg, struct db **db)
{
    struct err e = {0};
    if (mkdir(cfg->data_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "pharos: cannot create data directory %s: %s\n", cfg->data_dir,
                strerror(errno));
        return -1;
    }
    if (db_open(cfg->database, db, &e) != 0 || db_migrate(*db, &e) != 0) {
        fprintf(stderr, "pharos: %s\n", e.msg);
        db_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

int cli_page(const struct cli_args *a, struct app_ctx *c)
{
    struct err e = {0};
    const char *slug = cli_flag(a, "page");
    if (!slug) {
        if (app_page_ensure_default(c, &e) != 0 ||
            app_page_resolve(c->app, c->db, NULL, &c->page_id, &e))
            goto fail;
        return 0;
    }
    int found = store_page_id_by_slug(c->db, slug, &c->page_id, &e);
    if (found > 0) return 0;
    if (found == 0)
        err_set(&e, ERR_NOT_FOUND, "no page with slug \"%s\" (see pharos page list)", slug);
fail:
    fprintf(stderr, "pharos: %s\n", e.msg);
    return -1;
}
