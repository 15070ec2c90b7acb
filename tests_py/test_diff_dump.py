"""Differential tests of DUMP and RESTORE against a real redis-server.

* DUMP payloads are compared byte for byte wherever Redis's output is deterministic: strings,
  lists built by RPUSH (quicklist nodes of listpacks), listpack hashes, intsets, listpack and
  skiplist sorted sets (ZSET_2 lists members from the highest score down), HLL strings, and
  FUNCTION DUMP, with `rdbcompression yes` and `no`: both compress RDB strings with the same
  liblzf.
* Cross tests: a payload DUMPed by one server (compression on: each decodes the other's LZF)
  is RESTOREd into both and the contents compared; hashtable-encoded values, whose order is
  Redis's dict order, are compared unordered.
* Payloads in the encodings Redis 7.0 only reads (ziplist lists/hashes/zsets, zipmap hashes,
  quicklist v1, plain LIST/ZSET) are crafted here and RESTOREd into both.
* RESTORE's options and errors (BUSYKEY, TTLs, ABSTTL, IDLETIME, FREQ, bad checksum, version,
  "Bad data format") step by step, RESP2 and RESP3.
"""

import random
import struct

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Probe,
    S,
    command_info,
    diff,
    docs_fields,
    masked_map,
    server_pair,
    unordered,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
HELLO2 = S(["HELLO", "2"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))


# ---- payload crafting -------------------------------------------------------------------------

def _crc64_table():
    poly = 0x95AC9329AC4BC9B5
    table = []
    for b in range(256):
        crc = b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc64_table()


def crc64(data: bytes) -> int:
    crc = 0
    for b in data:
        crc = _CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def payload(body: bytes, version: int = 10) -> bytes:
    data = body + struct.pack("<H", version)
    return data + struct.pack("<Q", crc64(data))


def rdb_len(n: int) -> bytes:
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF])
    return b"\x80" + struct.pack(">I", n)


def rdb_str(s: bytes) -> bytes:
    return rdb_len(len(s)) + s


def ziplist(entries) -> bytes:
    """A ziplist of bytes/int entries (ints stored as int16/int32/int64 or immediates)."""
    body, prev, offsets = b"", 0, []
    for e in entries:
        prevlen = bytes([prev]) if prev < 254 else b"\xfe" + struct.pack("<I", prev)
        if isinstance(e, int):
            if 0 <= e <= 12:
                enc = bytes([0xF1 + e])
            elif -(1 << 15) <= e < (1 << 15):
                enc = b"\xc0" + struct.pack("<h", e)
            elif -(1 << 31) <= e < (1 << 31):
                enc = b"\xd0" + struct.pack("<i", e)
            else:
                enc = b"\xe0" + struct.pack("<q", e)
        elif len(e) < 64:
            enc = bytes([len(e)]) + e
        elif len(e) < 16384:
            enc = bytes([0x40 | (len(e) >> 8), len(e) & 0xFF]) + e
        else:
            enc = b"\x80" + struct.pack(">I", len(e)) + e
        offsets.append(10 + len(body))
        entry = prevlen + enc
        body += entry
        prev = len(entry)
    tail = offsets[-1] if offsets else 10
    total = 10 + len(body) + 1
    return struct.pack("<IIH", total, tail, min(len(entries), 65535)) + body + b"\xff"


def zipmap(pairs) -> bytes:
    out = bytes([len(pairs)])
    for k, v in pairs:
        out += bytes([len(k)]) + k + bytes([len(v)]) + b"\x00" + v
    return out + b"\xff"


