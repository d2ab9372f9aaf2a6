#include "splattrack/tracker/feature_start.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/core/eigen.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

namespace splattrack {

namespace {

using namespace feature_start_defaults;

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

// Rec. 601 luma of [H, W, 3] colours in 0..1, as 8 bits, contrast-limited
// histogram equalisation after (the render's texture and the frame's differ in
// exposure and white balance; SIFT's descriptors are blind to a gain, not to a
// local contrast change).
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

Eigen::Matrix3d intrinsics(const Camera& c) {
  Eigen::Matrix3d k;
  k << c.fx, 0, c.cx, 0, c.fy, c.cy, 0, 0, 1;
  return k;
}

// cam_from_centred = cam_from_world · world_from_centred.
Eigen::Isometry3d cam_from_centred(const Camera& camera, const CentredPose& pose) {
  Eigen::Isometry3d cam_from_world(camera.cam_from_world);
  return cam_from_world * Eigen::Isometry3d(pose.matrix());
}

CentredPose pose_from_cam(const Camera& camera, const cv::Mat& rvec, const cv::Mat& tvec) {
  cv::Mat r;
  cv::Rodrigues(rvec, r);
  Eigen::Matrix3d rotation;
  Eigen::Vector3d translation;
  cv::cv2eigen(r, rotation);
  cv::cv2eigen(tvec, translation);
  Eigen::Isometry3d cam_from_c = Eigen::Isometry3d::Identity();
  cam_from_c.linear() = rotation;
  cam_from_c.translation() = translation;
  const Eigen::Isometry3d world_from_c = Eigen::Isometry3d(camera.cam_from_world).inverse() * cam_from_c;
  CentredPose pose;
  pose.rotation = Eigen::Quaterniond(world_from_c.linear()).normalized();
  pose.translation = world_from_c.translation();
  return pose;
}

void to_rvec_tvec(const Camera& camera, const CentredPose& pose, cv::Mat& rvec, cv::Mat& tvec) {
  const Eigen::Isometry3d c = cam_from_centred(camera, pose);
  cv::Mat r;
  cv::eigen2cv(Eigen::Matrix3d(c.linear()), r);
  cv::Rodrigues(r, rvec);
  cv::eigen2cv(Eigen::Vector3d(c.translation()), tvec);
}

}  // namespace

ObservationWindow feature_window(const ObservationWindow& tracking_window) {
  const ObservationWindow& w = tracking_window;
  ObservationWindow out = w;
  const double span = std::max(w.width, w.height) * w.scale;
  out.scale = std::max(kWindowScale, span / kMaxWindowSide);
  out.width = std::max(1, static_cast<int>(std::lround(w.width * w.scale / out.scale)));
  out.height = std::max(1, static_cast<int>(std::lround(w.height * w.scale / out.scale)));
  return out;
}

FeaturePairs match_features(const std::vector<float>& frame_rgb, const RenderImage& render,
                            const ObservationWindow& window, const Camera& camera, const CentredPose& pose) {
  const SerialOpenCv serial;
  const int w = render.width, h = render.height;
  const cv::Mat frame = equalised_grey(frame_rgb.data(), w, h, kFrameBlurPx / window.scale);
  const cv::Mat model = equalised_grey(render.rgb.data(), w, h, 0);
  cv::Mat mask(h, w, CV_8U);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      mask.at<unsigned char>(y, x) = render.alpha[static_cast<std::size_t>(y * w + x)] >= kMinAlpha ? 255 : 0;
  // Keypoints a frame pixel inside the rim: their descriptors see no black.
  const int erode = 2 * static_cast<int>(std::lround(1 / window.scale)) + 1;
  cv::erode(mask, mask, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(erode, erode)));

  const cv::Ptr<cv::SIFT> sift = cv::SIFT::create(500, 3, 0.02);
  std::vector<cv::KeyPoint> model_points, frame_points;
  cv::Mat model_desc, frame_desc;
  sift->detectAndCompute(model, mask, model_points, model_desc);
  sift->detectAndCompute(frame, cv::noArray(), frame_points, frame_desc);
  FeaturePairs pairs;
  if (model_points.empty() || frame_points.size() < 2) return pairs;
  std::vector<std::vector<cv::DMatch>> knn;
  cv::BFMatcher(cv::NORM_L2).knnMatch(model_desc, frame_desc, knn, 2);

