// The pose-file parser behind read_pose, on text held in memory so that
// fuzzers can call it directly.
#pragma once

#include <string>
#include <string_view>

#include "splattrack/render/pose.hpp"

namespace splattrack::io {

// {"rotation_wxyz":[w,x,y,z],"translation":[x,y,z]}, passed through
// guard_text (text_guard.hpp) first; every problem is an InputError naming
// `path`. The quaternion comes back normalised.
RigidPose parse_pose_json(std::string_view text, const std::string& path);

// ViSP's pose vector file (vpPoseVector: the `<object>.0.pos` its trackers'
// initClick saves and initFromPose reads): six numbers, tx ty tz θux θuy θuz
// (metres and the rotation vector in radians) separated by white space, the
// object in the camera's frame (cMo). Passed through guard_text first; every
// problem is an InputError naming `path`.
Pose<frames::Camera, frames::Model> parse_pose_visp(std::string_view text, const std::string& path);

}  // namespace splattrack::io
