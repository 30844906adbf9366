/*
 * cli/db — the commands that move a whole database (SPEC §13):
 *
 *   pharos db copy --from URL --to URL   every row of a (stopped) install into a new,
 *                                        empty database of either engine; prints the
 *                                        rows per table (store/copy.h)
 *   pharos backup --out FILE             a consistent SQLite copy of the configured
 *                                        database while the server runs (db_backup:
 *                                        VACUUM INTO); PostgreSQL is backed up with
 *                                        pg_dump (docs/deployment.md)
 *
 * Both migrate the databases they open first, as every command does, so the copy
 * is always between two databases of this version's schema.
 */
#include "cli/cli.h"
#include "store/copy.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Opens and migrates URL; prints what went wrong. */
static struct db *open_migrated(const char *url, const char *which)
{
    struct db *db = NULL;
    struct err e = {0};
    char shown[512];
    if (db_open(url, &db, &e) == 0 && db_migrate(db, &e) == 0) return db;
    fprintf(stderr, "pharos db copy: %s database %s: %s\n", which,
            db_url_redacted(url, shown, sizeof shown), e.msg);
    db_close(db);
    return NULL;
}

static void print_table(void *arg, const char *table, int64_t rows)
{
    *(int64_t *)arg += rows;
    printf("%-20s %lld\n", table, (long long)rows);
}

static int db_copy(int argc, char **argv)
{
    static const char *const flags[] = {"from", "to", NULL};
    struct cli_args a;
    if (cli_args_parse(argc, argv, flags, "db copy", &a) != 0) return EXIT_USAGE;
    const char *from = cli_flag(&a, "from"), *to = cli_flag(&a, "to");
    if (!from || !to) {
        fprintf(stderr, "pharos db copy: --%s URL is required\n", from ? "to" : "from");
        return EXIT_USAGE;
    }
    if (strcmp(from, to) == 0) {
        fprintf(stderr, "pharos db copy: --from and --to name the same database\n");
        return EXIT_USAGE;
    }
    int rc = EXIT_FAIL;
    struct db *src = open_migrated(from, "source"), *dst = src ? open_migrated(to, "target") : NULL;
    struct err e = {0};
    int64_t total = 0;
    if (!dst) goto out;
    if (store_copy(src, dst, print_table, &total, &e) != 0) {
        fprintf(stderr, "pharos db copy: %s\n", e.msg);
        goto out;
    }
    printf("copied %lld rows from %s to %s\n", (long long)total, db_kind(src), db_kind(dst));
    rc = EXIT_OK;
out:
    db_close(dst);
    db_close(src);
    return rc;
}

int cmd_db(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "copy") == 0) return db_copy(argc - 1, argv + 1);
    fprintf(stderr, "pharos db: unknown subcommand \"%s\" (pharos db copy --from URL --to URL)\n",
            argc >= 1 ? argv[0] : "");
    return EXIT_USAGE;
}

int cmd_backup(int argc, char **argv)
{
    static const char *const flags[] = {"out", NULL};
    struct cli_args a;
    struct config cfg;
    if (cli_args_parse(argc, argv, flags, "backup", &a) != 0) return EXIT_USAGE;
    const char *out = cli_flag(&a, "out");
    if (!out) {
        fprintf(stderr, "pharos backup: --out FILE is required\n");
        return EXIT_USAGE;
    }
    struct stat st;
    if (stat(out, &st) == 0 || errno != ENOENT) {
        fprintf(stderr, "pharos backup: %s exists: give a new file\n", out);
        return EXIT_USAGE;
    }
    if (cli_config(&a, &cfg) != 0) return EXIT_USAGE;
    struct db *db = NULL;
    struct err e = {0};
    int rc = EXIT_FAIL;
    if (cli_open_db(&cfg, &db) != 0) goto done;
    if (db_backup(db, out, &e) != 0) {
        fprintf(stderr, "pharos backup: %s\n", e.msg);
        goto done;
    }
    if (stat(out, &st) == 0)
        printf("backup of %s written to %s (%lld bytes)\n", db_kind(db), out,
               (long long)st.st_size);
    rc = EXIT_OK;
done:
    db_close(db);
    config_free(&cfg);
    return rc;
}
