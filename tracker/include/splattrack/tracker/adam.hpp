// Adam (Kingma & Ba) on the 6 pose parameters, with per-parameter learning
// rates given per step so that the caller can decay them or freeze some.
#pragma once

#include <Eigen/Core>

namespace splattrack {

class Adam {
 public:
  using Vector6 = Eigen::Matrix<double, 6, 1>;

  // The update to add to the parameters (a descent step). A parameter with
  // lr 0 keeps its moments untouched, so that freezing it (rotation during
  // the warm-up) does not bias it later.
  Vector6 step(const Vector6& grad, const Vector6& lr);
  void reset();

 private:
  static constexpr double kBeta1 = 0.9;
  static constexpr double kBeta2 = 0.999;
  static constexpr double kEpsilon = 1e-12;
  Vector6 m_ = Vector6::Zero();
  Vector6 v_ = Vector6::Zero();
  Eigen::Matrix<int, 6, 1> t_ = Eigen::Matrix<int, 6, 1>::Zero();
};

}  // namespace splattrack
