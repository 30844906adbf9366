/*
 * cli/commands — the administrative commands: migrate, page add|list,
 * user add, token create. Each goes through the same app/ use cases as the
 * API, acting as the CLI actor.
 */
#include "app/pages.h"
#include "app/tokens.h"
#include "app/users.h"
#include "cli/cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Common start: flags, configuration, database, context. */
static int start(int argc, char **argv, const char *const *flags, const char *cmd,
                 struct cli_args *a, struct config *cfg, struct app *app, struct app_ctx *c)
{
    if (cli_args_parse(argc, argv, flags, cmd, a) != 0 || cli_config(a, cfg) != 0)
        return EXIT_USAGE;
    app->cfg = cfg;
    *c = (struct app_ctx){.app = app, .actor = {.kind = ACTOR_CLI}};
    return cli_open_db(cfg, &c->db) == 0 ? EXIT_OK : EXIT_FAIL;
}

static int finish(int rc, struct config *cfg, struct app_ctx *c, const struct err *e)
{
    if (rc == EXIT_FAIL && e && e->msg[0]) fprintf(stderr, "pharos: %s\n", e->msg);
    db_close(c->db);
    config_free(cfg);
    return rc;
}

static int missing(const char *cmd, const char *flag)
{
    fprintf(stderr, "pharos %s: --%s is required\n", cmd, flag);
    return EXIT_USAGE;
}

int cmd_migrate(int argc, char **argv)
{
    struct cli_args a;
    struct config cfg;
    struct app app = {0};
    struct app_ctx c;
    int rc = start(argc, argv, NULL, "migrate", &a, &cfg, &app, &c);
    if (rc == EXIT_USAGE) return rc;
    if (rc == EXIT_OK) printf("schema version %d\n", db_schema_version(c.db));
    return finish(rc, &cfg, &c, NULL);
}

static int page_add(int argc, char **argv)
{
    static const char *const flags[] = {"slug", "title", "host", NULL};
    struct cli_args a;
    struct config cfg;
    struct app app = {0};
    struct app_ctx c;
    struct err e = {0};
    int rc = start(argc, argv, flags, "page add", &a, &cfg, &app, &c);
    if (rc == EXIT_USAGE) return rc;
    const char *slug = cli_flag(&a, "slug"), *title = cli_flag(&a, "title");
    if (rc == EXIT_OK && (!slug || !title)) rc = missing("page add", slug ? "title" : "slug");
    if (rc == EXIT_OK) {
        json_t *hosts = json_array();
        for (int i = 0; i < a.nhosts; i++)
            json_array_append_new(hosts, json_string(a.hosts[i]));
        int64_t id;
        if (app_page_ensure_default(&c, &e) != 0 ||
            app_page_create(&c, slug, title, hosts, &id, &e) != 0)
            rc = e.code == ERR_INVALID ? EXIT_USAGE : EXIT_FAIL;
        else
            printf("%lld\n", (long long)id);
        json_decref(hosts);
        if (rc == EXIT_USAGE) fprintf(stderr, "pharos page add: %s\n", e.msg);
    }
    return finish(rc, &cfg, &c, &e);
}

static int page_list(int argc, char **argv)
{
    struct cli_args a;
    struct config cfg;
    struct app app = {0};
    struct app_ctx c;
    struct err e = {0};
    json_t *pages = NULL;
    int rc = start(argc, argv, NULL, "page list", &a, &cfg, &app, &c);
    if (rc == EXIT_USAGE) return rc;
    if (rc == EXIT_OK &&
        (app_page_ensure_default(&c, &e) != 0 || app_pages_list(&c, &pages, &e) != 0))
        rc = EXIT_FAIL;
    if (rc == EXIT_OK) {
        printf("%-6s %-20s %-30s %s\n", "ID", "SLUG", "TITLE", "HOSTS");
        size_t i;
        json_t *p;
        json_array_foreach(pages, i, p)
        {
            printf("%-6lld %-20s %-30s", (long long)json_integer_value(json_object_get(p, "id")),
                   json_string_value(json_object_get(p, "slug")),
                   json_string_value(json_object_get(p, "title")));
            size_t k;
            json_t *h;
            json_array_foreach(json_object_get(p, "hosts"), k, h)
                printf("%s%s", k ? "," : " ", json_string_value(h));
            printf("\n");
        }
    }
    json_decref(pages);
    return finish(rc, &cfg, &c, &e);
}

