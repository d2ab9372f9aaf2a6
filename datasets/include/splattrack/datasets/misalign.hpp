// A deliberately wrong starting pose (the dataset's init_pose.json).
#pragma once

#include <cstdint>

#include "splattrack/datasets/object_model.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack::datasets {

struct Misalignment {
  double translation_fraction = 0.0;  // offset length, in object sizes
  double rotation_deg = 0.0;
  double object_size = kObjectDiameter;
  std::uint64_t seed = 0;
};

// Turns the object by rotation_deg about a uniformly random axis through its
// own origin, and moves that origin by translation_fraction · object_size in a
// uniformly random 3D direction (so part of the offset is usually along the
// view, in depth: the hardest direction to see). rotation_error_deg and
// translation_error against `pose` are exactly the requested amounts.
RigidPose misalign(const RigidPose& world_from_model, const Misalignment& misalignment);

}  // namespace splattrack::datasets
