"""Differential tests of the string family: every reply byte-compared with a real redis-server."""

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    S,
    diff,
    encode_command,
    int_near,
    masked_map,
    server_pair,
)

pytestmark = pytest.mark.differential

BIN = b"a\x00b\r\nc\xff"
HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
TTL = int_near(1)
PTTL = int_near(150)

CASES = {
    # ---- SET / GET ----
    "set_get_basic": [["SET", "k", "v"], ["GET", "k"], ["GET", "missing"], ["SET", "k", "v2"],
                      ["GET", "k"], ["EXISTS", "k"]],
    "set_get_empty_value": [["SET", "k", ""], ["GET", "k"], ["STRLEN", "k"], ["EXISTS", "k"]],
    "set_get_binary": [["SET", BIN, BIN], ["GET", BIN], ["STRLEN", BIN], ["APPEND", BIN, b"\r\n"],
                       ["GET", BIN], ["GETRANGE", BIN, 1, 4]],
    "set_get_large": [["SET", "big", "x" * 100_000], ["STRLEN", "big"], ["GETRANGE", "big", -3, -1],
                      ["APPEND", "big", "yz"], ["STRLEN", "big"], ["GETRANGE", "big", 99_999, 100_010]],
    "set_nx_xx": [["SET", "k", "v", "NX"], ["SET", "k", "w", "NX"], ["GET", "k"],
                  ["SET", "k", "w", "XX"], ["GET", "k"], ["SET", "nx", "v", "XX"], ["EXISTS", "nx"]],
    "set_option_conflicts": [["SET", "k", "v", "NX", "XX"], ["SET", "k", "v", "EX", "10", "PX", "100"],
                             ["SET", "k", "v", "EX", "10", "KEEPTTL"], ["SET", "k", "v", "PX", "10", "EXAT", "1"],
                             ["SET", "k", "v", "FOO"], ["SET", "k", "v", "EX"], ["SET", "k", "v", "GET", "GET"],
                             ["SET", "k", "v", "NX", "NX"], ["EXISTS", "k"]],
    "set_expire_invalid": [["SET", "k", "v", "EX", "0"], ["SET", "k", "v", "EX", "-1"],
                           ["SET", "k", "v", "PX", "0"], ["SET", "k", "v", "EX", "abc"],
                           ["SET", "k", "v", "EX", "1.5"], ["SET", "k", "v", "EX", ""],
                           ["SET", "k", "v", "EX", "9223372036854775807"],
                           ["SET", "k", "v", "PX", "9223372036854775807"],
                           ["SET", "k", "v", "EXAT", "0"], ["SET", "k", "v", "PXAT", "-5"],
                           ["SET", "k", "v", "EX", "99999999999999999999"], ["EXISTS", "k"]],
    "set_ex_px_ttl": [["SET", "k", "v", "EX", "100"], S(["TTL", "k"], TTL), S(["PTTL", "k"], PTTL),
                      ["SET", "p", "v", "PX", "50000"], S(["TTL", "p"], TTL), S(["PTTL", "p"], PTTL)],
    "set_exat_pxat": [["SET", "k", "v", "EXAT", "4102444800"], ["EXPIRETIME", "k"],
                      ["PEXPIRETIME", "k"], ["SET", "p", "v", "PXAT", "4102444800123"],
                      ["PEXPIRETIME", "p"], ["EXPIRETIME", "p"]],
    "set_exat_in_past": [["SET", "k", "v", "EXAT", "1"], ["GET", "k"], ["EXISTS", "k"],
                         ["SET", "k", "v", "PXAT", "1000"], ["EXISTS", "k"], ["DBSIZE"]],
    "set_keepttl": [["SET", "k", "v", "EX", "100"], ["SET", "k", "w", "KEEPTTL"], S(["TTL", "k"], TTL),
                    ["GET", "k"], ["SET", "k", "x"], ["TTL", "k"], ["SET", "n", "v", "KEEPTTL"], ["TTL", "n"]],
    "set_get_option": [["SET", "k", "v", "GET"], ["SET", "k", "w", "GET"], ["GET", "k"],
                       ["SET", "k", "x", "NX", "GET"], ["SET", "k", "y", "XX", "GET"],
                       ["SET", "m", "z", "XX", "GET"], ["EXISTS", "m"], ["SET", "k", "q", "EX", "5", "GET"]],
    "set_case_insensitive": [["set", "k", "v", "ex", "100", "nx"], ["gEt", "k"], ["SeT", "k", "w", "xX", "kEePtTl"],
                             S(["ttl", "k"], TTL), ["GET", "k"], ["set", "k", "z", "get"], ["getdel", "k"]],
    "set_wrongtype_get": [["RPUSH", "l", "a"], ["GET", "l"], ["SET", "l", "v", "GET"], ["LLEN", "l"],
                          ["SET", "l", "v"], ["GET", "l"], ["APPEND", "l2", "x"], ["RPUSH", "l2", "a"]],
    # ---- SETNX / SETEX / PSETEX ----
    "setnx": [["SETNX", "k", "v"], ["SETNX", "k", "w"], ["GET", "k"], ["SETNX", "k"],
              ["SETNX", "k", "v", "x"]],
    "setex_psetex": [["SETEX", "k", "100", "v"], S(["TTL", "k"], TTL), ["GET", "k"],
                     ["PSETEX", "p", "100000", "v"], S(["PTTL", "p"], PTTL), ["SETEX", "k", "0", "v"],
                     ["SETEX", "k", "-10", "v"], ["PSETEX", "k", "0", "v"], ["SETEX", "k", "abc", "v"],
                     ["SETEX", "k", "1.5", "v"], ["PSETEX", "k", "9223372036854775807", "v"],
                     ["SETEX", "k", "9223372036854775807", "v"], ["SETEX", "k", "10"], ["GET", "k"]],
    # ---- MGET / MSET / MSETNX ----
    "mget_mset": [["MSET", "a", "1", "b", "2", "c", ""], ["MGET", "a", "b", "c", "nope"],
                  ["MSET", "a", "x", "a", "y"], ["GET", "a"], ["MSET", "a"], ["MSET", "a", "1", "b"],
                  ["MGET"], ["MGET", "nope"]],
    "mget_wrongtype_is_nil": [["RPUSH", "l", "x"], ["SET", "s", "v"], ["MGET", "s", "l", "s"]],
    "msetnx": [["MSETNX", "a", "1", "b", "2"], ["MSETNX", "b", "3", "c", "4"], ["MGET", "a", "b", "c"],
               ["MSETNX", "a"], ["MSETNX", "x", "1", "y"], ["MSETNX", "d", "1", "d", "2"], ["GET", "d"]],
    # ---- GETSET / GETDEL / GETEX ----
    "getset": [["GETSET", "k", "v"], ["GETSET", "k", "w"], ["GET", "k"], ["SET", "t", "v", "EX", "100"],
               ["GETSET", "t", "x"], ["TTL", "t"], ["GETSET", "k"]],
    "getdel": [["SET", "k", "v"], ["GETDEL", "k"], ["GETDEL", "k"], ["EXISTS", "k"], ["GETDEL", "a", "b"]],
    "getdel_wrongtype": [["RPUSH", "l", "a"], ["GETDEL", "l"], ["EXISTS", "l"]],
    "getex": [["SET", "k", "v"], ["GETEX", "k"], ["TTL", "k"], ["GETEX", "k", "EX", "100"],
              S(["TTL", "k"], TTL), ["GETEX", "k", "PERSIST"], ["TTL", "k"], ["GETEX", "k", "PX", "100000"],
              S(["PTTL", "k"], PTTL), ["GETEX", "k", "EXAT", "4102444800"], ["EXPIRETIME", "k"],
              ["GETEX", "k", "PXAT", "4102444800999"], ["PEXPIRETIME", "k"], ["GETEX", "missing", "EX", "10"]],
    "getex_errors": [["SET", "k", "v"], ["GETEX", "k", "EX", "0"], ["GETEX", "k", "EX", "-1"],
                     ["GETEX", "k", "EX", "abc"], ["GETEX", "k", "EX"], ["GETEX", "k", "EX", "10", "PX", "10"],
                     ["GETEX", "k", "PERSIST", "EX", "10"], ["GETEX", "k", "FOO"], ["GETEX", "k", "KEEPTTL"],
                     ["GETEX", "k", "PX", "9223372036854775807"], ["GETEX"], ["TTL", "k"]],
    "getex_past_deletes": [["SET", "k", "v"], ["GETEX", "k", "EXAT", "1"], ["EXISTS", "k"],
                           ["SET", "k", "v"], ["GETEX", "k", "PXAT", "1"], ["GET", "k"]],
    # ---- APPEND / STRLEN ----
    "append_strlen": [["APPEND", "k", "he"], ["APPEND", "k", "llo"], ["GET", "k"], ["STRLEN", "k"],
                      ["APPEND", "k", ""], ["STRLEN", "missing"], ["APPEND", "e", ""], ["EXISTS", "e"],
                      ["SET", "n", "10"], ["APPEND", "n", "5"], ["INCR", "n"], ["APPEND", "k"],
                      ["STRLEN", "k", "x"]],
    "append_to_int_encoded": [["SET", "n", "123"], ["OBJECT", "ENCODING", "n"], ["APPEND", "n", "4"],
                              ["GET", "n"], ["STRLEN", "n"]],
    # ---- GETRANGE / SETRANGE ----
    "getrange": [["SET", "k", "Hello World"], ["GETRANGE", "k", "0", "4"], ["GETRANGE", "k", "-5", "-1"],
                 ["GETRANGE", "k", "-100", "100"], ["GETRANGE", "k", "5", "2"], ["GETRANGE", "k", "0", "-100"],
                 ["GETRANGE", "k", "20", "30"], ["GETRANGE", "k", "-1", "-5"], ["GETRANGE", "missing", "0", "10"],
                 ["GETRANGE", "k", "0", "9223372036854775807"], ["GETRANGE", "k", "a", "1"],
                 ["GETRANGE", "k", "0", "99999999999999999999"], ["GETRANGE", "k", "0"],
                 ["SET", "e", ""], ["GETRANGE", "e", "0", "-1"], ["GETRANGE", "e", "0", "0"],
                 ["SET", "n", "12345"], ["GETRANGE", "n", "1", "-2"]],
    "setrange": [["SETRANGE", "k", "0", "Hello"], ["SETRANGE", "k", "6", "World"], ["GET", "k"],
                 ["SETRANGE", "k", "1", "a"], ["GET", "k"], ["SETRANGE", "m", "3", "x"], ["GET", "m"],
                 ["SETRANGE", "e", "5", ""], ["EXISTS", "e"], ["SETRANGE", "k", "0", ""], ["GET", "k"],
                 ["SETRANGE", "k", "-1", "x"], ["SETRANGE", "k", "abc", "x"],
                 ["SETRANGE", "k", "536870912", "x"], ["SETRANGE", "k", "536870911", ""],
                 ["SETRANGE", "n", "0", BIN], ["GET", "n"], ["SET", "i", "1234"],
                 ["SETRANGE", "i", "2", "9"], ["GET", "i"], ["SETRANGE", "k", "1"]],
    "setrange_wrongtype": [["RPUSH", "l", "a"], ["SETRANGE", "l", "0", "x"], ["GETRANGE", "l", "0", "1"],
                           ["STRLEN", "l"], ["APPEND", "l", "x"], ["GETSET", "l", "x"], ["GETEX", "l"]],
    # ---- INCR / DECR family ----
    "incr_decr": [["INCR", "n"], ["INCR", "n"], ["DECR", "n"], ["DECR", "n"], ["DECR", "n"],
                  ["INCRBY", "n", "100"], ["DECRBY", "n", "30"], ["INCRBY", "n", "-5"], ["DECRBY", "n", "-5"],
                  ["GET", "n"], ["INCRBY", "m", "0"], ["GET", "m"]],
    "incr_not_integer": [["SET", "k", "abc"], ["INCR", "k"], ["SET", "k", " 1"], ["INCR", "k"],
                         ["SET", "k", "1 "], ["INCR", "k"], ["SET", "k", "1.0"], ["INCR", "k"],
                         ["SET", "k", "+1"], ["INCR", "k"], ["SET", "k", "01"], ["INCR", "k"],
                         ["SET", "k", "-0"], ["INCR", "k"], ["SET", "k", ""], ["INCR", "k"],
                         ["SET", "k", "9223372036854775808"], ["INCR", "k"], ["SET", "k", "-9"], ["INCR", "k"]],
    "incr_overflow": [["SET", "k", "9223372036854775807"], ["INCR", "k"], ["INCRBY", "k", "1"],
                      ["DECRBY", "k", "-1"], ["GET", "k"], ["SET", "m", "-9223372036854775808"], ["DECR", "m"],
                      ["INCRBY", "m", "-1"], ["DECRBY", "m", "1"], ["INCRBY", "m", "9223372036854775807"],
                      ["SET", "z", "0"], ["DECRBY", "z", "-9223372036854775808"],
                      ["INCRBY", "z", "-9223372036854775808"], ["GET", "z"]],
    "incrby_bad_increment": [["INCRBY", "k", "abc"], ["INCRBY", "k", "1.5"], ["INCRBY", "k", ""],
                             ["DECRBY", "k", "9223372036854775808"], ["INCRBY", "k", " 1"], ["EXISTS", "k"],
                             ["INCRBY", "k"], ["INCR", "k", "1"], ["DECR"], ["DECRBY", "k", "1", "2"]],
    "incr_wrongtype": [["RPUSH", "l", "a"], ["INCR", "l"], ["DECRBY", "l", "2"], ["INCRBYFLOAT", "l", "1"]],
    "incr_keeps_ttl": [["SET", "k", "5", "EX", "100"], ["INCR", "k"], S(["TTL", "k"], TTL), ["GET", "k"]],
    "incrbyfloat": [["INCRBYFLOAT", "f", "10.5"], ["INCRBYFLOAT", "f", "0.1"], ["INCRBYFLOAT", "f", "-5"],
                    ["INCRBYFLOAT", "f", "5.0e3"], ["INCRBYFLOAT", "f", "1e20"], ["GET", "f"],
                    ["SET", "g", "3"], ["INCRBYFLOAT", "g", "0"], ["INCRBYFLOAT", "g", "1.5"],
                    ["INCRBYFLOAT", "g", "-1.5"], ["SET", "h", "0.1"], ["INCRBYFLOAT", "h", "0.2"],
                    ["SET", "i", "1.5e2"], ["INCRBYFLOAT", "i", "1"], ["INCRBYFLOAT", "j", "-0"],
                    ["INCRBYFLOAT", "j", "0.0000001"], ["INCRBYFLOAT", "j", "1234567.8901234"]],
    "incrbyfloat_errors": [["INCRBYFLOAT", "f", "abc"], ["INCRBYFLOAT", "f", "inf"], ["INCRBYFLOAT", "f", "nan"],
                           ["INCRBYFLOAT", "f", ""], ["INCRBYFLOAT", "f", "1e400"], ["SET", "s", "abc"],
                           ["INCRBYFLOAT", "s", "1"], ["SET", "m", "1.7e308"], ["INCRBYFLOAT", "m", "1.7e308"],
                           ["INCRBYFLOAT", "f", "1 "], ["INCRBYFLOAT", "f", " 1"], ["INCRBYFLOAT", "f", "0x10"],
                           ["INCRBYFLOAT", "f"], ["EXISTS", "f"], ["GET", "m"]],
    # ---- LCS ----
    "lcs_basic": [["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b"], ["LCS", "a", "b", "LEN"],
                  ["LCS", "a", "missing"], ["LCS", "x", "y"], ["LCS", "a", "a"], ["LCS", "a", "b", "len"]],
    "lcs_idx": [["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b", "IDX"],
                ["LCS", "a", "b", "IDX", "MINMATCHLEN", "4"], ["LCS", "a", "b", "IDX", "WITHMATCHLEN"],
                ["LCS", "a", "b", "IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"], ["LCS", "a", "b", "IDX", "LEN"],
                ["LCS", "a", "b", "MINMATCHLEN", "abc"], ["LCS", "a", "b", "FOO"],
                ["LCS", "a", "b", "IDX", "MINMATCHLEN", "-1"], ["LCS", "a", "b", "MINMATCHLEN"]],
    "lcs_wrongtype": [["RPUSH", "l", "a"], ["SET", "s", "abc"], ["LCS", "s", "l"], ["LCS", "s"]],
    # ---- RESP3 ----
    "resp3_strings": [HELLO3, ["GET", "missing"], ["SET", "k", "v"], ["GET", "k"], ["MGET", "k", "missing"],
                      ["SET", "k", "w", "GET"], ["SET", "k", "x", "NX"], ["GETDEL", "missing"],
                      ["INCRBYFLOAT", "f", "1.5"], ["INCR", "n"], ["GETEX", "missing"], ["SET", "k", "1", "XX"]],
    "resp3_lcs_idx": [HELLO3, ["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b", "IDX"],
                      ["LCS", "a", "b", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "3"], ["LCS", "a", "b", "LEN"]],
    "resp3_errors": [HELLO3, ["INCR"], ["SET", "k", "v", "NX", "XX"], ["INCR", "k"], ["SET", "k", "abc"],
                     ["INCR", "k"], ["INCRBYFLOAT", "k", "1"], ["SETRANGE", "k", "-1", "x"]],
    "resp3_wrongtype": [HELLO3, ["RPUSH", "l", "a"], ["GET", "l"], ["MGET", "l", "x"]],
    # ---- pipelining: replies in order, in one read ----
    "pipeline_mixed": [S(raw=b"".join([
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n", b"*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n",
        b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", b"*1\r\n$3\r\nGET\r\n", b"*2\r\n$6\r\nAPPEND\r\n$1\r\nk\r\n",
        b"*3\r\n$6\r\nAPPEND\r\n$1\r\nk\r\n$1\r\nx\r\n", b"*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n"]), replies=7)],
    # ---- many commands in one write; many arguments in one command ----
    "pipeline_500_incr": [S(raw=encode_command(["INCR", "n"]) * 500 + encode_command(["GET", "n"])
                            + encode_command(["INCRBY", "n", "x"]), replies=502)],
    "mset_mget_1000_keys": [["MSET", *[x for i in range(1000) for x in (f"k{i}", f"v{i}" * (i % 7))]],
                            ["MGET", *[f"k{i}" for i in range(0, 1001, 3)]], ["DBSIZE"], ["STRLEN", "k999"],
                            ["DEL", *[f"k{i}" for i in range(0, 1000, 2)]], ["DBSIZE"]],
}

# Wrong number of arguments for each command of the family (error text names the command).
ARITY = [
    ["GET"], ["GET", "a", "b"], ["SET"], ["SET", "k"], ["SETNX", "k"], ["SETEX", "k", "1"], ["PSETEX", "k"],
    ["MGET"], ["MSET"], ["MSET", "k"], ["MSETNX"], ["GETSET", "k"], ["GETDEL"], ["GETEX"], ["APPEND", "k"],
    ["STRLEN"], ["GETRANGE", "k", "0"], ["SETRANGE", "k", "0"], ["INCR"], ["DECR", "a", "b"],
    ["INCRBY", "k"], ["DECRBY", "k"], ["INCRBYFLOAT", "k"], ["LCS", "a"],
]
CASES["arity_errors"] = [list(a) for a in ARITY]
CASES["arity_errors_lowercase"] = [[a[0].lower(), *a[1:]] for a in ARITY]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_strings(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
