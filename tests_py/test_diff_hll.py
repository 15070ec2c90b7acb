"""Differential tests of the HyperLogLog family (PFADD PFCOUNT PFMERGE) against a real
redis-server.

An HLL is a string in Redis's exact format, so besides the replies every case compares the
value's bytes with GET: sparse runs, the dense registers, the cached cardinality and its
"invalid" bit must all be equal. Values made by one server are also loaded into the other
(SET) and counted/merged there, and corrupt values (crafted and fuzzed) must give the same
errors.
"""

import random
import struct

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Probe,
    S,
    diff,
    server_pair,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=lambda r, f: None if r.kind == f.kind == "%" else "expected maps")


def header(encoding=1, card=0, invalid=False):
    card_bytes = bytearray(struct.pack("<Q", card))
    if invalid:
        card_bytes[7] |= 0x80
    return b"HYLL" + bytes([encoding, 0, 0, 0]) + bytes(card_bytes)


def xzero(n):
    n -= 1
    return bytes([0x40 | (n >> 8), n & 0xFF])


def zero(n):
    return bytes([n - 1])


def val(v, n):
    return bytes([0x80 | ((v - 1) << 2) | (n - 1)])


EMPTY_SPARSE = header() + xzero(16384)
# Registers 0..3 = 5, the rest zero: valid, cache invalid.
SMALL_SPARSE = header(invalid=True) + val(5, 4) + xzero(16380)
DENSE_ZERO = header(encoding=0, invalid=True) + bytes(12288)
DENSE_FULL = header(encoding=0, invalid=True) + bytes([0xFF]) * 12288  # every register 63

ELEMS100 = [f"e{i}" for i in range(100)]
ELEMS3000 = [f"m{i}" for i in range(3000)]

