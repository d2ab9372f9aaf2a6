#include "model_checks.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ply_layout.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

inline constexpr std::uint32_t kMagnitudeBits = 0x7fffffff;
inline constexpr std::uint32_t kInfinityBits = 0x7f800000;
inline constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// Count of bad values and the first one, ordered by Gaussian then property.
struct Finding {
  std::size_t count = 0;
  std::size_t gaussian = kNone;
  std::string property;

  void add(std::size_t i, const std::string& name) {
    if (count++ == 0 || i < gaussian) {
      gaussian = i;
      property = name;
    }
  }
};

// Scans one [N, width] array; name(c) gives component c's PLY property name.
template <class Name>
void find_non_finite(const std::vector<float>& values, std::size_t width, Name name, Finding& finding) {
  // Clean files are the rule: a branch-free pass first, which vectorises.
  // A float is non-finite exactly when its magnitude bits reach infinity's.
  std::uint32_t largest = 0;
  for (float v : values) largest = std::max(largest, std::bit_cast<std::uint32_t>(v) & kMagnitudeBits);
  if (largest < kInfinityBits) return;
  for (std::size_t v = 0; v < values.size(); ++v)
    if (!std::isfinite(values[v])) finding.add(v / width, name(static_cast<int>(v % width)));
}

}  // namespace

void check_and_repair(GaussianModel& model, const std::string& path, LoadReport* report) {
  if (model.size() == 0) throw InputError(path, "model has no Gaussians");
  static constexpr const char* kMean[] = {"x", "y", "z"};
  static constexpr const char* kScale[] = {"scale_0", "scale_1", "scale_2"};
  static constexpr const char* kRot[] = {"rot_0", "rot_1", "rot_2", "rot_3"};
  const int coeffs = model.sh_coeffs();

  Finding bad;
  find_non_finite(model.means, 3, [](int c) { return std::string(kMean[c]); }, bad);
  find_non_finite(model.log_scales, 3, [](int c) { return std::string(kScale[c]); }, bad);
  find_non_finite(model.quats, 4, [](int c) { return std::string(kRot[c]); }, bad);
  find_non_finite(model.sh, static_cast<std::size_t>(coeffs) * 3,
                  [&](int c) { return ply::sh_property_name(c, coeffs); }, bad);
  Finding infinite_opacity;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const float logit = model.opacity_logits[i];
    if (std::isnan(logit)) bad.add(i, "opacity");
    if (std::isinf(logit)) infinite_opacity.add(i, "opacity");
  }
  if (bad.count > 0)
    throw InputError(path, std::to_string(bad.count) + " non-finite value(s) (NaN, or infinite outside opacity); first at "
                           "Gaussian " + std::to_string(bad.gaussian) + ", property " + bad.property);

  Finding unnormalisable;
  for (std::size_t i = 0; i < model.size(); ++i) {
    double norm2 = 0;
    for (int c = 0; c < 4; ++c) norm2 += static_cast<double>(model.quats[i * 4 + c]) * model.quats[i * 4 + c];
    if (norm2 < kMinQuaternionNorm * kMinQuaternionNorm || norm2 > kMaxQuaternionNorm * kMaxQuaternionNorm)
      unnormalisable.add(i, "rot");
  }
  if (unnormalisable.count > 0)
    throw InputError(path, std::to_string(unnormalisable.count) +
                               " Gaussian(s) with a zero rotation quaternion, or one too large to normalise in float, "
                               "which cannot be normalised; first at Gaussian " +
                               std::to_string(unnormalisable.gaussian));

  if (infinite_opacity.count == 0) return;
  for (float& logit : model.opacity_logits)
    if (std::isinf(logit)) logit = logit > 0 ? kMaxOpacityLogit : -kMaxOpacityLogit;
  if (report)
    report->warnings.push_back(path + ": repaired " + std::to_string(infinite_opacity.count) +
                               " infinite opacity logits (first at Gaussian " +
                               std::to_string(infinite_opacity.gaussian) + ") by clamping them to ±" +
                               std::to_string(static_cast<int>(kMaxOpacityLogit)));
}

}  // namespace splattrack::io
