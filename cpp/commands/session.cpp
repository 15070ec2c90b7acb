#include "commands/session.h"

namespace fincache {

void ClientRegistry::Register(Session* s) {
  std::lock_guard lk(mu_);
  sessions_[s->id] = s;
}

void ClientRegistry::Unregister(Session* s) {
  std::lock_guard lk(mu_);
  sessions_.erase(s->id);
}

size_t ClientRegistry::size() const {
  std::lock_guard lk(mu_);
  return sessions_.size();
}

void ClientRegistry::ForEach(const std::function<void(Session&)>& fn) const {
  std::lock_guard lk(mu_);
  for (auto& [id, s] : sessions_) fn(*s);
}

}  // namespace fincache