CASES = {
    # ---- PFADD / PFCOUNT basics, with the bytes ----
    "pfadd_basic": [["PFADD", "h", "a", "b", "c"], ["GET", "h"], ["PFCOUNT", "h"], ["GET", "h"],
                    ["PFADD", "h", "a"], ["GET", "h"], ["PFADD", "h", "d"], ["GET", "h"], ["PFCOUNT", "h"],
                    ["TYPE", "h"], ["OBJECT", "ENCODING", "h"], ["STRLEN", "h"], ["PFADD", "h"],
                    ["PFCOUNT", "h"]],
    "pfadd_empty_key": [["PFADD", "e"], ["GET", "e"], ["EXISTS", "e"], ["PFCOUNT", "e"], ["GET", "e"],
                        ["PFADD", "e"], ["PFADD", "e", ""], ["GET", "e"], ["PFCOUNT", "e", "nokey"]],
    "pfadd_binary": [["PFADD", "b", b"\x00", b"\xff\xfe", b"a\r\nb", "", "x" * 1000], ["GET", "b"],
                     ["PFCOUNT", "b"], ["PFADD", "b", b"\x00"], ["PFADD", "b", "1", "2", "3", "4", "5", "6", "7"],
                     ["GET", "b"]],
    "pfadd_hundred": [["PFADD", "h", *ELEMS100], ["GET", "h"], ["PFCOUNT", "h"], ["GET", "h"],
                      ["OBJECT", "ENCODING", "h"], ["PFADD", "h", *ELEMS100], ["PFCOUNT", "h"]],
    "pfadd_one_by_one": [["PFADD", "h", e] for e in ELEMS100[:40]] + [["GET", "h"], ["PFCOUNT", "h"]],
    "pfcount_missing": [["PFCOUNT", "nokey"], ["PFCOUNT", "nokey", "nokey2"], ["EXISTS", "nokey"],
                        ["PFADD", "a", "x"], ["PFCOUNT", "nokey", "a"], ["PFCOUNT", "a", "a"]],
    # ---- sparse -> dense promotion ----
    "promote_by_size": [["PFADD", "big", *ELEMS3000], ["STRLEN", "big"], ["GET", "big"], ["PFCOUNT", "big"],
                        ["GET", "big"], ["PFADD", "big", "new1", "new2"], ["GET", "big"], ["PFCOUNT", "big"]],
    "promote_by_config": [["CONFIG", "GET", "hll-sparse-max-bytes"], ["CONFIG", "SET", "hll-sparse-max-bytes", "30"],
                          ["PFADD", "h", "a", "b"], ["STRLEN", "h"], ["GET", "h"], ["PFADD", "h", "c", "d", "e"],
                          ["STRLEN", "h"], ["GET", "h"], ["PFCOUNT", "h"],
                          ["CONFIG", "SET", "hll-sparse-max-bytes", "0"], ["PFADD", "z", "a"], ["STRLEN", "z"],
                          ["PFADD", "z0"], ["STRLEN", "z0"],
                          ["CONFIG", "SET", "hll-sparse-max-bytes", "1kb"], ["CONFIG", "GET", "hll-sparse-max-bytes"],
                          ["CONFIG", "SET", "hll-sparse-max-bytes", "-1"], ["CONFIG", "SET", "hll-sparse-max-bytes", "x"],
                          ["CONFIG", "SET", "hll-sparse-max-bytes", "3000"], ["CONFIG", "GET", "hll-*"]],
    "promote_by_value": [["SET", "h", SMALL_SPARSE], ["PFCOUNT", "h"], ["GET", "h"],
                         # a register value above 32 needs the dense representation
                         ["SETRANGE", "h", "16", val(32, 4)], ["PFCOUNT", "h"], ["GET", "h"]],
    # ---- PFCOUNT of several keys (union, nothing cached) ----
    "pfcount_union": [["PFADD", "a", *ELEMS100[:60]], ["PFADD", "b", *ELEMS100[40:]], ["PFCOUNT", "a", "b"],
                      ["GET", "a"], ["GET", "b"], ["PFCOUNT", "a", "b", "nokey"], ["PFADD", "c", *ELEMS3000],
                      ["PFCOUNT", "a", "c"], ["PFCOUNT", "c", "a", "b"], ["GET", "a"], ["PFCOUNT", "a"], ["GET", "a"]],
    # ---- PFMERGE ----
    "pfmerge_basic": [["PFADD", "a", "1", "2", "3"], ["PFADD", "b", "3", "4", "5"], ["PFMERGE", "d", "a", "b"],
                      ["GET", "d"], ["PFCOUNT", "d"], ["GET", "d"], ["PFMERGE", "d"], ["GET", "d"],
                      ["PFMERGE", "new"], ["GET", "new"], ["PFCOUNT", "new"], ["PFMERGE", "a", "a"], ["GET", "a"],
                      ["PFMERGE", "e", "nokey", "nokey2"], ["GET", "e"], ["PFMERGE", "a", "b"], ["GET", "a"],
                      ["PFCOUNT", "a"]],
    "pfmerge_dense": [["PFADD", "big", *ELEMS3000], ["PFADD", "s", "x", "y"], ["PFMERGE", "s", "big"],
                      ["STRLEN", "s"], ["GET", "s"], ["PFCOUNT", "s"], ["PFMERGE", "t", "s"], ["GET", "t"],
                      ["PFMERGE", "u", "nokey"], ["GET", "u"], ["PFMERGE", "big", "u"], ["GET", "big"]],
    "pfmerge_sparse_grows": [["PFADD", "a", *ELEMS3000[:800]], ["PFADD", "b", *ELEMS3000[800:1700]],
                             ["STRLEN", "a"], ["STRLEN", "b"], ["PFMERGE", "m", "a", "b"], ["STRLEN", "m"],
                             ["GET", "m"], ["PFCOUNT", "m"]],
    "pfmerge_keeps_ttl": [["PFADD", "d", "a"], ["EXPIRE", "d", "100"], ["PFMERGE", "d", "nokey"], ["TTL", "d"],
                          ["PFADD", "d", "b"], ["TTL", "d"], ["PFCOUNT", "d"], ["TTL", "d"]],
    # ---- errors ----
    "wrongtype": [["LPUSH", "l", "a"], ["PFADD", "l", "a"], ["PFCOUNT", "l"], ["PFCOUNT", "nokey", "l"],
                  ["PFMERGE", "l"], ["PFMERGE", "d", "l"], ["EXISTS", "d"], ["SET", "s", "hello"],
                  ["PFADD", "s", "a"], ["PFCOUNT", "s"], ["PFCOUNT", "s", "nokey"], ["PFMERGE", "d", "s"],
                  ["PFMERGE", "s", "nokey"], ["SET", "n", "12345"], ["PFADD", "n"], ["PFCOUNT", "n"],
                  ["SET", "x", "HYLLHYLLHYLLHYL"], ["PFCOUNT", "x"], ["GET", "s"]],
    "arity": [["PFADD"], ["PFCOUNT"], ["PFMERGE"], ["pfadd"], ["PfCount"]],
    "not_hll_headers": [["SET", "enc2", header(encoding=2) + xzero(16384)], ["PFCOUNT", "enc2"],
                        ["PFADD", "enc2", "a"], ["SET", "magic", b"HYLX" + EMPTY_SPARSE[4:]], ["PFCOUNT", "magic"],
                        ["SET", "short", EMPTY_SPARSE[:15]], ["PFCOUNT", "short"],
                        ["SET", "dshort", DENSE_ZERO[:-1]], ["PFCOUNT", "dshort"], ["PFMERGE", "d", "dshort"],
                        ["SET", "dlong", DENSE_ZERO + b"\x00"], ["PFADD", "dlong", "a"],
                        ["SET", "hdr", header()], ["PFCOUNT", "hdr"], ["PFADD", "hdr", "a"], ["GET", "hdr"]],
    "corrupt_sparse": [["SET", "c1", header(invalid=True) + xzero(16383)], ["PFCOUNT", "c1"], ["GET", "c1"],
                       ["PFCOUNT", "c1", "nokey"], ["PFMERGE", "d", "c1"], ["EXISTS", "d"],
                       ["SET", "c2", header(invalid=True) + xzero(16384) + zero(1)], ["PFCOUNT", "c2"],
                       ["PFMERGE", "c2"], ["PFADD", "c2", "a", "b", "c"], ["GET", "c2"],
                       ["SET", "c3", header(invalid=True) + val(3, 4) * 5000], ["PFCOUNT", "c3"], ["PFMERGE", "c3"],
                       ["PFCOUNT", "c3", "c3"], ["SET", "c4", header(invalid=True) + zero(1)],
                       ["PFADD", "c4", "a"], ["PFADD", "c4", "x", "y", "z"], ["GET", "c4"],
                       # a valid cache is trusted: the body is not looked at
                       ["SET", "c5", header(card=42) + b"\x00"], ["PFCOUNT", "c5"], ["PFCOUNT", "c5", "nokey"],
                       ["SET", "c6", header(invalid=True) + xzero(16384) + val(1, 1) * 3], ["PFCOUNT", "c6"],
                       # a run past the last register, met while turning dense or merging
                       ["CONFIG", "SET", "hll-sparse-max-bytes", "0"],
                       ["SET", "c7", header(invalid=True) + xzero(16384) + val(1, 1)], ["PFADD", "c7", "x", "y"],
                       ["GET", "c7"], ["PFMERGE", "c8", "c7"], ["EXISTS", "c8"],
                       ["SET", "c9", header(invalid=True) + val(2, 4) + xzero(16380) + val(1, 1)],
                       ["PFADD", "c9", "x", "y"], ["GET", "c9"], ["PFCOUNT", "c9", "c9"],
                       ["SET", "c10", header(invalid=True) + xzero(16000) + xzero(1000)], ["PFADD", "c10", "q"],
                       ["GET", "c10"]],
    "dense_values": [["SET", "dz", DENSE_ZERO], ["PFCOUNT", "dz"], ["GET", "dz"], ["PFADD", "dz", "a", "b"],
                     ["PFCOUNT", "dz"], ["SET", "df", DENSE_FULL], ["PFCOUNT", "df"], ["PFADD", "df", "a"],
                     ["PFCOUNT", "df", "dz"], ["PFMERGE", "m", "df", "dz"], ["STRLEN", "m"], ["PFCOUNT", "m"]],
    "cache_bit": [["PFADD", "h", "a", "b"], ["PFCOUNT", "h"], ["GETRANGE", "h", "8", "15"], ["PFADD", "h", "a"],
                  ["GETRANGE", "h", "8", "15"], ["PFADD", "h", "zz"], ["GETRANGE", "h", "8", "15"],
                  ["SET", "k", header(card=7) + xzero(16384)], ["PFCOUNT", "k"], ["PFADD", "k"],
                  ["GETRANGE", "k", "8", "15"], ["PFMERGE", "k"], ["GETRANGE", "k", "8", "15"], ["PFCOUNT", "k"]],
    "encoding_after_ops": [["SET", "h", EMPTY_SPARSE], ["OBJECT", "ENCODING", "h"], ["PFCOUNT", "h"],
                           ["OBJECT", "ENCODING", "h"], ["SET", "h2", EMPTY_SPARSE], ["PFADD", "h2"],
                           ["OBJECT", "ENCODING", "h2"], ["SET", "h3", EMPTY_SPARSE], ["PFMERGE", "h3"],
                           ["OBJECT", "ENCODING", "h3"], ["SET", "h4", EMPTY_SPARSE], ["PFCOUNT", "h4", "h"],
                           ["OBJECT", "ENCODING", "h4"]],
    "append_breaks": [["PFADD", "h", "a"], ["APPEND", "h", "x"], ["PFCOUNT", "h"], ["PFADD", "h", "b"],
                      ["PFADD", "d", *ELEMS100], ["PFADD", "d2", *ELEMS3000], ["APPEND", "d2", "x"],
                      ["PFCOUNT", "d2"], ["PFADD", "d2", "a"]],
    "resp3": [HELLO3, ["PFADD", "h", "a", "b"], ["PFCOUNT", "h"], ["PFCOUNT", "h", "nokey"], ["PFMERGE", "m", "h"],
              ["PFADD", "h", "a"], ["SET", "s", "v"], ["PFCOUNT", "s"], ["GET", "m"]],
    "multi_exec": [["MULTI"], ["PFADD", "h", "a"], ["PFCOUNT", "h"], ["PFMERGE", "m", "h"], ["GET", "m"], ["EXEC"]],
    "command_meta": [["COMMAND", "GETKEYS", "PFMERGE", "d", "a", "b"], ["COMMAND", "GETKEYS", "PFCOUNT", "a", "b"],
                     ["COMMAND", "GETKEYS", "PFADD", "k", "e1"], ["COMMAND", "INFO", "PFADD", "PFCOUNT", "PFMERGE"],
                     ["COMMAND", "DOCS", "PFADD", "PFCOUNT", "PFMERGE"]],
}


