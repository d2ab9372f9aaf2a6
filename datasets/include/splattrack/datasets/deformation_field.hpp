// Synthetic deforming scenes (issue 11): a smooth, time-varying deformation
// of a model about its own principal axis, written independently of the
// tracker's control-point model (Barr's global deformers: a continuous field,
// not nodes and weights), so that a test does not grade the node model
// against itself. Every scene starts at rest (frame 0).
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "splattrack/render/model.hpp"

namespace splattrack::datasets {

enum class DeformScene {
  bend,   // the axis bends into an arc, up to ±35° at its ends
  twist,  // sections turn about the axis, up to ±45° at its ends
  wave,   // a travelling wave across the axis, swelling and fading
};

struct DeformFieldOptions {
  DeformScene scene = DeformScene::bend;
  double strength = 1.0;        // scales the scene's amplitude
  double period_frames = 60.0;  // one cycle of the motion
};

class DeformationField {
 public:
  // The axes are `rest`'s principal axes (of its Gaussians' centres) about
  // their centroid. Throws std::invalid_argument for an empty model or a
  // non-positive period.
  DeformationField(const GaussianModel& rest, const DeformFieldOptions& options);

  struct Moved {
    Eigen::Vector3d position;
    Eigen::Quaterniond rotation;  // how the field turns a small piece there
  };
  // Where the field takes the rest point x (model coordinates) at frame t.
  Moved at(const Eigen::Vector3d& x, double t) const;
  // The rest model at frame t: means moved, quaternions turned (r ⊗ q);
  // scales, opacities and colours as they are.
  GaussianModel deformed(double t) const;
  // Half the model's extent along the principal axis.
  double half_length() const { return half_length_; }

 private:
  GaussianModel rest_;
  DeformFieldOptions options_;
  Eigen::Vector3d centre_;
  Eigen::Matrix3d axes_;  // columns: the longest principal axis u, then v, w (right-handed)
  double half_length_ = 0;
};

}  // namespace splattrack::datasets
