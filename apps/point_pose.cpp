#include "point_pose.hpp"

#include <cstdio>
#include <stdexcept>

#include "splattrack/io/error.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/tracker/pose_from_points.hpp"

namespace splattrack::apps {

RigidPose pose_from_point_file(const std::string& path, const Camera& camera) {
  const io::PointPairs pairs = io::read_point_pairs(path);
  PointPose solved;
  try {
    solved = pose_from_points(camera, pairs.model, pairs.pixels);
  } catch (const std::invalid_argument& e) {
    throw io::InputError(path, e.what());
  }
  std::fprintf(stderr, "%s: pose from %zu points, reprojection error %.2f px RMS, %.2f px at most\n", path.c_str(),
               pairs.model.size(), solved.rms_px, solved.largest_px);
  if (solved.largest_px > kPointWarningPx)
    std::fprintf(stderr,
                 "warning: %s: a point is %.1f px from where the pose puts it: check that each pixel shows its "
                 "model point\n",
                 path.c_str(), solved.largest_px);
  return solved.pose;
}

}  // namespace splattrack::apps
