// `--init-points` / `--points`: a pose by PnP from a file of model points and
// the pixels they are seen at (io::read_point_pairs).
#pragma once

#include <string>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack::apps {

// Pixels further than this from where the solved pose puts their points:
// a point picked on the wrong corner, or listed in another order.
inline constexpr double kPointWarningPx = 10.0;

// Solves, says on stderr how well the pose explains the points (a warning
// above kPointWarningPx), and throws io::InputError naming `path` when no
// pose explains them.
RigidPose pose_from_point_file(const std::string& path, const Camera& camera);

}  // namespace splattrack::apps