LEGACY = {
    "list_plain": payload(b"\x01" + rdb_len(3) + rdb_str(b"a") + rdb_str(b"\xc0\x05"[:0] + b"12") + rdb_str(b"z" * 70)),
    "list_ziplist": payload(b"\x0a" + rdb_str(ziplist([b"a", 7, 300, -70000, 1 << 40, b"x" * 100]))),
    "list_quicklist_v1": payload(b"\x0e" + rdb_len(2) + rdb_str(ziplist([b"h1", 1])) + rdb_str(ziplist([b"t", 2, b"u"]))),
    "zset_text_scores": payload(b"\x03" + rdb_len(3) + rdb_str(b"a") + b"\x031.5" + rdb_str(b"b") + b"\xfe" + rdb_str(b"c") + b"\xff"),
    "zset_ziplist": payload(b"\x0c" + rdb_str(ziplist([b"a", 1, b"b", b"2.5", b"c", 10]))),
    "hash_ziplist": payload(b"\x0d" + rdb_str(ziplist([b"f1", b"v1", b"f2", 42, b"n", -3]))),
    "hash_zipmap": payload(b"\x09" + rdb_str(zipmap([(b"a", b"1"), (b"bb", b"hello")]))),
    "hash_plain": payload(b"\x04" + rdb_len(2) + rdb_str(b"f") + rdb_str(b"v") + rdb_str(b"g") + rdb_str(b"w")),
    "set_plain": payload(b"\x02" + rdb_len(3) + rdb_str(b"1") + rdb_str(b"x") + rdb_str(b"2")),
    "set_plain_ints": payload(b"\x02" + rdb_len(3) + rdb_str(b"5") + rdb_str(b"1") + rdb_str(b"3")),
}

BAD = {
    "empty": b"",
    "short": b"\x00\x01",
    "bad_crc": payload(b"\x00\x01x")[:-1] + b"\x00",
    "version_11": payload(b"\x00\x01x", version=11),
    "unknown_type": payload(b"\x63\x01x"),
    "stream_type": payload(b"\x0f\x00"),
    "truncated_string": payload(b"\x00\x05abc"),
    "empty_set": payload(b"\x02\x00"),
    "empty_list_ql2": payload(b"\x12\x00"),
    "bad_listpack": payload(b"\x10" + rdb_str(b"\x07\x00\x00\x00\x00\x00\x00")),
    "bad_ziplist": payload(b"\x0a" + rdb_str(b"\x00" * 11)),
    "bad_intset": payload(b"\x0b" + rdb_str(struct.pack("<II", 3, 1) + b"\x00\x00\x00")),
    "bad_lzf": payload(b"\x00\xc3" + rdb_len(2) + rdb_len(10) + b"\x05a"),
}


# ---- cases ---------------------------------------------------------------------------------------

def rpush_steps(key, elems):
    steps = []
    for i in range(0, len(elems), 200):
        steps.append(["RPUSH", key, *elems[i:i + 200]])
    return steps


BIG_ELEMS = [f"element-{i}" for i in range(2000)] + [str(i * 977) for i in range(500)]
ZBIG = [x for i in range(300) for x in (str(i * 1.25 - 100), f"member:{i}")]

BIG_LIBRARY = "#!lua name=big\n" + "".join(
    f"redis.register_function('f{i}', function(keys, args) return {i} end)\n" for i in range(60))
SMALL_LIBRARY = "#!lua name=small\nredis.register_function('s', function() return 1 end)"

