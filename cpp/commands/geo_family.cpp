// Geo commands (Redis 7.0.15): GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH GEOSEARCHSTORE GEORADIUS
// GEORADIUS_RO GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO.
//
// A geo index is a plain sorted set (types/zset.h) whose scores are 52-bit geohashes
// (types/geohash.h): GEOADD is ZADD with computed scores, and every sorted set command works on
// it. Searches scan the score intervals of the 9 cells around the centre and filter by exact
// distance, in Redis's order, so unsorted replies list the same members in the same order.
//
// Reply formats as Redis: distances are bulk strings "%.4f" (also in RESP3), coordinates are
// in the "%.17Lf"-without-trailing-zeros form: RESP2 bulk strings, RESP3 doubles with that text.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_context.h"
#include "commands/zset_family.h"
#include "common/errors.h"
#include "common/strings.h"
#include "protocol/reply_builder.h"
#include "types/geohash.h"
#include "types/zset.h"

namespace fincache {

namespace {

// ============================================================================================
// Argument parsing and reply helpers
// ============================================================================================

// Parses "longitude latitude"; replies the error and returns false when invalid.
bool ParseLonLat(std::string_view lon, std::string_view lat, double xy[2], CommandContext& ctx) {
  if (!ParseDouble(lon, &xy[0]) || !ParseDouble(lat, &xy[1])) {
    ctx.SendError(errors::kNotFloat);
    return false;
  }
  if (xy[0] < geo::kLonMin || xy[0] > geo::kLonMax || xy[1] < geo::kLatMin ||
      xy[1] > geo::kLatMax) {
    char buf[256];
    std::snprintf(buf, sizeof(buf), std::string(errors::kGeoInvalidLonLatFmt).c_str(), xy[0],
                  xy[1]);
    ctx.SendError(buf);
    return false;
  }
  return true;
}

// Meters per unit (m, km, ft, mi, any case); replies the error and returns a negative value
// otherwise.
double ParseUnit(std::string_view u, CommandContext& ctx) {
  if (EqualsIgnoreCase(u, "m")) return 1;
  if (EqualsIgnoreCase(u, "km")) return 1000;
  if (EqualsIgnoreCase(u, "ft")) return 0.3048;
  if (EqualsIgnoreCase(u, "mi")) return 1609.34;
  ctx.SendError(errors::kGeoUnsupportedUnit);
  return -1;
}

// "radius unit".
bool ParseRadius(std::string_view radius, std::string_view unit, geo::Shape* shape,
                 CommandContext& ctx) {
  double r;
  if (!ParseDouble(radius, &r)) {
    ctx.SendError(errors::kGeoNeedNumericRadius);
    return false;
  }
  if (r < 0) {
    ctx.SendError(errors::kGeoRadiusNegative);
    return false;
  }
  shape->radius = r;
  double conv = ParseUnit(unit, ctx);
  if (conv < 0) return false;
  shape->conversion = conv;
  return true;
}

// "width height unit".
bool ParseBox(std::string_view width, std::string_view height, std::string_view unit,
              geo::Shape* shape, CommandContext& ctx) {
  double w, h;
  if (!ParseDouble(width, &w)) {
    ctx.SendError(errors::kGeoNeedNumericWidth);
    return false;
  }
  if (!ParseDouble(height, &h)) {
    ctx.SendError(errors::kGeoNeedNumericHeight);
    return false;
  }
  if (h < 0 || w < 0) {
    ctx.SendError(errors::kGeoBoxNegative);
    return false;
  }
  double conv = ParseUnit(unit, ctx);
  if (conv < 0) return false;
  shape->width = w;
  shape->height = h;
  shape->conversion = conv;
  return true;
}

// The decoded position of a member; false when it isn't in the set.
bool MemberLonLat(const ZSet* z, std::string_view member, double xy[2]) {
  std::optional<double> score = z->Score(member);
  return score && geo::DecodeScore(*score, xy);
}

// A coordinate as Redis's addReplyHumanLongDouble.
void ReplyCoordinate(CommandContext& ctx, double v) {
  std::string text = protocol::FormatLongDouble(v);
  ctx.rb.SendDoubleText(std::strtod(text.c_str(), nullptr), text);
}

void ReplyLonLat(CommandContext& ctx, const double xy[2]) {
  ctx.rb.StartArray(2);
  ReplyCoordinate(ctx, xy[0]);
  ReplyCoordinate(ctx, xy[1]);
}

// A distance: always a bulk string with 4 decimals, as Redis's fixedpoint_d2string: the value
// times 10^4 rounded to an integer with llrint (ties to even, unlike printf's "%.4f" which
// rounds the exact binary value: 3834282.9398500002 gives "3834282.9398").
void ReplyDistance(CommandContext& ctx, double d) {
  long long scaled = std::llrint(d * 10000.0);
  unsigned long long v = scaled < 0 ? 0ULL - static_cast<unsigned long long>(scaled)
                                    : static_cast<unsigned long long>(scaled);
  char buf[64];
  int n =
      std::snprintf(buf, sizeof(buf), "%s%llu.%04llu", scaled < 0 ? "-" : "", v / 10000, v % 10000);
  ctx.rb.SendBulk(std::string_view(buf, static_cast<size_t>(n)));
}

// ============================================================================================
// GEOADD GEODIST GEOHASH GEOPOS
// ============================================================================================

// GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
//   -> integer: members added (CH: added + updated)
void CmdGeoadd(CmdArgList args, CommandContext& ctx) {
  bool nx = false, xx = false, ch = false;
  size_t i = 2;
  for (; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "nx"))
      nx = true;
    else if (EqualsIgnoreCase(args[i], "xx"))
      xx = true;
    else if (EqualsIgnoreCase(args[i], "ch"))
      ch = true;
    else
      break;
  }
  size_t rest = args.size() - i;
  if (rest % 3 != 0 || (nx && xx) || rest == 0) return ctx.SendError(errors::kSyntax);
  // Every pair is validated before anything is written.
  std::vector<std::pair<double, std::string_view>> pairs;
  pairs.reserve(rest / 3);
  for (size_t j = i; j < args.size(); j += 3) {
    double xy[2];
    if (!ParseLonLat(args[j], args[j + 1], xy, ctx)) return;
    pairs.emplace_back(static_cast<double>(geo::ScoreOf(xy[0], xy[1])), args[j + 2]);
  }
  Db db = ctx.db();
  OpResult<Entry*> found = db.FindOfType(args[1], ObjType::kZSet);
  if (!found && found.status() != OpStatus::kKeyNotFound) return ctx.SendStatus(found.status());
  ZSet* z = found ? found.value()->value.As<ZSet>() : nullptr;
  if (!z) {
    if (xx) return ctx.rb.SendLong(0);
    auto created = std::make_unique<ZSet>();
    // As ZADD: the skiplist right away when the first member is too long for a listpack.
    if (ZsetLimits::max_listpack_entries.load() == 0 ||
        static_cast<int64_t>(pairs[0].second.size()) > ZsetLimits::max_listpack_value.load())
      created->ConvertToSkiplist();
    z = created.get();
    auto [e, inserted] = db.FindOrInsert(args[1]);
    e->value.SetObject(std::move(created));
  }
  int flags = (nx ? ZSet::kNx : 0) | (xx ? ZSet::kXx : 0);
  int64_t added = 0, updated = 0;
  for (auto& [score, member] : pairs) {
    int out = 0;
    z->Add(member, score, flags, &out, nullptr);
    if (out & ZSet::kOutAdded) ++added;
    if (out & ZSet::kOutUpdated) ++updated;
  }
  // GEOADD is Redis's ZADD underneath: its notification is "zadd".
  if (added || updated) ctx.Notify(notify::kZset, "zadd", args[1]);
  if (z->size() == 0) db.Delete(args[1]);
  ctx.rb.SendLong(ch ? added + updated : added);
}

