#pragma once
// A test suite whose shared server has every store connection behind one FaultPlan
// (store/faults.h): tests add rules while it runs, and each test's rules are cleared after it.

#include <memory>

#include "live_server.h"
#include "store/faults.h"

namespace vertebro::http_test {

class FaultPlanServerTest : public CoordinatorTest {
 protected:
  static void SetUpTestSuite() {
    plan_ = std::make_shared<store::faults::FaultPlan>();
    store::OpenOptions open;
    open.wrap_connection = store::faults::wrapper(plan_);
    start_server(std::move(open));
  }
  static void TearDownTestSuite() {
    HttpTest::TearDownTestSuite();
    plan_.reset();
  }
  void TearDown() override { plan_->clear(); }

  // The sequence number of the newest audit entry (0 when there is none).
  std::int64_t last_seq() const {
    const auto all = server().audit_all();
    return all.empty() ? 0 : all.back().seq;
  }

  static inline std::shared_ptr<store::faults::FaultPlan> plan_;
};

}  // namespace vertebro::http_test
