/*
 * notify/text — fitting messages into what SMS and Twitter accept (SPEC §10).
 *
 *  - SMS: at most 160 GSM-7 characters (one segment). Characters outside the
 *    GSM 03.38 alphabet are replaced (curly quotes and dashes by their ASCII
 *    forms, "…" by "...", anything else by "?"), so a message never falls back
 *    to UCS-2 and its 70-character segments; characters of the extension table
 *    (^ { } \ [ ~ ] | €) count as two. The link is always kept whole; the title
 *    is shortened first, then the page name. A language whose script GSM-7 lacks
 *    (ja: its catalogue's sms_alphabet is "ucs2", render/i18n.h) is sent as UCS-2
 *    instead: one segment of 70 UTF-16 units, cut with "…", nothing replaced.
 *  - Tweets: at most 280 characters, every http(s) link counted as 23 (t.co),
 *    other characters as one code point each. Text is cut at a code point and
 *    never inside a link, and marked with "…".
 *  - Slack: every text Slack reads as mrkdwn has &, < and > escaped as &amp;,
 *    &lt; and &gt;, so "<!channel>" or "<https://x|Log in>" in a title is shown,
 *    not acted on; it is cut at a character (never inside an escape) to a
 *    length in UTF-16 code units (Slack counts characters, which is never more)
 *    and marked with "…"; invalid UTF-8 becomes U+FFFD, so the JSON is valid.
 *  - Discord (Markdown, mentions): the Markdown characters \ * _ ~ ` | > < # - [ ] ( )
 *    get a backslash (Discord shows the character, not its effect: no masked link, no
 *    heading, no "<@id>" mention), and "@everyone" / "@here" a zero-width space after
 *    the "@" (the payload's allowed_mentions forbids pings as well).
 *  - Microsoft Teams (Adaptive Card TextBlock: a CommonMark subset): the CommonMark
 *    punctuation that could make a link, emphasis, a list or a {{DATE()}} function gets
 *    a backslash ("." only after a digit: "1." starts a list); a newline becomes a
 *    blank line (one newline would be a space).
 *  - Google Chat (text messages have no escape): * _ ~ ` < > become look-alike
 *    characters (∗ ˍ ∼ ˋ ‹ ›), so "<users/all>" mentions nobody, "<https://x|label>" is
 *    no link and "*bold*" stays as typed.
 * All of them cut like Slack's, counting UTF-16 units of the escaped text and never
 * inside an escape. Pure functions; results are malloc'd and never NULL.
 */
#ifndef PHAROS_NOTIFY_TEXT_H
#define PHAROS_NOTIFY_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SMS_MAX_UNITS = 160,
    SMS_WHEN_ROOM = 30,
    SMS_UCS2_MAX_UNITS = 70,
    SMS_UCS2_WHEN_ROOM = 12,
    TWEET_MAX = 280,
    TWEET_LINK = 23,
    SLACK_TEXT_MAX = 3000,
    DISCORD_CONTENT_MAX = 2000,
    DISCORD_TITLE_MAX = 256,
    DISCORD_DESCRIPTION_MAX = 4096,
    DISCORD_FIELD_NAME_MAX = 256,
    DISCORD_FIELD_VALUE_MAX = 1024,
    DISCORD_FOOTER_MAX = 2048,
    DISCORD_EMBED_MAX = 6000,
    GCHAT_TEXT_MAX = 4096
};

/* S converted to the GSM-7 alphabet (still UTF-8 text), see above. */
char *gsm7_convert(const char *s);
/* GSM-7 units (septets) of S, which must be GSM-7 already (gsm7_convert). */
size_t gsm7_units(const char *s);
/* What a text message is written in: one segment of GSM-7 (160) or UCS-2 (70 units). */
enum sms_coding { SMS_GSM7, SMS_UCS2 };
/* The units of S in coding C (GSM-7: S must be GSM-7 already, gsm7_convert). */
size_t sms_units(enum sms_coding c, const char *s);
/* One segment of coding C: SMS_MAX_UNITS or SMS_UCS2_MAX_UNITS. */
size_t sms_max_units(enum sms_coding c);
/* "[PAGE] STAGE: TITLE URL" within one segment of C (URL may be NULL or ""). */
char *sms_text(enum sms_coding c, const char *page, const char *stage, const char *title,
               const char *url);
/* "[PAGE] STAGE: TITLE (WHEN) URL": the same with a time or window after the title, left
 * out when it would leave the page name and title fewer than SMS_WHEN_ROOM units
 * (SMS_UCS2_WHEN_ROOM). */
char *sms_text_when(enum sms_coding c, const char *page, const char *stage, const char *title,
                    const char *when, const char *url);
/* Whether sms_text_when(C, PAGE, STAGE, TITLE, WHEN, URL) fits one segment with nothing cut
 * (the page name and title whole, WHEN kept): a caller with a longer and a shorter WHEN
 * takes the longer only then. */
bool sms_text_fits(enum sms_coding c, const char *page, const char *stage, const char *title,
                   const char *when, const char *url);
/* The weighted length of TEXT as Twitter counts it. */
size_t tweet_length(const char *text);
/* HEAD then BODY (separated by a blank line, either may be empty), shortened so
 * that with " URL" appended the tweet is at most TWEET_MAX long. */
char *tweet_text(const char *head, const char *body, const char *url);
/* S (may be NULL) escaped for Slack within MAX (at least 1) UTF-16 code units, see above
 * (SLACK_TEXT_MAX: the limit of a section's text). */
char *slack_text(const char *s, size_t max);
/* The length of S in UTF-16 code units (what Slack, Discord and JavaScript count). */
size_t slack_length(const char *s);

/* What goes out for the code point CP at S (the rest of the text; PREV the code point
 * before it, 0 at the start): a replacement, or NULL for CP itself. */
typedef const char *(*chat_escape_fn)(uint32_t cp, uint32_t prev, const char *s);
/* S (may be NULL) escaped with ESC within MAX (at least 1) UTF-16 units, cut at a
 * character with "…", invalid UTF-8 as U+FFFD. */
char *chat_text(const char *s, size_t max, chat_escape_fn esc);
/* S escaped for Discord, Teams, Google Chat within MAX UTF-16 units, see above. */
char *discord_text(const char *s, size_t max);
char *teams_text(const char *s, size_t max);
char *gchat_text(const char *s, size_t max);

#endif