// GEODIST key member1 member2 [M|KM|FT|MI] -> bulk: the distance ("%.4f"), or null
void CmdGeodist(CmdArgList args, CommandContext& ctx) {
  double to_meter = 1;
  if (args.size() == 5) {
    to_meter = ParseUnit(args[4], ctx);
    if (to_meter < 0) return;
  } else if (args.size() > 5) {
    return ctx.SendError(errors::kSyntax);
  }
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  double a[2], b[2];
  if (!*z || !MemberLonLat(*z, args[2], a) || !MemberLonLat(*z, args[3], b))
    return ctx.rb.SendNull();
  ReplyDistance(ctx, geo::Distance(a[0], a[1], b[0], b[1]) / to_meter);
}

// GEOHASH key [member ...] -> array: an 11-character geohash per member, or null
void CmdGeohash(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    double xy[2];
    if (*z && MemberLonLat(*z, args[i], xy))
      ctx.rb.SendBulk(geo::GeohashString(xy));
    else
      ctx.rb.SendNull();
  }
}

// GEOPOS key [member ...] -> array: [longitude, latitude] per member, or a null array
void CmdGeopos(CmdArgList args, CommandContext& ctx) {
  Db db = ctx.db();
  OpResult<const ZSet*> z = FindZsetRead(db, args[1]);
  if (!z) return ctx.SendStatus(z.status());
  ctx.rb.StartArray(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    double xy[2];
    if (*z && MemberLonLat(*z, args[i], xy))
      ReplyLonLat(ctx, xy);
    else
      ctx.rb.SendNullArray();
  }
}

