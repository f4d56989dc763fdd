#!/usr/bin/env python3
"""Differential test of the canonical form against an independent RFC 8785
implementation (the `rfc8785` package from PyPI, not code of ours).

Generates random params — doubles from random bit patterns, exact decimal
ties, values next to ECMAScript's exponent thresholds, member names across
the BMP/astral boundary, control and separator characters — feeds their JSON
text to `clientcache-key lines`, and compares every canonical form with
rfc8785's serialization of the same value. Usage:

    differential.py PATH/TO/clientcache-key [--count N] [--seed S]
"""
import argparse
import json
import math
import random
import struct
import subprocess
import sys

import rfc8785

MAX_SAFE = 2**53 - 1


def identity_number(x):
    """The value the identity rules give a number: integral doubles are
    integers (5.0 is 5; -0 is 0), everything else stays a double."""
    if x.is_integer():
        return int(x)
    return x


def valid(x):
    return math.isfinite(x) and (not x.is_integer() or abs(x) <= MAX_SAFE)


def random_bits_double(rng):
    while True:
        x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if valid(x):
            return x


def decimal_tie(rng):
    # An integer part plus a dyadic fraction: exactly representable, with a
    # decimal expansion ending in 5 — often exactly halfway between the two
    # shortest candidates, where the even digit must win.
    k = rng.randint(1, 20)
    i = rng.getrandbits(max(1, 52 - k))
    j = rng.randrange(1, 2**k, 2)
    x = i + j / 2**k
    return -x if rng.random() < 0.5 else x


def near_threshold(rng):
    base = rng.choice([1e-6, 1e-7, 1e-5, 0.1, 1.0, 2.0**53, 1e15, 1e16, 1e20, 1e21, 5e-324, 2.2250738585072014e-308])
    x = base
    for _ in range(rng.randint(0, 3)):
        x = math.nextafter(x, math.inf if rng.random() < 0.5 else 0.0)
    x = -x if rng.random() < 0.3 else x
    return x if valid(x) else near_threshold(rng)


CHAR_POOLS = [
    (0x20, 0x7E),        # printable ASCII
    (0x00, 0x1F),        # controls
    (0x7F, 0xA0),        # DEL, C1 controls
    (0x2028, 0x2029),    # line/paragraph separators
    (0xE000, 0xFFFF),    # top of the BMP (sorts after surrogates in UTF-16)
    (0x10000, 0x1FFFF),  # astral (surrogate pairs in UTF-16)
    (0xF0000, 0x10FFFF), # far astral
    (0x80, 0xD7FF),      # the rest of the BMP below the surrogates
]


def random_text(rng, max_len=6):
    chars = []
    for _ in range(rng.randint(0, max_len)):
        lo, hi = rng.choice(CHAR_POOLS)
        chars.append(chr(rng.randint(lo, hi)))
        if rng.random() < 0.1:
            chars.append(rng.choice('"\\/'))
    return "".join(chars)


def random_number(rng):
    kind = rng.random()
    if kind < 0.45:
        return random_bits_double(rng)
    if kind < 0.75:
        return decimal_tie(rng)
    if kind < 0.9:
        return near_threshold(rng)
    return float(rng.randint(-MAX_SAFE, MAX_SAFE))


def random_value(rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.55:
        return random_number(rng)
    if r < 0.7:
        return random_text(rng)
    if r < 0.75:
        return rng.choice([True, False, None])
    if r < 0.87:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return random_object(rng, depth + 1)


def random_object(rng, depth=0):
    return {random_text(rng, 4): random_value(rng, depth) for _ in range(rng.randint(0, 5))}


def normalized(v):
    if isinstance(v, float):
        return identity_number(v)
    if isinstance(v, list):
        return [normalized(x) for x in v]
    if isinstance(v, dict):
        return {k: normalized(x) for k, x in v.items()}
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--count", type=int, default=25000)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)

    inputs, expected = [], []
    for i in range(args.count):
        params = {"config": random_object(rng)}
        if i % 4 == 0:
            params["config"]["n"] = random_number(rng)  # at least one number
        if rng.random() < 0.2:
            params["region_name"] = random_text(rng)
        inputs.append(json.dumps(params, ensure_ascii=rng.random() < 0.5, allow_nan=False))
        doc = {"kind": "client", "params": normalized(params), "service_name": "s3", "version": 1}
        expected.append(rfc8785.dumps(doc).decode("utf-8"))

    run = subprocess.run([args.tool, "lines", "s3"], input="\n".join(inputs) + "\n",
                         capture_output=True, text=True, encoding="utf-8", check=True)
    got = run.stdout.split("\n")[:-1]
    if len(got) != len(inputs):
        sys.exit(f"expected {len(inputs)} output lines, got {len(got)}")
    bad = [(i, e, g) for i, (e, g) in enumerate(zip(expected, got)) if e != g]
    for i, e, g in bad[:10]:
        print(f"MISMATCH (input {inputs[i]!r})\n  rfc8785:     {e}\n  clientcache: {g}")
    print(f"RFC 8785 differential: {len(inputs) - len(bad)}/{len(inputs)} canonical forms equal "
          f"to the rfc8785 package's (seed {seed}; rerun with --seed {seed})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
