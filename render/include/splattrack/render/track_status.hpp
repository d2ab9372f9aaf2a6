// The per-frame quality verdict (METHOD.md §6), spelled as in poses.csv. In
// render, the lowest library, because the tracker decides it and io stores it.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace splattrack {

enum class TrackStatus { tracking, degraded, lost, recovered };

inline constexpr std::array<std::string_view, 4> kTrackStatusNames = {"tracking", "degraded", "lost",
                                                                      "recovered"};

inline std::string_view to_string(TrackStatus status) {
  return kTrackStatusNames[static_cast<std::size_t>(status)];
}

inline std::optional<TrackStatus> parse_track_status(std::string_view name) {
  for (std::size_t i = 0; i < kTrackStatusNames.size(); ++i)
    if (kTrackStatusNames[i] == name) return static_cast<TrackStatus>(i);
  return std::nullopt;
}

}  // namespace splattrack