// ============================================================================================
// GEOSEARCH GEOSEARCHSTORE GEORADIUS*
// ============================================================================================

enum SearchFlags : int {
  kRadiusCoords = 1,  // GEORADIUS[_RO]: longitude latitude radius unit
  kRadiusMember = 2,  // GEORADIUSBYMEMBER[_RO]: member radius unit
  kNoStore = 4,       // the _RO variants
  kSearch = 8,        // GEOSEARCH[STORE]: FROM.../BY... options
  kSearchStore = 16,  // GEOSEARCHSTORE
};

struct GeoPoint {
  double lon, lat, dist, score;
  std::string member;
};

// Appends the members of `hash`'s score interval that are inside the shape, in score order;
// stops once `limit` (if not 0) points are collected.
void PointsOfCell(const ZSet& z, geo::HashBits hash, const geo::Shape& shape, size_t limit,
                  std::vector<GeoPoint>* out) {
  uint64_t min, max;
  geo::ScoreRangeOf(hash, &min, &max);
  ZScoreRange range{static_cast<double>(min), static_cast<double>(max), false, true};
  size_t lo = 0, hi = 0;
  z.ScoreRanks(range, &lo, &hi);
  // Chunks of ranks, so that a limited (ANY) scan stops soon without a rank lookup per member.
  constexpr size_t kChunk = 64;
  bool full = false;
  for (size_t r = lo; r < hi && !full; r += kChunk) {
    z.Visit(r, std::min(kChunk, hi - r), false, [&](std::string_view member, double score) {
      if (full) return;
      double xy[2], dist = 0;
      if (geo::WithinShape(shape, score, xy, &dist))
        out->push_back(GeoPoint{xy[0], xy[1], dist, score, std::string(member)});
      full = limit && !out->empty() && out->size() >= limit;
    });
  }
}

