#include <glob.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string_view>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "file_util.hpp"
#include "image_header.hpp"
#include "splattrack/io/error.hpp"
#include "video_internal.hpp"

namespace splattrack::io {

namespace fs = std::filesystem;

bool natural_less(std::string_view a, std::string_view b) {
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const auto digit_run = [&](std::string_view s, std::size_t& i) {
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    std::string_view run = s.substr(start, i - start);
    while (run.size() > 1 && run.front() == '0') run.remove_prefix(1);
    return run;
  };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      const std::string_view x = digit_run(a, i);
      const std::string_view y = digit_run(b, j);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if (i < a.size() || j < b.size()) return i == a.size();
  return a < b;  // equal but for leading zeros: any fixed order will do
}

namespace detail {

namespace {

inline constexpr std::array<std::string_view, 14> kImageExtensions = {
    ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".exr", ".pgm", ".ppm", ".pnm", ".pbm", ".jp2", ".hdr"};

bool is_image_file(const std::string& path) {
  const std::string ext = lower_extension(path);
  return std::find(kImageExtensions.begin(), kImageExtensions.end(), ext) != kImageExtensions.end();
}

void sort_naturally(std::vector<std::string>& files) {
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) { return natural_less(a, b); });
}

// OpenCV picks a decoder by the file's content, not its name, and some of
// its decoders abort the process on hostile bytes (fuzz_frames: a file made
// to look like DICOM trips an assert in libgdcm) or allocate whatever size
// the header declares: image_header_problem() lets through only the formats
// the extensions above name, recognised by their signatures, and checks the
// declared size where the header is simple to read.
class ImageListSource : public RawSource {
 public:
  ImageListSource(std::vector<std::string> files, double fps) : files_(std::move(files)), fps_(fps) {}

  FrameStatus next(RawFrame& frame) override {
    if (next_ >= files_.size()) return FrameStatus::end;
    frame.index = static_cast<int>(next_);
    frame.name = files_[next_++];
    frame.time_s = frame.index / fps_;
    frame.problem.clear();
    if (const std::string problem = image_header_problem(frame.name); !problem.empty()) {
      frame.image.release();
      frame.problem = "cannot decode image: " + problem;
      return FrameStatus::skipped;
    }
    try {
      frame.image = cv::imread(frame.name, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
      frame.image.release();
      frame.problem = std::string("cannot decode image: ") + e.what();
      return FrameStatus::skipped;
    }
    if (frame.image.empty()) {
      frame.problem = "cannot decode image";
      return FrameStatus::skipped;
    }
    return FrameStatus::ok;
  }

  std::optional<int> frame_count() const override { return static_cast<int>(files_.size()); }
  std::optional<double> fps() const override { return fps_; }

 private:
  std::vector<std::string> files_;
  std::size_t next_ = 0;
  double fps_;
};

// A video file or a live camera. FFmpeg conceals most decoding errors itself;
// a failed read ends the stream.
class CaptureSource : public RawSource {
 public:
  CaptureSource(std::string name, cv::VideoCapture capture, double fps, bool live)
      : name_(std::move(name)), capture_(std::move(capture)), fps_(fps), live_(live) {
    const double declared = live_ ? 0.0 : capture_.get(cv::CAP_PROP_FRAME_COUNT);
    declared_ = std::isfinite(declared) && declared > 0 && declared < 1e9 ? static_cast<int>(declared) : 0;
  }

  FrameStatus next(RawFrame& frame) override {
    bool read = false;
    try {
      read = capture_.read(frame.image);
    } catch (const cv::Exception&) {
      read = false;
    }
    if (!read || frame.image.empty()) return FrameStatus::end;
    frame.index = index_++;
    frame.name = name_;
    frame.problem.clear();
    frame.time_s = live_ ? std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()
                         : frame.index / fps_;
    return FrameStatus::ok;
  }

