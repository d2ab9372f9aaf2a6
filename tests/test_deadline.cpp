// Deadline on a count of work: passes exactly when the work is done, and its
// shares split what is left (recovery's budget in renders).
#include <gtest/gtest.h>

#include <cmath>

#include "splattrack/tracker/deadline.hpp"

namespace splattrack {
namespace {

TEST(Deadline, OnWorkPassesOnceTheUnitsAreDone) {
  long done = 7;
  const Deadline d = Deadline::after_work([&] { return done; }, 10);
  for (; done < 17; ++done) EXPECT_FALSE(d.passed()) << done;
  EXPECT_TRUE(d.passed());
  EXPECT_EQ(d.seconds_left(), 0.0);
}

TEST(Deadline, OnWorkAShareIsAFractionOfWhatIsLeft) {
  long done = 0;
  const Deadline d = Deadline::after_work([&] { return done; }, 100);
  done = 20;
  const Deadline quarter = d.share(0.25);  // 20 of the 80 left
  done = 39;
  EXPECT_FALSE(quarter.passed());
  EXPECT_TRUE(std::isinf(quarter.seconds_left()));  // work, not time
  done = 40;
  EXPECT_TRUE(quarter.passed());
  EXPECT_FALSE(d.passed());
}

TEST(Deadline, NoUnitsOrNoTimeNeverPasses) {
  long done = 0;
  const Deadline none = Deadline::after_work([&] { return done; }, 0);
  done = 1000000;
  EXPECT_FALSE(none.passed());
  EXPECT_FALSE(none.share(0.5).passed());
  EXPECT_FALSE(Deadline::after_ms(0).passed());
  EXPECT_TRUE(std::isinf(Deadline::after_ms(0).seconds_left()));
}

TEST(Deadline, OnTheClockAPastOnePasses) {
  const Deadline d = Deadline::after_ms(1e-6);
  const auto until = Deadline::clock::now() + std::chrono::milliseconds(1);
  while (Deadline::clock::now() < until) {
  }
  EXPECT_TRUE(d.passed());
  EXPECT_EQ(d.seconds_left(), 0.0);
  EXPECT_TRUE(d.share(0.5).passed());
}

}  // namespace
}  // namespace splattrack
