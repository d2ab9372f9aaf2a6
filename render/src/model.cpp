#include "splattrack/render/model.hpp"

#include <algorithm>

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

GaussianModel subsample(const GaussianModel& m, std::size_t count) {
  if (m.size() <= count) return m;
  GaussianModel out;
  out.sh_degree = m.sh_degree;
  out.antialiased = m.antialiased;
  out.resize(count);
  const std::size_t k = static_cast<std::size_t>(m.sh_coeffs()) * 3;
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t i = j * m.size() / count;
    std::copy_n(&m.means[3 * i], 3, &out.means[3 * j]);
    std::copy_n(&m.quats[4 * i], 4, &out.quats[4 * j]);
    std::copy_n(&m.log_scales[3 * i], 3, &out.log_scales[3 * j]);
    out.opacity_logits[j] = m.opacity_logits[i];
    std::copy_n(&m.sh[k * i], k, &out.sh[k * j]);
  }
  return out;
}

}  // namespace splattrack
