/*
 * notify/text — SMS, tweet and Slack text fitting. See text.h.
 */
#include "notify/text.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 code point at S (length in *N); invalid bytes are U+FFFD, one byte. */
static uint32_t next_cp(const char *s, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;
    int len = u[0] < 0x80         ? 1
              : (u[0] >> 5) == 6  ? 2
              : (u[0] >> 4) == 14 ? 3
              : (u[0] >> 3) == 30 ? 4
                                  : 0;
    uint32_t cp = len == 1 ? u[0] : len == 2 ? u[0] & 0x1f : len == 3 ? u[0] & 0x0f : u[0] & 0x07;
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            len = 0;
            break;
        }
        cp = cp << 6 | (u[i] & 0x3f);
    }
    *n = len ? (size_t)len : 1;
    return len ? cp : 0xfffd;
}

/* GSM 03.38 basic set beyond printable ASCII, and the ASCII characters it lacks. */
static const char *const gsm_basic_utf8[] = {"£", "¥", "è", "é", "ù", "ì", "ò", "Ç", "Ø", "ø",
                                             "Å", "å", "Δ", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ",
                                             "Θ", "Ξ", "Æ", "æ", "ß", "É", "¤", "¡", "Ä", "Ö",
                                             "Ñ", "Ü", "§", "¿", "ä", "ö", "ñ", "ü", "à", NULL};
static const char gsm_ext_ascii[] = "^{}\\[~]|";

/* Units of code point CP at S (N bytes) in GSM-7: 1, 2 (extension), or 0 (not GSM-7). */
static int gsm_units_cp(uint32_t cp, const char *s, size_t n)
{
    if (cp == '\n' || cp == '\r') return 1;
    if (cp < 0x20 || cp == 0x7f || cp == '`') return 0;
    if (cp < 0x80) return strchr(gsm_ext_ascii, (int)cp) ? 2 : 1;
    if (cp == 0x20ac) /* € */
        return 2;
    for (int i = 0; gsm_basic_utf8[i]; i++)
        if (strlen(gsm_basic_utf8[i]) == n && memcmp(gsm_basic_utf8[i], s, n) == 0) return 1;
    return 0;
}

static const char *replacement(uint32_t cp)
{
    /* Latin-1 letters outside GSM-7 lose their accent: U+00C0…U+00FF */
    static const char *const latin1[64] = {
        "A", "A", "A", "A", "A", "A", "A", "C", "E", "E", "E", "E", "I", "I", "I", "I",
        "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "T", "s",
        "a", "a", "a", "a", "a", "a", "a", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "t", "y"};
    if (cp >= 0xc0 && cp <= 0xff) return latin1[cp - 0xc0];
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x2032:
    case '`':
        return "'";
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x2033:
        return "\"";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2212:
        return "-";
    case 0x2026:
        return "...";
    case 0x00a0:
    case 0x2002:
    case 0x2003:
    case 0x2009:
    case '\t':
        return " ";
    default:
        return "?";
    }
}

char *gsm7_convert(const char *s)
{
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "");
    for (size_t n; s && *s; s += n) {
        uint32_t cp = next_cp(s, &n);
        if (gsm_units_cp(cp, s, n))
            buf_append(&b, s, n);
        else
            buf_puts(&b, replacement(cp));
    }
    return buf_steal(&b);
}

size_t gsm7_units(const char *s)
{
    size_t units = 0;
    for (size_t n; *s; s += n) {
        uint32_t cp = next_cp(s, &n);
        int u = gsm_units_cp(cp, s, n);
        units += u ? (size_t)u : 1;
    }
    return units;
}

static size_t utf16_units(uint32_t cp);

/* S for a UCS-2 message: valid UTF-8, control characters but newlines as spaces. */
static char *ucs2_convert(const char *s)
{
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "");
    for (size_t n; s && *s; s += n) {
        uint32_t cp = next_cp(s, &n);
        if (cp == 0xfffd && n == 1)
            buf_puts(&b, "\xef\xbf\xbd");
        else if ((cp < 0x20 && cp != '\n') || cp == 0x7f)
            buf_puts(&b, " ");
        else
            buf_append(&b, s, n);
    }
    return buf_steal(&b);
}

static char *sms_convert(enum sms_coding c, const char *s)
{
    return c == SMS_UCS2 ? ucs2_convert(s) : gsm7_convert(s);
}

/* Units of code point CP (N bytes at S) in coding C. */
static size_t cp_units(enum sms_coding c, uint32_t cp, const char *s, size_t n)
{
    if (c == SMS_UCS2) return utf16_units(cp);
    int u = gsm_units_cp(cp, s, n);
    return u ? (size_t)u : 1;
}

size_t sms_units(enum sms_coding c, const char *s)
{
    size_t units = 0;
    for (size_t n; *s; s += n) {
        uint32_t cp = next_cp(s, &n);
        units += cp_units(c, cp, s, n);
    }
    return units;
}

size_t sms_max_units(enum sms_coding c)
{
    return c == SMS_UCS2 ? SMS_UCS2_MAX_UNITS : SMS_MAX_UNITS;
}

