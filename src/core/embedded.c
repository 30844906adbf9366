/*
 * embedded — lookup in the generated table of compiled-in files.
 * The table is small (tens of files), so a linear scan is enough; callers that
 * serve assets on hot paths look files up once at start.
 */
#include "core/embedded.h"
#include <string.h>

const struct embedded_file *embedded_find(const char *name)
{
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}
