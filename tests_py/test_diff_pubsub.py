"""Differential tests of Pub/Sub against a real redis-server: subscribe/unsubscribe replies (RESP2
and RESP3), patterns, counts, PUBSUB subcommands, RESP2 subscribed-mode errors, PING while
subscribed, RESET, delivery (channel, pattern, shard) with ordering, and metadata.

Single-connection cases run as steps (a command that replies one push per channel reads that
many replies). Cases with a publisher and subscribers run the same scenario on each server and
compare the transcripts (every byte each connection received)."""

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    RespConn,
    S,
    command_info,
    diff,
    docs_fields,
    encode_command,
    masked_map,
    server_pair,
    unordered,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
HELLO2 = S(["HELLO", "2"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))


def M(*argv, n=None):
    """A command answered by ``n`` replies (default: one per argument after the name)."""
    return S(raw=encode_command(argv), replies=n if n is not None else max(1, len(argv) - 1))


SUB_ERR = ["GET", "x"]

CASES = {
    "subscribe_counts": [M("SUBSCRIBE", "a", "b", "a"), M("PSUBSCRIBE", "p*", "q?", "p*"),
                         M("SSUBSCRIBE", "s1", "s2", "s1"), M("UNSUBSCRIBE", "b", "nope"),
                         M("PUNSUBSCRIBE", "q?", "zz"), M("SUNSUBSCRIBE", "s2", "s9"),
                         M("UNSUBSCRIBE", "a"), M("PUNSUBSCRIBE", "p*"), M("SUNSUBSCRIBE", "s1"),
                         ["GET", "x"]],
    "unsubscribe_nothing": [M("UNSUBSCRIBE", n=1), M("PUNSUBSCRIBE", n=1), M("SUNSUBSCRIBE", n=1),
                            M("UNSUBSCRIBE", "a", "b"), M("PUNSUBSCRIBE", "x"), ["GET", "x"]],
    "unsubscribe_all_one": [M("SUBSCRIBE", "only"), M("UNSUBSCRIBE", n=1), M("PSUBSCRIBE", "p1"),
                            M("PUNSUBSCRIBE", n=1), M("SSUBSCRIBE", "s"), M("SUNSUBSCRIBE", n=1),
                            ["PING"]],
    # Patterns are kept in subscription order: PUNSUBSCRIBE without arguments follows it.
    "punsubscribe_all_order": [M("PSUBSCRIBE", "c*", "a*", "b*"), M("PUNSUBSCRIBE", n=3),
                               ["PING"]],
    "arity": [["SUBSCRIBE"], ["PSUBSCRIBE"], ["SSUBSCRIBE"], ["PUBLISH", "a"], ["SPUBLISH", "a"],
              ["PUBLISH", "a", "b", "c"], ["PUBSUB"], ["PUBSUB", "NUMPAT", "x"],
              ["PUBSUB", "HELP", "x"], ["PUBSUB", "foo"], ["PUBSUB", "CHANNELS", "a", "b"],
              ["PUBSUB", "SHARDCHANNELS", "a", "b"]],
    "subscribed_mode_resp2": [M("SUBSCRIBE", "a"), SUB_ERR, ["SET", "k", "v"],
                              ["CLIENT", "ID"], ["HELLO", "3"], ["PUBLISH", "a", "x"],
                              ["PUBSUB", "NUMSUB", "a"], ["CONFIG", "GET", "timeout"],
                              ["PING"], ["PING", "hi"], ["PING", "a", "b"], ["NOPE"],
                              ["GET"], M("PSUBSCRIBE", "x*"), M("UNSUBSCRIBE", "a"), SUB_ERR,
                              M("PUNSUBSCRIBE", "x*"), ["GET", "x"], ["PING"]],
    "subscribed_mode_shard_only": [M("SSUBSCRIBE", "s"), SUB_ERR, ["PING"],
                                   M("SUNSUBSCRIBE", n=1), ["GET", "x"]],
    "subscribed_resp3": [HELLO3, M("SUBSCRIBE", "a", "b"), ["SET", "k", "v"], ["GET", "k"],
                         ["PING"], ["PING", "m"], M("PSUBSCRIBE", "x*"), M("SSUBSCRIBE", "s"),
                         M("UNSUBSCRIBE", "a"), M("UNSUBSCRIBE", "b"), M("PUNSUBSCRIBE", n=1),
                         M("SUNSUBSCRIBE", n=1), M("UNSUBSCRIBE", n=1)],
    # A RESP3 client subscribed to its own channel gets the message before PUBLISH's reply.
    "publish_to_self_resp3": [HELLO3, M("SUBSCRIBE", "me"), M("PSUBSCRIBE", "m*"),
                              M("PUBLISH", "me", "hello", n=3), M("PUBLISH", "other", "x"),
                              M("SSUBSCRIBE", "sh"), M("SPUBLISH", "sh", "y", n=2),
                              M("PUBLISH", "sh", "z")],
    "resp2_to_resp3_while_subscribed": [M("SUBSCRIBE", "a"), ["HELLO", "3"], M("UNSUBSCRIBE", n=1),
                                        HELLO3, M("SUBSCRIBE", "a"), HELLO2, ["GET", "x"],
                                        ["PING"], M("UNSUBSCRIBE", n=1), ["PING"]],
    "reset_unsubscribes": [M("SUBSCRIBE", "a", "b"), M("PSUBSCRIBE", "p*"), ["RESET"],
                           ["GET", "x"], ["PUBSUB", "NUMSUB", "a", "b"], ["PUBSUB", "NUMPAT"],
                           M("UNSUBSCRIBE", n=1)],
    "quit_while_subscribed": [M("SUBSCRIBE", "a"), ["QUIT"]],
    "pubsub_introspection": [["PUBSUB", "CHANNELS"], ["PUBSUB", "NUMSUB"], ["PUBSUB", "NUMPAT"],
                             ["PUBSUB", "SHARDCHANNELS"], ["PUBSUB", "SHARDNUMSUB"],
                             ["PUBSUB", "NUMSUB", "a", "b", "a"], ["PUBSUB", "SHARDNUMSUB", "x"],
                             ["PUBSUB", "CHANNELS", "*"], ["PUBSUB", "help"],
                             ["pubsub", "numpat"], ["PUBLISH", "nobody", "x"],
                             ["SPUBLISH", "nobody", "x"]],
    "binary_names": [M("SUBSCRIBE", "a\x00b", "\r\n", ""), M("PSUBSCRIBE", "", "\x00*"),
                     ["PING", ""], M("UNSUBSCRIBE", "a\x00b", "\r\n", ""),
                     M("PUNSUBSCRIBE", "", "\x00*")],
}

