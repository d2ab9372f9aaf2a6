// Internals of video.hpp shared by its source files: undecoded-to-float
// image streams and the pixel conversions.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>

#include "splattrack/io/video.hpp"

namespace splattrack::io::detail {

// One decoded image in the stream's own pixel type (8/16-bit or float,
// gray/BGR/BGRA), or an empty image with `problem` set.
struct RawFrame {
  int index = 0;
  std::string name;
  std::string problem;
  double time_s = 0.0;
  cv::Mat image;
};

class RawSource {
 public:
  virtual ~RawSource() = default;
  virtual FrameStatus next(RawFrame& frame) = 0;
  // See FrameSource::end_warning.
  virtual std::string end_warning() const { return {}; }
  // See FrameSource::frame_count and fps.
  virtual std::optional<int> frame_count() const = 0;
  virtual std::optional<double> fps() const = 0;
};

// Resolves `spec` (folder, glob, image file, video file, camera index) and
// opens it; throws InputError naming `spec` when it cannot.
std::unique_ptr<RawSource> open_raw(const std::string& spec, double fps);

// Fill the float buffers from a decoded image; return an empty string on
// success or the reason the image cannot be used.
std::string convert_to_rgb(const cv::Mat& image, std::vector<float>& rgb, std::vector<float>& alpha);
std::string convert_to_mask(const cv::Mat& image, std::vector<float>& mask);

}  // namespace splattrack::io::detail
