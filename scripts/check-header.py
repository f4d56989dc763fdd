#!/usr/bin/env python3
"""Checks include/clientcache.h: every function of the public contract
(docs/design.md, "C ABI and ownership") is declared with its exact name, and
every declaration (function, typedef, constant, struct field) carries a doc
comment."""
import re
import sys
from pathlib import Path

CONTRACT = """
clientcache_version clientcache_status_name clientcache_last_error
clientcache_key_new clientcache_key_clone clientcache_key_free clientcache_key_equal
clientcache_key_kind clientcache_key_fingerprint clientcache_key_label clientcache_key_canonical
clientcache_cache_new clientcache_cache_free clientcache_cache_insert clientcache_cache_get
clientcache_cache_peek clientcache_cache_contains clientcache_cache_remove
clientcache_cache_pop_victim clientcache_cache_get_or_insert_with clientcache_cache_len
clientcache_cache_max_size clientcache_cache_set_max_size clientcache_cache_clear
clientcache_cache_copy clientcache_cache_stats clientcache_cache_snapshot
clientcache_snapshot_len clientcache_snapshot_key clientcache_snapshot_free
clientcache_lease_value clientcache_lease_free
""".split()
CONSTANTS = {
    "CLIENTCACHE_STATUS_OK": 0, "CLIENTCACHE_STATUS_NOT_FOUND": 1, "CLIENTCACHE_STATUS_EXISTS": 2,
    "CLIENTCACHE_STATUS_INVALID_ARGUMENT": 3, "CLIENTCACHE_STATUS_KIND_MISMATCH": 4,
    "CLIENTCACHE_STATUS_NULL_POINTER": 5, "CLIENTCACHE_STATUS_BUFFER_TOO_SMALL": 6,
    "CLIENTCACHE_STATUS_FACTORY_FAILED": 7, "CLIENTCACHE_STATUS_PANIC": 8,
    "CLIENTCACHE_POLICY_LRU": 0, "CLIENTCACHE_POLICY_LFU": 1,
    "CLIENTCACHE_KIND_CLIENT": 0, "CLIENTCACHE_KIND_RESOURCE": 1,
}

path = Path(sys.argv[1] if len(sys.argv) > 1 else "include/clientcache.h")
lines = path.read_text().splitlines()
problems = []

declared = set(re.findall(r"\b(clientcache_[a-z_]+)\(", path.read_text()))
for name in CONTRACT:
    if name not in declared:
        problems.append(f"missing contract function {name}")
for name, value in CONSTANTS.items():
    if not re.search(rf"^#define {name} {value}$", path.read_text(), re.M):
        problems.append(f"constant {name} is not {value}")

def documented(i):
    j = i - 1
    return j >= 0 and lines[j].lstrip().startswith("//")

in_prototype = False
for i, line in enumerate(lines):
    stripped = line.strip()
    starts_decl = (
        re.match(r"^(typedef|#define CLIENTCACHE_(STATUS|POLICY|KIND)_)", stripped)
        or (re.search(r"\bclientcache_[a-z_]+\(", stripped) and not in_prototype and not stripped.startswith("//"))
        or re.match(r"^(uint64_t|size_t) [a-z_]+;$", stripped)
    )
    if starts_decl and not documented(i):
        problems.append(f"{path}:{i + 1}: undocumented: {stripped}")
    if re.search(r"\bclientcache_[a-z_]+\(", stripped) and not stripped.startswith("//"):
        in_prototype = not stripped.endswith(";")
    elif in_prototype and stripped.endswith(";"):
        in_prototype = False

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"{path}: all {len(CONTRACT)} contract functions declared, every declaration documented")
