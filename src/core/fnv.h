/*
 * core/fnv — FNV-1a, 64 bits: a fast hash of bytes for telling versions of remembered
 * values apart (the public view's memos), never for security.
 */
#ifndef PHAROS_CORE_FNV_H
#define PHAROS_CORE_FNV_H
#include <stddef.h>
#include <stdint.h>

#define FNV_OFFSET 14695981039346656037ULL

/* FNV-1a of N bytes at P onto H (FNV_OFFSET to start). */
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
    return h;
}

#endif
