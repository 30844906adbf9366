/*
 * app/sessions — signing in to the console: first-run setup, sign-in with
 * e-mail and password, sessions, sign-out (here or everywhere), password
 * change and switching the page a session manages (SPEC §8, §11).
 *
 * A session is a random cookie value ("ses_" + 43 URL-safe characters); the
 * database keeps only its SHA-256. It ends security.session_max_seconds after
 * sign-in (default 12 h) or security.session_idle_seconds after its last use
 * (default 30 min), whichever comes first. Each session has its own CSRF token
 * that every state-changing console form must carry.
 *
 * Failed password checks are limited per account (LOGIN_PER_ACCOUNT) and per
 * client address (LOGIN_PER_ADDRESS) in windows of LOGIN_WINDOW_S seconds: past
 * the limit every attempt, right or wrong, is a 429 until the window ends. Every
 * path that checks a password (sign-in, accepting an invitation with an existing
 * account, changing the password) goes through app_password_attempt(), so the
 * limits are one budget, not one per form.
 */
#ifndef PHAROS_APP_SESSIONS_H
#define PHAROS_APP_SESSIONS_H
#include "app/app.h"

enum { LOGIN_PER_ACCOUNT = 5, LOGIN_PER_ADDRESS = 30, LOGIN_WINDOW_S = 15 * 60 };

/* A signed-in session as the console sees it. */
struct app_session {
    char id_hash[TOKEN_HASH_HEX];
    int64_t user_id;
    int64_t page_id; /* the page being managed */
    enum role role;  /* the user's role on that page */
    char csrf[64];
    char email[256];
    char name[128];
};

/* True in *NEEDED while no user exists (first-run setup is open). */
int app_setup_needed(struct db *db, bool *needed, struct err *e);

/*
 * First-run setup: creates the first user, owner of PAGE_ID, and signs them in.
 * 404 once any user exists (checked inside the transaction, so two racing setups
 * create one owner). *COOKIE gets the session cookie value (caller frees).
 */
int app_setup(struct app *app, struct db *db, int64_t page_id, const char *email, const char *name,
              const char *password, char **cookie, struct err *e);

/*
 * Signs in EMAIL with PASSWORD from client address CLIENT. The session manages
 * PAGE_ID when the user is a member of it, else their first page. 401 for a
 * wrong e-mail or password (the message does not say which), 403 for a user of
 * no page, 429 past the limits. *COOKIE gets the cookie value (caller frees).
 */
int app_login(struct app *app, struct db *db, int64_t page_id, const char *email,
              const char *password, const char *client, char **cookie, struct err *e);

/*
 * Checks PASSWORD for the account of (normalised) EMAIL, whose stored Argon2id hash is
 * HASH (NULL when there is no such account: a fixed hash is verified instead, so the
 * answer takes as long), for client address CLIENT (may be NULL), under the limits
 * above. Must be called outside a transaction (the count of a failure is committed
 * at once). Returns 1 when right (the account's failures are forgotten), 0 when
 * wrong (counted against the account and the address; E untouched: the caller says
 * what was wrong), -1 with a 429 past the limits or another error in E.
 */
int app_password_attempt(struct db *db, const char *email, const char *client, const char *hash,
                         const char *password, struct err *e);

/*
 * Finds the live session of cookie value COOKIE (may be NULL) and fills *S.
 * 401 when there is none or it has expired (an expired one is deleted). Records
 * the use (for the idle expiry) at most every minute.
 */
int app_session_load(struct app *app, struct db *db, const char *cookie, struct app_session *s,
                     struct err *e);

/* The use-case context of S: its page, the user as actor with their role there. */
void app_session_ctx(struct app *app, struct db *db, const struct app_session *s,
                     struct app_ctx *c);

/* Ends S (logout). */
int app_logout(struct db *db, const struct app_session *s, struct err *e);
/* Ends every session of S's user, S included ("sign out everywhere"). */
int app_logout_everywhere(struct db *db, const struct app_session *s, struct err *e);

/* Changes S's user's password after checking CURRENT (app_password_attempt, from client
 * address CLIENT); ends their other sessions. */
int app_password_change(struct db *db, const struct app_session *s, const char *current,
                        const char *password, const char *client, struct err *e);

/* {"pages":[{"id","slug","title","role","current"}…]}: the pages S's user belongs to. */
int app_session_pages(struct db *db, const struct app_session *s, json_t **out, struct err *e);
/* Makes S manage PAGE_ID (403 unless the user is a member of it). */
int app_session_switch_page(struct db *db, struct app_session *s, int64_t page_id, struct err *e);

/*
 * Creates a session of USER_ID managing PAGE_ID (called by setup, sign-in and an
 * accepted invitation). *COOKIE gets the cookie value (caller frees).
 */
int app_session_create(struct app *app, struct db *db, int64_t user_id, int64_t page_id,
                       char **cookie, struct err *e);

#endif
