#include "common/errors.h"

#include <algorithm>

#include "common/strings.h"

namespace fincache::errors {

std::string WrongArgs(std::string_view command_full_name) {
  return "ERR wrong number of arguments for '" + ToLower(command_full_name) + "' command";
}

namespace {
// What C's "%.*s" prints of s: at most max chars, stopping at a NUL byte.
std::string_view CStr(std::string_view s, size_t max) {
  size_t nul = s.find('\0');
  return s.substr(0, std::min(max, nul == std::string_view::npos ? s.size() : nul));
}
}  // namespace

std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  // Redis: "'%.128s'" for the name; args appended as "'%.*s' " while the args text (quotes
  // included) is shorter than 128 chars, each cut to what is left of the 128.
  std::string out = "ERR unknown command '";
  out.append(CStr(name, 128));
  out += "', with args beginning with: ";
  std::string list;
  for (size_t i = 0; i < nargs && list.size() < 128; ++i) {
    list += "'";
    list.append(CStr(args[i], 128 - list.size() + 1));
    list += "' ";
  }
  return out + list;
}

std::string UnknownSubcommand(std::string_view container, std::string_view sub) {
  return "ERR unknown subcommand '" + std::string(CStr(sub, 128)) + "'. Try " + ToUpper(container) +
         " HELP.";
}

std::string InvalidExpire(std::string_view command_lower) {
  return "ERR invalid expire time in '" + ToLower(command_lower) + "' command";
}

std::string UnsupportedOption(std::string_view option) {
  return "ERR Unsupported option " + std::string(option);
}

}  // namespace fincache::errors