DUMP_CASES = {
    "strings": [["SET", "a", "123"], ["DUMP", "a"], ["SET", "a", "-128"], ["DUMP", "a"],
                ["SET", "a", "-32769"], ["DUMP", "a"], ["SET", "a", "2147483647"], ["DUMP", "a"],
                ["SET", "a", "2147483648"], ["DUMP", "a"], ["SET", "a", "007"], ["DUMP", "a"],
                ["SET", "a", "3.14"], ["DUMP", "a"], ["SET", "a", ""], ["DUMP", "a"],
                ["SET", "a", "x" * 100], ["DUMP", "a"], ["SET", "a", b"\x00\xff\r\nbin"], ["DUMP", "a"],
                ["APPEND", "a", "more"], ["DUMP", "a"], ["SETRANGE", "a", 70000, "z"], ["DUMP", "a"],
                ["INCR", "n"], ["DUMP", "n"], ["DUMP", "nokey"]],
    "lists": [["RPUSH", "l", "a", "1", "b", "-5000", "9999999999", "x" * 100], ["DUMP", "l"],
              *rpush_steps("big", BIG_ELEMS), ["DUMP", "big"],
              ["RPUSH", "huge", "y" * 5000, "z" * 5000, "w" * 9000, "v"], ["DUMP", "huge"]],
    "hashes": [["HSET", "h", "a", "1", "bb", "hello", "c", "-5000"], ["DUMP", "h"],
               ["HDEL", "h", "bb"], ["HSET", "h", "d", "x" * 64, "a", "2"], ["DUMP", "h"],
               ["HSET", "n", *[str(i) for i in range(200)]], ["DUMP", "n"]],
    "sets": [["SADD", "s", "3", "1", "2"], ["DUMP", "s"], ["SADD", "s", "70000"], ["DUMP", "s"],
             ["SADD", "s", "-9000000000"], ["DUMP", "s"], ["SREM", "s", "-9000000000"], ["DUMP", "s"],
             ["SADD", "big", *[str(i * 3) for i in range(400)]], ["DUMP", "big"]],
    "zsets": [["ZADD", "z", "1.5", "a", "2", "b", "0.1", "c", "0", "d", "1e300", "e", "-inf", "f",
               "inf", "g", "-3", "h", "1e20", "i", "123456789012", "j"], ["DUMP", "z"],
              ["ZADD", "big", *ZBIG], ["OBJECT", "ENCODING", "big"], ["DUMP", "big"],
              ["ZADD", "long", "1", "m" * 100, "2", "n"], ["DUMP", "long"]],
    "hll": [["PFADD", "p", "a", "b", "c"], ["DUMP", "p"],
            ["PFADD", "d", *[f"v{i}" for i in range(3000)]], ["DUMP", "d"]],
    "small_limits": [["CONFIG", "SET", "zset-max-listpack-entries", "0"], ["ZADD", "z", "1", "a"],
                     ["DUMP", "z"], ["CONFIG", "SET", "hash-max-listpack-value", "20000"],
                     ["HSET", "h", "f", "q" * 16378], ["DUMP", "h"], ["HSET", "h", "g", "q" * 16379],
                     ["DUMP", "h"]],
    "resp3": [HELLO3, ["SET", "a", "v"], ["DUMP", "a"], ["DUMP", "nokey"], HELLO2],
    # FUNCTION DUMP: the code is an RDB string, LZF-compressed under rdbcompression yes. One
    # library at a time: with several, Redis lists them in its dict's (seeded) order.
    "functions": [["FUNCTION", "FLUSH"], ["FUNCTION", "DUMP"],
                  ["FUNCTION", "LOAD", SMALL_LIBRARY], ["FUNCTION", "DUMP"], ["FUNCTION", "FLUSH"],
                  ["FUNCTION", "LOAD", BIG_LIBRARY], ["FUNCTION", "DUMP"], ["FUNCTION", "FLUSH"]],
}


@pytest.fixture(params=["yes", "no"], ids=["lzf", "plain"])
def compression(diff, request):
    """rdbcompression on both servers: with "yes", strings over 20 bytes are LZF-compressed by
    the same liblzf in both, so the payloads are still byte-identical."""
    diff.both("CONFIG", "SET", "rdbcompression", request.param)
    yield diff
    diff.both("CONFIG", "SET", "rdbcompression", "yes")


@pytest.mark.parametrize("steps", list(DUMP_CASES.values()), ids=list(DUMP_CASES))
def test_dump_bytes(compression, steps, request):
    compression.run(steps, request.node.callspec.id)


def test_metadata(diff):
    diff.run([S(["COMMAND", "INFO", "dump", "restore"], cmp=command_info),
              S(["COMMAND", "DOCS", "dump", "restore"],
                cmp=docs_fields("summary", "since", "group", "complexity", "history", "arguments")),
              ["COMMAND", "GETKEYS", "RESTORE", "k", "0", "p", "REPLACE"],
              ["COMMAND", "GETKEYS", "DUMP", "k"]], "metadata")


def contents_steps(key, typ):
    """Read commands that show a whole value of a type (order-insensitive for hashtables)."""
    if typ == "string":
        return [["GET", key], ["STRLEN", key]]
    if typ == "list":
        return [["LLEN", key], ["LRANGE", key, 0, -1]]
    if typ == "set":
        return [["SCARD", key], S(["SMEMBERS", key], cmp=unordered)]
    if typ == "zset":
        return [["ZCARD", key], ["ZRANGE", key, 0, -1, "WITHSCORES"]]
    return [["HLEN", key], S(["HGETALL", key], cmp=unordered)]


