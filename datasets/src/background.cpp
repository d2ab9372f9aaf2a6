#include "splattrack/datasets/background.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "random.hpp"

namespace splattrack::datasets {

namespace {

using detail::Random;

void require_size(int width, int height, const char* what) {
  if (width <= 0 || height <= 0) throw std::invalid_argument(std::string(what) + ": the image size must be positive");
}

cv::Vec3f random_colour(Random& rng) {
  return {static_cast<float>(rng.uniform()), static_cast<float>(rng.uniform()), static_cast<float>(rng.uniform())};
}

cv::Mat noise(int width, int height, const BackgroundOptions& o, Random& rng) {
  if (o.noise_cell_px < 1) throw std::invalid_argument("make_background: noise_cell_px must be at least 1");
  const int cols = width / o.noise_cell_px + 2;  // one cell beyond each edge so the blend never clamps
  const int rows = height / o.noise_cell_px + 2;
  cv::Mat cells(rows, cols, CV_32FC3);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x)
      cells.at<cv::Vec3f>(y, x) = random_colour(rng);
  if (o.noise_cell_px == 1) return cells(cv::Rect(0, 0, width, height)).clone();
  cv::Mat image;
  cv::resize(cells, image, cv::Size(cols * o.noise_cell_px, rows * o.noise_cell_px), 0, 0, cv::INTER_LINEAR);
  return image(cv::Rect(o.noise_cell_px / 2, o.noise_cell_px / 2, width, height)).clone();
}

cv::Mat clutter(int width, int height, const BackgroundOptions& o, Random& rng) {
  if (o.clutter_shapes < 0) throw std::invalid_argument("make_background: clutter_shapes must be non-negative");
  cv::Mat image(height, width, CV_32FC3);
  const cv::Vec3f from = random_colour(rng);
  const cv::Vec3f to = random_colour(rng);
  const double angle = rng.uniform(0, 2 * std::numbers::pi);
  const double dx = std::cos(angle), dy = std::sin(angle);
  const double span = std::abs(dx) * width + std::abs(dy) * height;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const double s = std::clamp(((x - 0.5 * width) * dx + (y - 0.5 * height) * dy) / span + 0.5, 0.0, 1.0);
      image.at<cv::Vec3f>(y, x) = from * static_cast<float>(1 - s) + to * static_cast<float>(s);
    }
  const int size = std::min(width, height);
  for (int i = 0; i < o.clutter_shapes; ++i) {
    const cv::Point centre(static_cast<int>(rng.uniform(0, width)), static_cast<int>(rng.uniform(0, height)));
    const int extent = std::max(1, static_cast<int>(rng.uniform(0.03, 0.2) * size));
    const cv::Vec3f c = random_colour(rng);
    const cv::Scalar colour(c[0], c[1], c[2]);
    switch (static_cast<int>(rng.uniform(0, 3))) {
      case 0:
        cv::rectangle(image, centre - cv::Point(extent, extent / 2), centre + cv::Point(extent / 2, extent), colour,
                      cv::FILLED, cv::LINE_AA);
        break;
      case 1:
        cv::circle(image, centre, extent, colour, cv::FILLED, cv::LINE_AA);
        break;
      default:
        cv::line(image, centre, centre + cv::Point(extent * 2, -extent), colour, std::max(1, extent / 6), cv::LINE_AA);
    }
  }
  return image;
}

std::vector<float> to_vector(const cv::Mat& image) {
  const cv::Mat continuous = image.isContinuous() ? image : image.clone();
  const auto* data = continuous.ptr<float>();
  return {data, data + continuous.total() * 3};
}

}  // namespace

std::optional<BackgroundKind> parse_background_kind(std::string_view name) {
  if (name == "plain") return BackgroundKind::plain;
  if (name == "noise") return BackgroundKind::noise;
  if (name == "clutter") return BackgroundKind::clutter;
  return std::nullopt;
}

std::vector<float> make_background(int width, int height, const BackgroundOptions& o) {
  require_size(width, height, "make_background");
  Random rng(o.seed, detail::kBackgroundStream);
  switch (o.kind) {
    case BackgroundKind::noise: return to_vector(noise(width, height, o, rng));
    case BackgroundKind::clutter: return to_vector(clutter(width, height, o, rng));
    case BackgroundKind::plain: break;
  }
  std::vector<float> image(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = o.colour[i % 3];
  return image;
}

std::vector<float> composite(int width, int height, const std::vector<float>& rgb, const std::vector<float>& alpha,
                             const std::vector<float>& background) {
  require_size(width, height, "composite");
  const std::size_t pixels = static_cast<std::size_t>(width) * height;
  if (rgb.size() != 3 * pixels || alpha.size() != pixels || background.size() != 3 * pixels)
    throw std::invalid_argument("composite: rgb, alpha and background must all be " + std::to_string(width) + "x" +
                                std::to_string(height));
  std::vector<float> out(3 * pixels);
  for (std::size_t i = 0; i < pixels; ++i)
    for (int c = 0; c < 3; ++c) out[3 * i + c] = rgb[3 * i + c] + (1.f - alpha[i]) * background[3 * i + c];
  return out;
}

void apply_sensor(int width, int height, std::vector<float>& rgb, const SensorOptions& o, int frame) {
  require_size(width, height, "apply_sensor");
  if (rgb.size() != static_cast<std::size_t>(width) * height * 3)
    throw std::invalid_argument("apply_sensor: rgb is not " + std::to_string(width) + "x" + std::to_string(height));
  if (!(o.blur_sigma_px >= 0) || !(o.noise_sigma >= 0))
    throw std::invalid_argument("apply_sensor: blur and noise sigmas must be non-negative");
  cv::Mat image(height, width, CV_32FC3, rgb.data());  // wraps rgb: edits land in place
  if (o.blur_sigma_px > 0)
    cv::GaussianBlur(image, image, cv::Size(), o.blur_sigma_px, o.blur_sigma_px, cv::BORDER_REFLECT);
  Random rng(o.seed + static_cast<std::uint64_t>(frame) * 0x9e3779b97f4a7c15ull, detail::kSensorStream);
  for (float& v : rgb) {
    const double noisy = o.noise_sigma > 0 ? v + o.noise_sigma * rng.normal() : v;
    v = static_cast<float>(std::clamp(noisy, 0.0, 1.0));
  }
}

}  // namespace splattrack::datasets
