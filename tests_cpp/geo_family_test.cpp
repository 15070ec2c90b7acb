// Geo family through the dispatcher, and the geohash functions directly. Expected values were
// taken from Redis 7.0.15.
#include <cmath>
#include <string>
#include <vector>

#include "command_test_base.h"
#include "types/geohash.h"

namespace fincache {
namespace {

using ::testing::ElementsAre;

// ---- geohash ----

TEST(GeohashTest, InterleaveRoundTrip) {
  EXPECT_EQ(geo::Interleave(1, 0), 1u);
  EXPECT_EQ(geo::Interleave(0, 1), 2u);
  EXPECT_EQ(geo::Interleave(0xFFFFFFFFu, 0), 0x5555555555555555ULL);
  uint32_t even, odd;
  geo::Deinterleave(geo::Interleave(0x12345678u, 0x9ABCDEF0u), &even, &odd);
  EXPECT_EQ(even, 0x12345678u);
  EXPECT_EQ(odd, 0x9ABCDEF0u);
}

TEST(GeohashTest, ScoresAndDecodingMatchRedis) {
  EXPECT_EQ(geo::ScoreOf(13.361389, 38.115556), 3479099956230698ULL);
  EXPECT_EQ(geo::ScoreOf(15.087269, 37.502669), 3479447370796909ULL);
  // At the maximum latitude/longitude the offsets reach 2^26: one past the last cell.
  EXPECT_EQ(geo::ScoreOf(180, 85.05112878), 13510798882111488ULL);
  EXPECT_EQ(geo::ScoreOf(-180, -85.05112878), 0u);
  double xy[2];
  ASSERT_TRUE(geo::DecodeScore(3479099956230698.0, xy));
  EXPECT_EQ(protocol::FormatLongDouble(xy[0]), "13.36138933897018433");
  EXPECT_EQ(protocol::FormatLongDouble(xy[1]), "38.11555639549629859");
  EXPECT_EQ(geo::GeohashString(xy), "sqc8b49rny0");
  ASSERT_TRUE(geo::DecodeScore(13510798882111488.0, xy));
  EXPECT_EQ(xy[0], 180);
  EXPECT_EQ(protocol::FormatLongDouble(xy[1]), "85.0511287799999991");
}

TEST(GeohashTest, EncodeRejectsOutOfRange) {
  geo::HashBits h;
  EXPECT_FALSE(geo::EncodeWgs84(180.0001, 0, 26, &h));
  EXPECT_FALSE(geo::EncodeWgs84(0, 85.06, 26, &h));
  EXPECT_FALSE(geo::EncodeWgs84(0, 0, 0, &h));
  EXPECT_TRUE(geo::EncodeWgs84(0, 0, 1, &h));
  EXPECT_EQ(h.bits, 3u);  // both halves: cell 1 of 2
}

TEST(GeohashTest, NeighborsWrapAround) {
  geo::HashBits h{geo::Interleave(0, 0), 2};  // south-west corner cell at step 2
  geo::Neighbors n = geo::GetNeighbors(h);
  uint32_t lat, lon;
  geo::Deinterleave(n.west.bits, &lat, &lon);
  EXPECT_EQ(lon, 3u);
  EXPECT_EQ(lat, 0u);
  geo::Deinterleave(n.south_east.bits, &lat, &lon);
  EXPECT_EQ(lon, 1u);
  EXPECT_EQ(lat, 3u);
  geo::Deinterleave(n.north.bits, &lat, &lon);
  EXPECT_EQ(lon, 0u);
  EXPECT_EQ(lat, 1u);
  EXPECT_EQ(n.east.step, 2);
}

TEST(GeohashTest, StepsAndDistance) {
  EXPECT_EQ(geo::EstimateStepsByRadius(0, 0), 26);
  EXPECT_EQ(geo::EstimateStepsByRadius(1, 0), 24);
  EXPECT_EQ(geo::EstimateStepsByRadius(1, 70), 23);
  EXPECT_EQ(geo::EstimateStepsByRadius(1, -85), 22);
  EXPECT_EQ(geo::EstimateStepsByRadius(5e7, 0), 1);
  EXPECT_DOUBLE_EQ(geo::Distance(0, 0, 0, 0), 0);
  // A degree along the equator.
  EXPECT_NEAR(geo::Distance(0, 0, 1, 0), 111226.3, 0.1);
  // Same longitude: the meridian arc, exactly as Redis's shortcut computes it.
  EXPECT_EQ(geo::Distance(10, 20, 10, 21.5),
            geo::kEarthRadiusMeters * std::fabs(21.5 * (M_PI / 180.0) - 20 * (M_PI / 180.0)));
  uint64_t min, max;
  geo::ScoreRangeOf(geo::HashBits{1, 1}, &min, &max);
  EXPECT_EQ(min, 1ULL << 50);
  EXPECT_EQ(max, 2ULL << 50);
}

// ---- commands ----

class GeoFamilyTest : public CommandTest {
 protected:
  void AddSicily() {
    ASSERT_THAT(Run({"geoadd", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269",
                     "37.502669", "Catania", "13.5", "37.9", "x"}),
                IntArg(3));
  }
};

TEST_F(GeoFamilyTest, GeoaddStoresGeohashScores) {
  AddSicily();
  EXPECT_THAT(Run({"zscore", "Sicily", "Palermo"}), BulkArg("3479099956230698"));
  EXPECT_THAT(Run({"type", "Sicily"}), SimpleArg("zset"));
  EXPECT_THAT(Run({"geoadd", "Sicily", "13.361389", "38.115556", "Palermo"}), IntArg(0));
  EXPECT_THAT(Run({"geoadd", "Sicily", "CH", "13.4", "38.1", "Palermo", "1", "1", "n"}), IntArg(2));
  EXPECT_THAT(Run({"geoadd", "Sicily", "NX", "0", "0", "Palermo", "1", "2", "n2"}), IntArg(1));
  EXPECT_THAT(Run({"geoadd", "Sicily", "XX", "CH", "0", "0", "Palermo", "1", "2", "n3"}),
              IntArg(1));
  EXPECT_THAT(Run({"zscore", "Sicily", "n3"}), NullArg());
  EXPECT_THAT(Run({"geoadd", "nokey", "XX", "1", "1", "a"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "nokey"}), IntArg(0));
}

TEST_F(GeoFamilyTest, GeoaddErrors) {
  EXPECT_THAT(Run({"geoadd", "k", "200", "100", "x"}),
              ErrArg("ERR invalid longitude,latitude pair 200.000000,100.000000"));
  EXPECT_THAT(Run({"geoadd", "k", "1", "1", "a", "1", "x", "b"}),
              ErrArg("ERR value is not a valid float"));
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));  // nothing written before the bad pair
  EXPECT_THAT(Run({"geoadd", "k", "NX", "XX", "1", "1", "a"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"geoadd", "k", "1", "1", "a", "2"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"geoadd", "k", "ch", "ch", "ch"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"geoadd", "k", "1", "1"}), ErrArg("wrong number of arguments"));
  Run({"set", "s", "v"});
  EXPECT_THAT(Run({"geoadd", "s", "1", "1", "a"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"geoadd", "s", "1", "100", "a"}), ErrArg("invalid longitude,latitude"));
}

