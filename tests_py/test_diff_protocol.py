"""Differential tests of the wire protocol: malformed RESP, inline commands and request limits.

Each case sends raw bytes on a fresh connection to both servers and compares everything the
server sends back until it closes the connection or stays quiet, and whether it closed.
"""

import re

import pytest

from diffutil import AUTH_PASSWORD, auth_server_pair, both_raw, server_pair  # noqa: F401

pytestmark = pytest.mark.differential

BIG = 70_000  # over Redis's 64 KiB inline / count-line limit

CASES = {
    # ---- malformed multibulk ----
    "mbulk_len_not_number": b"*abc\r\n",
    "mbulk_len_too_big": b"*2147483648\r\n",
    "mbulk_len_huge": b"*99999999999999999999\r\n",
    "mbulk_len_negative_ignored": b"*-5\r\nPING\r\n",
    "mbulk_zero_ignored": b"*0\r\n*1\r\n$4\r\nPING\r\n",
    "mbulk_minus_one_ignored": b"*-1\r\nPING\r\n",
    "mbulk_len_plus_sign": b"*+1\r\n$4\r\nPING\r\n",
    "mbulk_len_empty": b"*\r\n",
    "mbulk_count_line_too_long": b"*" + b"1" * BIG,
    "bulk_len_negative": b"*1\r\n$-5\r\n",
    "bulk_len_minus_one": b"*1\r\n$-1\r\n",
    "bulk_len_not_number": b"*1\r\n$abc\r\n",
    "bulk_len_empty": b"*1\r\n$\r\n",
    "bulk_len_over_proto_max": b"*1\r\n$536870913\r\n",
    "bulk_len_line_too_long": b"*1\r\n$" + b"1" * BIG,
    "expected_dollar": b"*2\r\n$4\r\nECHO\r\nx\r\n",
    "expected_dollar_got_star": b"*1\r\n*1\r\n",
    "bulk_crlf_not_checked": b"*1\r\n$4\r\nPINGXX*1\r\n$4\r\nPING\r\n",
    "empty_command_name": b"*1\r\n$0\r\n\r\n",
    "error_after_good_command": b"*1\r\n$4\r\nPING\r\n*abc\r\n",
    "error_discards_rest": b"*x\r\n*1\r\n$4\r\nPING\r\n",
    "incomplete_command_waits": b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n",
    "incomplete_bulk_waits": b"*2\r\n$4\r\nECHO\r\n$10\r\nabc",
    "binary_bulk": b"*2\r\n$4\r\nECHO\r\n$6\r\n\x00\r\n\xff\r\n\r\n",
    # ---- inline commands ----
    "inline_ping": b"PING\r\n",
    "inline_lf_only": b"PING\nECHO hi\n",
    "inline_args": b"SET k v\r\nGET k\r\nAPPEND k   xyz  \r\nGET k\r\n",
    "inline_quotes": b'ECHO "a b"\r\nECHO \'c d\'\r\nECHO "x\\x41\\n\\t"\r\nECHO \'it\\\'s\'\r\n',
    "inline_unbalanced_double": b'SET "abc\r\n',
    "inline_unbalanced_single": b"SET 'abc\r\n",
    "inline_quote_not_followed_by_space": b'ECHO "a"b\r\n',
    "inline_empty_lines_ignored": b"\r\n   \r\n\n PING \r\n",
    "inline_unknown": b"FOO bar baz\r\n",
    "inline_dollar_line": b"$3\r\nfoo\r\n",
    "inline_too_big": b"a" * BIG,
    "inline_tab_separator": b"ECHO\tx\r\n",
    "inline_mixed_with_multibulk": b"PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nz\r\nECHO y\r\n",
    "inline_case": b"ping\r\nPiNg hello\r\n",
    "inline_quit": b"QUIT\r\nPING\r\n",
    # ---- RESP3 connection hits a protocol error ----
    "resp3_then_error": b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*1\r\n$4\r\nPING\r\n*abc\r\n",
}


