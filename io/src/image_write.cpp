#include "splattrack/io/image_write.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {
unsigned char to_u8(float v) {
  return static_cast<unsigned char>(std::lround(std::clamp(v, 0.f, 1.f) * 255.f));
}

void write_mat(const std::string& path, const cv::Mat& img) {
  write_file_atomically(path, [&](const std::string& temp) {
    bool ok = false;
    try {
      ok = cv::imwrite(temp, img);
    } catch (const cv::Exception& e) {
      throw InputError(temp, std::string("cannot write image: ") + e.what());
    }
    if (!ok) throw InputError(temp, "cannot write image (missing folder, unsupported extension or disk full?)");
  });
}
}  // namespace

void write_image(const std::string& path, int width, int height, const float* rgb, const float* alpha) {
  const int channels = alpha ? 4 : 3;
  cv::Mat img(height, width, channels == 4 ? CV_8UC4 : CV_8UC3);
  for (int y = 0; y < height; ++y) {
    unsigned char* row = img.ptr<unsigned char>(y);
    for (int x = 0; x < width; ++x) {
      const std::size_t p = static_cast<std::size_t>(y) * width + x;
      // OpenCV stores BGR(A).
      row[channels * x + 0] = to_u8(rgb[3 * p + 2]);
      row[channels * x + 1] = to_u8(rgb[3 * p + 1]);
      row[channels * x + 2] = to_u8(rgb[3 * p + 0]);
      if (alpha) row[channels * x + 3] = to_u8(alpha[p]);
    }
  }
  write_mat(path, img);
}

void write_mask(const std::string& path, int width, int height, const float* mask) {
  cv::Mat img(height, width, CV_8UC1);
  for (int y = 0; y < height; ++y) {
    unsigned char* row = img.ptr<unsigned char>(y);
    for (int x = 0; x < width; ++x) row[x] = to_u8(mask[static_cast<std::size_t>(y) * width + x]);
  }
  write_mat(path, img);
}

}  // namespace splattrack::io