/* Appends to B the longest prefix of S (text of coding C) that fits in MAX units, with "..."
 * (GSM-7) or "…" (UCS-2) when it had to be cut (the dots count). */
static void put_clipped(enum sms_coding c, struct buf *b, const char *s, size_t max)
{
    const char *dots = c == SMS_UCS2 ? "…" : "...";
    size_t dots_units = c == SMS_UCS2 ? 1 : 3;
    if (sms_units(c, s) <= max) {
        buf_puts(b, s);
        return;
    }
    size_t used = 0, n;
    while (*s) {
        uint32_t cp = next_cp(s, &n);
        size_t u = cp_units(c, cp, s, n);
        if (used + u + dots_units > max) break;
        buf_append(b, s, n);
        used += u;
        s += n;
    }
    if (max >= dots_units) buf_puts(b, dots);
}

char *sms_text(enum sms_coding c, const char *page, const char *stage, const char *title,
               const char *url)
{
    return sms_text_when(c, page, stage, title, NULL, url);
}

char *sms_text_when(enum sms_coding c, const char *page, const char *stage, const char *title,
                    const char *when, const char *url)
{
    char *p = sms_convert(c, page), *st = sms_convert(c, stage), *t = sms_convert(c, title);
    char *u = sms_convert(c, url ? url : ""), *w = sms_convert(c, when ? when : "");
    size_t max = sms_max_units(c), when_room = c == SMS_UCS2 ? SMS_UCS2_WHEN_ROOM : SMS_WHEN_ROOM;
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "");
    /* "[" "] " STAGE ": " and " URL" around the page name and the title */
    size_t fixed = sms_units(c, "[] : ") + sms_units(c, st) + (*u ? 1 + sms_units(c, u) : 0);
    /* " (WHEN)" only while it leaves the page name and title WHEN_ROOM units */
    size_t wu = *w ? sms_units(c, w) + 3 : 0;
    if (wu && (fixed + wu >= max || max - fixed - wu < when_room)) wu = 0;
    fixed += wu;
    size_t room = fixed < max ? max - fixed : 0;
    size_t pu = sms_units(c, p), tu = sms_units(c, t);
    size_t page_room = pu, title_room = tu, least = c == SMS_UCS2 ? 8 : 20;
    if (pu + tu > room) {
        /* the title gives way first, down to LEAST units, then the page name */
        title_room = room > pu + least ? room - pu : (room < least ? room : least);
        page_room = room > title_room ? room - title_room : 0;
        if (page_room > pu) {
            title_room += page_room - pu;
            page_room = pu;
        }
    }
    buf_puts(&b, "[");
    put_clipped(c, &b, p, page_room);
    buf_puts(&b, "] ");
    buf_puts(&b, st);
    buf_puts(&b, ": ");
    put_clipped(c, &b, t, title_room);
    if (wu) {
        buf_puts(&b, " (");
        buf_puts(&b, w);
        buf_puts(&b, ")");
    }
    if (*u) {
        buf_puts(&b, " ");
        buf_puts(&b, u);
    }
    free(p), free(st), free(t), free(u), free(w);
    return buf_steal(&b);
}

bool sms_text_fits(enum sms_coding c, const char *page, const char *stage, const char *title,
                   const char *when, const char *url)
{
    const char *parts[] = {page, stage, title, when ? when : "", url ? url : ""};
    size_t units = sms_units(c, "[] : ");
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char *g = sms_convert(c, parts[i]);
        units += sms_units(c, g);
        free(g);
    }
    if (when && *when) units += 3; /* " (" and ")" */
    if (url && *url) units += 1;
    return units <= sms_max_units(c);
}

/* Bytes of the link starting at S (up to white space), or 0 when S starts no link. */
static size_t link_len(const char *s)
{
    if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) return 0;
    return strcspn(s, " \t\r\n");
}

size_t tweet_length(const char *text)
{
    size_t len = 0, n;
    for (const char *s = text; *s; s += n) {
        if ((n = link_len(s)) && (s == text || strchr(" \t\r\n(", s[-1]))) {
            len += TWEET_LINK;
            continue;
        }
        next_cp(s, &n);
        len++;
    }
    return len;
}

char *tweet_text(const char *head, const char *body, const char *url)
{
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, head ? head : "");
    if (body && *body) {
        if (b.len) buf_puts(&b, "\n\n");
        buf_puts(&b, body);
    }
    size_t budget = TWEET_MAX - (url && *url ? 1 + TWEET_LINK : 0);
    if (tweet_length(b.data) > budget) {
        /* keep whole code points and whole links while one more fits with the "…" */
        size_t len = 0, keep = 0, n;
        for (const char *s = b.data; *s; s += n) {
            size_t w = 1;
            if ((n = link_len(s)) && (s == b.data || strchr(" \t\r\n(", s[-1])))
                w = TWEET_LINK;
            else
                next_cp(s, &n);
            if (len + w + 1 > budget) break;
            len += w;
            keep = (size_t)(s - b.data) + n;
        }
        while (keep && strchr(" \t\r\n", b.data[keep - 1]))
            keep--;
        buf_truncate(&b, keep);
        buf_puts(&b, "…");
    }
    if (url && *url) {
        buf_puts(&b, b.len ? " " : "");
        buf_puts(&b, url);
    }
    return buf_steal(&b);
}

