// The kernel build the process runs (splattrack::active_isa()): the
// "baseline_*" ctest entries (tests/CMakeLists.txt) run the kernel tests
// with SPLATTRACK_ISA=baseline and this test proves the override holds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "splattrack/render/isa.hpp"

using namespace splattrack;

namespace {

TEST(Isa, FollowsSplattrackIsa) {
  const char* forced = std::getenv("SPLATTRACK_ISA");
  if (forced == nullptr || std::string(forced) != "baseline")
    GTEST_SKIP() << "SPLATTRACK_ISA is not \"baseline\": running the " << to_string(active_isa()) << " kernels";
  EXPECT_EQ(active_isa(), Isa::kBaseline);
  EXPECT_STREQ(to_string(active_isa()), "baseline");
}

}  // namespace