COMMANDS = ["subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish", "spublish",
            "ssubscribe", "sunsubscribe", "pubsub", "pubsub|channels", "pubsub|numsub",
            "pubsub|numpat", "pubsub|shardchannels", "pubsub|shardnumsub", "pubsub|help"]
CASES["command_info"] = [S(["COMMAND", "INFO", c], cmp=command_info) for c in COMMANDS]
# The container's subcommand map is in Redis's hash order: its own fields are compared here, each
# subcommand's docs exactly by its full name.
CASES["command_docs"] = [
    S(["COMMAND", "DOCS", c], cmp=docs_fields("summary", "since", "group", "complexity"))
    if c == "pubsub" else ["COMMAND", "DOCS", c] for c in COMMANDS]
CASES["command_getkeys"] = [["COMMAND", "GETKEYSANDFLAGS", "SPUBLISH", "ch", "m"],
                            ["COMMAND", "GETKEYSANDFLAGS", "SSUBSCRIBE", "a", "b"],
                            ["COMMAND", "GETKEYSANDFLAGS", "SUNSUBSCRIBE", "a"],
                            ["COMMAND", "GETKEYS", "PUBLISH", "a", "b"],
                            ["COMMAND", "GETKEYS", "SUNSUBSCRIBE"]]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_pubsub(diff, steps, request):
    diff.run(steps, request.node.callspec.id)


# --------------------------------------------------------------------------------------------
# Scenarios with several connections: the same script on each server, transcripts compared.
# --------------------------------------------------------------------------------------------


def _read(conn: RespConn, n: int) -> list:
    return [conn.read_reply().raw for _ in range(n)]


def _transcripts(server_pair, scenario):
    out = []
    for srv in server_pair.both():
        conns = []

        def connect():
            c = srv.connect()
            conns.append(c)
            return c

        try:
            out.append(scenario(connect))
        finally:
            for c in conns:
                c.close()
    return out


def _same(server_pair, diff, scenario):
    redis_t, fincache_t = _transcripts(server_pair, scenario)
    assert fincache_t == redis_t


def test_delivery_channels_patterns_shards(server_pair, diff):
    def scenario(connect):
        pub, s1, s2, s3 = connect(), connect(), connect(), connect()
        s1.send(encode_command(["SUBSCRIBE", "news", "sport"]))
        t = _read(s1, 2)
        s2.send(encode_command(["PSUBSCRIBE", "n*"]))
        t += _read(s2, 1)
        s3.send(encode_command(["HELLO", "3"]))
        s3.read_reply()
        s3.send(encode_command(["SUBSCRIBE", "news"]))
        t += _read(s3, 1)
        s3.send(encode_command(["SSUBSCRIBE", "shard"]))
        t += _read(s3, 1)
        t.append(pub.call("PUBSUB", "NUMSUB", "news", "sport", "none").raw)
        t.append(pub.call("PUBSUB", "NUMPAT").raw)
        t.append(pub.call("PUBSUB", "SHARDNUMSUB", "shard").raw)
        t.append(pub.call("PUBLISH", "news", "n1").raw)  # s1, s2 (pattern), s3
        t.append(pub.call("PUBLISH", "sport", "s1").raw)  # s1 only
        t.append(pub.call("PUBLISH", "nothing", "x").raw)  # s2 (pattern)
        t.append(pub.call("SPUBLISH", "shard", "sh").raw)  # s3
        t.append(pub.call("PUBLISH", "shard", "not-shard").raw)  # nobody
        t += _read(s1, 2) + _read(s2, 2) + _read(s3, 2)
        t.append(pub.call("INFO", "stats").value.split(b"pubsub_channels")[1].split(b"latest")[0])
        return t

    _same(server_pair, diff, scenario)


