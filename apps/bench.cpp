#include "bench.hpp"

#include <algorithm>
#include <vector>

namespace splattrack::apps {

double median_ms(int runs, const std::function<void()>& f) {
  using clock = std::chrono::steady_clock;
  f();
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    const auto t0 = clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
  }
  return median(std::move(ms));
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

GaussianModel subsample(const GaussianModel& m, std::size_t count) {
  if (m.size() <= count) return m;
  GaussianModel out;
  out.sh_degree = m.sh_degree;
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

}  // namespace splattrack::apps
