// Pose files (FORMATS.md): {"rotation_wxyz":[w,x,y,z],"translation":[x,y,z]};
// ViSP's `.pos` pose vectors too.
// Read under the same limits as camera files (camera_io.hpp): at most 1 MiB,
// no control characters but tab, CR and LF, nesting at most 64 deep.
#pragma once

#include <string>
#include <vector>

#include "splattrack/render/pose.hpp"

namespace splattrack::io {

// Throws InputError; the quaternion normalised. A `.pos` file is ViSP's pose
// vector (tx ty tz θux θuy θuz: the object in the camera's frame), made
// world_from_model through `camera`'s cam_from_world (the identity for any
// camera ViSP wrote).
RigidPose read_pose(const std::string& path, const Camera& camera = {});
// Replaces the file atomically (a failed write leaves the previous one);
// throws InputError naming the file when it cannot be written.
void write_pose(const std::string& path, const RigidPose& pose);

// Points of the model and where they are seen in a frame, for a first pose by
// PnP (`--init-points`, FORMATS.md): {"model":[[x,y,z],...],"pixels":[[u,v],...]}
// (pixel centres at integers, as OpenCV's), other keys ignored. Throws
// InputError unless both hold the same number (at least kMinPointPairs) of
// finite points.
inline constexpr std::size_t kMinPointPairs = 4;
struct PointPairs {
  std::vector<Eigen::Vector3d> model;
  std::vector<Eigen::Vector2d> pixels;
};
PointPairs read_point_pairs(const std::string& path);

}  // namespace splattrack::io
