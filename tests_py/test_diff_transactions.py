"""Differential tests of MULTI EXEC DISCARD WATCH UNWATCH against a real redis-server: queueing,
EXECABORT, runtime errors inside EXEC, WATCH invalidated by writes from a second connection,
expiry, FLUSHALL/FLUSHDB, SWAPDB, MOVE, scripts, RESP3, CLIENT INFO flags, stats and metadata.
Atomicity under concurrency and redis-py's Pipeline/Lock are in test_transactions.py."""

import time

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    Probe,
    RespConn,
    S,
    diff,
    encode_command,
    masked_map,
    server_pair,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))


def other(*argv, db=None):
    """A step run by a second client of the same server (its reply is compared too)."""

    def fn(conn):
        port = conn.sock.getpeername()[1]
        with RespConn(port) as c2:
            if db is not None:
                c2.call("SELECT", str(db))
            return c2.call(*argv).raw

    return Probe("other client: " + " ".join(argv) + (f" (db {db})" if db is not None else ""), fn)


def blocked_client(*argv):
    """Two steps: a second client sends a blocking command (not waiting for its reply), then
    later its reply is read. State is kept per server (steps run on Redis, then on FinCache)."""
    conns = {}

    def start(conn):
        port = conn.sock.getpeername()[1]
        c2 = RespConn(port)
        c2.send(encode_command(list(argv)))
        conns[port] = c2
        time.sleep(0.1)  # parked before the next step
        return "sent"

    def finish(conn):
        c2 = conns.pop(conn.sock.getpeername()[1])
        try:
            return c2.read_reply().raw
        finally:
            c2.close()

    label = " ".join(argv)
    return Probe(f"blocked client sends {label}", start), Probe(f"reply of {label}", finish)


def sleep(seconds):
    return Probe(f"sleep {seconds}", lambda c: time.sleep(seconds))


def client_fields(*names):
    """CLIENT INFO of this client reduced to the named fields."""

    def fn(conn):
        line = conn.call("CLIENT", "INFO").text().decode()
        fields = dict(tok.partition("=")[::2] for tok in line.split())
        return {n: fields.get(n) for n in names}

    return Probe("client info " + ",".join(names), fn)


CMDSTATS = ("multi", "exec", "discard", "watch", "unwatch", "set", "get", "incr", "lpush")


def stats_probe(conn):
    """commandstats of the transaction commands (without timings), errorstats, error total."""
    out = {}
    for line in conn.call("INFO", "commandstats").text().decode().split("\r\n"):
        name, _, rest = line.partition(":")
        if name.startswith("cmdstat_") and name[8:] in CMDSTATS:
            out[name] = {k: v for k, v in (f.split("=") for f in rest.split(","))
                         if k in ("calls", "rejected_calls", "failed_calls")}
    errs = conn.call("INFO", "errorstats").text().decode().split("\r\n")
    out["errorstats"] = sorted(line for line in errs if line.startswith("errorstat_"))
    for line in conn.call("INFO", "stats").text().decode().split("\r\n"):
        if line.startswith("total_error_replies:"):
            out["total_error_replies"] = line
    return out


STATS = Probe("commandstats/errorstats", stats_probe)

BLPOP_START, BLPOP_REPLY = blocked_client("BLPOP", "l", "5")

