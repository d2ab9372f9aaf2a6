#include "splattrack/tracker/adam.hpp"

#include <cmath>

namespace splattrack {

Adam::Vector6 Adam::step(const Vector6& grad, const Vector6& lr) {
  Vector6 out = Vector6::Zero();
  for (int i = 0; i < 6; ++i) {
    if (lr[i] <= 0) continue;
    ++t_[i];
    m_[i] = kBeta1 * m_[i] + (1 - kBeta1) * grad[i];
    v_[i] = kBeta2 * v_[i] + (1 - kBeta2) * grad[i] * grad[i];
    const double m_hat = m_[i] / (1 - std::pow(kBeta1, t_[i]));
    const double v_hat = v_[i] / (1 - std::pow(kBeta2, t_[i]));
    out[i] = -lr[i] * m_hat / (std::sqrt(v_hat) + kEpsilon);
  }
  return out;
}

void Adam::reset() {
  m_.setZero();
  v_.setZero();
  t_.setZero();
}

}  // namespace splattrack