def build_values(conn):
    rnd = random.Random(5)
    conn.call("SET", "str", "hello world " * 10)
    conn.call("SET", "int", "12345")
    conn.call("RPUSH", "list", *[f"e{i}" * (i % 5 + 1) for i in range(3000)])
    conn.call("LPUSH", "list", *[str(i) for i in range(100)])
    conn.call("LPOP", "list", 7)
    conn.call("HSET", "hsmall", "a", "1", "b", "two")
    conn.call("HSET", "hbig", *[x for i in range(1000) for x in (f"f{i}", f"v{i}" * 3)])
    conn.call("SADD", "sint", *[str(rnd.randrange(-10**12, 10**12)) for _ in range(300)])
    conn.call("SADD", "sbig", *[f"m{i}" for i in range(700)])
    conn.call("SADD", "ssmall", "x", "y", "z")
    conn.call("ZADD", "zsmall", 1, "a", 2.5, "b")
    conn.call("ZADD", "zbig", *[x for i in range(500) for x in (rnd.random() * 1000, f"z{i}")])
    conn.call("PFADD", "hll", *[f"h{i}" for i in range(5000)])


VALUES = [("str", "string"), ("int", "string"), ("list", "list"), ("hsmall", "hash"),
          ("hbig", "hash"), ("sint", "set"), ("sbig", "set"), ("ssmall", "set"),
          ("zsmall", "zset"), ("zbig", "zset"), ("hll", "string")]


@pytest.mark.parametrize("origin", ["redis", "fincache"])
def test_cross_restore(diff, origin):
    """Values DUMPed by one server (Redis with LZF compression on) RESTORE into both with the
    same contents, encodings and TTLs."""
    src = diff.redis if origin == "redis" else diff.fincache
    build_values(src)
    steps = []
    for key, typ in VALUES:
        p = src.call("DUMP", key).value
        assert p, key
        steps += [["RESTORE", f"r:{key}", 0, p], ["TYPE", f"r:{key}"],
                  ["OBJECT", "ENCODING", f"r:{key}"], *contents_steps(f"r:{key}", typ),
                  ["RESTORE", f"t:{key}", 100000, p], S(["PTTL", f"t:{key}"],
                                                        cmp=lambda r, f: None if abs(r.value - f.value) < 1000 else "ttl")]
    steps += [["PFCOUNT", "r:hll"], ["PFADD", "r:hll", "new1", "new2"], ["PFCOUNT", "r:hll"]]
    diff.run(steps, f"cross_{origin}")


@pytest.mark.parametrize("name", list(LEGACY))
def test_legacy_encodings(diff, name):
    p = LEGACY[name]
    typ = {"list": "list", "zset": "zset", "hash": "hash", "set": "set"}[name.split("_")[0]]
    diff.run([["RESTORE", "k", 0, p], ["TYPE", "k"], ["OBJECT", "ENCODING", "k"],
              *contents_steps("k", typ)], name)


def test_restore_errors(diff):
    diff.both("SET", "s", "v")
    p = diff.redis.call("DUMP", "s").value
    steps = [["RESTORE", "s", 0, p], ["RESTORE", "s", -1, "junk"], ["RESTORE", "k", -1, p],
             ["RESTORE", "k", "x", p], ["RESTORE", "k", "1.5", p], ["RESTORE", "k", 0, p, "bogus"],
             ["RESTORE", "k", 0, p, "IDLETIME"], ["RESTORE", "k", 0, p, "IDLETIME", "x"],
             ["RESTORE", "k", 0, p, "IDLETIME", -1], ["RESTORE", "k", 0, p, "FREQ", 256],
             ["RESTORE", "k", 0, p, "FREQ", -1], ["RESTORE", "k", 0, p, "FREQ", "x"],
             ["RESTORE", "k", 0, p, "FREQ", 1, "IDLETIME", 1], ["RESTORE", "k", 0, p, "IDLETIME", 1, "FREQ", 1],
             ["RESTORE", "k"], ["RESTORE", "k", 0], ["EXISTS", "k"]]
    for name, bad in BAD.items():
        steps.append(["RESTORE", f"bad:{name}", 0, bad])
    steps += [["DBSIZE"], HELLO3, ["RESTORE", "s", 0, p], ["RESTORE", "k", 0, b"x" * 20], HELLO2]
    diff.run(steps, "restore_errors")


