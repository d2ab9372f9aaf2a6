#include "splattrack/losses/bands.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace splattrack::losses {

BandSet BandSet::from_weights(std::span<const double> weights) {
  if (weights.size() > static_cast<std::size_t>(kMaxBandCount))
    throw std::invalid_argument("band weights: " + std::to_string(weights.size()) + " bands, at most " +
                                std::to_string(kMaxBandCount));
  BandSet set;
  for (std::size_t b = 0; b < weights.size(); ++b) {
    if (!std::isfinite(weights[b]) || weights[b] < 0.0)
      throw std::invalid_argument("band weights: weight of band " + std::to_string(b) +
                                  " must be finite and >= 0, got " + std::to_string(weights[b]));
    if (weights[b] > 0.0) set.bits |= 1u << b;
  }
  return set;
}

int BandSet::highest() const {
  for (int b = 31; b >= 0; --b)
    if (contains(b)) return b;
  return -1;
}

int BandSet::frequency_count() const {
  int count = 0;
  for (int b = 0; b <= highest(); ++b)
    if (contains(b)) for_each_half_set_frequency(b, [&](int, int) { ++count; });
  return count;
}

}  // namespace splattrack::losses