// The points of the centre cell and its neighbours, in Redis's cell order (centre, N, S, E, W,
// NE, NW, SE, SW). A neighbour equal to the cell scanned just before it is skipped (large
// radii), except right after the centre, as Redis does.
std::vector<GeoPoint> PointsInShape(const ZSet& z, const geo::Shape& shape, size_t limit) {
  geo::SearchArea area = geo::AreasForShape(shape);
  const geo::Neighbors& n = area.neighbors;
  const geo::HashBits cells[9] = {area.hash,    n.north,      n.south,      n.east,      n.west,
                                  n.north_east, n.north_west, n.south_east, n.south_west};
  std::vector<GeoPoint> out;
  size_t last_processed = 0;
  for (size_t i = 0; i < 9; ++i) {
    if (cells[i].IsZero()) continue;
    if (last_processed && cells[i] == cells[last_processed]) continue;
    if (!out.empty() && limit && out.size() >= limit) break;
    PointsOfCell(z, cells[i], shape, limit, &out);
    last_processed = i;
  }
  return out;
}

// Shared by the search commands: the source key is argv[src_index].
void GeoSearchGeneric(CmdArgList args, CommandContext& ctx, size_t src_index, int flags) {
  Db db = ctx.db();
  OpResult<const ZSet*> found = FindZsetRead(db, args[src_index]);
  if (!found) return ctx.SendStatus(found.status());
  const ZSet* z = *found;

  std::string_view store_key;
  bool has_store = false, store_dist = false;
  geo::Shape shape;
  size_t base;
  if (flags & kRadiusCoords) {
    base = 6;
    shape.type = geo::Shape::kCircle;
    if (!ParseLonLat(args[2], args[3], shape.xy, ctx)) return;
    if (!ParseRadius(args[4], args[5], &shape, ctx)) return;
  } else if (flags & kRadiusMember) {
    base = 5;
    // Without a source key the radius isn't even parsed (Redis replies the empty result).
    if (z) {
      shape.type = geo::Shape::kCircle;
      if (!MemberLonLat(z, args[2], shape.xy)) return ctx.SendError(errors::kGeoMemberNotFound);
      if (!ParseRadius(args[3], args[4], &shape, ctx)) return;
    }
  } else {
    base = 2;
    if (flags & kSearchStore) {
      base = 3;
      store_key = args[1];
      has_store = true;
    }
  }

  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false;
  enum { kSortNone, kSortAsc, kSortDesc } sort = kSortNone;
  int64_t count = 0;
  size_t remaining = args.size() - base;
  for (size_t i = 0; i < remaining; ++i) {
    std::string_view a = args[base + i];
    auto arg = [&](size_t k) { return args[base + i + k]; };
    if (EqualsIgnoreCase(a, "withdist")) {
      withdist = true;
    } else if (EqualsIgnoreCase(a, "withhash")) {
      withhash = true;
    } else if (EqualsIgnoreCase(a, "withcoord")) {
      withcoord = true;
    } else if (EqualsIgnoreCase(a, "any")) {
      any = true;
    } else if (EqualsIgnoreCase(a, "asc")) {
      sort = kSortAsc;
    } else if (EqualsIgnoreCase(a, "desc")) {
      sort = kSortDesc;
    } else if (EqualsIgnoreCase(a, "count") && i + 1 < remaining) {
      if (!ParseInt64(arg(1), &count)) return ctx.SendError(errors::kNotInteger);
      if (count <= 0) return ctx.SendError(errors::kGeoCountNotPositive);
      ++i;
    } else if ((EqualsIgnoreCase(a, "store") || EqualsIgnoreCase(a, "storedist")) &&
               i + 1 < remaining && !(flags & kNoStore) && !(flags & kSearch)) {
      store_key = arg(1);
      has_store = true;
      store_dist = EqualsIgnoreCase(a, "storedist");
      ++i;
    } else if (EqualsIgnoreCase(a, "storedist") && (flags & kSearch) && (flags & kSearchStore)) {
      store_dist = true;
    } else if (EqualsIgnoreCase(a, "frommember") && i + 1 < remaining && (flags & kSearch) &&
               !fromloc) {
      if (z && !MemberLonLat(z, arg(1), shape.xy)) return ctx.SendError(errors::kGeoMemberNotFound);
      frommember = true;
      ++i;
    } else if (EqualsIgnoreCase(a, "fromlonlat") && i + 2 < remaining && (flags & kSearch) &&
               !frommember) {
      if (!ParseLonLat(arg(1), arg(2), shape.xy, ctx)) return;
      fromloc = true;
      i += 2;
    } else if (EqualsIgnoreCase(a, "byradius") && i + 2 < remaining && (flags & kSearch) &&
               !bybox) {
      if (!ParseRadius(arg(1), arg(2), &shape, ctx)) return;
      shape.type = geo::Shape::kCircle;
      byradius = true;
      i += 2;
    } else if (EqualsIgnoreCase(a, "bybox") && i + 3 < remaining && (flags & kSearch) &&
               !byradius) {
      if (!ParseBox(arg(1), arg(2), arg(3), &shape, ctx)) return;
      shape.type = geo::Shape::kBox;
      bybox = true;
      i += 3;
    } else {
      return ctx.SendError(errors::kSyntax);
    }
  }

  if (has_store && (withdist || withhash || withcoord))
    return ctx.SendError((flags & kSearchStore) ? errors::kGeoSearchStoreWithOptions
                                                : errors::kGeoRadiusStoreWithOptions);
  if ((flags & kSearch) && !(frommember || fromloc))
    return ctx.SendError(errors::GeoExactlyOneFrom(args[0]));
  if ((flags & kSearch) && !(byradius || bybox))
    return ctx.SendError(errors::GeoExactlyOneBy(args[0]));
  if (any && !count) return ctx.SendError(errors::kGeoAnyNeedsCount);

  if (!z) {
    if (has_store) {
      if (db.Delete(store_key)) ctx.Notify(notify::kGeneric, "del", store_key);
      return ctx.rb.SendLong(0);
    }
    return ctx.rb.SendEmptyArray();
  }

  // COUNT returns the nearest ones: ascending unless an order (or ANY) was asked.
  if (count != 0 && sort == kSortNone && !any) sort = kSortAsc;

  std::vector<GeoPoint> points = PointsInShape(*z, shape, any ? static_cast<size_t>(count) : 0);
  if (points.empty() && !has_store) return ctx.rb.SendEmptyArray();

  size_t returned = points.size();
  if (count != 0 && static_cast<uint64_t>(count) < returned) returned = static_cast<size_t>(count);
  if (sort != kSortNone) {
    // Stable, as glibc's qsort (a merge sort) that Redis uses: equal distances keep the scan
    // order.
    if (sort == kSortAsc)
      std::stable_sort(points.begin(), points.end(),
                       [](const GeoPoint& a, const GeoPoint& b) { return a.dist < b.dist; });
    else
      std::stable_sort(points.begin(), points.end(),
                       [](const GeoPoint& a, const GeoPoint& b) { return a.dist > b.dist; });
  }

  if (!has_store) {
    size_t options = withdist + withhash + withcoord;
    ctx.rb.StartArray(returned);
    for (size_t i = 0; i < returned; ++i) {
      GeoPoint& p = points[i];
      p.dist /= shape.conversion;
      if (options) ctx.rb.StartArray(options + 1);
      ctx.rb.SendBulk(p.member);
      if (withdist) ReplyDistance(ctx, p.dist);
      if (withhash) ctx.rb.SendLong(static_cast<int64_t>(p.score));
      if (withcoord) {
        double xy[2] = {p.lon, p.lat};
        ReplyLonLat(ctx, xy);
      }
    }
    return;
  }

  std::vector<ZPair> items;
  items.reserve(returned);
  for (size_t i = 0; i < returned; ++i) {
    GeoPoint& p = points[i];
    p.dist /= shape.conversion;
    items.emplace_back(std::move(p.member), store_dist ? p.dist : p.score);
  }
  StoreZPairsAndNotify(ctx, db, store_key, items,
                       (flags & kSearchStore) ? "geosearchstore" : "georadiusstore");
  ctx.rb.SendLong(static_cast<int64_t>(returned));
}

// GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude
//   BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]]
//   [WITHCOORD] [WITHDIST] [WITHHASH]
//   -> array of members, or of [member, distance?, hash?, [lon, lat]?] with options
void CmdGeosearch(CmdArgList args, CommandContext& ctx) { GeoSearchGeneric(args, ctx, 1, kSearch); }

// GEOSEARCHSTORE destination source FROM... BY... [ASC|DESC] [COUNT count [ANY]] [STOREDIST]
//   -> integer: members stored (scores: geohashes, or distances with STOREDIST)
void CmdGeosearchstore(CmdArgList args, CommandContext& ctx) {
  GeoSearchGeneric(args, ctx, 2, kSearch | kSearchStore);
}

// GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
//   [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]
//   -> as GEOSEARCH; with STORE/STOREDIST the integer count of stored members
void CmdGeoradius(CmdArgList args, CommandContext& ctx) {
  GeoSearchGeneric(args, ctx, 1, kRadiusCoords);
}

// GEORADIUS_RO key longitude latitude radius unit [options without STORE] -> as GEOSEARCH
void CmdGeoradiusRo(CmdArgList args, CommandContext& ctx) {
  GeoSearchGeneric(args, ctx, 1, kRadiusCoords | kNoStore);
}

// GEORADIUSBYMEMBER key member radius M|KM|FT|MI [options] [STORE key|STOREDIST key]
//   -> as GEORADIUS
void CmdGeoradiusbymember(CmdArgList args, CommandContext& ctx) {
  GeoSearchGeneric(args, ctx, 1, kRadiusMember);
}

