// Geohash: the 52-bit interleaved coordinates Redis stores as sorted set scores, and the
// geometry of its radius/box searches.
//
// A point (longitude, latitude) becomes two integers of `step` bits each: the position of the
// coordinate inside its range cut into 2^step cells (longitude in [-180, 180], latitude in the
// Web Mercator range [-85.05112878, 85.05112878]). The hash interleaves them: latitude bits on
// the even positions, longitude bits on the odd ones, so the most significant bit is the
// longitude's and a box at a coarser step covers a contiguous score interval at step 26
// ([bits << (52 - 2*step), (bits + 1) << (52 - 2*step))).
//
// A search (GEOSEARCH, GEORADIUS) estimates a step whose cells are about the size of the search
// area, takes the cell of the centre and its 8 neighbours, drops the neighbours that cannot
// intersect the area's bounding box, scans each cell's score interval and keeps the points
// whose exact distance passes the shape test. Every computation follows Redis 7.0's arithmetic
// step by step (same operations in the same order), so scores, decoded coordinates, distances
// and the order of unsorted results are the same bits as Redis's.
#pragma once

#include <cstdint>
#include <string>

namespace fincache::geo {

inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr int kStepMax = 26;
inline constexpr double kEarthRadiusMeters = 6372797.560856;
inline constexpr double kMercatorMax = 20037726.37;

struct Range {
  double min = 0, max = 0;
};

// A cell: `step` bits per coordinate, interleaved in `bits`. {0, 0} is "no cell".
struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool IsZero() const { return bits == 0 && step == 0; }
  bool operator==(const HashBits&) const = default;
};

struct Area {
  HashBits hash;
  Range lon, lat;
};

struct Neighbors {
  HashBits north, south, east, west, north_east, north_west, south_east, south_west;
};

// Spreads the bits of `even` over the even positions and those of `odd` over the odd ones.
uint64_t Interleave(uint32_t even, uint32_t odd);
// Inverse of Interleave.
void Deinterleave(uint64_t v, uint32_t* even, uint32_t* odd);

// The cell of (lon, lat) at `step` inside the given ranges; false when the point is outside
// the WGS84 limits or the ranges (hash->bits left 0).
bool Encode(Range lon_range, Range lat_range, double lon, double lat, int step, HashBits* hash);
// Encode with the Redis ranges (longitude +-180, latitude +-85.05112878).
bool EncodeWgs84(double lon, double lat, int step, HashBits* hash);
// The rectangle of a cell.
bool Decode(Range lon_range, Range lat_range, HashBits hash, Area* area);
// The centre of a step-26 cell with the Redis ranges, clamped to the limits: xy = {lon, lat}.
bool DecodeToLonLat(HashBits hash, double xy[2]);
// DecodeToLonLat of a sorted set score (the score truncated to an integer, as Redis does).
bool DecodeScore(double score, double xy[2]);
// The 52-bit score of a point (EncodeWgs84 at step 26).
uint64_t ScoreOf(double lon, double lat);

// The 8 cells around `hash` at its step (coordinates wrap around at the range ends).
Neighbors GetNeighbors(HashBits hash);

// Haversine distance in meters between two points given in degrees.
double Distance(double lon1, double lat1, double lon2, double lat2);
// The step whose cells are about `range_meters` wide at latitude `lat` (1..26).
int EstimateStepsByRadius(double range_meters, double lat);

// A search shape: a circle (radius) or an axis-aligned box (width x height) around xy, sizes
// in the unit whose meters are `conversion`.
struct Shape {
  enum Type : uint8_t { kCircle, kBox };
  Type type = kCircle;
  double xy[2] = {0, 0};
  double conversion = 1;
  double radius = 0;
  double width = 0, height = 0;
};

// The shape's bounding box in degrees: {min lon, min lat, max lon, max lat}.
void BoundingBox(const Shape& shape, double bounds[4]);

// The centre cell, its neighbours (useless ones zeroed) and the centre cell's area.
struct SearchArea {
  HashBits hash;
  Neighbors neighbors;
  Area area;
};
SearchArea AreasForShape(const Shape& shape);

// Decodes a score into xy and tests it against the shape; *distance (meters) from the centre.
bool WithinShape(const Shape& shape, double score, double xy[2], double* distance);

// [*min, *max): the step-26 score interval covered by a cell.
void ScoreRangeOf(HashBits hash, uint64_t* min, uint64_t* max);

// GEOHASH's 11-character standard geohash of a decoded point (latitude range +-90).
std::string GeohashString(const double xy[2]);

}  // namespace fincache::geo
