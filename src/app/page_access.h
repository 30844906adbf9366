/*
 * app/page_access — who may see a page (SPEC §16): the settings side (PATCH page's
 * "visibility", "password" and "ip_allow", the read key shown to admins and rotated by
 * them) and the visitor side (a page password checked under the sign-in limits, a
 * console member recognised by their session, and the access cookie that lets a visitor
 * who gave the password in read the page without another check).
 *
 * The access cookie (domain/access_grant.h) is derived, not stored; checking one costs a
 * MAC and no database read, so a password page is served from its snapshot as fast as a
 * public one.
 *
 * A wrong page password counts against the sign-in limits of app/sessions.h (per page and
 * client address, and per address overall), so guessing it is as slow as guessing an
 * account's, and one visitor's typos never lock the page for the others.
 */
#ifndef PHAROS_APP_PAGE_ACCESS_H
#define PHAROS_APP_PAGE_ACCESS_H
#include "app/app.h"
#include "domain/access_grant.h"
#include "domain/visibility.h"

enum {
    PAGE_PASSWORD_MIN = 8,
    PAGE_PASSWORD_MAX = 200,
    READ_KEY_MAX = 64,
};

/* What PATCH page changes of a page's access, read by app_page_access_read(). */
struct page_access_change {
    bool any;               /* "visibility", "password" or "ip_allow" was given */
    const char *visibility; /* the page's after the change */
    char *password_hash;    /* malloc'd; NULL: none */
    char *ip_allow;         /* JSON text of the normal-form blocks (malloc'd) */
    bool new_read_key;      /* the page leaves "public" without a read key: make one */
};

/*
 * Reads IN's "visibility", "password" (PAGE_PASSWORD_MIN..MAX characters) and "ip_allow"
 * (at most CIDR_LIST_MAX blocks, domain/visibility.h) against the page's current access
 * CUR (store_page_access_get) into *OUT (app_page_access_change_free() it, also on error).
 * A 400 says what is wrong: an unknown visibility, "password" without a password (given
 * now or before), "ip" without blocks, "sso" while OpenID Connect is not configured.
 */
int app_page_access_read(struct app_ctx *c, json_t *in, const json_t *cur,
                         struct page_access_change *out, struct err *e);
/* Writes CH in the caller's transaction (nothing when !CH->any). */
int app_page_access_write(struct app_ctx *c, const struct page_access_change *ch, struct err *e);
void app_page_access_change_free(struct page_access_change *ch);

/* Adds "visibility", "ip_allow", "has_password" and, for actors with PERM_SETTINGS,
 * "read_key" (null until one is made) to PAGE (app_page_get's JSON). */
int app_page_access_describe(struct app_ctx *c, json_t *page, struct err *e);

/* A new read key for C's page (admins): the old one stops working. *OUT gets
 * {"read_key"}. */
int app_page_read_key_rotate(struct app_ctx *c, json_t **out, struct err *e);

/*
 * A visitor from CLIENT gives PASSWORD for PAGE_ID. Right: 0 and the access cookie value in
 * OUT. Wrong: 401 "wrong password"; past the limits 429; 409 when the page asks for no
 * password. Must be called outside a transaction.
 */
int app_page_password_enter(struct app *app, struct db *db, int64_t page_id, const char *password,
                            const char *client, char out[PAGE_ACCESS_COOKIE_MAX], struct err *e);

/* *YES when the console session of cookie value SESSION (may be NULL) is live and its user
 * is a member of PAGE_ID. */
int app_page_member(struct app *app, struct db *db, const char *session, int64_t page_id, bool *yes,
                    struct err *e);

#endif