def test_restore_options(diff):
    diff.both("RPUSH", "l", "a", "b")
    p = diff.redis.call("DUMP", "l").value
    steps = [["RESTORE", "l", 0, p, "REPLACE"], ["LRANGE", "l", 0, -1], ["TTL", "l"],
             ["RESTORE", "l", 5000, p, "replace"],
             S(["PTTL", "l"], cmp=lambda r, f: None if abs(r.value - f.value) < 1000 else "ttl"),
             ["RESTORE", "a", 1, p, "ABSTTL"], ["EXISTS", "a"],
             ["RESTORE", "l", 1, p, "ABSTTL", "REPLACE"], ["EXISTS", "l"],
             ["RESTORE", "b", 4102444800000, p, "ABSTTL"], ["EXPIRETIME", "b"],
             ["RESTORE", "c", 0, p, "IDLETIME", 1000], ["OBJECT", "IDLETIME", "c"],
             ["RESTORE", "d", 0, p, "IDLETIME", 5, "IDLETIME", 7], ["OBJECT", "IDLETIME", "d"],
             ["RESTORE", "e", 0, p, "FREQ", 0], ["RESTORE", "f", 0, p, "FREQ", 255, "FREQ", 3],
             ["RESTORE", "g", 0, p, "replace", "absttl", "replace"], ["LRANGE", "g", 0, -1],
             ["RESTORE", "h", "9223372036854775807", p], ["EXISTS", "h"],
             ["RESTORE", "i", 0, p, "REPLACE", "ABSTTL", "IDLETIME", "0"], ["TYPE", "i"],
             ["DBSIZE"]]
    diff.run(steps, "restore_options")


def test_restore_wakes_blocked_client(diff):
    """RESTORE of a list serves a client blocked on the key, as a push does."""
    diff.both("RPUSH", "src", "x")
    p = diff.redis.call("DUMP", "src").value
    for conn, srv in ((diff.redis, diff.pair.redis), (diff.fincache, diff.pair.fincache)):
        with srv.connect() as blocked:
            from diffutil import encode_command
            blocked.send(encode_command(["BLPOP", "dst", 5]))
            import time
            time.sleep(0.2)
            assert conn.call("RESTORE", "dst", 0, p).value == b"OK"
            assert [n.value for n in blocked.read_reply().value] == [b"dst", b"x"]


def test_fuzzed_payloads(diff):
    """Corrupted payloads with a valid checksum: both servers refuse or accept alike, and
    FinCache stays up. (Redis's shallow checks accept some corrupt listpacks that FinCache's
    full validation refuses, so only the payload types where both validate fully are used.)"""
    rnd = random.Random(99)
    bodies = [b"\x00" + rdb_str(b"hello world"),
              b"\x02" + rdb_len(3) + rdb_str(b"a") + rdb_str(b"b") + rdb_str(b"c"),
              b"\x05" + rdb_len(2) + rdb_str(b"m") + struct.pack("<d", 1.5) + rdb_str(b"n") + struct.pack("<d", 2.0),
              b"\x04" + rdb_len(1) + rdb_str(b"f") + rdb_str(b"v")]
    steps = []
    for i in range(150):
        body = bytearray(rnd.choice(bodies))
        if rnd.random() < 0.5:
            del body[rnd.randrange(1, len(body)):]
        else:
            body[rnd.randrange(1, len(body))] = rnd.randrange(256)
        steps.append(["RESTORE", f"f{i}", 0, payload(bytes(body)), "REPLACE"])
    steps.append(S(["KEYS", "*"], cmp=unordered))
    diff.run(steps, "fuzzed_payloads")
