"""NumPy bridges of fincache.Cache: results equal the redis-py-style calls they replace."""

import math

import numpy as np
import pytest
import redis.exceptions as rex

import fincache


def test_zadd_and_zrange_arrays_match_the_scalar_api():
    c = fincache.Cache()
    rng = np.random.default_rng(7)
    members = np.array([f"m{i}" for i in range(5000)])
    scores = np.round(rng.random(5000) * 1000, 3)
    assert c.zadd_arrays("z", members, scores) == 5000
    assert c.zadd_arrays("z", members[:10], scores[:10] + 1) == 0  # updates only
    expected = c.zrange("z", 0, -1, withscores=True)
    m, s = c.zrange_arrays("z", 0, -1)
    assert m.dtype == object and s.dtype == np.float64
    assert list(zip(m.tolist(), s.tolist())) == expected
    m, s = c.zrange_arrays("z", 200, 100, byscore=True, rev=True)
    want = c.zrange("z", 200, 100, byscore=True, desc=True, withscores=True)
    assert list(zip(m.tolist(), s.tolist())) == want
    m, s = c.zrange_arrays("nokey", 0, -1)
    assert len(m) == 0 and len(s) == 0
    d = fincache.Cache(decode_responses=True)
    d.zadd_arrays("z", [b"a", "b"], [1, 2.5])
    assert d.zrange_arrays("z", 0, -1)[0].tolist() == ["a", "b"]


def test_mset_and_mget_arrays():
    c = fincache.Cache()
    keys = [f"px:{i}" for i in range(6)]
    assert c.mset_arrays(keys[:3], np.array([189.5, 2.0, -0.125])) is True
    assert c.mset_arrays(keys[3:], np.array([7, 8, 9])) is True
    assert c.mget(keys) == [b"189.5", b"2", b"-0.125", b"7", b"8", b"9"]
    assert c.object("encoding", "px:3") == b"int"
    c.set("px:2", "not a number")
    c.lpush("list", "x")
    out = c.mget_array(keys + ["missing", "list"])
    assert out.dtype == np.float64
    assert out[:2].tolist() == [189.5, 2.0] and out[3:6].tolist() == [7.0, 8.0, 9.0]
    assert math.isnan(out[2]) and math.isnan(out[6]) and math.isnan(out[7])
    assert c.mget_array(keys[3:], dtype=np.int64).tolist() == [7, 8, 9]
    c.mset_arrays(["s"], ["text"])
    assert c.get("s") == b"text"


def test_errors():
    c = fincache.Cache()
    c.set("str", "x")
    with pytest.raises(rex.ResponseError, match="WRONGTYPE"):
        c.zadd_arrays("str", ["a"], [1.0])
    with pytest.raises(ValueError):
        c.zadd_arrays("z", ["a", "b"], [1.0])
    with pytest.raises(ValueError):
        c.zadd_arrays("z", ["a"], [float("nan")])
    with pytest.raises(ValueError):
        c.mset_arrays(["a", "b"], [1])
    with pytest.raises(TypeError):
        c.zadd_arrays("z", [object()], [1.0])
