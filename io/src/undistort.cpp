#include "splattrack/io/undistort.hpp"

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>
#include <vector>

#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

cv::Matx33d camera_matrix(const Camera& camera) {
  return {camera.fx, 0, camera.cx, 0, camera.fy, camera.cy, 0, 0, 1};
}

// [H, W, C] floats in place, through `scratch`; `outside` where the map
// points off the image.
void remap_in_place(std::vector<float>& pixels, int channels, const cv::Mat& map_x, const cv::Mat& map_y,
                    const cv::Scalar& outside, std::vector<float>& scratch) {
  if (pixels.empty()) return;
  const int type = CV_32FC(channels);
  const cv::Mat in(map_x.rows, map_x.cols, type, pixels.data());
  scratch.resize(pixels.size());
  cv::Mat out(map_x.rows, map_x.cols, type, scratch.data());
  cv::remap(in, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, outside);
  pixels.swap(scratch);
}

class UndistortedSource : public FrameSourceFilter {
 public:
  UndistortedSource(std::unique_ptr<FrameSource> source, const Camera& camera)
      : FrameSourceFilter(std::move(source)) {
    const cv::Matx33d k = camera_matrix(camera);
    cv::initUndistortRectifyMap(k, cv::Mat(camera.distortion, true), cv::noArray(), k,
                                cv::Size(camera.width, camera.height), CV_32FC1, map_x_, map_y_);
  }

  FrameStatus next(Frame& frame) override {
    const FrameStatus status = FrameSourceFilter::next(frame);
    if (status != FrameStatus::ok) return status;
    // The maps are the camera's size; the frames were checked against it.
    if (frame.width != map_x_.cols || frame.height != map_x_.rows)
      throw InputError(frame.name, "frame " + std::to_string(frame.index) + " is " + std::to_string(frame.width) +
                                       "x" + std::to_string(frame.height) + ", the camera " +
                                       std::to_string(map_x_.cols) + "x" + std::to_string(map_x_.rows));
    remap_in_place(frame.rgb, 3, map_x_, map_y_, cv::Scalar::all(0), scratch_);
    remap_in_place(frame.mask, 1, map_x_, map_y_, cv::Scalar::all(0), scratch_);
    return status;
  }

 private:
  cv::Mat map_x_, map_y_;  // [H, W] where each pinhole pixel is in the recorded frame
  std::vector<float> scratch_;  // kept between frames
};

}  // namespace

bool has_distortion(const Camera& camera) {
  for (const double k : camera.distortion)
    if (k != 0) return true;
  return false;
}

Camera pinhole(const Camera& camera) {
  Camera out = camera;
  out.distortion.clear();
  return out;
}

void distort_images(const std::vector<LensImage>& images, const Camera& camera) {
  const cv::Matx33d k = camera_matrix(camera);
  cv::Mat map_x, map_y;
  cv::initInverseRectificationMap(k, cv::Mat(camera.distortion, true), cv::noArray(), k,
                                  cv::Size(camera.width, camera.height), CV_32FC1, map_x, map_y);
  std::vector<float> scratch;
  for (const LensImage& image : images) {
    const cv::Scalar outside(image.outside[0], image.outside[1], image.outside[2], image.outside[3]);
    remap_in_place(*image.pixels, image.channels, map_x, map_y, outside, scratch);
  }
}

std::unique_ptr<FrameSource> undistorted(std::unique_ptr<FrameSource> source, const Camera& camera) {
  return std::make_unique<UndistortedSource>(std::move(source), camera);
}

}  // namespace splattrack::io
