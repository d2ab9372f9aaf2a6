// A procedural test object whose pose is observable from any view: an
// ellipsoidal body with a nose, a handle and a fin, painted in patches of
// distinct colours so that no rotation looks like another.
#pragma once

#include <cstdint>

#include "splattrack/render/model.hpp"

namespace splattrack::datasets {

struct ObjectModelOptions {
  int gaussians = 20000;
  std::uint64_t seed = 0;
};

// Surface Gaussians (flat along the normal, opacity kObjectOpacity, SH degree
// 0) whose centres have their centroid at the origin and fit exactly in the
// origin-centred sphere of diameter kObjectDiameter. Same seed, same model.
// Throws std::invalid_argument when fewer than kMinObjectGaussians are asked.
GaussianModel make_object_model(const ObjectModelOptions& options = {});

inline constexpr double kObjectDiameter = 1.0;
inline constexpr double kObjectOpacity = 0.95;
inline constexpr int kMinObjectGaussians = 100;

}  // namespace splattrack::datasets
