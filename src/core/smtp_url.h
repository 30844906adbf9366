/*
 * core/smtp_url — email.smtp_url (SPEC §4): smtp://HOST[:PORT] or smtps://HOST[:PORT],
 * with an optional trailing "/". HOST is a name or an address, IPv6 in brackets.
 * smtp:// defaults to port 25 (STARTTLS when the relay offers it), smtps:// to 465
 * (TLS from the first byte). Config checks the value with this parser at start, so a
 * URL the SMTP client cannot use stops the server then, not at the first message.
 * Pure, no I/O.
 */
#ifndef PHAROS_CORE_SMTP_URL_H
#define PHAROS_CORE_SMTP_URL_H
#include <stdbool.h>

struct smtp_url {
    char host[256]; /* without brackets */
    int port;
    bool implicit_tls; /* smtps:// */
};

/* Parses URL into OUT. 0, or -1 when it is not smtp(s)://HOST[:PORT][/]. */
int smtp_url_parse(const char *url, struct smtp_url *out);

#endif