/* UTF-16 code units of code point CP. */
static size_t utf16_units(uint32_t cp)
{
    return cp >= 0x10000 ? 2 : 1;
}

size_t slack_length(const char *s)
{
    size_t len = 0, n;
    for (; *s; s += n)
        len += utf16_units(next_cp(s, &n));
    return len;
}

char *chat_text(const char *s, size_t max, chat_escape_fn esc)
{
    assert(max >= 1);
    struct buf b;
    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "");
    size_t used = 0, fit = 0; /* FIT: bytes of B within MAX - 1 units, room for the "…" */
    uint32_t prev = 0;
    for (size_t n; s && *s; s += n) {
        uint32_t cp = next_cp(s, &n);
        const char *piece = s, *r;
        size_t len = n, w = utf16_units(cp); /* bytes and UTF-16 units of what goes out */
        /* next_cp lets overlongs and surrogates through: they become U+FFFD */
        if (utf8_length(s, n) != 1) {
            piece = "\xef\xbf\xbd";
            len = 3;
            w = 1;
        } else if ((r = esc(cp, prev, s))) {
            piece = r;
            len = strlen(r);
            w = slack_length(r);
        }
        prev = cp;
        if (used + w > max) {
            buf_truncate(&b, fit);
            while (b.len && strchr(" \t\r\n", b.data[b.len - 1]))
                buf_truncate(&b, b.len - 1);
            buf_puts(&b, "…");
            break;
        }
        buf_append(&b, piece, len);
        used += w;
        if (used < max) fit = b.len;
    }
    return buf_steal(&b);
}

static const char *slack_escape(uint32_t cp, uint32_t prev, const char *s)
{
    (void)prev, (void)s;
    return cp == '&' ? "&amp;" : cp == '<' ? "&lt;" : cp == '>' ? "&gt;" : NULL;
}

char *slack_text(const char *s, size_t max)
{
    return chat_text(s, max, slack_escape);
}

/* Backslash and the character, for the ASCII punctuation in SET; NULL for the rest. */
static const char *backslashed(uint32_t cp, const char *set)
{
    static const char pairs[] = "\\\\\0\\*\0\\_\0\\~\0\\`\0\\|\0\\>\0\\<\0\\#\0\\-\0\\[\0\\]\0\\(\0"
                                "\\)\0\\+\0\\!\0\\{\0\\}\0\\.\0";
    if (cp >= 0x80 || cp == 0 || !strchr(set, (int)cp)) return NULL;
    for (const char *p = pairs; *p; p += 3)
        if ((uint32_t)(unsigned char)p[1] == cp) return p;
    return NULL;
}

static const char *discord_escape(uint32_t cp, uint32_t prev, const char *s)
{
    (void)prev;
    if (cp == '@' && (strncmp(s + 1, "everyone", 8) == 0 || strncmp(s + 1, "here", 4) == 0))
        return "@\xe2\x80\x8b"; /* a zero-width space: "@everyone" no longer pings */
    return backslashed(cp, "\\*_~`|><#-[]()");
}

char *discord_text(const char *s, size_t max)
{
    return chat_text(s, max, discord_escape);
}

static const char *teams_escape(uint32_t cp, uint32_t prev, const char *s)
{
    (void)s;
    if (cp == '\n') return "\n\n"; /* a line of its own: one newline is a space */
    if (cp == '.') return prev >= '0' && prev <= '9' ? "\\." : NULL; /* "1." starts a list */
    return backslashed(cp, "\\*_~`|><#-[]()+!{}");
}

char *teams_text(const char *s, size_t max)
{
    return chat_text(s, max, teams_escape);
}

static const char *gchat_escape(uint32_t cp, uint32_t prev, const char *s)
{
    (void)prev, (void)s;
    switch (cp) {
    case '*':
        return "\xe2\x88\x97"; /* U+2217 ASTERISK OPERATOR */
    case '_':
        return "\xcb\x8d"; /* U+02CD MODIFIER LETTER LOW MACRON */
    case '~':
        return "\xe2\x88\xbc"; /* U+223C TILDE OPERATOR */
    case '`':
        return "\xcb\x8b"; /* U+02CB MODIFIER LETTER GRAVE ACCENT */
    case '<':
        return "\xe2\x80\xb9"; /* U+2039 SINGLE LEFT-POINTING ANGLE QUOTATION MARK */
    case '>':
        return "\xe2\x80\xba"; /* U+203A SINGLE RIGHT-POINTING ANGLE QUOTATION MARK */
    default:
        return NULL;
    }
}

char *gchat_text(const char *s, size_t max)
{
    return chat_text(s, max, gchat_escape);
}