CASES = {
    # ---- queueing and EXEC ----
    "basic": [["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["GET", "a"], ["EXEC"], ["GET", "a"]],
    "empty": [["MULTI"], ["EXEC"], ["MULTI"], ["DISCARD"]],
    "without_multi": [["EXEC"], ["DISCARD"], ["exec"], ["MULTI"], ["EXEC"], ["EXEC"]],
    "arity_errors": [["MULTI", "x"], ["EXEC", "x"], ["DISCARD", "x"], ["WATCH"], ["UNWATCH", "x"]],
    "nested_multi": [["MULTI"], ["MULTI"], ["SET", "a", "1"], ["EXEC"], ["GET", "a"]],
    "watch_inside_multi": [["MULTI"], ["WATCH", "x"], ["SET", "a", "1"], ["EXEC"], ["GET", "a"]],
    "execabort_arity": [["MULTI"], ["SET", "a"], ["SET", "b", "1"], ["EXEC"], ["EXISTS", "a", "b"],
                        ["EXEC"]],
    "execabort_unknown": [["MULTI"], ["SET", "b", "1"], ["NOSUCHCMD", "x", "y"], ["GET", "b"],
                          ["EXEC"], ["EXISTS", "b"]],
    "execabort_subcommand": [["MULTI"], ["CLIENT", "NOSUCH"], ["CONFIG"], ["SET", "b", "1"],
                             ["EXEC"], ["EXISTS", "b"]],
    # SAVE is flagged no-multi: rejected while queuing, and the transaction is discarded.
    "no_multi_command": [["MULTI"], ["SAVE"], ["SET", "a", "1"], ["EXEC"], ["EXISTS", "a"]],
    "runtime_errors_do_not_abort": [["MULTI"], ["SET", "a", "x"], ["INCR", "a"], ["LPUSH", "a", "1"],
                                    ["SET", "b", "2"], ["HSET", "b", "f"], ["INCRBY", "b", "3"],
                                    ["EXEC"], ["MGET", "a", "b"]],
    "discard": [["SET", "a", "0"], ["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["DISCARD"],
                ["GET", "a"], ["EXEC"]],
    "discard_after_error": [["MULTI"], ["SET", "a"], ["DISCARD"], ["MULTI"], ["SET", "a", "1"],
                            ["EXEC"]],
    "reply_types": [["RPUSH", "l", "a", "b"], ["HSET", "h", "f", "v"], ["ZADD", "z", "1.5", "m"],
                    ["MULTI"], ["LRANGE", "l", "0", "-1"], ["HGETALL", "h"], ["ZSCORE", "z", "m"],
                    ["GET", "nokey"], ["SMEMBERS", "noset"], ["PING"], ["ECHO", "x"],
                    ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["EXEC"]],
    "select_inside": [["MULTI"], ["SELECT", "1"], ["SET", "a", "db1"], ["EXEC"], ["GET", "a"],
                      ["SELECT", "0"], ["EXISTS", "a"]],
    "blocking_inside": [["MULTI"], ["BLPOP", "nope", "0"], ["BRPOP", "nope", "1"],
                        ["BZPOPMIN", "nope", "0"], ["BLMOVE", "nope", "d", "LEFT", "LEFT", "0"],
                        ["RPUSH", "l", "a"], ["BLPOP", "l", "0"], ["BLMPOP", "0", "1", "l", "LEFT"],
                        ["EXEC"]],
    # Clients blocked on keys the transaction writes are served after EXEC, as Redis.
    "blocked_served_after_exec": [BLPOP_START, ["MULTI"], ["RPUSH", "l", "a", "b"], ["LLEN", "l"],
                                  ["LRANGE", "l", "0", "-1"], ["EXEC"], BLPOP_REPLY,
                                  ["LRANGE", "l", "0", "-1"]],
    "many_queued": [["MULTI"], *[["INCR", "n"] for _ in range(50)], ["EXEC"], ["GET", "n"]],
    "quit_not_queued": [["MULTI"], ["SET", "a", "1"], ["QUIT"]],
    "reset_discards": [["MULTI"], ["SET", "a", "1"], ["RESET"], ["EXEC"], ["EXISTS", "a"]],
    "scripts_cannot": [["EVAL", "return redis.call('multi')", "0"],
                       ["EVAL", "return redis.call('exec')", "0"],
                       ["EVAL", "return redis.call('watch', 'k')", "0"],
                       ["EVAL", "return redis.call('unwatch')", "0"],
                       ["EVAL", "return redis.call('discard')", "0"]],
    "eval_inside": [["MULTI"], ["EVAL", "return redis.call('incr', KEYS[1])", "1", "k"],
                    ["EVAL", "return redis.call('nosuch')", "0"], ["GET", "k"], ["EXEC"]],
    "pipelined": [S(raw=b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
                        b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nEXEC\r\n", replies=4)],
    # ---- WATCH ----
    "watch_untouched": [["SET", "k", "1"], ["WATCH", "k"], ["MULTI"], ["INCR", "k"], ["EXEC"],
                        ["GET", "k"]],
    "watch_other_client_write": [["SET", "k", "1"], ["WATCH", "k"], other("SET", "k", "2"),
                                 ["MULTI"], ["SET", "k", "3"], ["EXEC"], ["GET", "k"]],
    "watch_missing_key_created": [["WATCH", "k"], other("SET", "k", "x"), ["MULTI"], ["PING"],
                                  ["EXEC"]],
    "watch_own_write": [["WATCH", "k"], ["SET", "k", "1"], ["MULTI"], ["PING"], ["EXEC"]],
    "watch_one_of_many": [["WATCH", "a", "b", "c"], other("LPUSH", "b", "x"), ["MULTI"], ["PING"],
                          ["EXEC"]],
    "watch_twice": [["WATCH", "a"], ["WATCH", "a", "b"], other("SET", "a", "1"), ["MULTI"],
                    ["PING"], ["EXEC"]],
    "watch_cleared_by_exec": [["WATCH", "k"], ["MULTI"], ["PING"], ["EXEC"], other("SET", "k", "1"),
                              ["MULTI"], ["PING"], ["EXEC"]],
    "watch_cleared_by_failed_exec": [["WATCH", "k"], other("SET", "k", "1"), ["MULTI"], ["PING"],
                                     ["EXEC"], ["MULTI"], ["PING"], ["EXEC"]],
    "unwatch": [["WATCH", "k"], other("SET", "k", "2"), ["UNWATCH"], ["MULTI"], ["PING"], ["EXEC"]],
    "discard_unwatches": [["WATCH", "k"], other("SET", "k", "2"), ["MULTI"], ["DISCARD"],
                          ["MULTI"], ["PING"], ["EXEC"]],
    "reset_unwatches": [["WATCH", "k"], other("SET", "k", "2"), ["RESET"], ["MULTI"], ["PING"],
                        ["EXEC"]],
    "unwatch_in_multi_is_queued": [["WATCH", "k"], ["MULTI"], ["UNWATCH"], other("SET", "k", "1"),
                                   ["EXEC"]],
    "watch_after_execabort": [["WATCH", "k"], ["MULTI"], ["SET", "k"], ["EXEC"],
                              other("SET", "k", "1"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_read_does_not_touch": [["SET", "k", "1"], ["WATCH", "k"], other("GET", "k"),
                                  other("EXISTS", "k"), other("TTL", "k"), ["MULTI"], ["GET", "k"],
                                  ["EXEC"]],
    "watch_del_missing": [["WATCH", "k"], other("DEL", "k"), other("UNLINK", "k"),
                          other("EXPIRE", "k", "10"), other("PERSIST", "k"), ["MULTI"], ["PING"],
                          ["EXEC"]],
    # Writes that change nothing on existing keys (Redis signals no modification).
    "watch_noop_writes": [["SET", "k", "1"], ["SADD", "s", "a"], ["HSET", "h", "f", "v"],
                          ["RPUSH", "l", "a"], ["ZADD", "z", "1", "m"], ["PFADD", "p", "a"],
                          ["SET", "e", "1", "EX", "100"], ["SET", "db1", "x"],
                          ["WATCH", "k", "s", "h", "l", "z", "p", "e", "db1"],
                          other("SET", "k", "2", "NX"), other("SETNX", "k", "3"),
                          other("MSETNX", "k", "1", "fresh", "2"), other("SADD", "s", "a"),
                          other("SREM", "s", "zz"), other("SMOVE", "s", "s2", "zz"),
                          other("HSETNX", "h", "f", "v2"), other("HDEL", "h", "zz"),
                          other("LREM", "l", "0", "zz"), other("ZREM", "z", "zz"),
                          other("PFADD", "p", "a"), other("EXPIRE", "e", "100", "NX"),
                          other("PEXPIRE", "e", "1", "XX", "GT"), other("PERSIST", "k"),
                          other("RENAMENX", "k", "e"), other("COPY", "k", "e"),
                          other("SET", "db1", "y", db=1), other("MOVE", "db1", "1"),
                          other("SET", "k", "2", "XX", "NX"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_real_writes_after_noops": [["SET", "k", "1"], ["SADD", "s", "a"], ["WATCH", "k"],
                                      other("SET", "k", "2", "XX"), ["MULTI"], ["PING"], ["EXEC"],
                                      ["WATCH", "s"], other("SADD", "s", "a", "b"), ["MULTI"],
                                      ["PING"], ["EXEC"], ["WATCH", "n"], other("SET", "n", "1", "NX"),
                                      ["MULTI"], ["PING"], ["EXEC"], ["WATCH", "g"],
                                      other("SET", "g", "1", "NX", "GET"), ["MULTI"], ["PING"],
                                      ["EXEC"], ["WATCH", "s"], other("SREM", "s", "a"), ["MULTI"],
                                      ["PING"], ["EXEC"]],
    "watch_del": [["SET", "k", "1"], ["WATCH", "k"], other("DEL", "k"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_failed_write": [["SET", "k", "x"], ["WATCH", "k"], other("INCR", "k"),
                           other("LPUSH", "k", "a"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_expire": [["SET", "k", "1"], ["WATCH", "k"], other("EXPIRE", "k", "100"), ["MULTI"],
                     ["PING"], ["EXEC"]],
    "watch_persist": [["SET", "k", "1", "EX", "100"], ["WATCH", "k"], other("PERSIST", "k"),
                      ["MULTI"], ["PING"], ["EXEC"]],
    "watch_rename_dst": [["SET", "src", "1"], ["WATCH", "dst"], other("RENAME", "src", "dst"),
                         ["MULTI"], ["PING"], ["EXEC"]],
    "watch_rename_src": [["SET", "src", "1"], ["WATCH", "src"], other("RENAME", "src", "dst"),
                         ["MULTI"], ["PING"], ["EXEC"]],
    "watch_collections": [["RPUSH", "l", "a"], ["WATCH", "l"], other("LPOP", "l"), ["MULTI"],
                          ["PING"], ["EXEC"], ["HSET", "h", "f", "1"], ["WATCH", "h"],
                          other("HINCRBY", "h", "f", "1"), ["MULTI"], ["PING"], ["EXEC"],
                          ["WATCH", "z"], other("ZADD", "z", "1", "m"), ["MULTI"], ["PING"],
                          ["EXEC"]],
    "watch_store_dst": [["SADD", "s1", "a"], ["WATCH", "d"], other("SUNIONSTORE", "d", "s1"),
                        ["MULTI"], ["PING"], ["EXEC"], ["WATCH", "e"], other("SINTERSTORE", "e", "nos"),
                        ["MULTI"], ["PING"], ["EXEC"]],
    "watch_script_write": [["SET", "k", "1"], ["WATCH", "k"],
                           other("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "k"),
                           ["MULTI"], ["PING"], ["EXEC"]],
    "watch_script_undeclared_key": [["WATCH", "k"],
                                    other("EVAL", "return redis.call('set', 'k', 'x')", "0"),
                                    ["MULTI"], ["PING"], ["EXEC"]],
    "watch_other_exec": [["WATCH", "k"], other("EVAL", "return 1", "0"), ["MULTI"], ["PING"],
                         ["EXEC"]],
    # ---- WATCH and databases ----
    "watch_remembers_db": [["SELECT", "1"], ["WATCH", "k"], ["SELECT", "0"], other("SET", "k", "x"),
                           ["MULTI"], ["PING"], ["EXEC"], ["SELECT", "1"], ["WATCH", "k"],
                           ["SELECT", "0"], other("SET", "k", "x", db=1), ["MULTI"], ["PING"],
                           ["EXEC"]],
    "watch_move": [["SELECT", "1"], ["WATCH", "k"], ["SELECT", "0"], ["SET", "k", "v"],
                   other("MOVE", "k", "1"), ["MULTI"], ["PING"], ["EXEC"], ["SET", "j", "v"],
                   ["WATCH", "j"], other("MOVE", "j", "1"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_copy_db": [["SET", "src", "v"], ["SELECT", "1"], ["WATCH", "dst"], ["SELECT", "0"],
                      other("COPY", "src", "dst", "DB", "1"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_flushall": [["SET", "k", "1"], ["WATCH", "k"], other("FLUSHALL"), ["MULTI"], ["PING"],
                       ["EXEC"]],
    "watch_flushall_missing_key": [["SET", "x", "1"], ["WATCH", "k"], other("FLUSHALL"), ["MULTI"],
                                   ["PING"], ["EXEC"]],
    "watch_flushdb": [["SET", "k", "1"], ["WATCH", "k"], other("FLUSHDB"), ["MULTI"], ["PING"],
                      ["EXEC"], ["SELECT", "1"], ["SET", "k", "1"], ["WATCH", "k"], other("FLUSHDB"),
                      ["MULTI"], ["PING"], ["EXEC"]],
    "watch_swapdb": [["SET", "k", "1"], ["WATCH", "k"], other("SWAPDB", "0", "1"), ["MULTI"],
                     ["PING"], ["EXEC"], ["SELECT", "1"], ["GET", "k"]],
    "watch_swapdb_incoming": [["SELECT", "1"], ["SET", "k", "1"], ["SELECT", "0"], ["WATCH", "k"],
                              other("SWAPDB", "0", "1"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_swapdb_missing": [["WATCH", "k"], other("SWAPDB", "0", "1"), ["MULTI"], ["PING"],
                             ["EXEC"]],
    # ---- WATCH and expiry (Redis 7.0: an expired watched key counts as modified) ----
    "watch_key_expires": [["SET", "k", "v", "PX", "50"], ["WATCH", "k"], sleep(0.12), ["MULTI"],
                          ["PING"], ["EXEC"]],
    "watch_key_expires_lazily_deleted": [["SET", "k", "v", "PX", "50"], ["WATCH", "k"], sleep(0.12),
                                         other("GET", "k"), ["MULTI"], ["PING"], ["EXEC"]],
    "watch_active_expiry": [["SET", "k", "v", "PX", "30"], ["WATCH", "k"], sleep(0.4),
                            ["MULTI"], ["PING"], ["EXEC"]],
    # ---- client state ----
    "client_info_flags": [client_fields("flags", "multi", "cmd"), ["WATCH", "k"],
                          client_fields("flags", "multi", "cmd"), other("SET", "k", "1"),
                          client_fields("flags", "multi", "cmd"), ["MULTI"], ["SET", "a", "1"],
                          ["GET", "a"], ["EXEC"], client_fields("flags", "multi", "cmd")],
    "client_info_in_multi": [["MULTI"], ["SET", "a", "1"], ["ECHO", "x"],
                             S(["EXEC"], cmp=lambda r, f: None if [x.kind for x in r.items()]
                               == [x.kind for x in f.items()] else "shapes differ"),
                             client_fields("flags", "multi", "cmd")],
    # ---- stats: queued commands are counted when EXEC runs them ----
    "stats": [["CONFIG", "RESETSTAT"], ["MULTI"], ["SET", "a", "1"], ["LPUSH", "a", "x"],
              ["INCR", "b"], ["EXEC"], STATS, ["CONFIG", "RESETSTAT"], ["MULTI"], ["SET", "a"],
              ["NOSUCH"], ["EXEC"], STATS, ["CONFIG", "RESETSTAT"], ["EXEC"], ["DISCARD"],
              ["MULTI"], ["MULTI"], ["WATCH", "k"], ["DISCARD"], STATS],
    # ---- RESP3 ----
    "resp3": [HELLO3, ["HSET", "h", "f", "v"], ["MULTI"], ["SET", "a", "1"], ["HGETALL", "h"],
              ["GET", "nokey"], ["INCR", "h"], ["SMEMBERS", "nos"], ["EXEC"], ["WATCH", "a"],
              other("SET", "a", "2"), ["MULTI"], ["GET", "a"], ["EXEC"], ["MULTI"], ["SET", "x"],
              ["EXEC"], ["MULTI"], ["EXEC"]],
    "resp3_watch_expired": [HELLO3, ["SET", "k", "v", "PX", "30"], ["WATCH", "k"], sleep(0.1),
                            ["MULTI"], ["PING"], ["EXEC"]],
    # ---- metadata ----
    "command_getkeys": [["COMMAND", "GETKEYS", "WATCH", "a", "b"],
                        ["COMMAND", "GETKEYSANDFLAGS", "WATCH", "a"],
                        ["COMMAND", "GETKEYS", "MULTI"], ["COMMAND", "GETKEYS", "EXEC"]],
}

# WATCH k, then a second client runs one command: whether EXEC runs tells whether Redis
# signalled k as modified. Redis signals a key exactly where it changes it (and notifies);
# commands that read k (the sources of *STORE, COPY, SORT) or write it without a change do not.
# PFCOUNT does, when it refreshes the cached cardinality.
WATCH_SIGNALS = {
    # no-ops on existing keys
    "zadd_same_score": ([["ZADD", "k", "1", "m"]], ["ZADD", "k", "1", "m"]),
    "zadd_ch_same": ([["ZADD", "k", "1", "m"]], ["ZADD", "k", "CH", "1", "m"]),
    "zadd_xx_new_member": ([["ZADD", "k", "1", "m"]], ["ZADD", "k", "XX", "1", "n"]),
    "zadd_gt_lower": ([["ZADD", "k", "5", "m"]], ["ZADD", "k", "GT", "1", "m"]),
    "zadd_nx_existing": ([["ZADD", "k", "1", "m"]], ["ZADD", "k", "NX", "2", "m"]),
    "zadd_incr_zero": ([["ZADD", "k", "1", "m"]], ["ZADD", "k", "INCR", "0", "m"]),
    "zincrby_zero": ([["ZADD", "k", "1", "m"]], ["ZINCRBY", "k", "0", "m"]),
    "zpopmin_count_zero": ([["ZADD", "k", "1", "m"]], ["ZPOPMIN", "k", "0"]),
    "geoadd_same": ([["GEOADD", "k", "13.361389", "38.115556", "p"]],
                    ["GEOADD", "k", "13.361389", "38.115556", "p"]),
    "geoadd_xx_new": ([["GEOADD", "k", "13.361389", "38.115556", "p"]],
                      ["GEOADD", "k", "XX", "13.3", "38.1", "q"]),
    "setrange_empty": ([["SET", "k", "abc"]], ["SETRANGE", "k", "1", ""]),
    "setbit_same": ([["SET", "k", "\x00"]], ["SETBIT", "k", "0", "0"]),
    "bitfield_get": ([["SET", "k", "a"]], ["BITFIELD", "k", "GET", "u8", "0"]),
    "bitfield_set_same": ([["SET", "k", "a"]], ["BITFIELD", "k", "SET", "u8", "0", "97"]),
    "bitfield_set_same_wrapped": ([["SET", "k", "a"]], ["BITFIELD", "k", "SET", "u8", "0", "353"]),
    "bitfield_incrby_zero": ([["SET", "k", "a"]], ["BITFIELD", "k", "INCRBY", "u8", "0", "0"]),
    "bitfield_failed_overflow": ([["SET", "k", "a"]],
                                 ["BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "999"]),
    "linsert_no_pivot": ([["RPUSH", "k", "a"]], ["LINSERT", "k", "BEFORE", "x", "y"]),
    "rpop_count_zero": ([["RPUSH", "k", "a"]], ["RPOP", "k", "0"]),
    "smove_same_set": ([["SADD", "k", "a"]], ["SMOVE", "k", "k", "a"]),
    "spop_count_zero": ([["SADD", "k", "a"]], ["SPOP", "k", "0"]),
    "getex_no_option": ([["SET", "k", "1"]], ["GETEX", "k"]),
    "getex_persist_no_ttl": ([["SET", "k", "1"]], ["GETEX", "k", "PERSIST"]),
    "set_nx_get_existing": ([["SET", "k", "1"]], ["SET", "k", "2", "NX", "GET"]),
    "rename_same_key": ([["SET", "k", "1"]], ["RENAME", "k", "k"]),
    # k only read
    "sunionstore_source": ([["SADD", "k", "a"]], ["SUNIONSTORE", "d", "k"]),
    "sinterstore_source": ([["SADD", "k", "a"]], ["SINTERSTORE", "d", "k"]),
    "zunionstore_source": ([["ZADD", "k", "1", "a"]], ["ZUNIONSTORE", "d", "1", "k"]),
    "zrangestore_source": ([["ZADD", "k", "1", "a"]], ["ZRANGESTORE", "d", "k", "0", "-1"]),
    "sort_store_source": ([["RPUSH", "k", "1"]], ["SORT", "k", "STORE", "d"]),
    "sort_no_store": ([["RPUSH", "k", "1"]], ["SORT", "k"]),
    "bitop_source": ([["SET", "k", "a"]], ["BITOP", "OR", "d", "k"]),
    "pfmerge_source": ([["PFADD", "k", "a"]], ["PFMERGE", "d", "k"]),
    "copy_source": ([["SET", "k", "1"]], ["COPY", "k", "d"]),
    "geosearchstore_source": ([["GEOADD", "k", "13.36", "38.11", "p"]],
                              ["GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "13.36", "38.11",
                               "BYRADIUS", "10", "km"]),
    "lmpop_other_key": ([["RPUSH", "k", "a"], ["RPUSH", "j", "b"]], ["LMPOP", "2", "j", "k", "LEFT"]),
    "zmpop_other_key": ([["ZADD", "k", "1", "a"], ["ZADD", "j", "1", "b"]],
                        ["ZMPOP", "2", "j", "k", "MIN"]),
    "blpop_other_key": ([["RPUSH", "k", "a"], ["RPUSH", "j", "b"]], ["BLPOP", "j", "k", "1"]),
    "smove_into_holding_member": ([["SADD", "j", "a"], ["SADD", "k", "a"]], ["SMOVE", "j", "k", "a"]),
    "lmove_from_missing": ([["RPUSH", "k", "b"]], ["LMOVE", "j", "k", "LEFT", "LEFT"]),
    # real changes
    "pfcount_refreshes_cache": ([["PFADD", "k", "a"]], ["PFCOUNT", "k"]),
    "bitfield_set_other": ([["SET", "k", "a"]], ["BITFIELD", "k", "SET", "u8", "0", "98"]),
    "bitfield_grows": ([["SET", "k", "a"]], ["BITFIELD", "k", "INCRBY", "u8", "8", "0"]),
    "setbit_grows": ([["SET", "k", "a"]], ["SETBIT", "k", "100", "0"]),
    "smove_into": ([["SADD", "j", "a"], ["SADD", "k", "b"]], ["SMOVE", "j", "k", "a"]),
    "lmove_into": ([["RPUSH", "j", "a"], ["RPUSH", "k", "b"]], ["LMOVE", "j", "k", "LEFT", "LEFT"]),
    "copy_replace_into": ([["SET", "j", "1"], ["SET", "k", "1"]], ["COPY", "j", "k", "REPLACE"]),
    "zadd_new_member": ([["ZADD", "k", "1", "m"]], ["ZADD", "k", "1", "n"]),
    "set_same_value": ([["SET", "k", "1"]], ["SET", "k", "1"]),
    "del_among_missing": ([["SET", "k", "1"]], ["DEL", "x", "k"]),
    "eval_write": ([["SET", "k", "1"]], ["EVAL", "return redis.call('INCR', KEYS[1])", "1", "k"]),
}
for _name, (_setup, _op) in WATCH_SIGNALS.items():
    for _notify in ("", "KEA"):
        CASES[f"watch_signal_{_name}" + ("_notifying" if _notify else "")] = [
            ["CONFIG", "SET", "notify-keyspace-events", _notify], *_setup, ["WATCH", "k"],
            other(*_op), ["MULTI"], ["PING"], ["EXEC"]]

COMMANDS = ["multi", "exec", "discard", "watch", "unwatch"]
CASES["command_info"] = [["COMMAND", "INFO", c] for c in COMMANDS]
CASES["command_docs"] = [["COMMAND", "DOCS", c] for c in COMMANDS]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_transactions(diff, steps, request):
    diff.run(steps, request.node.callspec.id)