def _fuzz_body(rnd):
    """A random sparse body: a mix of valid-looking runs and random bytes, never ending in the
    first byte of an XZERO (Redis would read past its string there)."""
    body = bytearray()
    for _ in range(rnd.randint(0, 12)):
        choice = rnd.random()
        if choice < 0.3:
            body += xzero(rnd.randint(1, 16384))
        elif choice < 0.55:
            body += zero(rnd.randint(1, 64))
        elif choice < 0.85:
            body += val(rnd.randint(1, 32), rnd.randint(1, 4))
        else:
            body.append(rnd.randrange(256))
    while body and (body[-1] & 0xC0) == 0x40 and (len(body) < 2 or (body[-2] & 0xC0) != 0x40):
        body.pop()
    return header(invalid=rnd.random() < 0.8) + bytes(body)


def _fuzz_case(seed):
    rnd = random.Random(seed)
    steps = []
    for i in range(25):
        key = f"f{i}"
        steps.append(["SET", key, _fuzz_body(rnd)])
        steps.append(["PFCOUNT", key])
        steps.append(["PFADD", key, *[f"x{rnd.randrange(1000)}" for _ in range(rnd.randint(0, 5))]])
        steps.append(["GET", key])
        steps.append(["PFMERGE", f"m{i}", key])
        steps.append(["PFCOUNT", key, "nokey"])
    return steps