// GEORADIUSBYMEMBER_RO key member radius unit [options without STORE] -> as GEOSEARCH
void CmdGeoradiusbymemberRo(CmdArgList args, CommandContext& ctx) {
  GeoSearchGeneric(args, ctx, 1, kRadiusMember | kNoStore);
}

// Keys of GEORADIUS/GEORADIUSBYMEMBER: the source, then the key after the first STORE and the
// one after the first STOREDIST from argv[first_option] on (Redis's key specs, what COMMAND
// GETKEYS shows), plus the key the command really writes (the last STORE/STOREDIST, which
// only differs when one is repeated) so that it is locked too.
bool GeoradiusKeysFrom(CmdArgList args, KeyIndexes* out, size_t first_option) {
  out->push_back(1);
  int n = static_cast<int>(args.size());
  for (std::string_view kw : {"store", "storedist"}) {
    for (int i = static_cast<int>(first_option); i < n; ++i) {
      if (EqualsIgnoreCase(args[i], kw)) {
        if (i + 1 < n) out->push_back(i + 1);
        break;
      }
    }
  }
  int last = -1;
  for (int i = static_cast<int>(first_option); i + 1 < n; ++i) {
    if (EqualsIgnoreCase(args[i], "store") || EqualsIgnoreCase(args[i], "storedist")) {
      last = i + 1;
      ++i;
    } else if (EqualsIgnoreCase(args[i], "count")) {
      ++i;
    }
  }
  if (last > 0 && std::find(out->begin(), out->end(), last) == out->end()) out->push_back(last);
  return true;
}

bool GeoradiusKeys(CmdArgList args, KeyIndexes* out) { return GeoradiusKeysFrom(args, out, 6); }
bool GeoradiusbymemberKeys(CmdArgList args, KeyIndexes* out) {
  return GeoradiusKeysFrom(args, out, 5);
}

}  // namespace

// ============================================================================================
// Registration
// ============================================================================================