  // FFmpeg ends a damaged or cut stream at its first unreadable frame; the
  // container's own count is how the user learns that frames are missing.
  std::string end_warning() const override {
    if (declared_ <= index_) return {};
    return name_ + ": the video ended after " + std::to_string(index_) + " frames, but its container declares " +
           std::to_string(declared_) + " (truncated or damaged file?)";
  }

  std::optional<int> frame_count() const override {
    return declared_ > 0 ? std::optional<int>(declared_) : std::nullopt;
  }
  std::optional<double> fps() const override { return live_ ? std::nullopt : std::optional<double>(fps_); }

 private:
  std::string name_;
  cv::VideoCapture capture_;
  double fps_;
  bool live_;
  int declared_ = 0;  // frames the container declares; 0 when unknown or live
  int index_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::unique_ptr<RawSource> open_folder(const std::string& spec, double fps) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(spec, error))
    if (entry.is_regular_file() && is_image_file(entry.path().string())) files.push_back(entry.path().string());
  if (error) throw InputError(spec, "cannot list folder: " + error.message());
  if (files.empty()) throw InputError(spec, "folder holds no image files");
  sort_naturally(files);
  return std::make_unique<ImageListSource>(std::move(files), fps);
}

std::unique_ptr<RawSource> open_glob(const std::string& spec, double fps) {
  glob_t matches{};
  const int result = ::glob(spec.c_str(), GLOB_NOSORT, nullptr, &matches);
  std::vector<std::string> files;
  for (std::size_t i = 0; result == 0 && i < matches.gl_pathc; ++i)
    if (fs::is_regular_file(matches.gl_pathv[i])) files.emplace_back(matches.gl_pathv[i]);
  ::globfree(&matches);
  if (files.empty()) throw InputError(spec, "pattern matches no files");
  sort_naturally(files);
  return std::make_unique<ImageListSource>(std::move(files), fps);
}

std::unique_ptr<RawSource> open_video_file(const std::string& spec, double fps) {
  cv::VideoCapture capture;
  try {
    capture.open(spec, cv::CAP_FFMPEG);
  } catch (const cv::Exception& e) {
    throw InputError(spec, std::string("cannot open as a video: ") + e.what());
  }
  if (!capture.isOpened()) throw InputError(spec, "cannot open as a video (OpenCV FFmpeg back end)");
  const double container_fps = capture.get(cv::CAP_PROP_FPS);
  if (std::isfinite(container_fps) && container_fps > 0.0) fps = container_fps;
  return std::make_unique<CaptureSource>(spec, std::move(capture), fps, false);
}

std::unique_ptr<RawSource> open_camera(const std::string& spec, double fps) {
  cv::VideoCapture capture;
  try {
    capture.open(std::stoi(spec));
  } catch (const std::exception& e) {
    throw InputError("camera " + spec, std::string("cannot open: ") + e.what());
  }
  if (!capture.isOpened()) throw InputError("camera " + spec, "cannot open");
  return std::make_unique<CaptureSource>("camera " + spec, std::move(capture), fps, true);
}

}  // namespace

std::unique_ptr<RawSource> open_raw(const std::string& spec, double fps) {
  if (!(fps > 0.0) || !std::isfinite(fps)) throw std::invalid_argument("video fps must be positive");
  if (spec.empty()) throw InputError("(empty)", "no video, folder or camera given");
  std::error_code error;
  const fs::file_status status = fs::status(spec, error);
  if (fs::is_directory(status)) return open_folder(spec, fps);
  if (fs::is_regular_file(status)) {
    if (is_image_file(spec)) return std::make_unique<ImageListSource>(std::vector<std::string>{spec}, fps);
    return open_video_file(spec, fps);
  }
  if (spec.find_first_of("*?[") != std::string::npos) return open_glob(spec, fps);
  if (spec.size() <= 3 && std::all_of(spec.begin(), spec.end(), [](unsigned char c) { return std::isdigit(c); }))
    return open_camera(spec, fps);
  throw InputError(spec, "no such file or folder");
}

}  // namespace detail

}  // namespace splattrack::io