TEST_F(GeoFamilyTest, GeodistUnits) {
  AddSicily();
  EXPECT_THAT(Run({"geodist", "Sicily", "Palermo", "Catania"}), BulkArg("166274.1516"));
  EXPECT_THAT(Run({"geodist", "Sicily", "Palermo", "Catania", "KM"}), BulkArg("166.2742"));
  EXPECT_THAT(Run({"geodist", "Sicily", "Palermo", "Catania", "mi"}), BulkArg("103.3182"));
  EXPECT_THAT(Run({"geodist", "Sicily", "Palermo", "Palermo"}), BulkArg("0.0000"));
  EXPECT_THAT(Run({"geodist", "Sicily", "Palermo", "nope"}), NullArg());
  EXPECT_THAT(Run({"geodist", "nokey", "a", "b"}), NullArg());
  EXPECT_THAT(Run({"geodist", "nokey", "a", "b", "yd"}),
              ErrArg("ERR unsupported unit provided. please use M, KM, FT, MI"));
  EXPECT_THAT(Run({"geodist", "Sicily", "a", "b", "km", "x"}), ErrArg("ERR syntax error"));
}

TEST_F(GeoFamilyTest, DistancesRoundLikeRedisFixedPoint) {
  // The distance is 3834282.9398500002: "%.4f" would give ...9399, Redis's llrint ...9398.
  Run({"zadd", "g", "3866735165485083", "p"});
  RespValue r = Run({"geosearch", "g", "fromlonlat", "180", "75.68193645255957", "byradius", "1e9",
                     "m", "withdist"});
  ASSERT_THAT(r, ArrLen(1));
  EXPECT_THAT(r.elems[0].elems[1], BulkArg("3834282.9398"));
}

