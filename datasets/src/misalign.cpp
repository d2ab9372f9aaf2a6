#include "splattrack/datasets/misalign.hpp"

#include <numbers>
#include <stdexcept>

#include "random.hpp"

namespace splattrack::datasets {

RigidPose misalign(const RigidPose& pose, const Misalignment& m) {
  if (!(m.translation_fraction >= 0) || !(m.rotation_deg >= 0) || !(m.rotation_deg <= 180) || !(m.object_size > 0))
    throw std::invalid_argument("misalign: translation and object size must be non-negative, rotation in [0, 180]");
  detail::Random rng(m.seed, detail::kMisalignStream);
  const Eigen::Vector3d axis = rng.unit_vector();
  const Eigen::Vector3d direction = rng.unit_vector();
  RigidPose out;
  // Left-multiplying turns the model about its origin as placed in the world,
  // leaving that origin where it was.
  const Eigen::AngleAxisd turn(m.rotation_deg * std::numbers::pi / 180, axis);
  out.rotation = (Eigen::Quaterniond(turn) * pose.rotation).normalized();
  out.translation = pose.translation + m.translation_fraction * m.object_size * direction;
  return out;
}

}  // namespace splattrack::datasets
