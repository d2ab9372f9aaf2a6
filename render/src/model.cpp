#include "splattrack/render/model.hpp"

namespace splattrack {

void GaussianModel::resize(std::size_t n) {
  means.resize(n * 3);
  quats.resize(n * 4);
  log_scales.resize(n * 3);
  opacity_logits.resize(n);
  sh.resize(n * static_cast<std::size_t>(sh_coeffs()) * 3);
}

bool GaussianModel::consistent() const {
  const std::size_t n = size();
  return sh_degree >= 0 && sh_degree <= 3 && means.size() == n * 3 && quats.size() == n * 4 &&
         log_scales.size() == n * 3 &&
         sh.size() == n * static_cast<std::size_t>(sh_coeffs()) * 3;
}

}  // namespace splattrack
