/*
 * tmpl_set — named templates compiled once. See tmpl_set.h.
 *
 * A set holds a few dozen templates at most, so entries are a plain array
 * searched linearly under the mutex; compiling under the same mutex keeps two
 * threads from compiling the same template twice.
 */
#include "render/tmpl_set.h"
#include "core/embedded.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *name;
    struct tmpl *t;
};

struct tmpl_set {
    pthread_mutex_t lock;
    tmpl_on_source on_source;
    void *ctx;
    char *prefix; /* tmpl_set_new_embedded() only */
    struct entry *v;
    size_t n, cap;
};

struct tmpl_set *tmpl_set_new(tmpl_on_source on_source, void *ctx)
{
    struct tmpl_set *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->on_source = on_source;
    s->ctx = ctx;
    return s;
}

static const char *on_embedded(void *ctx, const char *name)
{
    struct tmpl_set *s = ctx;
    char path[512];
    int n = snprintf(path, sizeof path, "%s%s", s->prefix, name);
    if (n < 0 || (size_t)n >= sizeof path) return NULL;
    const struct embedded_file *f = embedded_find(path);
    return f ? f->data : NULL;
}

struct tmpl_set *tmpl_set_new_embedded(const char *prefix)
{
    struct tmpl_set *s = tmpl_set_new(on_embedded, NULL);
    s->ctx = s;
    s->prefix = xstrdup(prefix);
    return s;
}

void tmpl_set_free(struct tmpl_set *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].name);
        tmpl_free(s->v[i].t);
    }
    free(s->v);
    free(s->prefix);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Called with S locked. */
static const struct tmpl *get_locked(struct tmpl_set *s, const char *name, struct err *e)
{
    char q[64];
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0) return s->v[i].t;
    const char *src = s->on_source(s->ctx, name);
    if (!src) {
        err_set(e, ERR_NOT_FOUND, "no template called '%s'", utf8_clip(name, q, sizeof q));
        return NULL;
    }
    struct err ce = {0};
    struct tmpl *t = tmpl_compile(src, &ce);
    if (!t) {
        err_set(e, ce.code, "%s: %s", utf8_clip(name, q, sizeof q), ce.msg);
        return NULL;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (struct entry){xstrdup(name), t};
    return t;
}

const struct tmpl *tmpl_set_get(struct tmpl_set *s, const char *name, struct err *e)
{
    pthread_mutex_lock(&s->lock);
    const struct tmpl *t = get_locked(s, name, e);
    pthread_mutex_unlock(&s->lock);
    return t;
}

static int on_partial(void *ctx, const char *name, const struct tmpl **out, struct err *e)
{
    struct err ge = {0};
    *out = tmpl_set_get(ctx, name, &ge);
    if (*out) return 0;
    return err_set(e, ERR_INTERNAL, "partial: %s", ge.msg);
}

struct tmpl_loader tmpl_set_loader(struct tmpl_set *s)
{
    return (struct tmpl_loader){.on_partial = on_partial, .ctx = s};
}
