/*
 * store/integrations — a page's integration settings (the kinds of domain/channel.h:
 * Slack, Twitter, the webhook, Teams, Discord, Google Chat): one row per
 * (page, kind) holding "enabled", the non-secret config as JSON text, and the
 * secret part sealed by app/ (core/secret.h). This module never sees plaintext
 * secrets and never decrypts.
 */
#ifndef PHAROS_STORE_INTEGRATIONS_H
#define PHAROS_STORE_INTEGRATIONS_H
#include "store/db.h"

/* {"kind","enabled","config" (JSON text),"secret" (sealed text or null),"updated_at"} of
 * KIND on PAGE_ID, or NULL (E->code ERR_OK when it was never configured). */
json_t *store_integration_get(struct db *db, int64_t page_id, const char *kind, struct err *e);
/* Inserts or replaces the row of KIND on PAGE_ID. SEALED NULL: no secret. */
int store_integration_put(struct db *db, int64_t page_id, const char *kind, bool enabled,
                          const char *config, const char *sealed, struct err *e);

#endif
