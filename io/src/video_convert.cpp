#include "video_internal.hpp"

namespace splattrack::io {

namespace detail {

namespace {

// The image as float channels in 0..1 (integer types scaled by their range),
// or an empty Mat with `problem` set.
cv::Mat to_unit_float(const cv::Mat& image, std::string& problem) {
  double scale = 1.0;
  switch (image.depth()) {
    case CV_8U: scale = 1.0 / 255.0; break;
    case CV_16U: scale = 1.0 / 65535.0; break;
    case CV_32F:
    case CV_64F: break;
    default: problem = "unsupported pixel type (not 8-bit, 16-bit or float)"; return {};
  }
  if (image.channels() < 1 || image.channels() > 4) {
    problem = "unsupported channel count " + std::to_string(image.channels());
    return {};
  }
  cv::Mat f;
  image.convertTo(f, CV_MAKETYPE(CV_32F, image.channels()), scale);
  if (!cv::checkRange(f)) {
    problem = "non-finite pixel values";
    return {};
  }
  return f;
}

}  // namespace

std::string convert_to_rgb(const cv::Mat& image, std::vector<float>& rgb, std::vector<float>& alpha) {
  std::string problem;
  const cv::Mat f = to_unit_float(image, problem);
  if (f.empty()) return problem;
  const int c = f.channels();
  const bool has_alpha = c == 2 || c == 4;
  rgb.resize(f.total() * 3);
  alpha.resize(has_alpha ? f.total() : 0);
  float* out = rgb.data();
  float* a = alpha.data();
  for (int y = 0; y < f.rows; ++y) {
    const float* p = f.ptr<float>(y);
    for (int x = 0; x < f.cols; ++x, p += c, out += 3) {
      if (c <= 2) {  // grey [+ alpha]
        out[0] = out[1] = out[2] = p[0];
      } else {  // OpenCV's BGR[A]
        out[0] = p[2];
        out[1] = p[1];
        out[2] = p[0];
      }
      if (has_alpha) *a++ = p[c - 1];
    }
  }
  return {};
}

std::string convert_to_mask(const cv::Mat& image, std::vector<float>& mask) {
  std::vector<float> rgb;
  std::vector<float> alpha;
  std::string problem = convert_to_rgb(image, rgb, alpha);
  if (!problem.empty()) return problem;
  if (!alpha.empty()) {
    mask = std::move(alpha);
    return {};
  }
  mask.resize(rgb.size() / 3);
  for (std::size_t i = 0; i < mask.size(); ++i)  // ITU-R BT.601 luma, as cv::cvtColor
    mask[i] = 0.299f * rgb[3 * i] + 0.587f * rgb[3 * i + 1] + 0.114f * rgb[3 * i + 2];
  return {};
}

}  // namespace detail
}  // namespace splattrack::io
