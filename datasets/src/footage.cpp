#include "splattrack/datasets/footage.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "random.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::datasets {

namespace {

// `rgb` (w × h) scaled by the smallest factor that covers width × height,
// then cropped to it about the centre.
void cover(const std::vector<float>& rgb, int w, int h, int width, int height, std::vector<float>& out) {
  out.resize(static_cast<std::size_t>(width) * height * 3);
  if (w == width && h == height) {
    std::copy(rgb.begin(), rgb.end(), out.begin());
    return;
  }
  const double scale = std::max(static_cast<double>(width) / w, static_cast<double>(height) / h);
  const int sw = std::max(width, static_cast<int>(std::lround(w * scale)));
  const int sh = std::max(height, static_cast<int>(std::lround(h * scale)));
  const cv::Mat source(h, w, CV_32FC3, const_cast<float*>(rgb.data()));
  cv::Mat scaled;
  // Area averaging when shrinking does not alias fine texture.
  cv::resize(source, scaled, cv::Size(sw, sh), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat target(height, width, CV_32FC3, out.data());
  scaled(cv::Rect((sw - width) / 2, (sh - height) / 2, width, height)).copyTo(target);
}

}  // namespace

int footage_offset(std::uint64_t seed) {
  detail::Random rng(seed, detail::kFootageStream);
  return static_cast<int>(rng.uniform() * kFootageOffsetRange);
}

FootageBackground::FootageBackground(std::string spec, int width, int height, int offset)
    : spec_(std::move(spec)), width_(width), height_(height) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("footage background: the size must be positive");
  if (offset < 0) throw std::invalid_argument("footage background: the offset must be non-negative");
  source_ = io::open_frames(spec_);
  for (int remaining = offset; remaining > 0;) {
    read();
    --remaining;
    if (length_ > 0) remaining %= length_;
  }
}

FootageBackground::~FootageBackground() = default;

const io::Frame& FootageBackground::read() {
  for (;;) {
    const io::FrameStatus status = source_->next(frame_);
    if (status == io::FrameStatus::ok) {
      ++position_;
      return frame_;
    }
    if (status == io::FrameStatus::end) {
      if (position_ == 0) throw io::InputError(spec_, "has no frame that can be read as a background");
      length_ = position_;
      position_ = 0;
      source_ = io::open_frames(spec_);
    }
  }
}

const std::vector<float>& FootageBackground::next() {
  const io::Frame& f = read();
  cover(f.rgb, f.width, f.height, width_, height_, background_);
  return background_;
}

}  // namespace splattrack::datasets
