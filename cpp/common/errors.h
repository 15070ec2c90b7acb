// Redis's exact error texts, in one place. A handler never spells an error inline.
// Texts are complete (code included) and carry no leading '-'.
#pragma once

#include <string>
#include <string_view>

namespace fincache::errors {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kIncrNanOrInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '%s' command";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidDbIndex = "ERR invalid DB index";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotSet =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
// While a script runs past busy-reply-threshold (EVAL / FCALL flavours).
inline constexpr std::string_view kBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kUnblockedByClientUnblock =
    "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kClientUnblockReason =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
// "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP." (the
// subcommand as typed; Redis's addReplySubcommandSyntaxError)
inline std::string SubcommandSyntax(std::string_view container_upper, std::string_view sub) {
  return "ERR unknown subcommand or wrong number of arguments for '" +
         std::string(sub.substr(0, 128)) + "'. Try " + std::string(container_upper) + " HELP.";
}

// ---- connection and server families ----
inline constexpr std::string_view kProtoVersionNotInt =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
    "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
    "version at the same time";
inline constexpr std::string_view kClientNameInvalid =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kClientIdNotPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kInvalidCommandSpecified = "ERR Invalid command specified";
inline constexpr std::string_view kNoKeyArguments = "ERR The command has no key arguments";
inline constexpr std::string_view kInvalidCommandArgs =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kInvalidCommandKeyArgs =
    "ERR Invalid arguments specified for command";

// Generic (keyspace) family.
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
// getIntFromObjectOrReply's range error (SELECT, MOVE, COPY ... DB).
inline constexpr std::string_view kIntRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kExpireNxAndOthers =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtAndLt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";

// DUMP / RESTORE.
inline constexpr std::string_view kRestoreInvalidTtl = "ERR Invalid TTL value, must be >= 0";
inline constexpr std::string_view kRestoreInvalidIdletime =
    "ERR Invalid IDLETIME value, must be >= 0";
inline constexpr std::string_view kRestoreInvalidFreq =
    "ERR Invalid FREQ value, must be >= 0 and <= 255";
inline constexpr std::string_view kDumpPayloadInvalid =
    "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kBadDataFormat = "ERR Bad data format";
// SAVE / BGSAVE.
inline constexpr std::string_view kBgsaveInProgress = "ERR Background save already in progress";

// String family.
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kLcsNotStrings =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsStringTooLong = "ERR String too long for LCS";
inline constexpr std::string_view kLcsExceedsProtoMax =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr std::string_view kLcsAllocFailed =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

// List family.
inline constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kLposRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
inline constexpr std::string_view kLposCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kLposMaxlenNegative = "ERR MAXLEN can't be negative";
inline constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";

// Sorted set family.
inline constexpr std::string_view kZaddXxAndNx =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZaddGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZaddIncrPair =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kZsetScoreNan = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kZsetMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kZsetMinMaxNotLex = "ERR min or max not valid string range item";
inline constexpr std::string_view kZrangeLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kZrangeWithscoresBylex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kZsetWeightNotFloat = "ERR weight value is not a float";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
// getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) (SRANDMEMBER/ZRANDMEMBER count).
inline constexpr std::string_view kLongRangeExclMin =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

// Hash family.
inline constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kValueNanOrInf = "ERR value is NaN or Infinity";

// Set family.
inline constexpr std::string_view kNumkeysExceedArgs =
    "ERR Number of keys can't be greater than number of args";

// Bitmap family.
inline constexpr std::string_view kBitOffsetInvalid =
    "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValueInvalid = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitposBitArg = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitopNotSingleKey =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldInvalidType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";
inline constexpr std::string_view kBitfieldInvalidOverflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldRoOnlyGet =
    "ERR BITFIELD_RO only supports the GET subcommand";

// SORT / SORT_RO.
inline constexpr std::string_view kSortScoreNotDouble =
    "ERR One or more scores can't be converted into double";

// HyperLogLog family.
inline constexpr std::string_view kHllWrongType =
    "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kHllCorrupt = "INVALIDOBJ Corrupted HLL object detected";

// Geo family.
// printf format of extractLongLatOrReply's error (longitude, latitude with "%f").
inline constexpr std::string_view kGeoInvalidLonLatFmt =
    "ERR invalid longitude,latitude pair %f,%f";
inline constexpr std::string_view kGeoUnsupportedUnit =
    "ERR unsupported unit provided. please use M, KM, FT, MI";
inline constexpr std::string_view kGeoMemberNotFound = "ERR could not decode requested zset member";
inline constexpr std::string_view kGeoNeedNumericRadius = "ERR need numeric radius";
inline constexpr std::string_view kGeoNeedNumericWidth = "ERR need numeric width";
inline constexpr std::string_view kGeoNeedNumericHeight = "ERR need numeric height";
inline constexpr std::string_view kGeoRadiusNegative = "ERR radius cannot be negative";
inline constexpr std::string_view kGeoBoxNegative = "ERR height or width cannot be negative";
inline constexpr std::string_view kGeoCountNotPositive = "ERR COUNT must be > 0";
inline constexpr std::string_view kGeoAnyNeedsCount =
    "ERR the ANY argument requires COUNT argument";
inline constexpr std::string_view kGeoSearchStoreWithOptions =
    "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
inline constexpr std::string_view kGeoRadiusStoreWithOptions =
    "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD "
    "options";
// "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH" (argv[0] as sent).
inline std::string GeoExactlyOneFrom(std::string_view command_as_sent) {
  return "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
         std::string(command_as_sent);
}
// "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH" (argv[0] as sent).
inline std::string GeoExactlyOneBy(std::string_view command_as_sent) {
  return "ERR exactly one of BYRADIUS and BYBOX can be specified for " +
         std::string(command_as_sent);
}

// "ERR wrong number of arguments for 'get' command" (full name, e.g. 'client|id').
std::string WrongArgs(std::string_view command_full_name);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string UnknownSubcommand(std::string_view container, std::string_view sub);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpire(std::string_view command_lower);
// "ERR Unsupported option foo" (EXPIRE family)
std::string UnsupportedOption(std::string_view option);
// "ERR at least 1 input key is needed for 'zunion' command" (ZUNION/ZINTER/ZDIFF...).
inline std::string AtLeastOneInputKey(std::string_view command_full_name) {
  return "ERR at least 1 input key is needed for '" + std::string(command_full_name) + "' command";
}

}  // namespace fincache::errors
