// The per-pixel losses: each element contributes on its own.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "splattrack/losses/spatial.hpp"

namespace splattrack::losses {

namespace {

// Mean of f(r, t) over all elements; f returns the term and writes its
// derivative, which is scaled by 1/N into grad.
template <class Term>
double mean_loss(const ImageView& rendered, const ImageView& target, float* grad, const char* what, Term term) {
  require_same_shape(rendered, target, what);
  require_finite(rendered, what);
  require_finite(target, what);
  const std::size_t n = rendered.size();
  const double inv_n = 1.0 / static_cast<double>(n);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double d = 0.0;
    sum += term(rendered.data[i], target.data[i], d);
    if (grad != nullptr) grad[i] = static_cast<float>(d * inv_n);
  }
  return sum * inv_n;
}

}  // namespace

double l1_loss(const ImageView& rendered, const ImageView& target, float* grad) {
  return mean_loss(rendered, target, grad, "l1_loss", [](double r, double t, double& d) {
    d = r > t ? 1.0 : (r < t ? -1.0 : 0.0);
    return std::abs(r - t);
  });
}

double l2_loss(const ImageView& rendered, const ImageView& target, float* grad) {
  return mean_loss(rendered, target, grad, "l2_loss", [](double r, double t, double& d) {
    d = 2.0 * (r - t);
    return (r - t) * (r - t);
  });
}

double bce_loss(const ImageView& alpha, const ImageView& mask, float* grad) {
  if (alpha.channels != 1)
    throw std::invalid_argument("bce_loss: alpha must have 1 channel, got " + std::to_string(alpha.channels));
  return mean_loss(alpha, mask, grad, "bce_loss", [](double a, double m, double& d) {
    const double ac = std::clamp(a, kBceClamp, 1.0 - kBceClamp);
    d = ac == a ? -m / a + (1.0 - m) / (1.0 - a) : 0.0;
    return -(m * std::log(ac) + (1.0 - m) * std::log(1.0 - ac));
  });
}

}  // namespace splattrack::losses