CASES["fuzz_corrupt_1"] = _fuzz_case(1)
CASES["fuzz_corrupt_2"] = _fuzz_case(2)


def _random_mix(seed, sparse_max):
    rnd = random.Random(seed)
    steps = [["CONFIG", "SET", "hll-sparse-max-bytes", str(sparse_max)]]
    keys = ["a", "b", "c", "d"]
    for _ in range(60):
        op = rnd.random()
        k = rnd.choice(keys)
        if op < 0.55:
            n = rnd.choice([1, 2, 5, 20, 100, 400])
            steps.append(["PFADD", k, *[f"r{rnd.randrange(100000)}" for _ in range(n)]])
        elif op < 0.7:
            steps.append(["PFCOUNT", k])
        elif op < 0.8:
            steps.append(["PFCOUNT", *rnd.sample(keys, rnd.randint(2, 4))])
        elif op < 0.9:
            steps.append(["PFMERGE", k, *rnd.sample(keys, rnd.randint(0, 3))])
        else:
            steps.append(["GET", k])
    steps += [["GET", k] for k in keys] + [["PFCOUNT", k] for k in keys]
    return steps


CASES["random_mix_default"] = _random_mix(10, 3000)
CASES["random_mix_small_sparse"] = _random_mix(11, 200)
CASES["random_mix_large_sparse"] = _random_mix(12, 12000)


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_hll(diff, steps, request):
    diff.run(steps, request.node.callspec.id)


