#include <opencv2/videoio.hpp>

#include "file_util.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/video.hpp"

namespace splattrack::io {

struct VideoFileWriter::Impl {
  std::string path;
  int width = 0;
  int height = 0;
  cv::VideoWriter writer;
  cv::Mat bgr;  // [H, W] 8-bit BGR, reused
};

VideoFileWriter::VideoFileWriter(const std::string& path, int width, int height, double fps)
    : impl_(std::make_unique<Impl>()) {
  if (width <= 0 || height <= 0 || !(fps > 0.0))
    throw std::invalid_argument("VideoFileWriter " + path + ": size and fps must be positive");
  impl_->path = path;
  impl_->width = width;
  impl_->height = height;
  const bool mp4 = lower_extension(path) == ".mp4";
  const int fourcc = mp4 ? cv::VideoWriter::fourcc('m', 'p', '4', 'v') : cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
  try {
    impl_->writer.open(path, cv::CAP_FFMPEG, fourcc, fps, cv::Size(width, height));
  } catch (const cv::Exception& e) {
    throw InputError(path, std::string("cannot write video: ") + e.what());
  }
  if (!impl_->writer.isOpened()) throw InputError(path, mp4 ? "cannot write mp4v video" : "cannot write MJPG video");
  impl_->bgr.create(height, width, CV_8UC3);
}

VideoFileWriter::~VideoFileWriter() = default;

void VideoFileWriter::write(const std::vector<float>& rgb) {
  Impl& s = *impl_;
  if (!s.writer.isOpened()) throw std::logic_error("VideoFileWriter " + s.path + ": write after close");
  if (rgb.size() != static_cast<std::size_t>(s.width) * s.height * 3)
    throw std::invalid_argument("VideoFileWriter " + s.path + ": frame is not " + std::to_string(s.width) + "x" +
                                std::to_string(s.height) + " RGB");
  for (int y = 0; y < s.height; ++y) {
    auto* p = s.bgr.ptr<cv::Vec3b>(y);
    const float* in = &rgb[static_cast<std::size_t>(y) * s.width * 3];
    for (int x = 0; x < s.width; ++x, in += 3)
      p[x] = cv::Vec3b(cv::saturate_cast<uchar>(in[2] * 255.f), cv::saturate_cast<uchar>(in[1] * 255.f),
                       cv::saturate_cast<uchar>(in[0] * 255.f));
  }
  s.writer.write(s.bgr);
}

void VideoFileWriter::close() { impl_->writer.release(); }

}  // namespace splattrack::io
