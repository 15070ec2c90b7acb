"""Differential tests of the geo family against a real redis-server.

Fixed cases cover options, errors, edge coordinates and RESP3; seeded random cases add a few
hundred points (clusters, the poles, the antimeridian) and compare hundreds of searches, distances,
hashes and positions byte for byte.
"""

import random

import pytest

from diffutil import (  # noqa: F401 (fixtures)
    S,
    diff,
    masked_map,
    server_pair,
)

pytestmark = pytest.mark.differential

HELLO3 = S(["HELLO", "3"], cmp=masked_map("id", patterns={"version": r"\d+\.\d+\.\d+"}))
SICILY = ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania",
          "13.5", "37.9", "x", "12", "38", "y", "14.2", "36.9", "z"]


CASES = {
    # ---- GEOADD ----
    "geoadd_basic": [SICILY, ["ZCARD", "Sicily"], ["TYPE", "Sicily"], ["OBJECT", "ENCODING", "Sicily"],
                     ["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"], ["ZSCORE", "Sicily", "Palermo"],
                     ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo"],
                     ["GEOADD", "Sicily", "13.361389", "38.115557", "Palermo", "1", "1", "new"]],
    "geoadd_options": [SICILY, ["GEOADD", "Sicily", "CH", "13.4", "38.1", "Palermo", "1", "2", "n1"],
                       ["GEOADD", "Sicily", "NX", "0", "0", "Palermo", "1", "3", "n2"],
                       ["GEOADD", "Sicily", "XX", "0", "0", "Palermo", "1", "3", "n3"],
                       ["GEOADD", "Sicily", "XX", "CH", "1", "1", "Palermo", "1", "3", "n4"],
                       ["GEOADD", "Sicily", "nx", "ch", "ch", "5", "5", "n5"], ["ZSCORE", "Sicily", "n3"],
                       ["ZSCORE", "Sicily", "Palermo"], ["GEOADD", "nokey", "XX", "1", "1", "a"], ["EXISTS", "nokey"],
                       ["GEOADD", "Sicily", "NX", "XX", "1", "1", "a"], ["GEOADD", "Sicily", "GT", "1", "1", "a"],
                       ["GEOADD", "Sicily", "CH", "NX", "XX"], ["GEOADD", "Sicily", "ch", "ch", "ch"]],
    "geoadd_errors": [["GEOADD", "k", "200", "100", "x"], ["GEOADD", "k", "-180.000001", "0", "x"],
                      ["GEOADD", "k", "0", "85.05112879", "x"], ["GEOADD", "k", "0", "-85.0511288", "x"],
                      ["GEOADD", "k", "1", "1", "a", "999", "1", "b"], ["EXISTS", "k"],
                      ["GEOADD", "k", "x", "1", "a"], ["GEOADD", "k", "1", "nan", "a"], ["GEOADD", "k", "inf", "1", "a"],
                      ["GEOADD", "k", "1", "1"], ["GEOADD", "k", "1", "1", "a", "2"], ["GEOADD", "k", "1"],
                      ["GEOADD", "k", " 1", "1", "a"], ["GEOADD", "k", "1e3", "1", "a"],
                      ["GEOADD", "k", "-1e-300", "1e-5", "tiny"], ["GEOPOS", "k", "tiny"], ["EXISTS", "k"]],
    "geoadd_edges": [["GEOADD", "e", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "o",
                      "-180", "85.05112878", "nw", "180", "-85.05112878", "se", "179.9999999", "0", "am"],
                     ["ZRANGE", "e", "0", "-1", "WITHSCORES"], ["GEOPOS", "e", "ne", "sw", "o", "nw", "se", "am"],
                     ["GEOHASH", "e", "ne", "sw", "o", "nw", "se", "am"], ["GEODIST", "e", "ne", "sw"],
                     ["GEODIST", "e", "nw", "ne", "km"], ["GEOSEARCH", "e", "FROMLONLAT", "0", "0", "BYRADIUS", "30000", "km", "ASC"],
                     ["GEOSEARCH", "e", "FROMMEMBER", "ne", "BYBOX", "100", "100", "km", "WITHCOORD"],
                     ["GEORADIUS", "e", "180", "0", "100", "km", "WITHDIST"]],
    "wrongtype": [["SET", "s", "v"], ["GEOADD", "s", "1", "1", "a"], ["GEOADD", "s", "1", "100", "a"],
                  ["GEODIST", "s", "a", "b"], ["GEODIST", "s", "a", "b", "foo"], ["GEOHASH", "s", "a"],
                  ["GEOPOS", "s", "a"], ["GEOSEARCH", "s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"],
                  ["GEOSEARCH", "s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "foo"],
                  ["GEOSEARCHSTORE", "d", "s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"],
                  ["GEORADIUS", "s", "0", "0", "1", "m"], ["GEORADIUS_RO", "s", "0", "0", "1", "m"],
                  ["GEORADIUSBYMEMBER", "s", "a", "1", "m"], ["GEORADIUSBYMEMBER_RO", "s", "a", "1", "m"],
                  ["GEORADIUS", "s", "0", "0", "1", "m", "STORE", "d"], ["EXISTS", "d"]],
    # ---- GEODIST GEOHASH GEOPOS ----
    "geodist": [SICILY, ["GEODIST", "Sicily", "Palermo", "Catania"], ["GEODIST", "Sicily", "Palermo", "Catania", "km"],
                ["GEODIST", "Sicily", "Palermo", "Catania", "KM"], ["GEODIST", "Sicily", "Palermo", "Catania", "mi"],
                ["GEODIST", "Sicily", "Palermo", "Catania", "ft"], ["GEODIST", "Sicily", "Palermo", "Catania", "M"],
                ["GEODIST", "Sicily", "Palermo", "Palermo"], ["GEODIST", "Sicily", "Palermo", "nope"],
                ["GEODIST", "Sicily", "nope", "Palermo", "km"], ["GEODIST", "nokey", "a", "b"],
                ["GEODIST", "nokey", "a", "b", "yd"], ["GEODIST", "Sicily", "Palermo", "Catania", "yd"],
                ["GEODIST", "Sicily", "Palermo", "Catania", "km", "x"], ["GEODIST", "Sicily", "Palermo"]],
    "geohash_geopos": [SICILY, ["GEOHASH", "Sicily", "Palermo", "Catania", "nope", "x"], ["GEOHASH", "Sicily"],
                       ["GEOHASH", "nokey", "a", "b"], ["GEOPOS", "Sicily", "Palermo", "nope", "Catania"],
                       ["GEOPOS", "Sicily"], ["GEOPOS", "nokey", "a", "b"],
                       ["ZADD", "Sicily", "0", "zero", "1", "one", "4503599627370495", "max52", "-1", "neg", "0.5", "half"],
                       ["GEOPOS", "Sicily", "zero", "one", "max52", "neg", "half"],
                       ["GEOHASH", "Sicily", "zero", "one", "max52", "neg", "half"],
                       ["GEODIST", "Sicily", "zero", "max52"]],
    # ---- search option errors ----
    "search_errors": [SICILY, ["GEORADIUS", "Sicily", "0", "0", "10", "foo"], ["GEORADIUS", "Sicily", "0", "0", "-1", "m"],
                      ["GEORADIUS", "Sicily", "0", "0", "x", "m"], ["GEORADIUS", "Sicily", "200", "0", "1", "m"],
                      ["GEORADIUS", "Sicily", "x", "0", "1", "m"],
                      ["GEOSEARCH", "Sicily", "FROMMEMBER", "nosuch", "BYRADIUS", "10", "m"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYBOX", "-1", "1", "m"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYBOX", "x", "1", "m"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYBOX", "1", "x", "m"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYBOX", "1", "1", "yd"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "ANY"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "COUNT", "0"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "COUNT", "-1"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "COUNT", "x"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "COUNT"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "STOREDIST"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "STORE", "d"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "FROMMEMBER", "x"],
                      ["GEOSEARCH", "Sicily", "FROMMEMBER", "x", "FROMMEMBER", "y", "BYRADIUS", "100", "km"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "BYBOX", "1", "1", "m"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m", "BYRADIUS", "200", "km"],
                      ["GeoSearch", "Sicily", "BYRADIUS", "1", "m", "asc", "asc"],
                      ["geoSEARCHstore", "d", "Sicily", "FROMLONLAT", "0", "0", "asc", "asc"],
                      ["GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m", "WITHDIST"],
                      ["GEORADIUS", "Sicily", "0", "0", "1", "m", "STORE", "d", "WITHHASH"],
                      ["GEORADIUS_RO", "Sicily", "0", "0", "1", "m", "STORE", "d"], ["GEORADIUS", "Sicily", "0", "0", "1", "m", "STORE"],
                      ["GEORADIUS", "Sicily", "0", "0", "1", "m", "FROMMEMBER", "x"],
                      ["GEORADIUSBYMEMBER", "Sicily", "nope", "1", "m"], ["GEORADIUSBYMEMBER", "Sicily", "x", "1", "yd"],
                      ["GEORADIUSBYMEMBER", "nokey", "x", "bad", "yd"], ["GEORADIUSBYMEMBER", "nokey", "x", "1", "m", "foo"],
                      ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m"],
                      ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "yd"],
                      ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m", "ANY"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0"], ["GEORADIUS", "Sicily", "0", "0", "1"],
                      ["GEORADIUSBYMEMBER", "Sicily", "x", "1"], ["GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "0", "0", "x"]],
    # ---- searches ----
    "search_orders": [SICILY, ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "DESC"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "2"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "2", "DESC"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1", "ANY"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ANY", "COUNT", "2", "ASC"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "100"],
                      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "ASC",
                       "WITHDIST", "WITHCOORD", "WITHHASH"],
                      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "100", "100", "mi", "withhash"],
                      ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"],
                      ["GEOSEARCH", "Sicily", "FROMMEMBER", "x", "BYRADIUS", "0", "m", "WITHDIST"],
                      ["GEOSEARCH", "Sicily", "FROMMEMBER", "x", "BYBOX", "0", "0", "ft", "WITHDIST"],
                      ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "COUNT", "3"],
                      ["GEORADIUS_RO", "Sicily", "15", "37", "100", "mi", "WITHDIST", "DESC"],
                      ["GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST"],
                      ["GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "200000", "ft", "WITHHASH", "ASC"],
                      ["GEORADIUS", "nokey", "15", "37", "200", "km"]],
    "search_store": [SICILY, ["GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"],
                     ["ZRANGE", "d", "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", "d"],
                     ["GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST",
                      "COUNT", "2"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
                     ["EXPIRE", "d", "100"], ["GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
                     ["TTL", "d"], ["GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"],
                     ["EXISTS", "d"], ["SET", "d", "str"],
                     ["GEOSEARCHSTORE", "d", "nokey", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"], ["EXISTS", "d"],
                     ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "r1"], ["ZRANGE", "r1", "0", "-1", "WITHSCORES"],
                     ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "r2", "DESC", "COUNT", "2"],
                     ["ZRANGE", "r2", "0", "-1", "WITHSCORES"],
                     ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "r3", "STOREDIST", "r4"],
                     ["EXISTS", "r3", "r4"], ["ZRANGE", "r4", "0", "-1", "WITHSCORES"],
                     ["GEORADIUSBYMEMBER", "Sicily", "x", "100", "km", "STORE", "r5"], ["ZRANGE", "r5", "0", "-1"],
                     ["GEORADIUSBYMEMBER", "nokey", "x", "100", "km", "STORE", "r5"], ["EXISTS", "r5"],
                     ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "Sicily"], ["ZCARD", "Sicily"],
                     ["COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "m", "STORE", "d", "STOREDIST", "e"],
                     ["COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "k", "m", "1", "m", "STORE", "d"],
                     ["COMMAND", "GETKEYS", "GEOSEARCHSTORE", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "m"],
                     ["COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "m"]],
    "store_encoding": [["GEOADD", "g"] + [x for i in range(130) for x in (str(i * 0.001), "0", f"m{i}")],
                       ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "500", "km"],
                       ["OBJECT", "ENCODING", "d"], ["OBJECT", "ENCODING", "g"],
                       ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "500", "km", "COUNT", "128"],
                       ["OBJECT", "ENCODING", "d"],
                       ["GEOSEARCH", "g", "FROMLONLAT", "0.05", "0", "BYBOX", "2", "1", "km", "WITHDIST"],
                       ["GEOSEARCH", "g", "FROMLONLAT", "0.05", "0", "BYRADIUS", "3", "km", "COUNT", "5", "ANY"]],
    "duplicates_stable": [["GEOADD", "g", "1", "1", "b", "1", "1", "a", "1", "1", "c", "1.001", "1", "d", "0.999", "1", "e"],
                          ["GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ASC", "WITHDIST"],
                          ["GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "DESC"],
                          ["GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"],
                          # COUNT covering every match: a full (stable) sort, as without COUNT.
                          ["GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "COUNT", "10", "DESC"],
                          ["GEORADIUS", "g", "1", "1", "1", "km", "COUNT", "5"],
                          ["GEODIST", "g", "a", "b"]],
    # Distances are rounded as llrint(d * 10^4) (ties to even), not printf's "%.4f".
    "distance_rounding": [["ZADD", "g", "3866735165485083", "p26"],
                          ["GEOSEARCH", "g", "FROMLONLAT", "180", "75.68193645255957", "BYRADIUS", "1e9", "m", "WITHDIST"],
                          ["GEOSEARCH", "g", "FROMLONLAT", "-180", "75.68193645255957", "BYBOX", "1e4", "1e4", "km",
                           "WITHDIST"],
                          ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "180", "75.68193645255957", "BYRADIUS", "1e9", "m",
                           "STOREDIST"], ["ZSCORE", "d", "p26"]],
    "geo_is_a_zset": [SICILY, ["ZREM", "Sicily", "Palermo"], ["GEOPOS", "Sicily", "Palermo"],
                      ["ZINCRBY", "Sicily", "1", "x"], ["GEOPOS", "Sicily", "x"], ["GEOHASH", "Sicily", "x"],
                      ["GEOADD", "Sicily", "CH", "13.5", "37.9", "x"], ["ZSCORE", "Sicily", "x"],
                      ["ZREMRANGEBYRANK", "Sicily", "0", "-1"], ["EXISTS", "Sicily"]],
    # ---- RESP3 ----
    "resp3": [HELLO3, SICILY, ["GEODIST", "Sicily", "Palermo", "Catania"], ["GEODIST", "Sicily", "Palermo", "nope"],
              ["GEOHASH", "Sicily", "Palermo", "nope"], ["GEOPOS", "Sicily", "Palermo", "nope", "x"],
              ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "WITHCOORD",
               "WITHDIST", "WITHHASH"],
              ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD", "COUNT", "2", "DESC"],
              ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST"],
              ["GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"], ["GEOPOS", "nokey", "a"],
              ["GEOHASH", "nokey", "a"], ["GEODIST", "nokey", "a", "b"]],
    "arity": [["GEOADD", "k", "1", "1"], ["GEODIST", "k", "a"], ["GEOHASH"], ["GEOPOS"],
              ["GEOSEARCH", "k", "FROMLONLAT", "0", "0", "BYRADIUS"], ["GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "0", "0", "x"],
              ["GEORADIUS", "k", "0", "0", "1"], ["GEORADIUS_RO", "k", "0", "0", "1"], ["GEORADIUSBYMEMBER", "k", "m", "1"],
              ["GEORADIUSBYMEMBER_RO", "k", "m", "1"]],
}


@pytest.mark.parametrize("steps", list(CASES.values()), ids=list(CASES.keys()))
def test_geo(diff, steps, request):
    diff.run(steps, request.node.callspec.id)


# ---- seeded random points and searches ----

def random_points(rng, n):
    """(lon, lat, name): uniform points, clusters, polar and antimeridian points."""
    pts = []
    centers = [(rng.uniform(-170, 170), rng.uniform(-70, 70)) for _ in range(4)]
    for i in range(n):
        kind = i % 5
        if kind == 0:
            lon, lat = rng.uniform(-180, 180), rng.uniform(-85.05, 85.05)
        elif kind in (1, 2):
            cx, cy = centers[i % len(centers)]
            lon, lat = cx + rng.gauss(0, 0.5), cy + rng.gauss(0, 0.5)
        elif kind == 3:
            lon, lat = rng.uniform(-180, 180), rng.choice([1, -1]) * rng.uniform(70, 85.05)
        else:
            lon, lat = rng.choice([1, -1]) * rng.uniform(178, 180), rng.uniform(-60, 60)
        pts.append((round(lon, 6), round(lat, 6), f"p{i}"))
    return pts, centers


def random_search(rng, pts, centers, key, dest):
    """One random search command (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS*) and what to check after."""
    unit, scale = rng.choice([("m", 1), ("km", 1000), ("ft", 0.3048), ("mi", 1609.34), ("KM", 1000)])
    meters = rng.choice([rng.uniform(100, 5000), rng.uniform(5000, 100000), rng.uniform(1e5, 2e6),
                         rng.uniform(2e6, 8e6)])
    size = f"{meters / scale:.3f}"
    if rng.random() < 0.3:
        lon, lat, _ = rng.choice(pts)
        center = None
        member = rng.choice(pts)[2]
    else:
        cx, cy = rng.choice(centers + [(rng.uniform(-180, 180), rng.uniform(-85, 85)),
                                       (rng.choice([-179.9, 179.9]), rng.uniform(-50, 50)),
                                       (rng.uniform(-180, 180), rng.choice([-84, 84]))])
        center = (f"{max(-180, min(180, cx + rng.gauss(0, 0.3))):.5f}",
                  f"{max(-85.05, min(85.05, cy + rng.gauss(0, 0.3))):.5f}")
        member = None
    opts = []
    order = rng.choice([None, None, "ASC", "DESC"])
    if order:
        opts.append(order)
    if rng.random() < 0.35:
        # COUNT with a total order (no ANY) needs distinct distances: fine with random points.
        opts += ["COUNT", str(rng.randint(1, 30))]
        if rng.random() < 0.3:
            opts.append("ANY")
    with_opts = [o for o in ("WITHDIST", "WITHCOORD", "WITHHASH") if rng.random() < 0.4]
    rng.shuffle(with_opts)
    form = rng.random()
    if form < 0.55:
        frm = ["FROMMEMBER", member] if member else ["FROMLONLAT", *center]
        if rng.random() < 0.5:
            by = ["BYRADIUS", size, unit]
        else:
            by = ["BYBOX", size, f"{rng.uniform(0.2, 3) * meters / scale:.3f}", unit]
        if rng.random() < 0.2:
            store = ["STOREDIST"] if rng.random() < 0.5 else []
            return [["GEOSEARCHSTORE", dest, key, *frm, *by, *opts, *store],
                    ["ZRANGE", dest, "0", "-1", "WITHSCORES"]]
        return [["GEOSEARCH", key, *frm, *by, *opts, *with_opts]]
    if member:
        cmd = [rng.choice(["GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"]), key, member, size, unit]
    else:
        cmd = [rng.choice(["GEORADIUS", "GEORADIUS_RO"]), key, *center, size, unit]
    if not cmd[0].endswith("_RO") and rng.random() < 0.25:
        return [cmd + opts + [rng.choice(["STORE", "STOREDIST"]), dest],
                ["ZRANGE", dest, "0", "-1", "WITHSCORES"]]
    return [cmd + with_opts + opts]


def random_case(seed, n_points, n_searches, listpack=False):
    rng = random.Random(seed)
    pts, centers = random_points(rng, n_points)
    steps = []
    for i in range(0, len(pts), 50):
        argv = ["GEOADD", "g"]
        for lon, lat, name in pts[i:i + 50]:
            argv += [f"{lon}", f"{lat}", name]
        steps.append(argv)
    steps.append(["OBJECT", "ENCODING", "g"])
    steps.append(["ZRANGE", "g", "0", "-1", "WITHSCORES"])
    names = [p[2] for p in pts]
    steps.append(["GEOHASH", "g", *names, "nope"])
    steps.append(["GEOPOS", "g", *names, "nope"])
    for _ in range(n_searches // 3):
        a, b = rng.choice(names), rng.choice(names)
        steps.append(["GEODIST", "g", a, b, rng.choice(["m", "km", "mi", "ft"])])
    for _ in range(n_searches):
        steps += random_search(rng, pts, centers, "g", "dst")
    return steps


def same_longitude_case(seed, n_keys):
    """Points sharing a longitude: distances take Redis's meridian shortcut, and boxes centred on
    that longitude test the latitude bound alone."""
    rng = random.Random(seed)
    steps = []
    for k in range(n_keys):
        key, lon = f"s{k}", f"{rng.uniform(-180, 180):.6f}"
        argv = ["GEOADD", key]
        for i in range(30):
            argv += [lon, f"{rng.uniform(-85, 85):.6f}", f"m{i}"]
        steps.append(argv)
        for _ in range(20):
            steps.append(["GEODIST", key, f"m{rng.randrange(30)}", f"m{rng.randrange(30)}",
                          rng.choice(["m", "km", "ft", "mi"])])
        for _ in range(8):
            lat, h = f"{rng.uniform(-85, 85):.6f}", f"{rng.uniform(1, 4000):.4f}"
            steps.append(["GEOSEARCH", key, "FROMLONLAT", lon, lat, "BYBOX", "1", h, "km", "WITHDIST", "ASC"])
            steps.append(["GEOSEARCH", key, "FROMMEMBER", f"m{rng.randrange(30)}", "BYRADIUS", h, "km",
                          "WITHDIST", "DESC"])
    return steps


def test_geo_same_longitude(diff):
    diff.run(same_longitude_case(55, 8), "same_longitude")


RANDOM_CASES = {
    "random_300_points_a": (11, 300, 120),
    "random_300_points_b": (22, 300, 120),
    "random_listpack": (33, 60, 60),
    "random_dense": (44, 400, 80),
}


@pytest.mark.parametrize("params", list(RANDOM_CASES.values()), ids=list(RANDOM_CASES.keys()))
def test_geo_random(diff, params, request):
    diff.run(random_case(*params), request.node.callspec.id)
