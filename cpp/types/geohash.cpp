// Geohash encoding and search geometry (see geohash.h for the model).
#include "types/geohash.h"

#include <cmath>

namespace fincache::geo {

namespace {

constexpr double kDegToRad = M_PI / 180.0;

double ToRad(double deg) { return deg * kDegToRad; }
double ToDeg(double rad) { return rad / kDegToRad; }

constexpr Range kLonRange{kLonMin, kLonMax};
constexpr Range kLatRange{kLatMin, kLatMax};

// Spreads the 32 bits of x over the even bit positions of a 64-bit word.
uint64_t SpreadBits(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

// Gathers the even bit positions of x into 32 bits.
uint32_t GatherBits(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

// Moves a cell by d (-1, 0, +1) cells in longitude (lon) or latitude (!lon), wrapping at the
// range ends. The moved coordinate keeps only its `step` low bits, the other is left as is.
void Move(HashBits* h, int d, bool lon) {
  if (d == 0) return;
  uint32_t lat_c, lon_c;
  Deinterleave(h->bits, &lat_c, &lon_c);
  uint32_t mask = h->step >= 32 ? 0xFFFFFFFFu : ((1u << h->step) - 1);
  uint32_t& c = lon ? lon_c : lat_c;
  c = static_cast<uint32_t>((c & mask) + static_cast<uint32_t>(d)) & mask;
  h->bits = Interleave(lat_c, lon_c);
}

HashBits Moved(HashBits h, int dlon, int dlat) {
  Move(&h, dlon, true);
  Move(&h, dlat, false);
  return h;
}

// Meridian distance between two latitudes (the haversine with equal longitudes, simplified).
double LatDistance(double lat1, double lat2) {
  return kEarthRadiusMeters * std::fabs(ToRad(lat2) - ToRad(lat1));
}

// Rectangle test: the point (x2, y2) is within height_m/2 of the centre (x1, y1) along the
// meridian and within width_m/2 along its parallel.
bool InRectangle(double width_m, double height_m, double x1, double y1, double x2, double y2,
                 double* distance) {
  if (LatDistance(y2, y1) > height_m / 2) return false;
  if (Distance(x2, y2, x1, y2) > width_m / 2) return false;
  *distance = Distance(x1, y1, x2, y2);
  return true;
}

}  // namespace

uint64_t Interleave(uint32_t even, uint32_t odd) {
  return SpreadBits(even) | (SpreadBits(odd) << 1);
}

void Deinterleave(uint64_t v, uint32_t* even, uint32_t* odd) {
  *even = GatherBits(v);
  *odd = GatherBits(v >> 1);
}

bool Encode(Range lon_range, Range lat_range, double lon, double lat, int step, HashBits* hash) {
  if (step > 32 || step == 0 || (lat_range.min == 0 && lat_range.max == 0) ||
      (lon_range.min == 0 && lon_range.max == 0))
    return false;
  if (lon > kLonMax || lon < kLonMin || lat > kLatMax || lat < kLatMin) return false;
  hash->bits = 0;
  hash->step = static_cast<uint8_t>(step);
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max)
    return false;
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  // Fixed point: the offsets scaled to 2^step cells, truncated (an offset of exactly 1, at the
  // range's max, lands one past the last cell, as in Redis).
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  hash->bits = Interleave(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(lon_offset));
  return true;
}

bool EncodeWgs84(double lon, double lat, int step, HashBits* hash) {
  return Encode(kLonRange, kLatRange, lon, lat, step, hash);
}

uint64_t ScoreOf(double lon, double lat) {
  HashBits h;
  EncodeWgs84(lon, lat, kStepMax, &h);
  return h.bits << (52 - h.step * 2);
}

bool Decode(Range lon_range, Range lat_range, HashBits hash, Area* area) {
  if (hash.IsZero() || (lat_range.min == 0 && lat_range.max == 0) ||
      (lon_range.min == 0 && lon_range.max == 0))
    return false;
  area->hash = hash;
  uint32_t ilat, ilon;
  Deinterleave(hash.bits, &ilat, &ilon);
  double lat_scale = lat_range.max - lat_range.min;
  double lon_scale = lon_range.max - lon_range.min;
  double cells = static_cast<double>(1ULL << hash.step);
  uint32_t ilat_next = ilat + 1, ilon_next = ilon + 1;  // wraps like Redis's uint32 math
  area->lat.min = lat_range.min + (static_cast<double>(ilat) / cells) * lat_scale;
  area->lat.max = lat_range.min + (static_cast<double>(ilat_next) / cells) * lat_scale;
  area->lon.min = lon_range.min + (static_cast<double>(ilon) / cells) * lon_scale;
  area->lon.max = lon_range.min + (static_cast<double>(ilon_next) / cells) * lon_scale;
  return true;
}

bool DecodeToLonLat(HashBits hash, double xy[2]) {
  Area area;
  if (!Decode(kLonRange, kLatRange, hash, &area)) return false;
  double lon = (area.lon.min + area.lon.max) / 2;
  if (lon > kLonMax) lon = kLonMax;
  if (lon < kLonMin) lon = kLonMin;
  double lat = (area.lat.min + area.lat.max) / 2;
  if (lat > kLatMax) lat = kLatMax;
  if (lat < kLatMin) lat = kLatMin;
  xy[0] = lon;
  xy[1] = lat;
  return true;
}

bool DecodeScore(double score, double xy[2]) {
  HashBits h;
  h.bits = static_cast<uint64_t>(score);
  h.step = kStepMax;
  return DecodeToLonLat(h, xy);
}

Neighbors GetNeighbors(HashBits h) {
  Neighbors n;
  n.east = Moved(h, 1, 0);
  n.west = Moved(h, -1, 0);
  n.south = Moved(h, 0, -1);
  n.north = Moved(h, 0, 1);
  n.north_west = Moved(h, -1, 1);
  n.south_west = Moved(h, -1, -1);
  n.north_east = Moved(h, 1, 1);
  n.south_east = Moved(h, 1, -1);
  return n;
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  double lon1r = ToRad(lon1);
  double lon2r = ToRad(lon2);
  double v = std::sin((lon2r - lon1r) / 2);
  // Same longitude: the arc along the meridian (Redis 7.0.15 takes this shortcut too, and its
  // result differs from the full formula in the last bits).
  if (v == 0.0) return LatDistance(lat1, lat2);
  double lat1r = ToRad(lat1);
  double lat2r = ToRad(lat2);
  double u = std::sin((lat2r - lat1r) / 2);
  double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

int EstimateStepsByRadius(double range_meters, double lat) {
  if (range_meters == 0) return kStepMax;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    ++step;
  }
  step -= 2;  // so that the range fits in the centre cell and its neighbours in most cases
  // Cells get narrower towards the poles: widen them.
  if (lat > 66 || lat < -66) {
    --step;
    if (lat > 80 || lat < -80) --step;
  }
  if (step < 1) step = 1;
  if (step > kStepMax) step = kStepMax;
  return step;
}

void BoundingBox(const Shape& shape, double bounds[4]) {
  double lon = shape.xy[0];
  double lat = shape.xy[1];
  bool circle = shape.type == Shape::kCircle;
  double height = shape.conversion * (circle ? shape.radius : shape.height / 2);
  double width = shape.conversion * (circle ? shape.radius : shape.width / 2);
  const double lat_delta = ToDeg(height / kEarthRadiusMeters);
  // A degree of longitude is shorter away from the equator: the box is widest on the edge
  // nearer the pole.
  const double lon_delta_top = ToDeg(width / kEarthRadiusMeters / std::cos(ToRad(lat + lat_delta)));
  const double lon_delta_bottom =
      ToDeg(width / kEarthRadiusMeters / std::cos(ToRad(lat - lat_delta)));
  bool southern = lat < 0;
  bounds[0] = southern ? lon - lon_delta_bottom : lon - lon_delta_top;
  bounds[2] = southern ? lon + lon_delta_bottom : lon + lon_delta_top;
  bounds[1] = lat - lat_delta;
  bounds[3] = lat + lat_delta;
}

SearchArea AreasForShape(const Shape& shape) {
  double bounds[4];
  BoundingBox(shape, bounds);
  double min_lon = bounds[0], min_lat = bounds[1], max_lon = bounds[2], max_lat = bounds[3];
  double lon = shape.xy[0], lat = shape.xy[1];
  // A box is covered by the circle through its corners.
  double radius_meters = shape.type == Shape::kCircle
                             ? shape.radius
                             : std::sqrt((shape.width / 2) * (shape.width / 2) +
                                         (shape.height / 2) * (shape.height / 2));
  radius_meters *= shape.conversion;

  int steps = EstimateStepsByRadius(radius_meters, lat);
  SearchArea out;
  Encode(kLonRange, kLatRange, lon, lat, steps, &out.hash);
  out.neighbors = GetNeighbors(out.hash);
  Decode(kLonRange, kLatRange, out.hash, &out.area);

  // Near the edge of the centre cell a neighbour may be too small to reach the end of the
  // search area: use cells twice as large then.
  bool decrease_step = false;
  {
    Area north, south, east, west;
    Decode(kLonRange, kLatRange, out.neighbors.north, &north);
    Decode(kLonRange, kLatRange, out.neighbors.south, &south);
    Decode(kLonRange, kLatRange, out.neighbors.east, &east);
    Decode(kLonRange, kLatRange, out.neighbors.west, &west);
    if (north.lat.max < max_lat) decrease_step = true;
    if (south.lat.min > min_lat) decrease_step = true;
    if (east.lon.max < max_lon) decrease_step = true;
    if (west.lon.min > min_lon) decrease_step = true;
  }
  if (steps > 1 && decrease_step) {
    --steps;
    Encode(kLonRange, kLatRange, lon, lat, steps, &out.hash);
    out.neighbors = GetNeighbors(out.hash);
    Decode(kLonRange, kLatRange, out.hash, &out.area);
  }

  // Drop the neighbours on the sides where the centre cell already covers the bounding box.
  if (steps >= 2) {
    Neighbors& n = out.neighbors;
    if (out.area.lat.min < min_lat) n.south = n.south_west = n.south_east = HashBits{};
    if (out.area.lat.max > max_lat) n.north = n.north_east = n.north_west = HashBits{};
    if (out.area.lon.min < min_lon) n.west = n.south_west = n.north_west = HashBits{};
    if (out.area.lon.max > max_lon) n.east = n.south_east = n.north_east = HashBits{};
  }
  return out;
}

bool WithinShape(const Shape& shape, double score, double xy[2], double* distance) {
  if (!DecodeScore(score, xy)) return false;
  if (shape.type == Shape::kCircle) {
    *distance = Distance(shape.xy[0], shape.xy[1], xy[0], xy[1]);
    return *distance <= shape.radius * shape.conversion;
  }
  return InRectangle(shape.width * shape.conversion, shape.height * shape.conversion, shape.xy[0],
                     shape.xy[1], xy[0], xy[1], distance);
}

void ScoreRangeOf(HashBits hash, uint64_t* min, uint64_t* max) {
  int shift = 52 - hash.step * 2;
  *min = hash.bits << shift;
  *max = (hash.bits + 1) << shift;
}

std::string GeohashString(const double xy[2]) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  HashBits h;
  Encode(Range{-180, 180}, Range{-90, 90}, xy[0], xy[1], kStepMax, &h);
  std::string out(11, '0');
  // 52 bits give 10 characters of 5 bits (50 bits); the 11th is always '0' as in Redis.
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(h.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

}  // namespace fincache::geo