TEST_F(GeoFamilyTest, GeohashAndGeopos) {
  AddSicily();
  EXPECT_THAT(StrArray(Run({"geohash", "Sicily", "Palermo", "Catania", "nope"})),
              ElementsAre("sqc8b49rny0", "sqdtr74hyu0", "(nil)"));
  RespValue pos = Run({"geopos", "Sicily", "Palermo", "nope"});
  ASSERT_THAT(pos, ArrLen(2));
  EXPECT_THAT(StrArray(pos.elems[0]), ElementsAre("13.36138933897018433", "38.11555639549629859"));
  EXPECT_THAT(pos.elems[1], NullArg());
  EXPECT_THAT(Run({"geopos", "nokey", "a"}), ArrLen(1));
  EXPECT_THAT(Run({"geohash", "Sicily"}), ArrLen(0));
  Run({"set", "s", "v"});
  EXPECT_THAT(Run({"geopos", "s", "a"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"geohash", "s", "a"}), ErrArg("WRONGTYPE"));
}

TEST_F(GeoFamilyTest, GeopsResp3SendsDoubles) {
  AddSicily();
  session_.resp = 3;
  RespValue pos = Run({"geopos", "Sicily", "Palermo"});
  ASSERT_THAT(pos, ArrLen(1));
  ASSERT_THAT(pos.elems[0], ArrLen(2));
  EXPECT_EQ(pos.elems[0].elems[0].type, RespValue::Type::kDouble);
  EXPECT_DOUBLE_EQ(pos.elems[0].elems[0].dbl, 13.36138933897018433);
  // Distances stay bulk strings in RESP3.
  EXPECT_THAT(Run({"geodist", "Sicily", "Palermo", "Catania", "km"}), BulkArg("166.2742"));
}

TEST_F(GeoFamilyTest, SearchOrdersAndCount) {
  AddSicily();
  // Unsorted: the scan order of the cells.
  EXPECT_THAT(
      StrArray(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "200", "km"})),
      ElementsAre("x", "Palermo", "Catania"));
  EXPECT_THAT(StrArray(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "200",
                            "km", "asc"})),
              ElementsAre("Catania", "x", "Palermo"));
  EXPECT_THAT(StrArray(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "200",
                            "km", "desc"})),
              ElementsAre("Palermo", "x", "Catania"));
  // COUNT alone sorts ascending; COUNT ANY stops at the first matches found.
  EXPECT_THAT(StrArray(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "200",
                            "km", "count", "1"})),
              ElementsAre("Catania"));
  EXPECT_THAT(StrArray(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "200",
                            "km", "count", "1", "any"})),
              ElementsAre("x"));
  EXPECT_THAT(Run({"geosearch", "Sicily", "fromlonlat", "15", "37", "byradius", "1", "m"}),
              ArrLen(0));
  EXPECT_THAT(Run({"geosearch", "nokey", "frommember", "a", "byradius", "1", "m"}), ArrLen(0));
}

TEST_F(GeoFamilyTest, SearchWithOptions) {
  AddSicily();
  RespValue r = Run(
      {"georadius", "Sicily", "15", "37", "200", "km", "withdist", "withhash", "withcoord", "asc"});
  ASSERT_THAT(r, ArrLen(3));
  ASSERT_THAT(r.elems[0], ArrLen(4));
  EXPECT_THAT(r.elems[0].elems[0], BulkArg("Catania"));
  EXPECT_THAT(r.elems[0].elems[1], BulkArg("56.4413"));
  EXPECT_THAT(r.elems[0].elems[2], IntArg(3479447370796909LL));
  EXPECT_THAT(StrArray(r.elems[0].elems[3]),
              ElementsAre("15.08726745843887329", "37.50266842333162032"));
  RespValue box = Run({"geosearch", "Sicily", "frommember", "Palermo", "bybox", "400", "400", "km",
                       "asc", "withdist"});
  ASSERT_THAT(box, ArrLen(3));
  EXPECT_THAT(box.elems[0].elems[1], BulkArg("0.0000"));
  EXPECT_THAT(StrArray(Run({"georadiusbymember_ro", "Sicily", "x", "20", "km"})), ElementsAre("x"));
}

