#include "splattrack/io/overlay.hpp"

#include <algorithm>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

namespace splattrack::io {

namespace {

// The label's height as a fraction of the frame's (about 14 px of text at
// 480 rows, what reads at a glance), never below what Hershey can draw.
inline constexpr double kLabelTextHeight = 0.03;
inline constexpr int kMinTextPixels = 8;
// Hershey Simplex is 22 font units tall at scale 1.
inline constexpr double kHersheyHeight = 22.0;
// The box under the label keeps this much of the frame: dark enough for any
// status colour to read on a bright background, light enough to see through.
inline constexpr float kBoxShade = 0.3f;

bool inside(float alpha) { return alpha >= overlay::kOutlineAlpha; }

void blend_render(std::vector<float>& rgb, const RenderImage& render) {
  const std::size_t pixels = render.alpha.size();
  for (std::size_t i = 0; i < pixels; ++i) {
    const float keep = 1.f - overlay::kOpacity * render.alpha[i];
    for (int c = 0; c < 3; ++c) rgb[3 * i + c] = rgb[3 * i + c] * keep + overlay::kOpacity * render.rgb[3 * i + c];
  }
}

void draw_outline(std::vector<float>& rgb, const RenderImage& render, const std::array<float, 3>& colour) {
  const int w = render.width;
  const int h = render.height;
  const auto at = [&](int x, int y) { return inside(render.alpha[static_cast<std::size_t>(y) * w + x]); };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool in = at(x, y);
      const bool edge = (x > 0 && at(x - 1, y) != in) || (x + 1 < w && at(x + 1, y) != in) ||
                        (y > 0 && at(x, y - 1) != in) || (y + 1 < h && at(x, y + 1) != in);
      if (edge) std::copy(colour.begin(), colour.end(), &rgb[3 * (static_cast<std::size_t>(y) * w + x)]);
    }
}

std::string label_text(const OverlayLabel& label) {
  std::string text = "frame " + std::to_string(label.frame) + "  " + std::string(to_string(label.status));
  if (label.quality) {
    char quality[32];
    std::snprintf(quality, sizeof quality, "  quality %.3f", *label.quality);
    text += quality;
  }
  return text;
}

// The text is drawn antialiased into an 8-bit coverage mask (OpenCV
// antialiases only 8-bit images) and blended into the float frame with it.
void draw_label(std::vector<float>& rgb, int w, int h, const OverlayLabel& label, const std::array<float, 3>& colour) {
  const std::string text = label_text(label);
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  const double text_px = std::max<double>(kMinTextPixels, kLabelTextHeight * h);
  const double scale = text_px / kHersheyHeight;
  const int thickness = std::max(1, static_cast<int>(text_px / 12.0));
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, font, scale, thickness, &baseline);
  const int margin = std::max(2, size.height / 2);
  const int box_w = std::min(w, size.width + 2 * margin);
  const int box_h = std::min(h, size.height + baseline + 2 * margin);
  cv::Mat coverage(box_h, box_w, CV_8UC1, cv::Scalar(0));
  cv::putText(coverage, text, cv::Point(margin, margin + size.height), font, scale, cv::Scalar(255), thickness,
              cv::LINE_AA);
  for (int y = 0; y < box_h; ++y) {
    const auto* cover = coverage.ptr<unsigned char>(y);
    for (int x = 0; x < box_w; ++x) {
      float* p = &rgb[3 * (static_cast<std::size_t>(y) * w + x)];
      const float a = static_cast<float>(cover[x]) / 255.f;
      for (int c = 0; c < 3; ++c) p[c] = (1.f - a) * kBoxShade * p[c] + a * colour[c];
    }
  }
}

}  // namespace

std::array<float, 3> status_colour(TrackStatus status) {
  switch (status) {
    case TrackStatus::tracking:
      return {0.15f, 1.f, 0.15f};
    case TrackStatus::degraded:
      return {1.f, 0.9f, 0.1f};
    case TrackStatus::lost:
      return {1.f, 0.15f, 0.15f};
    case TrackStatus::recovered:
      return {0.1f, 0.9f, 1.f};
  }
  return {1.f, 1.f, 1.f};
}

void draw_overlay(std::vector<float>& rgb, const RenderImage& render, const OverlayLabel& label) {
  const std::size_t pixels = static_cast<std::size_t>(render.width) * static_cast<std::size_t>(render.height);
  if (render.width <= 0 || render.height <= 0 || render.alpha.size() != pixels || render.rgb.size() != 3 * pixels ||
      rgb.size() != 3 * pixels)
    throw std::invalid_argument("draw_overlay: the frame and the render must be the same size");
  const std::array<float, 3> colour = status_colour(label.status);
  blend_render(rgb, render);
  draw_outline(rgb, render, colour);
  draw_label(rgb, render.width, render.height, label, colour);
}

}  // namespace splattrack::io
