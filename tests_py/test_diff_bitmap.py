"""Differential tests of the bitmap family (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
BITFIELD_RO) against a real redis-server. Every reply is compared byte for byte; the seeded
random mixes end with a GET of every key, so the stored bytes are compared too."""

import random

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Probe,
    S,
    diff,
    server_pair,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=lambda r, f: None if r.kind == f.kind == "%" else "expected maps")

FOO = ["SET", "k", "foobar"]
P3 = ["SET", "p", b"\xff\xf0\x00"]
ONES = ["SET", "ones", b"\xff\xff"]


def hits_misses(conn):
    lines = conn.call("INFO", "stats").value.split(b"\r\n")
    return [ln for ln in lines if ln.startswith((b"keyspace_hits", b"keyspace_misses"))]


CASES = {
    # ---- SETBIT / GETBIT ----
    "setbit_getbit": [["SETBIT", "k", "7", "1"], ["GET", "k"], ["SETBIT", "k", "7", "1"], ["SETBIT", "k", "0", "1"],
                      ["SETBIT", "k", "7", "0"], ["GET", "k"], ["GETBIT", "k", "0"], ["GETBIT", "k", "7"],
                      ["GETBIT", "k", "1000"], ["GETBIT", "nokey", "0"], ["EXISTS", "nokey"],
                      ["SETBIT", "k", "31", "1"], ["GET", "k"], ["STRLEN", "k"], ["OBJECT", "ENCODING", "k"],
                      ["SETBIT", "K", "0", "0"], ["GET", "K"], ["OBJECT", "ENCODING", "K"]],
    "setbit_encodings_ttl": [["SET", "n", "1234"], ["OBJECT", "ENCODING", "n"], ["GETBIT", "n", "2"],
                             ["OBJECT", "ENCODING", "n"], ["SETBIT", "n", "0", "1"], ["OBJECT", "ENCODING", "n"],
                             ["GET", "n"], ["SET", "s", "hi"], ["OBJECT", "ENCODING", "s"], ["SETBIT", "s", "1", "0"],
                             ["OBJECT", "ENCODING", "s"], ["SET", "t", "x", "EX", "100"], ["SETBIT", "t", "100", "1"],
                             ["TTL", "t"], ["STRLEN", "t"], ["TYPE", "t"]],
    "setbit_errors": [["SETBIT", "k", "-1", "1"], ["SETBIT", "k", "x", "1"], ["SETBIT", "k", "+1", "1"],
                      ["SETBIT", "k", "#1", "1"], ["SETBIT", "k", "4294967296", "1"], ["SETBIT", "k", "4294967296", "x"],
                      ["SETBIT", "k", "0", "2"], ["SETBIT", "k", "0", "-1"], ["SETBIT", "k", "0", "01"],
                      ["SETBIT", "k", "0", "x"], ["SETBIT", "k", "0", ""], ["SETBIT", "k", " 1", "1"],
                      ["SETBIT", "k", "9223372036854775808", "1"], ["EXISTS", "k"], ["GETBIT", "k", "4294967296"],
                      ["GETBIT", "k", "4294967295"], ["GETBIT", "k", "-1"], ["GETBIT", "k", "x"],
                      ["RPUSH", "l", "a"], ["SETBIT", "l", "0", "1"], ["SETBIT", "l", "x", "1"],
                      ["SETBIT", "l", "0", "5"], ["GETBIT", "l", "0"], ["GETBIT", "l", "x"]],
    "offset_limit_config": [["CONFIG", "SET", "proto-max-bulk-len", "1048576"], ["SETBIT", "k", "8388608", "1"],
                            ["GETBIT", "k", "8388608"], ["SETBIT", "k", "8388607", "1"], ["STRLEN", "k"],
                            ["BITCOUNT", "k"], ["BITPOS", "k", "1"], ["BITPOS", "k", "1", "-1"],
                            ["BITFIELD", "k", "GET", "u8", "#1048576"], ["BITFIELD", "k", "SET", "u8", "8388607", "255"],
                            ["STRLEN", "k"], ["BITFIELD", "k", "GET", "u8", "8388607", "GET", "u8", "#1048575"],
                            ["BITFIELD", "k", "GET", "i64", "#131071"], ["BITFIELD", "k", "GET", "i64", "#131072"]],
    # ---- BITCOUNT ----
    "bitcount": [FOO, ["BITCOUNT", "k"], ["BITCOUNT", "k", "0", "0"], ["BITCOUNT", "k", "1", "1"],
                 ["BITCOUNT", "k", "1", "1", "BYTE"], ["BITCOUNT", "k", "5", "30", "BIT"],
                 ["BITCOUNT", "k", "-1", "-1", "bit"], ["BITCOUNT", "k", "0", "-1", "bit"], ["BITCOUNT", "k", "-100", "100"],
                 ["BITCOUNT", "k", "3", "1"], ["BITCOUNT", "k", "9", "10", "bit"], ["BITCOUNT", "k", "47", "100", "bit"],
                 ["BITCOUNT", "k", "-5", "-3", "bit"], ["BITCOUNT", "k", "-9223372036854775808", "9223372036854775807"],
                 ["BITCOUNT", "k", "-9223372036854775808", "9223372036854775807", "bit"], ["BITCOUNT", "k", "6", "6"],
                 ["BITCOUNT", "k", "48", "48", "bit"], ["BITCOUNT", "k", "0", "0", "bit"], ["BITCOUNT", "nokey"],
                 ["SET", "e", ""], ["BITCOUNT", "e"], ["BITCOUNT", "e", "0", "-1"], ["BITCOUNT", "e", "0", "-1", "bit"],
                 ["SET", "n", "-123"], ["BITCOUNT", "n"], ["BITCOUNT", "n", "1", "2"]],
    "bitcount_errors": [["BITCOUNT", "nokey", "x", "y"], ["BITCOUNT", "nokey", "0"], ["BITCOUNT", "nokey", "0", "1", "x"],
                        FOO, ["BITCOUNT", "k", "x"], ["BITCOUNT", "k", "0"], ["BITCOUNT", "k", "0", "x"],
                        ["BITCOUNT", "k", "x", "0", "foo"], ["BITCOUNT", "k", "-1", "-2", "foo"],
                        ["BITCOUNT", "k", "0", "0", "foo"], ["BITCOUNT", "k", "0", "1", "bit", "x"],
                        ["BITCOUNT", "k", "0", "1", "bits"], ["BITCOUNT", "k", "1.5", "2"],
                        ["RPUSH", "l", "a"], ["BITCOUNT", "l"], ["BITCOUNT", "l", "x"]],
    # ---- BITPOS ----
    "bitpos": [P3, ["BITPOS", "p", "0"], ["BITPOS", "p", "1"], ["BITPOS", "p", "1", "2"],
               ["BITPOS", "p", "1", "2", "-1", "byte"], ["BITPOS", "p", "0", "0", "0"], ["BITPOS", "p", "0", "0"],
               ["BITPOS", "p", "1", "7", "15", "bit"], ["BITPOS", "p", "0", "7", "11", "bit"],
               ["BITPOS", "p", "0", "7", "12", "BIT"], ["BITPOS", "p", "1", "16", "23", "bit"],
               ["BITPOS", "p", "0", "3", "7", "bit"], ["BITPOS", "p", "0", "-8", "-1", "bit"],
               ["BITPOS", "p", "1", "-100", "100"], ["BITPOS", "p", "0", "5", "2"], ["BITPOS", "p", "1", "-1", "-2"],
               ONES, ["BITPOS", "ones", "0"], ["BITPOS", "ones", "0", "1"], ["BITPOS", "ones", "0", "0", "-1"],
               ["BITPOS", "ones", "0", "0", "15", "bit"], ["BITPOS", "ones", "1", "-3", "-1", "bit"],
               ["BITPOS", "ones", "0", "2"], ["BITPOS", "ones", "0", "-1"], ["BITPOS", "ones", "0", "1", "1", "bit"],
               ["BITPOS", "ones", "0", "9", "9", "bit"], ["BITPOS", "nokey", "1"], ["BITPOS", "nokey", "0"],
               ["BITPOS", "nokey", "0", "5", "9", "bit"], ["SET", "e", ""], ["BITPOS", "e", "0"], ["BITPOS", "e", "1"],
               ["BITPOS", "e", "0", "0"], ["SET", "n", "77"], ["BITPOS", "n", "1"], ["BITPOS", "n", "0", "1"]],
    "bitpos_long": [["SET", "z", b"\x00" * 257 + b"\x04" + b"\x00" * 42], ["BITPOS", "z", "1"],
                    ["BITPOS", "z", "1", "3", "2060", "bit"], ["BITPOS", "z", "1", "3", "2061", "bit"],
                    ["BITPOS", "z", "0", "-1"], ["BITPOS", "z", "1", "258"], ["BITPOS", "z", "1", "0", "256"],
                    ["SET", "f", b"\xff" * 290 + b"\xfe" + b"\xff" * 9], ["BITPOS", "f", "0"],
                    ["BITPOS", "f", "0", "291"], ["BITPOS", "f", "0", "291", "-1"], ["BITPOS", "f", "0", "2327", "2400", "bit"],
                    ["BITPOS", "f", "0", "2328", "2400", "bit"], ["BITPOS", "f", "1", "2327", "2327", "bit"]],
    "bitpos_errors": [["BITPOS", "k", "2"], ["BITPOS", "k", "x"], ["BITPOS", "k", "-1"], ["BITPOS", "nokey", "1", "x"],
                      FOO, ["BITPOS", "k", "1", "x"], ["BITPOS", "k", "1", "0", "x"], ["BITPOS", "k", "1", "0", "0", "foo"],
                      ["BITPOS", "k", "1", "0", "x", "foo"], ["BITPOS", "k", "1", "x", "0", "foo"],
                      ["BITPOS", "k", "1", "-1", "-2", "foo"], ["BITPOS", "k", "1", "0", "0", "bit", "x"],
                      ["RPUSH", "l", "a"], ["BITPOS", "l", "1"], ["BITPOS", "l", "2"], ["BITPOS", "l", "1", "x"]],
    # ---- BITOP ----
    "bitop": [["SET", "a", "abc"], ["SET", "b", b"\x0f\xf0"], ["BITOP", "AND", "d", "a", "b"], ["GET", "d"],
              ["OBJECT", "ENCODING", "d"], ["BITOP", "or", "d", "a", "b"], ["GET", "d"],
              ["BITOP", "Xor", "d", "a", "b", "nokey"], ["GET", "d"], ["BITOP", "and", "d", "a", "nokey"], ["GET", "d"],
              ["BITOP", "not", "d", "b"], ["GET", "d"], ["BITOP", "NOT", "a", "a"], ["GET", "a"],
              ["BITOP", "and", "d", "a", "a", "a"], ["GET", "d"], ["SET", "d", "x", "EX", "100"],
              ["BITOP", "or", "d", "a"], ["TTL", "d"], ["SET", "e", ""], ["BITOP", "or", "d", "nokey", "e"],
              ["EXISTS", "d"], ["BITOP", "not", "d", "e"], ["EXISTS", "d"], ["SET", "n", "12"],
              ["BITOP", "or", "d", "n"], ["OBJECT", "ENCODING", "d"], ["GET", "d"],
              ["SET", "long", "x" * 100], ["BITOP", "xor", "d", "long", "a"], ["GET", "d"], ["STRLEN", "d"]],
    "bitop_errors": [["BITOP", "nand", "d", "a"], ["BITOP", "", "d", "a"], ["BITOP", "not", "d", "a", "b"],
                     ["BITOP", "not", "d"], ["RPUSH", "l", "a"], ["SET", "d", "keep"],
                     ["BITOP", "and", "d", "nokey", "l"], ["BITOP", "and", "d", "l", "nokey"], ["BITOP", "not", "d", "l"],
                     ["GET", "d"], ["BITOP", "or", "l", "d"], ["TYPE", "l"], ["GET", "l"],
                     ["BITOP", "and", "nokey2", "nokey"], ["EXISTS", "nokey2"]],
    # ---- BITFIELD ----
    "bitfield_signed": [["BITFIELD", "b", "SET", "i8", "0", "100", "INCRBY", "i8", "0", "100", "OVERFLOW", "SAT",
                         "INCRBY", "i8", "0", "100", "INCRBY", "i8", "0", "-300", "OVERFLOW", "FAIL",
                         "INCRBY", "i8", "0", "-1", "GET", "i8", "0", "GET", "u8", "0"], ["GET", "b"],
                        ["BITFIELD", "b4", "set", "i64", "0", "9223372036854775807", "incrby", "i64", "0", "1",
                         "overflow", "sat", "incrby", "i64", "0", "-1", "incrby", "i64", "0", "-9223372036854775808",
                         "overflow", "fail", "incrby", "i64", "0", "-1", "get", "i64", "0", "incrby", "i64", "0", "1",
                         "overflow", "sat", "set", "i64", "0", "-9223372036854775808", "incrby", "i64", "0",
                         "9223372036854775807", "incrby", "i64", "0", "9223372036854775807"], ["GET", "b4"],
                        ["BITFIELD", "c", "set", "i5", "3", "15", "incrby", "i5", "3", "1", "overflow", "sat",
                         "incrby", "i5", "3", "1", "set", "i5", "3", "100", "set", "i5", "3", "-100", "overflow", "fail",
                         "set", "i5", "3", "16", "set", "i5", "3", "-17", "set", "i5", "3", "-16", "get", "i5", "3",
                         "get", "u5", "3", "get", "i3", "4", "get", "i1", "3"], ["GET", "c"],
                        ["BITFIELD", "w", "overflow", "wrap", "set", "i7", "1", "1000", "get", "i7", "1", "incrby",
                         "i7", "1", "-1000", "incrby", "i7", "1", "9223372036854775807", "incrby", "i7", "1",
                         "-9223372036854775808", "get", "i7", "1"], ["GET", "w"]],
    "bitfield_signed_set_far_below": [["BITFIELD", "x", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808",
                                       "GET", "i8", "0", "SET", "i8", "0", "-9223372036854775680", "GET", "i8", "0",
                                       "SET", "i8", "0", "-9223372036854775681", "GET", "i8", "0", "SET", "i63", "8",
                                       "-4611686018427387905", "GET", "i63", "8", "OVERFLOW", "FAIL", "SET", "i8", "0",
                                       "-9223372036854775808", "SET", "i8", "0", "-200", "OVERFLOW", "WRAP", "SET",
                                       "i8", "0", "-9223372036854775808", "GET", "i8", "0"], ["GET", "x"],
                                      ["BITFIELD", "y", "OVERFLOW", "SAT", "SET", "i32", "0", "-9223372036854775807",
                                       "SET", "i1", "40", "-9223372036854775807", "SET", "i64", "41",
                                       "-9223372036854775808", "GET", "i32", "0", "GET", "i1", "40"], ["GET", "y"]],
    "bitfield_unsigned": [["BITFIELD", "b2", "set", "u8", "0", "-1", "overflow", "sat", "set", "u8", "8", "-1",
                           "overflow", "fail", "set", "u8", "16", "-1", "set", "u8", "16", "256", "get", "u8", "0",
                           "get", "u8", "8", "get", "u8", "16"], ["STRLEN", "b2"], ["GET", "b2"],
                          ["BITFIELD", "b3", "set", "u4", "0", "15", "incrby", "u4", "0", "1", "overflow", "sat",
                           "incrby", "u4", "0", "100", "incrby", "u4", "0", "-100", "overflow", "wrap", "incrby", "u4",
                           "0", "-3", "get", "u4", "0"],
                          ["BITFIELD", "b5", "set", "u63", "0", "-1", "get", "u63", "0", "overflow", "sat", "set",
                           "u63", "0", "-5", "incrby", "u63", "0", "-9223372036854775808", "incrby", "u63", "0",
                           "9223372036854775807", "incrby", "u63", "0", "1", "overflow", "wrap", "incrby", "u63", "0",
                           "1", "incrby", "u63", "0", "-2", "set", "i1", "200", "1", "get", "i1", "200", "get", "u1",
                           "200", "incrby", "i1", "200", "1", "set", "u1", "201", "3", "get", "u2", "200"],
                          ["STRLEN", "b5"], ["GET", "b5"],
                          ["BITFIELD", "u", "overflow", "fail", "incrby", "u3", "5", "7", "incrby", "u3", "5", "1",
                           "incrby", "u3", "5", "-8", "incrby", "u3", "5", "-7", "get", "u3", "5"], ["GET", "u"]],
    "bitfield_offsets_reads": [["SET", "w", "abcdefghijkl"],
                               ["BITFIELD", "w", "GET", "u8", "#2305843009213693953", "GET", "u8", "8", "GET", "i64",
                                "#288230376151711745", "GET", "i64", "64", "GET", "i64", "#1", "GET", "u4", "4",
                                "GET", "i4", "4", "GET", "u16", "88", "GET", "u8", "1000", "GET", "i64", "93",
                                "GET", "u63", "37", "GET", "i2", "#47"], ["OBJECT", "ENCODING", "w"],
                               ["SET", "n", "1234"], ["BITFIELD_RO", "n", "GET", "u8", "0", "GET", "i16", "#1"],
                               ["OBJECT", "ENCODING", "n"], ["BITFIELD", "n", "SET", "u8", "0", "50"],
                               ["OBJECT", "ENCODING", "n"], ["GET", "n"], ["BITFIELD", "none", "GET", "i8", "0"],
                               ["EXISTS", "none"], ["BITFIELD", "none"], ["BITFIELD_RO", "none"],
                               ["BITFIELD", "none", "OVERFLOW", "SAT"], ["EXISTS", "none"],
                               ["BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u2", "#3", "7"], ["GET", "f"],
                               ["OBJECT", "ENCODING", "f"], ["BITFIELD", "g", "INCRBY", "u2", "#1000", "1"],
                               ["STRLEN", "g"], ["BITFIELD", "g", "set", "i3", "1", "3", "get", "u8", "0", "set", "i3", "1",
                                "-1", "get", "u8", "0", "get", "i3", "1"], ["GET", "g"],
                               ["SET", "t", "x", "EX", "100"], ["BITFIELD", "t", "SET", "u8", "0", "65"], ["TTL", "t"],
                               ["GET", "t"]],
    "bitfield_errors": [*[["BITFIELD", "k", "GET", t, "0"] for t in ("u64", "i65", "I8", "U8", "u0", "", "i", "u-1",
                                                                   "i08", "i8x", "8")],
                        *[["BITFIELD", "k", "GET", "u8", o] for o in ("-1", "#-1", "#x", "#", "##1", "#+1",
                                                                    "4294967296", "#536870912", "01", "#9223372036854775807")],
                        ["BITFIELD", "k", "GET", "u8"], ["BITFIELD", "k", "FOO"], ["BITFIELD", "k", "OVERFLOW"],
                        ["BITFIELD", "k", "OVERFLOW", "foo"], ["BITFIELD", "k", "SET", "u8", "0"],
                        ["BITFIELD", "k", "SET", "u8", "0", "x"], ["BITFIELD", "k", "SET", "u8", "x", "x"],
                        ["BITFIELD", "k", "SET", "x", "x", "x"], ["BITFIELD", "k", "INCRBY", "u8", "0", "99999999999999999999"],
                        ["BITFIELD", "k", "SET", "u8", "0", "1", "GET", "x", "0"],
                        ["BITFIELD", "k", "SET", "u8", "0", "1", "OVERFLOW", "x"], ["EXISTS", "k"],
                        ["BITFIELD_RO", "k", "SET", "u8", "0", "1"], ["BITFIELD_RO", "k", "INCRBY", "u8", "0", "1"],
                        ["BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "x"], ["BITFIELD_RO", "k", "OVERFLOW", "SAT"],
                        ["BITFIELD_RO", "k", "OVERFLOW", "x"], ["BITFIELD_RO", "k", "GET", "u8", "0", "foo"],
                        ["RPUSH", "l", "a"], ["BITFIELD", "l", "GET", "u8", "0"], ["BITFIELD", "l", "SET", "u8", "0", "1"],
                        ["BITFIELD", "l"], ["BITFIELD_RO", "l", "INCRBY", "u8", "0", "1"],
                        ["BITFIELD_RO", "l", "GET", "u8", "0"], ["BITFIELD", "l", "GET", "u8", "x"]],
    # Redis compares keywords as C strings: an argument matches up to its first NUL byte.
    "nul_in_keywords": [["SET", "a", "xyz"], ["BITOP", b"and\x00zz", "d", "a"], ["GET", "d"],
                        ["BITFIELD", "k", b"get\x00", "u8", "0"], ["BITFIELD", "k", "GET", b"u8\x00x", "0"],
                        ["BITFIELD", "k", "GET", "u8", b"0\x00"], ["BITCOUNT", "a", "0", "1", b"bit\x00"],
                        ["BITPOS", "a", "1", "0", "1", b"BYTE\x00x"], ["SETBIT", "k", b"1\x00", "1"],
                        ["BITFIELD", "k", "OVERFLOW", b"sat\x00", "SET", "u8", "0", "-1"], ["GET", "k"]],
    # ---- keyspace interplay ----
    "stats": [["SET", "k", "x"], ["CONFIG", "RESETSTAT"], ["GETBIT", "k", "0"], ["GETBIT", "nokey", "0"],
              ["SETBIT", "k", "0", "1"], ["SETBIT", "nokey2", "0", "1"], ["BITFIELD", "k", "SET", "u8", "0", "1"],
              ["BITFIELD", "k", "GET", "u8", "0"], ["BITFIELD_RO", "nokey", "GET", "u8", "0"], ["BITFIELD", "nokey"],
              ["BITOP", "or", "d", "k", "nokey"], ["BITCOUNT", "k"], ["BITCOUNT", "nokey"], ["BITPOS", "k", "1"],
              ["BITPOS", "nokey", "1"], Probe("hits/misses", hits_misses)],
    "expired_keys": [["SET", "k", "abc", "PX", "1"], Probe("wait", lambda c: __import__("time").sleep(0.02)),
                     ["GETBIT", "k", "1"], ["BITCOUNT", "k"], ["BITPOS", "k", "0"], ["EXISTS", "k"],
                     ["SET", "k2", "abc", "PX", "1"], Probe("wait", lambda c: __import__("time").sleep(0.02)),
                     ["SETBIT", "k2", "1", "1"], ["GET", "k2"], ["TTL", "k2"]],
    # ---- RESP3 ----
    "resp3": [HELLO3, ["SETBIT", "k", "3", "1"], ["GETBIT", "k", "3"], ["BITCOUNT", "k"], ["BITPOS", "k", "1"],
              ["BITOP", "not", "d", "k"], ["BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5", "GET", "u4", "0"],
              ["BITFIELD_RO", "k", "GET", "i4", "0"], ["BITFIELD", "k"], ["BITFIELD", "k", "GET", "u8", "x"],
              ["BITPOS", "k", "3"], ["BITOP", "foo", "d", "k"]],
    # ---- metadata ----
    "getkeys": [["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "GET", "u8", "0"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "OVERFLOW", "WRAP", "get", "u8", "0"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "SET", "u8", "0", "1"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "get", "u8", "0", "incrby"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "get", "u8"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITFIELD_RO", "k", "get", "u8", "0"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITOP", "AND", "d", "a", "b"],
                ["COMMAND", "GETKEYS", "BITOP", "NOT", "d", "a"], ["COMMAND", "GETKEYS", "SETBIT", "k", "0", "1"],
                ["COMMAND", "GETKEYSANDFLAGS", "SETBIT", "k", "0", "1"],
                ["COMMAND", "GETKEYSANDFLAGS", "BITCOUNT", "k"]],
}

CMDS = ("setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro")
CASES["command_info"] = [["COMMAND", "INFO", *CMDS]]
CASES["command_docs"] = [["COMMAND", "DOCS", c] for c in CMDS]
CASES["arity_errors"] = [["SETBIT", "k", "0"], ["SETBIT", "k", "0", "1", "2"], ["GETBIT", "k"],
                         ["GETBIT", "k", "0", "1"], ["BITCOUNT"], ["BITPOS", "k"], ["BITOP", "and", "d"],
                         ["BITFIELD"], ["BITFIELD_RO"]]


def random_mix(seed: int, n: int = 250) -> list:
    """A seeded mix of bitmap writes and reads over a few small keys; ends with GET of each."""
    rnd = random.Random(seed)
    keys = ["a", "b", "c"]
    steps: list = []
    for _ in range(n):
        k = rnd.choice(keys)
        what = rnd.randrange(8)
        if what == 0:
            steps.append(["SETBIT", k, str(rnd.randrange(200)), str(rnd.randrange(2))])
        elif what == 1:
            steps.append(["GETBIT", k, str(rnd.randrange(220))])
        elif what == 2:
            unit = rnd.choice([[], ["BYTE"], ["BIT"]])
            hi = 200 if unit == ["BIT"] else 30
            steps.append(["BITCOUNT", k, str(rnd.randrange(-hi, hi)), str(rnd.randrange(-hi, hi)), *unit])
        elif what == 3:
            unit = rnd.choice([[], ["BYTE"], ["BIT"]])
            hi = 200 if unit == ["BIT"] else 30
            tail = rnd.choice([[], [str(rnd.randrange(-hi, hi))],
                               [str(rnd.randrange(-hi, hi)), str(rnd.randrange(-hi, hi)), *unit]])
            steps.append(["BITPOS", k, str(rnd.randrange(2)), *tail])
        elif what == 4:
            op = rnd.choice(["AND", "OR", "XOR", "NOT"])
            srcs = [rnd.choice(keys + ["none"])] if op == "NOT" else rnd.sample(keys + ["none"], rnd.randrange(1, 4))
            steps.append(["BITOP", op, rnd.choice(keys), *srcs])
        else:
            args: list = []
            for _ in range(rnd.randrange(1, 5)):
                sign = rnd.choice("iu")
                bits = rnd.randrange(1, 65 if sign == "i" else 64)
                off = rnd.choice([str(rnd.randrange(150)), "#" + str(rnd.randrange(4))])
                kind = rnd.randrange(4)
                if kind == 0:
                    args += ["OVERFLOW", rnd.choice(["WRAP", "SAT", "FAIL"])]
                if kind <= 1:
                    args += ["GET", f"{sign}{bits}", off]
                else:
                    val = rnd.choice([rnd.randrange(-300, 300), rnd.randrange(-2**63, 2**63)])
                    args += [rnd.choice(["SET", "INCRBY"]), f"{sign}{bits}", off, str(val)]
            steps.append(["BITFIELD", k, *args])
    steps += [["GET", k] for k in keys]
    return steps


for _seed in (1, 2, 3):
    CASES[f"random_mix_{_seed}"] = random_mix(_seed)


def edge_mix(seed: int, n: int = 300) -> list:
    """A seeded mix over longer strings of runs (0x00/0xff/...) with a few odd bytes: BITPOS and
    BITCOUNT ranges crossing whole words, BITFIELD at field widths and values near the limits of
    every overflow policy, BITOP over unequal lengths. Ends with GET of every key."""
    rnd = random.Random(seed)
    keys = ["a", "b", "c"]
    steps: list = []
    for k in keys:
        size = rnd.randrange(0, 400)
        body = bytearray(rnd.choice([b"\x00", b"\xff", b"\x0f", b"\x80"]) * size)
        for _ in range(rnd.randrange(3)):
            if size:
                body[rnd.randrange(size)] = rnd.randrange(256)
        steps.append(["SET", k, bytes(body)])
    for _ in range(n):
        k = rnd.choice(keys)
        what = rnd.randrange(5)
        unit = rnd.choice([[], ["BYTE"], ["BIT"]])
        hi = 3300 if unit == ["BIT"] else 420
        if what == 0:
            tail = rnd.choice([[], [str(rnd.randrange(-hi, hi))],
                               [str(rnd.randrange(-hi, hi)), str(rnd.randrange(-hi, hi)), *unit]])
            steps.append(["BITPOS", k, str(rnd.randrange(2)), *tail])
        elif what == 1:
            steps.append(["BITCOUNT", k, str(rnd.randrange(-hi, hi)), str(rnd.randrange(-hi, hi)), *unit])
        elif what == 2:
            sign = rnd.choice("iu")
            bits = rnd.choice([1, 2, 31, 32, 33, 62, 63, 64 if sign == "i" else 63])
            near = [0, 1, -1, 2**63 - 1, -2**63, 2**bits - 1, -(2**(bits - 1)), 2**(bits - 1), 2**bits]
            val = max(-2**63, min(2**63 - 1, rnd.choice(near) + rnd.randrange(-2, 3)))
            steps.append(["BITFIELD", k, "OVERFLOW", rnd.choice(["WRAP", "SAT", "FAIL"]),
                          rnd.choice(["SET", "INCRBY"]), f"{sign}{bits}", str(rnd.randrange(3300)), str(val),
                          "GET", f"{sign}{bits}", str(rnd.randrange(3300))])
        elif what == 3:
            steps.append(["SETBIT", k, str(rnd.randrange(3400)), str(rnd.randrange(2))])
        else:
            op = rnd.choice(["AND", "OR", "XOR", "NOT"])
            srcs = [rnd.choice(keys)] if op == "NOT" else rnd.sample(keys, rnd.randrange(1, 4))
            steps.append(["BITOP", op, rnd.choice(keys + ["d"]), *srcs])
    steps += [["GET", k] for k in keys + ["d"]]
    return steps


for _seed in (100, 101, 102, 103):
    CASES[f"edge_mix_{_seed}"] = edge_mix(_seed)


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_bitmap(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
