/* util.c — helpers shared by the C suite (see util.h). */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <stdio.h>
#include <string.h>

#include "tf.h"

clientcache_key *mk_key(clientcache_kind kind, const char *service, const char *json) {
    clientcache_key *k = NULL;
    clientcache_status st = clientcache_key_new(kind, service, strlen(service), json,
                                                json ? strlen(json) : 0, &k);
    if (!EXPECTF(st == CLIENTCACHE_STATUS_OK && k != NULL, "key_new(%s, %s) -> %s: %s", service,
                 json ? json : "NULL", tf_status_str(st), last_err()))
        return NULL;
    return k;
}

clientcache_key *region_key(const char *region) {
    char json[256];
    snprintf(json, sizeof json, "{\"region_name\":\"%s\"}", region);
    return mk_key(CLIENTCACHE_KIND_CLIENT, "s3", json);
}

const char *last_err(void) {
    static _Thread_local char buf[4096];
    size_t len = 0;
    clientcache_status st = clientcache_last_error(buf, sizeof buf, &len);
    if (st != CLIENTCACHE_STATUS_OK)
        snprintf(buf, sizeof buf, "(clientcache_last_error -> %s)", tf_status_str(st));
    return buf;
}

static _Thread_local char text_slots[4][4096];
static _Thread_local unsigned text_next;

static const char *text_of(const clientcache_key *k,
                           clientcache_status (*get)(const clientcache_key *, char *, size_t,
                                                     size_t *)) {
    char *buf = text_slots[text_next++ % 4];
    size_t len = 0;
    if (get(k, buf, sizeof text_slots[0], &len) != CLIENTCACHE_STATUS_OK)
        buf[0] = '\0';
    return buf;
}

const char *label_of(const clientcache_key *k) { return text_of(k, clientcache_key_label); }
const char *canonical_of(const clientcache_key *k) {
    return text_of(k, clientcache_key_canonical);
}
const char *fingerprint_of(const clientcache_key *k) {
    char *buf = text_slots[text_next++ % 4];
    if (clientcache_key_fingerprint(k, buf) != CLIENTCACHE_STATUS_OK)
        buf[0] = '\0';
    return buf;
}

void count_release(void *value, void *ctx) {
    tval *v = value;
    v->release_thread = pthread_self();
    atomic_fetch_add(&v->released, 1);
    if (ctx) {
        rel_ctx *rc = ctx;
        clientcache_cache *probe = atomic_load(&rc->probe);
        if (probe) {
            /* would deadlock if release ran under the cache lock */
            (void)clientcache_cache_len(probe);
            atomic_fetch_add(&rc->probe_calls, 1);
        }
        atomic_fetch_add(&rc->total, 1);
    }
}

void tvals_init(tval *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        atomic_init(&v[i].released, 0);
        v[i].id = (int)i;
    }
}

/* Extracts the region from a label like s3(region_name="eu-1"). */
static void region_of_label(const char *label, char *out, size_t cap) {
    const char *p = strstr(label, "region_name=\"");
    out[0] = '\0';
    if (!p)
        return;
    p += strlen("region_name=\"");
    size_t i = 0;
    while (p[i] && p[i] != '"' && i + 1 < cap) {
        out[i] = p[i];
        i++;
    }
    out[i] = '\0';
}

void victim_order(clientcache_cache *c, char *out, size_t cap) {
    clientcache_snapshot *s = NULL;
    out[0] = '\0';
    if (!EXPECT_OK(clientcache_cache_snapshot(c, &s)))
        return;
    size_t n = clientcache_snapshot_len(s);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char region[128];
        region_of_label(label_of(clientcache_snapshot_key(s, i)), region, sizeof region);
        int w = snprintf(out + used, cap - used, "%s%s", i ? "," : "", region);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    clientcache_snapshot_free(s);
}

/* ---- SHA-256 ---------------------------------------------------------- */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(uint32_t h[8], const uint8_t blk[64]) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)blk[4 * i] << 24 | (uint32_t)blk[4 * i + 1] << 16 |
               (uint32_t)blk[4 * i + 2] << 8 | (uint32_t)blk[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                      K256[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

void sha256(const void *data, size_t len, uint8_t out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const uint8_t *p = data;
    size_t left = len;
    while (left >= 64) {
        sha256_block(h, p);
        p += 64;
        left -= 64;
    }
    uint8_t tail[128] = {0};
    memcpy(tail, p, left);
    tail[left] = 0x80;
    size_t tail_len = left + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
    sha256_block(h, tail);
    if (tail_len == 128)
        sha256_block(h, tail + 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

void hex_lower(const uint8_t *bytes, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}
