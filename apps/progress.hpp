// track's progress line on stderr, for a person watching a terminal:
//   frame N/TOTAL  12.3 fps  tracking  ETA 1m20s
// rewritten in place (\r) after every frame; TOTAL and ETA only when the
// input's length is known. When stderr is not a terminal (a pipe, a file, a
// test) it writes nothing.
#pragma once

#include <chrono>
#include <optional>

#include "splattrack/render/track_status.hpp"

namespace splattrack::apps {

class ProgressLine {
 public:
  // `total`: frames the run will have reached at its end, when known.
  explicit ProgressLine(std::optional<int> total);
  ~ProgressLine();  // clears the line, so that what follows starts clean
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // After frame `index` (0-based) was tracked.
  void update(int index, TrackStatus status);
  // Before anything else is printed to the terminal: stdout's lines and
  // warnings would otherwise continue the progress line.
  void clear();

 private:
  bool active_;
  std::optional<int> total_;
  bool shown_ = false;
  int updates_ = 0;
  std::chrono::steady_clock::time_point first_;  // the first update's time
};

}  // namespace splattrack::apps