TEST_F(GeoFamilyTest, SearchStore) {
  AddSicily();
  EXPECT_THAT(Run({"geosearchstore", "d", "Sicily", "fromlonlat", "15", "37", "byradius", "200",
                   "km", "storedist", "count", "2"}),
              IntArg(2));
  EXPECT_THAT(StrArray(Run({"zrange", "d", "0", "-1", "withscores"})),
              ElementsAre("Catania", "56.441257870158204", "x", "166.02023025628458"));
  EXPECT_THAT(Run({"georadius", "Sicily", "15", "37", "200", "km", "store", "r"}), IntArg(3));
  EXPECT_THAT(Run({"zscore", "r", "Palermo"}), BulkArg("3479099956230698"));
  // An empty result deletes the destination; a missing source too.
  EXPECT_THAT(Run({"georadiusbymember", "Sicily", "x", "1", "m", "store", "r"}), IntArg(1));
  EXPECT_THAT(Run({"georadius", "Sicily", "0", "0", "1", "m", "store", "r"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "r"}), IntArg(0));
  EXPECT_THAT(Run({"geosearchstore", "d", "nokey", "fromlonlat", "0", "0", "byradius", "1", "m"}),
              IntArg(0));
  EXPECT_THAT(Run({"exists", "d"}), IntArg(0));
  EXPECT_THAT(Run({"command", "getkeys", "georadius", "k", "0", "0", "1", "m", "store", "d",
                   "storedist", "e"}),
              ArrLen(3));
}

TEST_F(GeoFamilyTest, SearchErrors) {
  AddSicily();
  auto search = [&](std::vector<std::string> tail) {
    std::vector<std::string> argv = {"geosearch", "Sicily"};
    argv.insert(argv.end(), tail.begin(), tail.end());
    return Run(argv);
  };
  EXPECT_THAT(search({"frommember", "nope", "byradius", "1", "m"}),
              ErrArg("ERR could not decode requested zset member"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "byradius", "-1", "m"}),
              ErrArg("ERR radius cannot be negative"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "byradius", "x", "m"}),
              ErrArg("ERR need numeric radius"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "bybox", "1", "x", "m"}),
              ErrArg("ERR need numeric height"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "bybox", "-1", "1", "m"}),
              ErrArg("ERR height or width cannot be negative"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "byradius", "1", "m", "any"}),
              ErrArg("ERR the ANY argument requires COUNT argument"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "byradius", "1", "m", "count", "0"}),
              ErrArg("ERR COUNT must be > 0"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "byradius", "1", "m", "storedist"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(search({"byradius", "1", "m", "asc", "asc"}),
              ErrArg("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch"));
  EXPECT_THAT(search({"fromlonlat", "0", "0", "asc", "asc"}),
              ErrArg("ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch"));
  EXPECT_THAT(Run({"geosearchstore", "d", "Sicily", "fromlonlat", "0", "0", "byradius", "1", "m",
                   "withdist"}),
              ErrArg("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD"));
  EXPECT_THAT(Run({"georadius", "Sicily", "0", "0", "1", "m", "store", "d", "withhash"}),
              ErrArg("ERR STORE option in GEORADIUS is not compatible"));
  EXPECT_THAT(Run({"georadius_ro", "Sicily", "0", "0", "1", "m", "store", "d"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"georadius", "Sicily", "0", "0", "1", "yd"}),
              ErrArg("ERR unsupported unit provided"));
  // Without the source key GEORADIUSBYMEMBER doesn't look at its radius.
  EXPECT_THAT(Run({"georadiusbymember", "nokey", "x", "bad", "yd"}), ArrLen(0));
}

}  // namespace
}  // namespace fincache
