// Server commands: TIME, CONFIG (GET SET RESETSTAT REWRITE HELP). INFO lives in
// server_family_info.cpp, COMMAND in server_family_command.cpp; DBSIZE/FLUSHDB/FLUSHALL/SWAPDB in
// the generic family.
#include "commands/server_family.h"

#include <map>
#include <vector>

#include "commands/command_context.h"
#include "common/errors.h"
#include "common/strings.h"

namespace fincache {

namespace {

// TIME -> array: [unix seconds, microseconds], both as bulk strings
void CmdTime(CmdArgList args, CommandContext& ctx) {
  int64_t us = ctx.engine.clock().NowUs();
  ctx.rb.StartArray(2);
  ctx.rb.SendBulk(std::to_string(us / 1000000));
  ctx.rb.SendBulk(std::to_string(us % 1000000));
}

// CONFIG GET parameter [parameter ...] -> map of name to value (RESP2: flat array). A name without
// glob characters is looked up exactly (aliases too) and echoed as given; patterns match the
// names and aliases case-insensitively.
void CmdConfigGet(CmdArgList args, CommandContext& ctx) {
  const Config& config = ctx.server.config();
  std::map<std::string, std::string> matches;  // name as replied -> value
  std::vector<std::string> exact_canonical;    // canonical names already answered exactly
  for (size_t i = 2; i < args.size(); ++i) {
    std::string_view pattern = args[i];
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      if (auto v = config.Get(pattern)) matches.emplace(std::string(pattern), *v);
      continue;
    }
    for (auto& [name, value] : config.GetMatching(pattern)) matches.emplace(name, value);
  }
  // An exact lookup echoes the caller's spelling ("MAXCLIENTS"); drop a pattern match of the
  // same setting under the same name in another case, as Redis's case-insensitive dict would.
  std::map<std::string, std::string> out;
  for (auto& [name, value] : matches) {
    std::string lower = ToLower(name);
    bool dup = false;
    for (auto& [n2, v2] : out)
      if (ToLower(n2) == lower) dup = true;
    if (!dup) out.emplace(name, value);
  }
  ctx.rb.StartMap(out.size());
  for (auto& [name, value] : out) {
    ctx.rb.SendBulk(name);
    ctx.rb.SendBulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...] -> OK. All or nothing: when one value is
// rejected, the settings already changed by this call are restored.
void CmdConfigSet(CmdArgList args, CommandContext& ctx) {
  if (args.size() % 2 != 0) return ctx.SendStatus(OpStatus::kSyntaxError);
  Config& config = ctx.server.config();
  std::string_view unknown_arg;
  std::string err_arg, errstr;
  bool invalid = false;
  std::vector<const Config::Item*> items;
  std::vector<std::string_view> values;
  std::vector<std::string_view> given;  // names as sent (an alias is reported as the alias)
  for (size_t i = 2; i < args.size(); i += 2) {
    const Config::Item* item = config.Find(args[i]);
    if (!item) {
      if (!invalid) {
        unknown_arg = args[i];
        invalid = true;
      }
      continue;
    }
    if (invalid) continue;
    if (item->immutable || item->protected_config) {
      errstr = item->immutable ? "can't set immutable config" : "can't set protected config";
      err_arg = args[i];
      invalid = true;
      continue;
    }
    if (std::find(items.begin(), items.end(), item) != items.end()) {
      errstr = "duplicate parameter";
      err_arg = args[i];
      invalid = true;
      continue;
    }
    items.push_back(item);
    values.push_back(args[i + 1]);
    given.push_back(args[i]);
  }
  if (!invalid) {
    std::vector<std::pair<std::string, std::string>> backup;
    for (size_t i = 0; i < items.size(); ++i) {
      std::string name = items[i]->name;
      std::string old = config.Get(name).value_or("");
      std::string e = config.Set(name, values[i]);
      if (!e.empty()) {
        for (auto it = backup.rbegin(); it != backup.rend(); ++it)
          config.Set(it->first, it->second, /*at_startup=*/true);
        errstr = e;
        err_arg = ToLower(given[i]);
        invalid = true;
        break;
      }
      backup.emplace_back(std::move(name), std::move(old));
    }
  }
  if (!unknown_arg.empty())
    return ctx.SendError("ERR Unknown option or number of arguments for CONFIG SET - '" +
                         std::string(unknown_arg) + "'");
  if (invalid)
    return ctx.SendError("ERR CONFIG SET failed (possibly related to argument '" + err_arg +
                         "') - " + errstr);
  ctx.rb.SendOk();
}

// CONFIG RESETSTAT -> OK: command, error and server counters back to zero
void CmdConfigResetStat(CmdArgList args, CommandContext& ctx) {
  ctx.server.ResetStats();
  ctx.rb.SendOk();
}

// CONFIG REWRITE -> OK: the config file the server started with gets the current settings
// (comments and unknown lines kept; see Config::RewriteFile)
void CmdConfigRewrite(CmdArgList args, CommandContext& ctx) {
  const std::string& path = ctx.server.config_file;
  if (path.empty()) return ctx.SendError("ERR The server is running without a config file");
  std::string err = ctx.server.config().RewriteFile(path);
  if (!err.empty()) return ctx.SendError("ERR Rewriting config file: " + err);
  ctx.rb.SendOk();
}

// CONFIG HELP -> array of simple strings
void CmdConfigHelp(CmdArgList args, CommandContext& ctx) {
  SendHelp(ctx.rb, "CONFIG",
           {
               "GET <pattern>",
               "    Return parameters matching the glob-like <pattern> and their values.",
               "SET <directive> <value>",
               "    Set the configuration <directive> to <value>.",
               "RESETSTAT",
               "    Reset statistics reported by the INFO command.",
               "REWRITE",
               "    Rewrite the configuration file.",
           });
}

}  // namespace

void RegisterServerFamily(CommandRegistry& r) {
  RegisterInfoCommand(r);
  RegisterCommandCommand(r);
  RegisterPersistCommands(r);
  RegisterOpsCommands(r);
  r.Add({.name = "time",
         .arity = 1,
         .flags = CO::kLoading | CO::kStale | CO::kFast,
         .group = "server",
         .since = "2.6.0",
         .summary = "Return the current server time",
         .complexity = "O(1)",
         .handler = CmdTime})
      .Tips({"nondeterministic_output"});

  r.Add({.name = "config",
         .arity = -2,
         .group = "server",
         .since = "2.0.0",
         .summary = "A container for server configuration commands",
         .complexity = "Depends on subcommand."});
  constexpr uint32_t kAdminSub = CO::kAdmin | CO::kNoScript | CO::kLoading | CO::kStale;
  r.AddSub("config",
           {.name = "get",
            .arity = -3,
            .flags = kAdminSub,
            .since = "2.0.0",
            .summary = "Get the values of configuration parameters",
            .complexity = "O(N) when N is the number of configuration parameters provided",
            .handler = CmdConfigGet})
      .History({{"7.0.0", "Added the ability to pass multiple pattern parameters in one call"}})
      .Args("parameter/block*[parameter/string]");
  r.AddSub("config",
           {.name = "set",
            .arity = -4,
            .flags = kAdminSub,
            .since = "2.0.0",
            .summary = "Set configuration parameters to the given values",
            .complexity = "O(N) when N is the number of configuration parameters provided",
            .handler = CmdConfigSet})
      .Tips({"request_policy:all_nodes", "response_policy:all_succeeded"})
      .History({{"7.0.0", "Added the ability to set multiple parameters in one call."}})
      .Args("parameter_value/block*[parameter/string value/string]");
  r.AddSub("config", {.name = "resetstat",
                      .arity = 2,
                      .flags = kAdminSub,
                      .since = "2.0.0",
                      .summary = "Reset the stats returned by INFO",
                      .complexity = "O(1)",
                      .handler = CmdConfigResetStat});
  r.AddSub("config", {.name = "rewrite",
                      .arity = 2,
                      .flags = kAdminSub,
                      .since = "2.8.0",
                      .summary = "Rewrite the configuration file with the in memory configuration",
                      .complexity = "O(1)",
                      .handler = CmdConfigRewrite});
  r.AddSub("config", {.name = "help",
                      .arity = 2,
                      .flags = CO::kLoading | CO::kStale,
                      .since = "5.0.0",
                      .summary = "Show helpful text about the different subcommands",
                      .complexity = "O(1)",
                      .handler = CmdConfigHelp});
}

}  // namespace fincache