def test_delivery_order_per_publisher(server_pair, diff):
    def scenario(connect):
        pub, sub = connect(), connect()
        sub.send(encode_command(["SUBSCRIBE", "c"]))
        t = _read(sub, 1)
        payload = b"".join(encode_command(["PUBLISH", "c", f"m{i}"]) for i in range(500))
        pub.send(payload)
        t += _read(pub, 500)
        t += _read(sub, 500)
        return t

    _same(server_pair, diff, scenario)


def test_pattern_glob_rules(server_pair, diff):
    patterns = ["h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h\\*llo", "*", "[", "\\"]
    channels = ["hello", "hallo", "hxllo", "hllo", "heeeello", "hbllo", "h*llo", "[", "\\", ""]

    def scenario(connect):
        pub, sub = connect(), connect()
        sub.send(encode_command(["PSUBSCRIBE", *patterns]))
        t = _read(sub, len(patterns))
        total = 0
        for ch in channels:
            r = pub.call("PUBLISH", ch, "m")
            t.append(r.raw)
            total += r.value
        msgs = sorted(_read(sub, total))  # pattern order per message is Redis's hash order
        return t + msgs

    _same(server_pair, diff, scenario)


def test_disconnect_unsubscribes(server_pair, diff):
    def scenario(connect):
        pub, sub = connect(), connect()
        sub.send(encode_command(["SUBSCRIBE", "gone"]))
        t = _read(sub, 1)
        sub.send(encode_command(["PSUBSCRIBE", "gone*"]))
        t += _read(sub, 1)
        sub.close()
        import time

        for _ in range(50):
            if pub.call("PUBSUB", "NUMSUB", "gone").value[1].value == 0:
                break
            time.sleep(0.02)
        t.append(pub.call("PUBSUB", "NUMSUB", "gone").raw)
        t.append(pub.call("PUBSUB", "NUMPAT").raw)
        t.append(pub.call("PUBLISH", "gone", "x").raw)
        return t

    _same(server_pair, diff, scenario)


def test_client_list_fields(server_pair, diff):
    def scenario(connect):
        admin, sub = connect(), connect()
        sub.send(encode_command(["SUBSCRIBE", "a", "b"]))
        _read(sub, 2)
        sub.send(encode_command(["PSUBSCRIBE", "p*"]))
        _read(sub, 1)
        sub.send(encode_command(["SSUBSCRIBE", "s"]))
        _read(sub, 1)
        lines = admin.call("CLIENT", "LIST", "TYPE", "pubsub").value.decode().strip().split("\n")
        fields = [dict(kv.split("=", 1) for kv in line.split(" ")) for line in lines if line]
        me = admin.call("CLIENT", "INFO").value.decode().strip()
        mine = dict(kv.split("=", 1) for kv in me.split(" "))
        return ([(f["flags"], f["sub"], f["psub"], f["ssub"]) for f in fields],
                (mine["flags"], mine["sub"], mine["psub"], mine["ssub"]))

    _same(server_pair, diff, scenario)


def test_pubsub_channels_listing(diff):
    diff.run([M("SUBSCRIBE", "news.a", "news.b", "other"), M("SSUBSCRIBE", "sa", "sb")])
    with diff.pair.redis.connect() as r, diff.pair.fincache.connect() as f:
        steps = [["PUBSUB", "CHANNELS"], ["PUBSUB", "CHANNELS", "news.*"],
                 ["PUBSUB", "CHANNELS", "x*"], ["PUBSUB", "SHARDCHANNELS"],
                 ["PUBSUB", "SHARDCHANNELS", "s?"], ["PUBSUB", "NUMSUB", "news.a", "other"]]
        for argv in steps:
            a, b = r.call(*argv), f.call(*argv)
            assert unordered(a, b) is None, (argv, a.raw, b.raw)


def test_config_client_output_buffer_limit(diff):
    steps = [["CONFIG", "GET", "client-output-buffer-limit"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60"],
             ["CONFIG", "GET", "client-output-buffer-limit"],
             ["CONFIG", "SET", "client-output-buffer-limit", "PUBSUB 1MB 2Mb 3"],
             ["CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 3 replica 3k 4kb 5"],
             ["CONFIG", "GET", "client-output-buffer-limit"],
             ["CONFIG", "SET", "client-output-buffer-limit", ""],
             ["CONFIG", "GET", "client-output-buffer-limit"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1k"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2 3 pubsub 4 5"],
             ["CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"],
             ["CONFIG", "SET", "client-output-buffer-limit", "master 1 2 3"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub x 2 3"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2 -3"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub -1 2 3"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1.5 2 3"],
             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2 99999999999999999999"],
             ["CONFIG", "GET", "client-output-buffer-limit"],
             ["CONFIG", "SET", "client-output-buffer-limit",
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"],
             ["CONFIG", "GET", "client-output-buffer-limit"]]
    diff.run(steps)
