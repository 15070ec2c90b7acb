#include "common/errors.h"

#include "common/strings.h"

namespace fincache::errors {

std::string WrongArgs(std::string_view command_full_name) {
  return "ERR wrong number of arguments for '" + ToLower(command_full_name) + "' command";
}

std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  // Redis truncates the name to 128 chars and each arg, stopping at 128 chars of args in total.
  std::string out = "ERR unknown command '";
  out.append(name.substr(0, 128));
  out += "', with args beginning with: ";
  size_t budget = 128;
  for (size_t i = 0; i < nargs && budget > 0; ++i) {
    std::string_view a = args[i].substr(0, budget);
    out += "'";
    out.append(a);
    out += "' ";
    budget -= a.size();
  }
  return out;
}

std::string UnknownSubcommand(std::string_view container, std::string_view sub) {
  return "ERR unknown subcommand '" + std::string(sub.substr(0, 128)) + "'. Try " +
         ToUpper(container) + " HELP.";
}

std::string InvalidExpire(std::string_view command_lower) {
  return "ERR invalid expire time in '" + ToLower(command_lower) + "' command";
}

std::string UnsupportedOption(std::string_view option) {
  return "ERR Unsupported option " + std::string(option);
}

}  // namespace fincache::errors