void RegisterGeoFamily(CommandRegistry& r) {
  auto add = [&r](std::string_view name, int arity, uint32_t flags, int first, int last,
                  std::string_view since, std::string_view summary, std::string_view complexity,
                  CommandHandler handler) -> CommandSpec& {
    CommandSpec spec;
    spec.name = std::string(name);
    spec.arity = arity;
    spec.flags = flags;
    spec.first_key = first;
    spec.last_key = last;
    spec.key_step = 1;
    spec.acl = ACL::kGeo;
    spec.group = "geo";
    spec.since = since;
    spec.summary = summary;
    spec.complexity = complexity;
    spec.handler = handler;
    return r.Add(std::move(spec));
  };
  constexpr uint32_t kW = CO::kWrite;
  constexpr uint32_t kR = CO::kReadOnly;
  constexpr uint32_t kOom = CO::kDenyOom;
  constexpr std::string_view kUnits =
      "unit/oneof[m/pure-token=M km/pure-token=KM ft/pure-token=FT mi/pure-token=MI]";
  constexpr std::string_view kRadiusComplexity =
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular "
      "area delimited by center and radius and M is the number of items inside the index.";
  constexpr std::string_view kSearchComplexity =
      "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area "
      "around the shape provided as the filter and M is the number of items inside the shape";
  // Args() keeps views into its text: the composed texts live as long as the registry.
  static const std::string from_by =
      "from/oneof[member/string=FROMMEMBER longitude_latitude/block=FROMLONLAT[longitude/double "
      "latitude/double]] by/oneof[circle/block[radius/double=BYRADIUS " +
      std::string(kUnits) + "] box/block[width/double=BYBOX height/double " + std::string(kUnits) +
      "]] order/oneof?[asc/pure-token=ASC desc/pure-token=DESC] count/block?[count/integer=COUNT "
      "any/pure-token=ANY?]";
  auto radius_options = [&](bool any_since) {
    return std::string(kUnits) +
           " withcoord/pure-token=WITHCOORD? withdist/pure-token=WITHDIST? "
           "withhash/pure-token=WITHHASH? count/block?[count/integer=COUNT any/pure-token=ANY" +
           (any_since ? "^6.2.0" : "") + "?] order/oneof?[asc/pure-token=ASC desc/pure-token=DESC]";
  };
  static const std::string kGeosearchArgs =
      "key/key#0 " + from_by +
      " withcoord/pure-token=WITHCOORD? withdist/pure-token=WITHDIST? "
      "withhash/pure-token=WITHHASH?";
  static const std::string kGeosearchstoreArgs =
      "destination/key#0 source/key#1 " + from_by + " storedist/pure-token=STOREDIST?";
  static const std::string kGeoradiusArgs =
      "key/key#0 longitude/double latitude/double radius/double " + radius_options(true) +
      " key/key#1=STORE? key/key#2=STOREDIST?";
  static const std::string kGeoradiusRoArgs =
      "key/key#0 longitude/double latitude/double radius/double " + radius_options(true);
  static const std::string kGeoradiusbymemberArgs = "key/key#0 member/string radius/double " +
                                                    radius_options(false) +
                                                    " key/key#1=STORE? key/key#2=STOREDIST?";
  static const std::string kGeoradiusbymemberRoArgs =
      "key/key#0 member/string radius/double " + radius_options(false);

  add("geoadd", -5, kW | kOom, 1, 1, "3.2.0",
      "Add one or more geospatial items in the geospatial index represented using a sorted set",
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
      CmdGeoadd)
      .KeySpecs({KS::Index(1).RW().Update()})
      .History({{"6.2.0", "Added the `CH`, `NX` and `XX` options."}})
      .Args(
          "key/key#0 condition/oneof^6.2.0?[nx/pure-token=NX xx/pure-token=XX] "
          "change/pure-token=CH^6.2.0? longitude_latitude_member/block*[longitude/double "
          "latitude/double member/string]");
  add("geodist", -4, kR, 1, 1, "3.2.0",
      "Returns the distance between two members of a geospatial index", "O(log(N))", CmdGeodist)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args(
          "key/key#0 member1/string member2/string unit/oneof?[m/pure-token=M km/pure-token=KM "
          "ft/pure-token=FT mi/pure-token=MI]");
  add("geohash", -2, kR, 1, 1, "3.2.0",
      "Returns members of a geospatial index as standard geohash strings",
      "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
      CmdGeohash)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 member/string*");
  add("geopos", -2, kR, 1, 1, "3.2.0",
      "Returns longitude and latitude of members of a geospatial index",
      "O(N) where N is the number of members requested.", CmdGeopos)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Args("key/key#0 member/string*");
  add("geosearch", -7, kR, 1, 1, "6.2.0",
      "Query a sorted set representing a geospatial index to fetch members inside an area of a "
      "box or a circle.",
      kSearchComplexity, CmdGeosearch)
      .KeySpecs({KS::Index(1).RO().Access()})
      .History({{"7.0.0", "Added support for uppercase unit names."}})
      .Args(kGeosearchArgs);
  add("geosearchstore", -8, kW | kOom, 1, 2, "6.2.0",
      "Query a sorted set representing a geospatial index to fetch members inside an area of a "
      "box or a circle, and store the result in another key.",
      kSearchComplexity, CmdGeosearchstore)
      .KeySpecs({KS::Index(1).OW().Update(), KS::Index(2).RO().Access()})
      .History({{"7.0.0", "Added support for uppercase unit names."}})
      .Args(kGeosearchstoreArgs);
  add("georadius", -6, kW | kOom, 1, 1, "3.2.0",
      "Query a sorted set representing a geospatial index to fetch members matching a given "
      "maximum distance from a point",
      kRadiusComplexity, CmdGeoradius)
      .KeySpecs({KS::Index(1).RO().Access(), KS::Keyword("STORE", 6).Range(0).OW().Update(),
                 KS::Keyword("STOREDIST", 6).Range(0).OW().Update()})
      .History({{"6.2.0", "Added the `ANY` option for `COUNT`."},
                {"7.0.0", "Added support for uppercase unit names."}})
      .Deprecated("6.2.0", "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument")
      .Args(kGeoradiusArgs)
      .keys_fn = GeoradiusKeys;
  add("georadius_ro", -6, kR, 1, 1, "3.2.10", "A read-only variant for GEORADIUS",
      kRadiusComplexity, CmdGeoradiusRo)
      .KeySpecs({KS::Index(1).RO().Access()})
      .History({{"6.2.0", "Added the `ANY` option for `COUNT`."}})
      .Deprecated("6.2.0", "`GEOSEARCH` with the `BYRADIUS` argument")
      .Args(kGeoradiusRoArgs);
  add("georadiusbymember", -5, kW | kOom, 1, 1, "3.2.0",
      "Query a sorted set representing a geospatial index to fetch members matching a given "
      "maximum distance from a member",
      kRadiusComplexity, CmdGeoradiusbymember)
      .KeySpecs({KS::Index(1).RO().Access(), KS::Keyword("STORE", 5).Range(0).OW().Update(),
                 KS::Keyword("STOREDIST", 5).Range(0).OW().Update()})
      .History({{"7.0.0", "Added support for uppercase unit names."}})
      .Deprecated("6.2.0",
                  "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` "
                  "arguments")
      .Args(kGeoradiusbymemberArgs)
      .keys_fn = GeoradiusbymemberKeys;
  add("georadiusbymember_ro", -5, kR, 1, 1, "3.2.10", "A read-only variant for GEORADIUSBYMEMBER",
      kRadiusComplexity, CmdGeoradiusbymemberRo)
      .KeySpecs({KS::Index(1).RO().Access()})
      .Deprecated("6.2.0", "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments")
      .Args(kGeoradiusbymemberRoArgs);
}

}  // namespace fincache
