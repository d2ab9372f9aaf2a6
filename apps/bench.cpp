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
  std::nth_element(ms.begin(), ms.begin() + runs / 2, ms.end());
  return ms[static_cast<std::size_t>(runs / 2)];
}

}  // namespace splattrack::apps
