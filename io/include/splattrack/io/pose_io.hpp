// Pose files (FORMATS.md): {"rotation_wxyz":[w,x,y,z],"translation":[x,y,z]}.
#pragma once

#include <string>

#include "splattrack/tracker/pose.hpp"

namespace splattrack::io {

RigidPose read_pose(const std::string& path);  // throws InputError
void write_pose(const std::string& path, const RigidPose& pose);

}  // namespace splattrack::io
