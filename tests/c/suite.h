/* suite.h — the test functions of the C suite, run in this order by main.c. */
#ifndef CLIENTCACHE_SUITE_H
#define CLIENTCACHE_SUITE_H

#include <stdint.h>

#define SENTINEL_KEY ((clientcache_key *)(uintptr_t)0x1)

/* A plain test: one case. A table test opens its own cases (tf_begin/tf_end). */
#define SUITE_TESTS(PLAIN, TABLE)                                                                  \
    PLAIN(test_version)                                                                            \
    PLAIN(test_status_names)                                                                       \
    PLAIN(test_last_error)                                                                         \
    PLAIN(test_key_identity)                                                                       \
    PLAIN(test_key_text_buffers)                                                                   \
    PLAIN(test_cache_ops)                                                                          \
    PLAIN(test_snapshot_outlives_cache)                                                            \
    PLAIN(test_pop_victim_optional_outs)                                                           \
    PLAIN(test_key_diff)                                                                           \
    PLAIN(test_remove_if)                                                                          \
    PLAIN(test_get_into)                                                                           \
    PLAIN(test_kind_mismatch)                                                                      \
    PLAIN(test_expiry_cache_ttl)                                                                   \
    PLAIN(test_expiry_entry_ttl)                                                                   \
    PLAIN(test_expiry_expired_first)                                                               \
    PLAIN(test_expiry_purge)                                                                       \
    PLAIN(test_expiry_causes)                                                                      \
    PLAIN(test_expiry_bad_input)                                                                   \
    PLAIN(test_release_leases)                                                                     \
    PLAIN(test_release_copies)                                                                     \
    PLAIN(test_release_shrink_clear_free)                                                          \
    PLAIN(test_release_thread)                                                                     \
    PLAIN(test_lru_order)                                                                          \
    PLAIN(test_lfu_order)                                                                          \
    PLAIN(test_copy_keeps_order)                                                                   \
    PLAIN(test_stats)                                                                              \
    PLAIN(test_factory_results)                                                                    \
    PLAIN(test_single_flight_shared_value)                                                         \
    PLAIN(test_single_flight_shared_failure)                                                       \
    PLAIN(test_single_flight_reentry)                                                              \
    PLAIN(test_single_flight_other_keys_not_blocked)                                               \
    PLAIN(test_single_flight_races_insert)                                                         \
    PLAIN(test_last_error_thread_local)                                                            \
    PLAIN(test_null_pointers_no_status)                                                            \
    TABLE(test_null_pointers)                                                                      \
    TABLE(test_bad_keys)                                                                           \
    TABLE(test_bad_cache_args)                                                                     \
    TABLE(test_vectors)                                                                            \
    PLAIN(test_stress)

#define SUITE_DECLARE(fn) void fn(void);
SUITE_TESTS(SUITE_DECLARE, SUITE_DECLARE)
#undef SUITE_DECLARE

#endif
