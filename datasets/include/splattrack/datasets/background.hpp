// Backgrounds, compositing and sensor effects for synthetic frames. Images
// are float RGB [H, W, 3] in 0..1, row-major, channel fastest (as rendered).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace splattrack::datasets {

enum class BackgroundKind {
  plain,    // one colour
  noise,    // random colours on a grid of cells, bilinearly blended
  clutter,  // a linear gradient under random rectangles, circles and lines
};
std::optional<BackgroundKind> parse_background_kind(std::string_view name);  // "plain", "noise", "clutter"

inline constexpr int kDefaultNoiseCellPx = 8;
inline constexpr int kDefaultClutterShapes = 40;

struct BackgroundOptions {
  BackgroundKind kind = BackgroundKind::plain;
  std::array<float, 3> colour{0.5f, 0.5f, 0.5f};  // for plain
  int noise_cell_px = kDefaultNoiseCellPx;        // 1: independent pixels
  int clutter_shapes = kDefaultClutterShapes;
  std::uint64_t seed = 0;
};

std::vector<float> make_background(int width, int height, const BackgroundOptions& options);  // [H, W, 3]

// The frame seen through the camera: rgb + (1 - alpha) · background. This is
// "over" compositing for a render made on a BLACK background, whose rgb is
// already weighted by alpha (METHOD.md §2: C = Σ c_i α_i T_i + T_final · bg).
std::vector<float> composite(int width, int height, const std::vector<float>& rgb, const std::vector<float>& alpha,
                             const std::vector<float>& background);

struct SensorOptions {
  double blur_sigma_px = 0.0;  // Gaussian blur (optics, defocus); 0: none
  double noise_sigma = 0.0;    // additive Gaussian noise per channel (sensor); 0: none
  std::uint64_t seed = 0;
};

// Blurs, adds noise and clamps to 0..1, in place. The noise differs per
// `frame` and repeats for the same seed and frame.
void apply_sensor(int width, int height, std::vector<float>& rgb, const SensorOptions& options, int frame);

}  // namespace splattrack::datasets