def _normalize(data: bytes) -> bytes:
    """The HELLO reply carries the connection id and the version: blank those two values."""
    data = re.sub(rb"(\$2\r\nid\r\n:)\d+", rb"\1N", data)
    return re.sub(rb"(\$7\r\nversion\r\n)\$\d+\r\n\d+\.\d+\.\d+", rb"\1V", data)


@pytest.mark.parametrize("payload", CASES.values(), ids=CASES.keys())
def test_protocol(server_pair, payload):
    (r_data, r_closed), (f_data, f_closed) = both_raw(server_pair, payload)
    if payload.startswith(b"*2\r\n$5\r\nHELLO"):
        r_data, f_data = _normalize(r_data), _normalize(f_data)
    assert (f_data, f_closed) == (r_data, r_closed), (
        f"\n  sent:     {payload[:120]!r}\n  redis:    {r_data!r} closed={r_closed}\n"
        f"  fincache: {f_data!r} closed={f_closed}")


def test_large_valid_bulk(server_pair):
    """A 1 MiB bulk split over many TCP segments is read whole."""
    value = bytes(range(256)) * 4096
    payload = (b"*3\r\n$3\r\nSET\r\n$4\r\nbig1\r\n$%d\r\n%s\r\n" % (len(value), value)
               + b"*2\r\n$6\r\nSTRLEN\r\n$4\r\nbig1\r\n*2\r\n$3\r\nDEL\r\n$4\r\nbig1\r\n")
    (r_data, r_closed), (f_data, f_closed) = both_raw(server_pair, payload)
    assert r_data == b"+OK\r\n:1048576\r\n:1\r\n"
    assert (f_data, f_closed) == (r_data, r_closed)


def test_inline_nul_byte_is_an_ordinary_byte(server_pair):
    """A documented difference (docs/compatibility.md): Redis looks for an inline line's end with
    C-string functions, so a NUL byte hides the newline and the client waits with no reply
    until 64KB arrive. FinCache treats NUL as an ordinary byte: the line is answered."""
    with server_pair.fincache.connect() as conn:
        conn.sock.sendall(b"PI\x00NG\r\nECHO a\x00b\r\nPING\r\n")
        replies = [conn.read_reply() for _ in range(3)]
    assert replies[0].raw.startswith(b"-ERR unknown command 'PI")
    assert replies[1].raw == b"$3\r\na\x00b\r\n"
    assert replies[2].raw == b"+PONG\r\n"


# ---- limits for a client that has not authenticated (requirepass set) ----
AUTH_CASES = {
    "unauth_mbulk_over_10": (b"*11\r\n", []),
    "unauth_mbulk_10_waits": (b"*10\r\n", []),
    "unauth_bulk_over_16k": (b"*2\r\n$4\r\nECHO\r\n$16385\r\n", []),
    "unauth_bulk_16k_ok": (b"*2\r\n$4\r\nECHO\r\n$16384\r\n" + b"x" * 16384 + b"\r\n", []),
    "unauth_inline_noauth": (b"PING\r\nAUTH wrong\r\nGET k\r\n", []),
    "unauth_auth_inline_then_ok": (b"AUTH " + AUTH_PASSWORD.encode() + b"\r\nPING\r\n", []),
    "authed_mbulk_over_10_ok": (b"*11\r\n" + b"$4\r\nMGET\r\n" + b"$1\r\nk\r\n" * 10, [["AUTH", AUTH_PASSWORD]]),
    "authed_bulk_over_16k_ok": (b"*2\r\n$4\r\nECHO\r\n$16385\r\n" + b"y" * 16385 + b"\r\n",
                                [["AUTH", AUTH_PASSWORD]]),
}


@pytest.mark.parametrize("case", AUTH_CASES.values(), ids=AUTH_CASES.keys())
def test_protocol_unauthenticated(auth_server_pair, case):
    payload, before = case
    (r_data, r_closed), (f_data, f_closed) = both_raw(auth_server_pair, payload, before=before)
    assert (f_data, f_closed) == (r_data, r_closed), (
        f"\n  sent:     {payload[:120]!r}\n  redis:    {r_data[:300]!r} closed={r_closed}\n"
        f"  fincache: {f_data[:300]!r} closed={f_closed}")
