/*
 * cli — the command line of SPEC §2. main.c picks the command; each cmd_*()
 * parses its own flags with cli_args_parse() and returns the exit status:
 * 0 success, 2 bad usage (stderr names the argument), 1 any other failure.
 */
#ifndef PHAROS_CLI_H
#define PHAROS_CLI_H
#include "app/app.h"
#include "core/config.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_flag {
    const char *name;  /* without "--" */
    const char *value; /* last value given, or NULL */
};

struct cli_args {
    struct cli_flag flags[16];
    int nflags;
    const char *hosts[16]; /* every --host (repeatable) */
    int nhosts;
};

/*
 * Parses "--name value" and "--name=value" from ARGV. ALLOWED lists the flags
 * the command takes (NULL-terminated; the common --config, --data, --database
 * are always allowed). Prints the error and returns -1 on bad usage.
 */
int cli_args_parse(int argc, char **argv, const char *const *allowed, const char *cmd,
                   struct cli_args *out);
const char *cli_flag(const struct cli_args *a, const char *name);

/* Builds the configuration (file, environment, flags) into CFG; prints errors. */
int cli_config(const struct cli_args *a, struct config *cfg);
/* Creates the data directory, opens and migrates the database; prints errors. */
int cli_open_db(const struct config *cfg, struct db **db);
/* Resolves --page SLUG (or the default page) into C->page_id; prints errors. */
int cli_page(const struct cli_args *a, struct app_ctx *c);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_page(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_backup(int argc, char **argv);

#endif
