#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <algorithm>

#include "file_util.hpp"
#include "model_checks.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/render/sh.hpp"

namespace splattrack::io {

namespace {

// The .splat record (antimatter15/splat): little-endian, 32 bytes.
inline constexpr std::size_t kSplatRecordSize = 32;
inline constexpr std::size_t kColorOffset = 24;  // after 3 float position, 3 float linear scale
inline constexpr std::size_t kQuatOffset = 28;   // 4 bytes, w x y z, each q·128 + 128

float le_float(const char* p) {
  std::uint8_t b[4];
  std::memcpy(b, p, 4);
  const std::uint32_t bits = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

}  // namespace

GaussianModel read_splat(const std::string& path, LoadReport* report) {
  const FileBytes bytes = read_file_bytes(path);
  const std::string_view file = bytes.view();
  if (file.size() % kSplatRecordSize != 0)
    throw InputError(path, "size " + std::to_string(file.size()) + " bytes is not a multiple of the 32-byte "
                           ".splat record");
  const std::size_t n = file.size() / kSplatRecordSize;
  if (n == 0) throw InputError(path, "model has no Gaussians");

  GaussianModel model;
  model.sh_degree = 0;
  model.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* record = file.data() + i * kSplatRecordSize;
    for (int c = 0; c < 3; ++c) {
      model.means[i * 3 + c] = le_float(record + 4 * c);
      const float scale = le_float(record + 12 + 4 * c);
      if (scale <= 0) {
        std::ostringstream problem;
        problem << "Gaussian " << i << " has scale_" << c << " = " << scale << "; .splat scales must be positive";
        throw InputError(path, problem.str());
      }
      model.log_scales[i * 3 + c] = std::log(scale);
    }
    const auto* rgba = reinterpret_cast<const std::uint8_t*>(record + kColorOffset);
    for (int c = 0; c < 3; ++c) model.sh[i * 3 + c] = static_cast<float>(gs::sh_dc_from_colour(rgba[c] / 255.0));
    const double alpha = std::clamp(rgba[3] / 255.0, kSplatAlphaFloor, 1.0 - kSplatAlphaFloor);
    model.opacity_logits[i] = static_cast<float>(std::log(alpha / (1.0 - alpha)));
    const auto* quat = reinterpret_cast<const std::uint8_t*>(record + kQuatOffset);
    for (int c = 0; c < 4; ++c) model.quats[i * 4 + c] = (quat[c] - 128.f) / 128.f;
  }
  check_and_repair(model, path, report);
  return model;
}

}  // namespace splattrack::io
