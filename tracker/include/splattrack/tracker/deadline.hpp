// A point in time after which recovery stops (TrackerOptions::
// recovery_budget_ms): the aligner, Ceres and the search check it between
// steps, so that a frame that cannot be explained costs a bounded time.
#pragma once

#include <chrono>
#include <limits>
#include <optional>

namespace splattrack {

class Deadline {
 public:
  using clock = std::chrono::steady_clock;

  Deadline() = default;  // never passes
  // `ms` from now; ms <= 0 or not finite: never.
  static Deadline after_ms(double ms) {
    Deadline d;
    if (ms > 0 && ms < std::numeric_limits<double>::infinity())
      d.at_ = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double, std::milli>(ms));
    return d;
  }

  // A deadline `fraction` of the way from now to this one (never when this
  // one never passes): a share of what is left for one step.
  Deadline share(double fraction) const {
    if (!at_) return {};
    Deadline d;
    d.at_ = clock::now() + std::chrono::duration_cast<clock::duration>((*at_ - clock::now()) * fraction);
    return d;
  }

  bool passed() const { return at_ && clock::now() >= *at_; }
  // Seconds left (infinite when it never passes, 0 once passed).
  double seconds_left() const {
    if (!at_) return std::numeric_limits<double>::infinity();
    const double s = std::chrono::duration<double>(*at_ - clock::now()).count();
    return s > 0 ? s : 0.0;
  }

 private:
  std::optional<clock::time_point> at_;
};

}  // namespace splattrack
