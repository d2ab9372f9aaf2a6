// Shared by the deformation-tracking tests.
#pragma once

#include <Eigen/Core>

#include "splattrack/datasets/object_model.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack::test {

// The mean distance between the two models' Gaussian centres (the same
// Gaussians in the same order), in object sizes.
inline double mean_gaussian_error(const GaussianModel& a, const GaussianModel& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sum += (Eigen::Vector3f(a.means[3 * i], a.means[3 * i + 1], a.means[3 * i + 2]) -
            Eigen::Vector3f(b.means[3 * i], b.means[3 * i + 1], b.means[3 * i + 2]))
               .norm();
  return sum / static_cast<double>(a.size()) / datasets::kObjectDiameter;
}

}  // namespace splattrack::test
