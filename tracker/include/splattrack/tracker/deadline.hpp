// A point after which recovery stops (TrackerOptions::recovery_budget_ms or
// recovery_budget_renders): the aligner, Ceres and the search check it
// between steps, so that a frame that cannot be explained costs a bounded
// time. On a wall clock, or on a count of work done (renders): the same
// stops on any machine, however loaded.
#pragma once

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

namespace splattrack {

class Deadline {
 public:
  using clock = std::chrono::steady_clock;
  using WorkDone = std::function<long()>;  // work done so far, non-decreasing

  Deadline() = default;  // never passes
  // `ms` from now; ms <= 0 or not finite: never.
  static Deadline after_ms(double ms) {
    Deadline d;
    if (ms > 0 && ms < std::numeric_limits<double>::infinity())
      d.at_ = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double, std::milli>(ms));
    return d;
  }
  // Once `units` more of `work` are done; units <= 0: never.
  static Deadline after_work(WorkDone work, long units) {
    Deadline d;
    if (units <= 0) return d;
    d.work_at_ = work() + units;
    d.work_ = std::move(work);
    return d;
  }

  // A deadline `fraction` of the way from now to this one (never when this
  // one never passes): a share of what is left for one step.
  Deadline share(double fraction) const {
    Deadline d;
    if (work_) {
      const long now = work_();
      d.work_ = work_;
      d.work_at_ = now + static_cast<long>(std::floor(static_cast<double>(work_at_ - now) * fraction));
    } else if (at_) {
      d.at_ = clock::now() + std::chrono::duration_cast<clock::duration>((*at_ - clock::now()) * fraction);
    }
    return d;
  }

  bool passed() const {
    if (work_) return work_() >= work_at_;
    return at_ && clock::now() >= *at_;
  }
  // Seconds left: infinite when it never passes or counts work (what is
  // left then is not time), 0 once passed.
  double seconds_left() const {
    if (work_) return passed() ? 0.0 : std::numeric_limits<double>::infinity();
    if (!at_) return std::numeric_limits<double>::infinity();
    const double s = std::chrono::duration<double>(*at_ - clock::now()).count();
    return s > 0 ? s : 0.0;
  }

 private:
  std::optional<clock::time_point> at_;
  WorkDone work_;  // set: the deadline counts work, at work_at_
  long work_at_ = 0;
};

}  // namespace splattrack
