#include "features_cv.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/core/eigen.hpp>
#include <opencv2/imgproc.hpp>

#include "splattrack/tracker/feature_start.hpp"

namespace splattrack::features_cv {

namespace {
using namespace feature_start_defaults;

cv::Ptr<cv::SIFT> sift(int max_points) { return cv::SIFT::create(max_points, 3, 0.02); }
}  // namespace

cv::Mat equalised_grey(const float* rgb, int width, int height, double blur_sigma_px) {
  cv::Mat grey(height, width, CV_8U);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const float* p = rgb + 3 * (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + x);
      const float v = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      grey.at<unsigned char>(y, x) = cv::saturate_cast<unsigned char>(255.f * v);
    }
  if (blur_sigma_px > 0) cv::GaussianBlur(grey, grey, cv::Size(), blur_sigma_px);
  cv::Mat out;
  cv::createCLAHE(2.0, cv::Size(4, 4))->apply(grey, out);
  return out;
}

Eigen::Vector2d window_to_frame(const ObservationWindow& w, double x, double y) {
  // Window pixel centres are at integers; frame pixel (0, 0) covers [0, 1)².
  return {w.left + (x + 0.5) * w.scale - 0.5, w.top + (y + 0.5) * w.scale - 0.5};
}

RigidTransform world_from_solved(const Camera& camera, const cv::Mat& rvec, const cv::Mat& tvec) {
  cv::Mat r;
  cv::Rodrigues(rvec, r);
  Eigen::Matrix3d rotation;
  Eigen::Vector3d translation;
  cv::cv2eigen(r, rotation);
  cv::cv2eigen(tvec, translation);
  Eigen::Isometry3d cam_from_x = Eigen::Isometry3d::Identity();
  cam_from_x.linear() = rotation;
  cam_from_x.translation() = translation;
  const Eigen::Isometry3d world_from_x = Eigen::Isometry3d(camera.cam_from_world).inverse() * cam_from_x;
  RigidTransform out;
  out.rotation = Eigen::Quaterniond(world_from_x.linear()).normalized();
  out.translation = world_from_x.translation();
  return out;
}

Eigen::Isometry3d cam_from_centred(const Camera& camera, const CentredPose& pose) {
  Eigen::Isometry3d cam_from_world(camera.cam_from_world);
  return cam_from_world * Eigen::Isometry3d(pose.matrix());
}

ModelKeypoints model_keypoints(const RenderImage& render, const ObservationWindow& window, const Camera& camera,
                               const CentredPose& pose, int max_points) {
  const int w = render.width, h = render.height;
  const cv::Mat model = equalised_grey(render.rgb.data(), w, h, 0);
  cv::Mat mask(h, w, CV_8U);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      mask.at<unsigned char>(y, x) = render.alpha[static_cast<std::size_t>(y * w + x)] >= kMinAlpha ? 255 : 0;
  // Keypoints a frame pixel inside the rim: their descriptors see no black.
  const int erode = 2 * static_cast<int>(std::lround(1 / window.scale)) + 1;
  cv::erode(mask, mask, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(erode, erode)));
  std::vector<cv::KeyPoint> found;
  cv::Mat descriptors;
  sift(max_points)->detectAndCompute(model, mask, found, descriptors);

  ModelKeypoints out;
  const Camera wcam = window.camera(camera);
  const Eigen::Isometry3d centred_from_cam = cam_from_centred(camera, pose).inverse();
  std::vector<int> kept;
  for (std::size_t k = 0; k < found.size(); ++k) {
    const cv::Point2f p = found[k].pt;
    const int px = std::clamp(static_cast<int>(std::lround(p.x)), 0, w - 1);
    const int py = std::clamp(static_cast<int>(std::lround(p.y)), 0, h - 1);
    const auto i = static_cast<std::size_t>(py * w + px);
    if (render.alpha[i] < kMinAlpha) continue;
    // The render's expected depth over its alpha: the visible surface's z.
    const double z = render.depth[i] / render.alpha[i];
    const Eigen::Vector3d in_cam(z * (p.x - wcam.cx) / wcam.fx, z * (p.y - wcam.cy) / wcam.fy, z);
    out.centred.push_back(centred_from_cam * in_cam);
    kept.push_back(static_cast<int>(k));
  }
  out.descriptors = cv::Mat(static_cast<int>(kept.size()), descriptors.cols, CV_32F);
  for (std::size_t r = 0; r < kept.size(); ++r)
    descriptors.row(kept[r]).copyTo(out.descriptors.row(static_cast<int>(r)));
  return out;
}

void frame_keypoints(const std::vector<float>& frame_rgb, const ObservationWindow& window, int max_points,
                     std::vector<cv::KeyPoint>& points, cv::Mat& descriptors) {
  const cv::Mat frame = equalised_grey(frame_rgb.data(), window.width, window.height, kFrameBlurPx / window.scale);
  sift(max_points)->detectAndCompute(frame, cv::noArray(), points, descriptors);
}

std::vector<int> ratio_matches(const cv::Mat& query, const cv::Mat& train, float ratio) {
  std::vector<int> out(static_cast<std::size_t>(query.rows), -1);
  if (query.empty() || train.rows < 2) return out;
  std::vector<std::vector<cv::DMatch>> knn;
  cv::BFMatcher(cv::NORM_L2).knnMatch(query, train, knn, 2);
  for (const std::vector<cv::DMatch>& m : knn)
    if (m.size() == 2 && m[0].distance < ratio * m[1].distance)
      out[static_cast<std::size_t>(m[0].queryIdx)] = m[0].trainIdx;
  return out;
}

}  // namespace splattrack::features_cv
