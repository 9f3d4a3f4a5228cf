#include "store/singleton_lease.h"

namespace quell::store {
namespace {

class AlwaysHeldLease final : public SingletonLease {
 public:
  bool Held() override { return true; }
};

}  // namespace

std::unique_ptr<SingletonLease> AlwaysHeld() { return std::make_unique<AlwaysHeldLease>(); }

}  // namespace quell::store
