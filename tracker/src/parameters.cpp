#include "splattrack/tracker/parameters.hpp"

#include <cmath>
#include <stdexcept>

namespace splattrack {

int ParameterVector::add(std::string name, int size, double step) {
  if (size < 1) throw std::invalid_argument("parameter block '" + name + "' must have at least one entry");
  for (const Block& b : blocks_)
    if (b.name == name) throw std::invalid_argument("parameter block '" + name + "' added twice");
  blocks_.push_back({std::move(name), size_, size, step, false});
  size_ += size;
  return static_cast<int>(blocks_.size()) - 1;
}

int ParameterVector::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < blocks_.size(); ++i)
    if (blocks_[i].name == name) return static_cast<int>(i);
  throw std::out_of_range("no parameter block '" + name + "'");
}

Eigen::VectorXd ParameterVector::learning_rates(double scale) const {
  Eigen::VectorXd rates = Eigen::VectorXd::Zero(size_);
  for (const Block& b : blocks_)
    if (!b.frozen) rates.segment(b.offset, b.size).setConstant(b.step * scale);
  return rates;
}

Adam::Adam(int size) : m_(Eigen::VectorXd::Zero(size)), v_(Eigen::VectorXd::Zero(size)), t_(Eigen::VectorXi::Zero(size)) {}

Eigen::VectorXd Adam::step(const Eigen::VectorXd& grad, const Eigen::VectorXd& lr) {
  if (grad.size() != m_.size() || lr.size() != m_.size())
    throw std::invalid_argument("Adam: gradient or rates do not match the parameter count");
  Eigen::VectorXd out = Eigen::VectorXd::Zero(m_.size());
  for (Eigen::Index i = 0; i < m_.size(); ++i) {
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

}  // namespace splattrack
