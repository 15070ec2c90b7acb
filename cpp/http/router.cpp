#include "http/router.h"

#include <algorithm>
#include <cctype>

namespace fincache::http {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AddAllow(std::vector<std::string>* allow, const std::vector<std::string>& methods) {
  for (auto& m : methods)
    if (std::find(allow->begin(), allow->end(), m) == allow->end()) allow->push_back(m);
}

}  // namespace

std::string Request::Header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (IEquals(k, name)) return v;
  return "";
}

Response Response::Json(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  // Invalid UTF-8 cannot reach here through the JSON builders (they base64 it); replace rather
  // than throw if a handler put raw bytes in a string anyway.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::Error(int status, std::string_view message) {
  return Json(status, nlohmann::json{{"error", std::string(message)}});
}

void Router::Add(std::string method, std::string pattern, Handler h, RouteOptions opts) {
  std::map<std::string, std::vector<Route>, std::less<>>* table = &exact_;
  std::string key = pattern;
  if (!pattern.empty() && pattern.back() == '}') {
    size_t open = pattern.rfind('{');
    if (open != std::string::npos && open > 0 && pattern[open - 1] == '/') {
      key = pattern.substr(0, open);
      table = &prefix_;
      prefix_names_[key] = pattern;
    }
  }
  auto& routes = (*table)[key];
  for (auto& r : routes) {
    if (r.method == method) {
      r.handler = std::move(h);
      r.options = opts;
      return;
    }
  }
  routes.push_back(Route{std::move(method), std::move(h), opts});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  const std::vector<Route>* routes = nullptr;
  if (auto it = exact_.find(path); it != exact_.end()) {
    routes = &it->second;
    m.pattern = it->first;
  } else {
    // The longest prefix that matches with a non-empty rest.
    for (auto it2 = prefix_.rbegin(); it2 != prefix_.rend(); ++it2) {
      const std::string& p = it2->first;
      if (path.size() > p.size() && path.substr(0, p.size()) == p) {
        if (routes && p.size() <= m.pattern.size()) continue;
        routes = &it2->second;
        m.pattern = p;
        m.param = std::string(path.substr(p.size()));
      }
    }
    if (routes) m.pattern = prefix_names_.at(m.pattern);
  }
  if (!routes) {
    m.pattern.clear();
    return m;
  }
  std::vector<std::string> methods;
  for (auto& r : *routes) methods.push_back(r.method);
  AddAllow(&m.allow, methods);
  std::sort(m.allow.begin(), m.allow.end());
  for (auto& r : *routes) {
    if (r.method == method) {
      m.status = 200;
      m.handler = &r.handler;
      m.options = r.options;
      return m;
    }
  }
  m.status = 405;
  for (auto& r : *routes) m.options.open = m.options.open || r.options.open;
  return m;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [p, routes] : exact_)
    for (auto& r : routes) out.emplace_back(p, r.method);
  for (auto& [p, routes] : prefix_)
    for (auto& r : routes) out.emplace_back(prefix_names_.at(p), r.method);
  std::sort(out.begin(), out.end());
  return out;
}

bool PercentDecode(std::string_view s, std::string* out, bool plus_is_space) {
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  if (target.empty() || target[0] != '/') return false;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (size_t hash = raw_path.find('#'); hash != std::string_view::npos)
    raw_path = raw_path.substr(0, hash);
  if (!PercentDecode(raw_path, path)) return false;
  query->clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string k, v;
    if (!PercentDecode(part.substr(0, eq), &k, true)) return false;
    if (eq != std::string_view::npos && !PercentDecode(part.substr(eq + 1), &v, true)) return false;
    (*query)[std::move(k)] = std::move(v);
  }
  return true;
}

}  // namespace fincache::http
