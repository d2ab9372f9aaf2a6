// OpenCV's SIFT for the texture-feature modules (feature_start, feature_atlas):
// what both do to an image before SIFT sees it, and how a render's keypoint
// is lifted onto the model. Private to the tracker library.
#pragma once

#include <Eigen/Geometry>
#include <opencv2/core.hpp>
#include <opencv2/features2d.hpp>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/tracker/window.hpp"

namespace splattrack::features_cv {

// OpenCV parallelises SIFT and the matcher on its own pool; the tracker's
// threads are the execution context's, so OpenCV runs on the calling thread.
class SerialOpenCv {
 public:
  SerialOpenCv() : threads_(cv::getNumThreads()) { cv::setNumThreads(1); }
  ~SerialOpenCv() { cv::setNumThreads(threads_); }
  SerialOpenCv(const SerialOpenCv&) = delete;
  SerialOpenCv& operator=(const SerialOpenCv&) = delete;

 private:
  int threads_;
};

// Rec. 601 luma of [H, W, 3] colours in 0..1, as 8 bits, blurred by
// `blur_sigma_px`, contrast-limited histogram equalisation after (the
// render's texture and the frame's differ in exposure and white balance;
// SIFT's descriptors are blind to a gain, not to a local contrast change).
cv::Mat equalised_grey(const float* rgb, int width, int height, double blur_sigma_px);

// Where window pixel (x, y) is in the frame (both with centres at integers).
Eigen::Vector2d window_to_frame(const ObservationWindow& w, double x, double y);

// cam_from_centred = cam_from_world · world_from_centred.
Eigen::Isometry3d cam_from_centred(const Camera& camera, const CentredPose& pose);

// The pose PnP solved as OpenCV's rvec / tvec (x_cam = R x + t) in world
// coordinates: world_from_cam · cam_from_x.
RigidTransform world_from_solved(const Camera& camera, const cv::Mat& rvec, const cv::Mat& tvec);

// SIFT keypoints of a render (over black, in `window`) where it is opaque,
// away from its rim: each one's descriptor (a row of `descriptors`) and
// the model point it shows (centred coordinates, from the render's depth).
struct ModelKeypoints {
  cv::Mat descriptors;  // [n, 128] CV_32F
  std::vector<Eigen::Vector3d> centred;
};
ModelKeypoints model_keypoints(const RenderImage& render, const ObservationWindow& window, const Camera& camera,
                               const CentredPose& pose, int max_points);

// SIFT keypoints of a frame's window ([H, W, 3] in 0..1).
void frame_keypoints(const std::vector<float>& frame_rgb, const ObservationWindow& window, int max_points,
                     std::vector<cv::KeyPoint>& points, cv::Mat& descriptors);

// For each row of `query`, the row of `train` it matches when it passes
// Lowe's ratio test (`ratio`), or -1.
std::vector<int> ratio_matches(const cv::Mat& query, const cv::Mat& train, float ratio);

}  // namespace splattrack::features_cv
