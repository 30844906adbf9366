/*
 * main — `pharos COMMAND …`: picks the command (SPEC §2) and returns its exit
 * status. Global set-up (libsodium) happens here, before any thread starts.
 */
#include "cli/cli.h"
#include "core/secret.h"
#include <stdio.h>
#include <string.h>

#ifndef PHAROS_VERSION
#define PHAROS_VERSION "0.1.0"
#endif

static const char usage[] =
    "pharos — a self-hosted status page server\n"
    "\n"
    "usage:\n"
    "  pharos serve   [--config FILE] [--listen HOST:PORT] [--data DIR] [--database URL] "
    "[--base-url URL]\n"
    "  pharos migrate [--config FILE] [--data DIR] [--database URL]\n"
    "  pharos page add   --slug SLUG --title TITLE [--host HOST]...   prints the new page id\n"
    "  pharos page list\n"
    "  pharos user add   --email EMAIL [--name NAME] [--role ROLE] [--page SLUG] "
    "[--reset-password]\n"
    "                    password on stdin; an existing account is refused unless "
    "--reset-password\n"
    "  pharos token create --name NAME [--page SLUG]                    prints the token once\n"
    "  pharos export  --out DIR [--page SLUG]                           static copy of the public "
    "page\n"
    "  pharos db copy --from URL --to URL          every row into a new, empty database (SQLite\n"
    "                                              or PostgreSQL, either way); stop the server "
    "first\n"
    "  pharos backup  --out FILE                   a consistent SQLite copy while the server runs\n"
    "  pharos version | --version | --help\n"
    "\n"
    "Every command accepts --config, --data and --database (sqlite:PATH, or a PostgreSQL\n"
    "URI: postgresql://USER@HOST/DB). Settings may also come from\n"
    "PHAROS_<SECTION>_<KEY> environment variables (e.g. PHAROS_SERVER_LISTEN).\n"
    "Roles: owner, admin, editor, viewer. SLUG defaults to the default page.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("pharos %s\n", PHAROS_VERSION);
        return EXIT_OK;
    }
    if (secret_init() != 0) {
        fprintf(stderr, "pharos: cannot initialise libsodium\n");
        return EXIT_FAIL;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"serve", cmd_serve}, {"migrate", cmd_migrate}, {"page", cmd_page},
                {"user", cmd_user},   {"token", cmd_token},     {"export", cmd_export},
                {"db", cmd_db},       {"backup", cmd_backup}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i].name)) return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "pharos: unknown command \"%s\" (see pharos --help)\n", cmd);
    return EXIT_USAGE;
}
