// Pose files (FORMATS.md): {"rotation_wxyz":[w,x,y,z],"translation":[x,y,z]}.
// Read under the same limits as camera files (camera_io.hpp): at most 1 MiB,
// no control characters but tab, CR and LF, nesting at most 64 deep.
#pragma once

#include <string>

#include "splattrack/render/pose.hpp"

namespace splattrack::io {

RigidPose read_pose(const std::string& path);  // throws InputError; the quaternion normalised
// Replaces the file atomically (a failed write leaves the previous one);
// throws InputError naming the file when it cannot be written.
void write_pose(const std::string& path, const RigidPose& pose);

}  // namespace splattrack::io
