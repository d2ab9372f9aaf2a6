#include "progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace splattrack::apps {

namespace {

// "45s", "1m20s", "2h05m".
std::string duration_text(double seconds) {
  const long s = std::lround(seconds);
  char text[32];
  if (s < 60)
    std::snprintf(text, sizeof text, "%lds", s);
  else if (s < 3600)
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, s % 3600 / 60);
  return text;
}

// Back to the line's start and erase it (ANSI "erase to end of line").
inline constexpr const char* kEraseLine = "\r\033[K";

}  // namespace

ProgressLine::ProgressLine(std::optional<int> total) : active_(::isatty(STDERR_FILENO) != 0), total_(total) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(int index, TrackStatus status) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (updates_++ == 0) first_ = now;
  std::string line = "frame " + std::to_string(index + 1);
  if (total_) line += "/" + std::to_string(*total_);
  // The rate from the first frame on: it excludes the first frame's longer
  // alignment and any replay of a resumed run.
  const double elapsed = std::chrono::duration<double>(now - first_).count();
  const double fps = elapsed > 0 ? (updates_ - 1) / elapsed : 0.0;
  char rate[32];
  if (fps > 0) {
    std::snprintf(rate, sizeof rate, "  %.1f fps", fps);
    line += rate;
  }
  line += "  " + std::string(to_string(status));
  if (total_ && fps > 0 && *total_ > index + 1) line += "  ETA " + duration_text((*total_ - index - 1) / fps);
  std::fprintf(stderr, "%s%s", kEraseLine, line.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::clear() {
  if (!shown_) return;
  std::fputs(kEraseLine, stderr);
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace splattrack::apps