int cmd_page(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return page_add(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "list") == 0) return page_list(argc - 1, argv + 1);
    fprintf(stderr, "pharos page: expected \"add\" or \"list\"%s%s\n", argc ? ", not " : "",
            argc ? argv[0] : "");
    return EXIT_USAGE;
}

/* Reads one line (the password) from standard input into BUF. */
static int read_password(char *buf, size_t size)
{
    if (!fgets(buf, (int)size, stdin)) return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int cmd_user(int argc, char **argv)
{
    static const char *const flags[] = {"email", "name", "role", "page", "reset-password", NULL};
    if (argc < 1 || strcmp(argv[0], "add") != 0) {
        fprintf(stderr, "pharos user: expected \"add\"\n");
        return EXIT_USAGE;
    }
    struct cli_args a;
    struct config cfg;
    struct app app = {0};
    struct app_ctx c;
    struct err e = {0};
    char password[512];
    int rc = start(argc - 1, argv + 1, flags, "user add", &a, &cfg, &app, &c);
    if (rc == EXIT_USAGE) return rc;
    const char *email = cli_flag(&a, "email");
    if (rc == EXIT_OK && !email) rc = missing("user add", "email");
    if (rc == EXIT_OK && read_password(password, sizeof password) != 0) {
        fprintf(stderr, "pharos user add: give the password on standard input\n");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && cli_page(&a, &c) != 0) rc = EXIT_FAIL;
    if (rc == EXIT_OK) {
        int64_t id;
        const char *name = cli_flag(&a, "name"), *role = cli_flag(&a, "role");
        bool reset = cli_flag(&a, "reset-password") != NULL;
        if (app_user_add(&c, email, name ? name : "", role ? role : "owner", password, reset, &id,
                         &e)) {
            rc = e.code == ERR_INVALID ? EXIT_USAGE : EXIT_FAIL;
            fprintf(stderr, "pharos user add: %s\n", e.msg);
            e.msg[0] = '\0'; /* said once */
        } else {
            printf("%lld\n", (long long)id);
        }
    }
    return finish(rc, &cfg, &c, &e);
}

int cmd_token(int argc, char **argv)
{
    static const char *const flags[] = {"name", "page", NULL};
    if (argc < 1 || strcmp(argv[0], "create") != 0) {
        fprintf(stderr, "pharos token: expected \"create\"\n");
        return EXIT_USAGE;
    }
    struct cli_args a;
    struct config cfg;
    struct app app = {0};
    struct app_ctx c;
    struct err e = {0};
    int rc = start(argc - 1, argv + 1, flags, "token create", &a, &cfg, &app, &c);
    if (rc == EXIT_USAGE) return rc;
    const char *name = cli_flag(&a, "name");
    if (rc == EXIT_OK && !name) rc = missing("token create", "name");
    if (rc == EXIT_OK && cli_page(&a, &c) != 0) rc = EXIT_FAIL;
    if (rc == EXIT_OK) {
        char *tok = NULL;
        if (app_token_create(&c, name, &tok, NULL, &e) != 0) {
            rc = e.code == ERR_INVALID ? EXIT_USAGE : EXIT_FAIL;
            if (rc == EXIT_USAGE) fprintf(stderr, "pharos token create: %s\n", e.msg);
        } else {
            printf("%s\n", tok);
            free(tok);
        }
    }
    return finish(rc, &cfg, &c, &e);
}