  const Camera wcam = window.camera(camera);
  const Eigen::Isometry3d centred_from_cam = cam_from_centred(camera, pose).inverse();
  for (const std::vector<cv::DMatch>& m : knn) {
    if (m.size() < 2 || m[0].distance >= kRatio * m[1].distance) continue;
    const cv::Point2f p = model_points[static_cast<std::size_t>(m[0].queryIdx)].pt;
    const int px = std::clamp(static_cast<int>(std::lround(p.x)), 0, w - 1);
    const int py = std::clamp(static_cast<int>(std::lround(p.y)), 0, h - 1);
    const auto i = static_cast<std::size_t>(py * w + px);
    if (render.alpha[i] < kMinAlpha) continue;
    // The render's expected depth over its alpha: the visible surface's z.
    const double z = render.depth[i] / render.alpha[i];
    const Eigen::Vector3d in_cam(z * (p.x - wcam.cx) / wcam.fx, z * (p.y - wcam.cy) / wcam.fy, z);
    const cv::Point2f f = frame_points[static_cast<std::size_t>(m[0].trainIdx)].pt;
    pairs.centred.push_back(centred_from_cam * in_cam);
    pairs.frame_px.push_back(window_to_frame(window, f.x, f.y));
  }
  return pairs;
}

int agreeing_pairs(const FeaturePairs& pairs, const Camera& camera, const CentredPose& pose) {
  const Eigen::Isometry3d c = cam_from_centred(camera, pose);
  const Eigen::Matrix3d k = intrinsics(camera);
  int n = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const Eigen::Vector3d p = k * (c * pairs.centred[i]);
    if (p.z() <= 0) continue;
    n += (p.head<2>() / p.z() - pairs.frame_px[i]).norm() < kInlierPx;
  }
  return n;
}

bool confirms(const FeaturePairs& pairs, int agreeing) {
  return agreeing >= kMinInliers && agreeing >= kConfirmShare * static_cast<double>(pairs.size());
}

std::optional<SolvedPose> pose_from_pairs(const FeaturePairs& pairs, const Camera& camera, const CentredPose& near) {
  if (pairs.size() < static_cast<std::size_t>(kMinInliers)) return std::nullopt;
  const SerialOpenCv serial;
  std::vector<cv::Point3d> object;
  std::vector<cv::Point2d> image;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    object.emplace_back(pairs.centred[i].x(), pairs.centred[i].y(), pairs.centred[i].z());
    image.emplace_back(pairs.frame_px[i].x(), pairs.frame_px[i].y());
  }
  cv::Mat k;
  cv::eigen2cv(intrinsics(camera), k);
  cv::Mat rvec, tvec;
  std::vector<int> inliers;
  try {
    if (!cv::solvePnPRansac(object, image, k, cv::noArray(), rvec, tvec, false, 1000, static_cast<float>(kInlierPx),
                            0.999, inliers, cv::SOLVEPNP_SQPNP))
      return std::nullopt;
  } catch (const cv::Exception&) {
    // SQPnP refuses points that (nearly) coincide: a sample with nothing to
    // solve from, as when a matched model shows one blob of texture.
    return std::nullopt;
  }
  if (inliers.size() < static_cast<std::size_t>(kMinInliers)) return std::nullopt;
  std::vector<cv::Point3d> in_object;
  std::vector<cv::Point2d> in_image;
  for (int i : inliers) {
    in_object.push_back(object[static_cast<std::size_t>(i)]);
    in_image.push_back(image[static_cast<std::size_t>(i)]);
  }
  cv::solvePnPRefineLM(in_object, in_image, k, cv::noArray(), rvec, tvec);
  cv::Mat near_rvec, near_tvec;
  to_rvec_tvec(camera, near, near_rvec, near_tvec);
  cv::solvePnPRefineLM(in_object, in_image, k, cv::noArray(), near_rvec, near_tvec);
  SolvedPose solved{pose_from_cam(camera, rvec, tvec), 0};
  solved.agreeing = agreeing_pairs(pairs, camera, solved.pose);
  const CentredPose from_near = pose_from_cam(camera, near_rvec, near_tvec);
  const int near_agreeing = agreeing_pairs(pairs, camera, from_near);
  if (near_agreeing >= solved.agreeing) solved = {from_near, near_agreeing};
  if (solved.agreeing < kMinInliers) return std::nullopt;
  return solved;
}

}  // namespace splattrack