def test_keyspace_stats(diff):
    """PFCOUNT and PFMERGE read their keys like Redis's lookupKeyRead (hits and misses)."""

    def stats(conn):
        info = conn.call("INFO", "stats").value.decode()
        return {k: v for k, v in (l.split(":", 1) for l in info.split("\r\n") if ":" in l)
                if k in ("keyspace_hits", "keyspace_misses")}

    diff.run([["CONFIG", "RESETSTAT"], ["PFADD", "a", "x"], ["PFCOUNT", "a"], ["PFCOUNT", "a", "nokey", "a"],
              ["PFMERGE", "d", "a", "nokey"], ["PFMERGE", "d", "a"], ["PFADD", "a", "y"],
              Probe("keyspace stats", stats)], "keyspace_stats")


@pytest.mark.parametrize("elements", [10, 200, 5000], ids=["sparse_small", "sparse_large", "dense"])
def test_values_cross_servers(diff, elements):
    """An HLL built by Redis, SET into FinCache, gives the same counts and merges (and the
    reverse); both servers build the same bytes from the same PFADDs."""
    els = [f"v{i}" for i in range(elements)]
    made = {}
    for name, conn in (("redis", diff.redis), ("fincache", diff.fincache)):
        assert conn.call("PFADD", "src", *els).value == 1
        made[name] = conn.call("GET", "src").value
    assert made["redis"] == made["fincache"], "the same PFADDs must build the same bytes"
    extra = [f"w{i}" for i in range(50)]
    for origin, target in (("redis", diff.fincache), ("fincache", diff.redis)):
        target.call("SET", f"from_{origin}", made[origin])
    for other_origin in ("redis", "fincache"):
        # each server counts and merges the value the other one made
        steps = [["PFCOUNT", f"from_{other_origin}"], ["GET", f"from_{other_origin}"],
                 ["PFADD", f"from_{other_origin}", *extra], ["GET", f"from_{other_origin}"],
                 ["PFCOUNT", f"from_{other_origin}", "src"],
                 ["PFMERGE", f"merged_{other_origin}", f"from_{other_origin}", "src"],
                 ["GET", f"merged_{other_origin}"], ["PFCOUNT", f"merged_{other_origin}"]]
        if other_origin == "redis":
            # FinCache holds Redis's value under from_redis; Redis needs it too to compare
            diff.redis.call("SET", "from_redis", made["redis"])
        else:
            diff.fincache.call("SET", "from_fincache", made["fincache"])
        diff.run(steps, f"cross_{other_origin}_{elements}")
