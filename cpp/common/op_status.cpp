#include "common/op_status.h"

#include "common/errors.h"

namespace fincache {

std::string_view StatusText(OpStatus s) {
  switch (s) {
    case OpStatus::kOk:
    case OpStatus::kKeyNotFound:
    case OpStatus::kSkipped:
      return {};
    case OpStatus::kWrongType:
      return errors::kWrongType;
    case OpStatus::kNotInteger:
      return errors::kNotInteger;
    case OpStatus::kNotFloat:
      return errors::kNotFloat;
    case OpStatus::kOverflow:
      return errors::kOverflow;
    case OpStatus::kNanOrInf:
      return errors::kIncrNanOrInf;
    case OpStatus::kSyntaxError:
      return errors::kSyntax;
    case OpStatus::kNoSuchKey:
      return errors::kNoSuchKey;
    case OpStatus::kSameObject:
      return errors::kSameObject;
    case OpStatus::kStringTooLong:
      return errors::kStringTooLong;
    case OpStatus::kOffsetOutOfRange:
      return errors::kOffsetOutOfRange;
    case OpStatus::kIndexOutOfRange:
      return errors::kIndexOutOfRange;
    case OpStatus::kOutOfMemory:
      return errors::kOom;
    case OpStatus::kBusyKey:
      return errors::kBusyKey;
    case OpStatus::kDbIndexOutOfRange:
      return errors::kDbIndexOutOfRange;
  }
  return "ERR internal error";
}

}  // namespace fincache
