/*
 * app/addresses — the normal forms of the addresses people give: e-mail addresses
 * (team members, subscribers) and phone numbers (SMS subscribers), with the 400
 * that quotes what was wrong. Pure functions.
 */
#ifndef PHAROS_APP_ADDRESSES_H
#define PHAROS_APP_ADDRESSES_H
#include "core/err.h"
#include <stddef.h>

/* Normalises and checks an e-mail address into OUT (lower-case). */
int app_email_normalise(const char *in, char *out, size_t size, struct err *e);
/* Normalises a phone number to E.164 into OUT: "+" then 8 to 15 digits, the first not 0;
 * spaces, dashes, dots and parentheses are dropped ("+1 (415) 555-0100"). */
int app_phone_normalise(const char *in, char *out, size_t size, struct err *e);

#endif
