/*
 * access_log — one line per request, buffered per worker thread.
 *
 * Each worker owns one log: lines are formatted into a 64 KiB buffer and
 * written to stderr in one write(2) when the buffer fills, every 250 ms from a
 * timer on the worker's event loop, and when the log is freed at shutdown.
 * (A write(2) per request cost as much as serving a small cached page.)
 * Lines look like core/log.c's: "2026-11-26T17:00:00.123Z INFO …".
 * Not thread-safe: only the owning worker's thread uses it.
 */
#ifndef PHAROS_ACCESS_LOG_H
#define PHAROS_ACCESS_LOG_H
#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

struct access_log;

/* A log flushed by a timer on BASE. */
struct access_log *access_log_new(struct event_base *base);
/* Flushes and frees; NULL is a no-op. */
void access_log_free(struct access_log *l);
/* Appends the line of one answered request: "ID METHOD PATH STATUS BYTES 1.234ms"
 * (control bytes in PATH become '?'). Formats without printf: it runs per request. */
void access_log_request(struct access_log *l, const char *id, const char *method, const char *path,
                        int status, size_t bytes, int64_t us);
void access_log_flush(struct access_log *l);

#endif
