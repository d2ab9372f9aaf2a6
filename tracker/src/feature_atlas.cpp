#include "splattrack/tracker/feature_atlas.hpp"

#include <algorithm>
#include <cmath>
#include <Eigen/Geometry>

#include "features_cv.hpp"

namespace splattrack {

namespace {
using namespace feature_atlas_defaults;
inline constexpr int kDescriptorSize = 128;  // SIFT's
}  // namespace

FeatureAtlas::FeatureAtlas(const std::vector<AtlasView>& views, const Camera& camera, ExecutionContext& context) {
  const features_cv::SerialOpenCv serial;
  std::vector<features_cv::ModelKeypoints> found(views.size());
  context.run(static_cast<int>(views.size()), [&](int v, int) {
    const AtlasView& view = views[static_cast<std::size_t>(v)];
    found[static_cast<std::size_t>(v)] =
        features_cv::model_keypoints(view.render, view.window, camera, view.pose, kViewKeypoints);
  });
  for (const features_cv::ModelKeypoints& k : found) {
    if (k.descriptors.rows == 0) continue;
    const cv::Mat rows = k.descriptors.isContinuous() ? k.descriptors : k.descriptors.clone();
    descriptors_.insert(descriptors_.end(), rows.ptr<float>(), rows.ptr<float>() + rows.total());
    centred_.insert(centred_.end(), k.centred.begin(), k.centred.end());
  }
}

FeaturePairs FeatureAtlas::match(const std::vector<float>& frame_rgb, const ObservationWindow& window) const {
  FeaturePairs pairs;
  if (empty()) return pairs;
  const features_cv::SerialOpenCv serial;
  std::vector<cv::KeyPoint> frame_points;
  cv::Mat frame_desc;
  features_cv::frame_keypoints(frame_rgb, window, kFrameKeypoints, frame_points, frame_desc);
  // OpenCV reads the atlas in place (a const view: no copy, no write).
  const cv::Mat model(static_cast<int>(size()), kDescriptorSize, CV_32F, const_cast<float*>(descriptors_.data()));
  const std::vector<int> match = features_cv::ratio_matches(model, frame_desc, feature_start_defaults::kRatio);
  // Adjacent views show the same point: a frame keypoint may be matched from
  // several; it counts once (a pair's vote in the pose's inliers), with the
  // closest.
  std::vector<int> best(frame_points.size(), -1);
  std::vector<double> best_distance(frame_points.size(), 0);
  for (std::size_t m = 0; m < match.size(); ++m) {
    if (match[m] < 0) continue;
    const auto f = static_cast<std::size_t>(match[m]);
    const double d = cv::norm(model.row(static_cast<int>(m)), frame_desc.row(match[m]), cv::NORM_L2);
    if (best[f] < 0 || d < best_distance[f]) {
      best[f] = static_cast<int>(m);
      best_distance[f] = d;
    }
  }
  for (std::size_t f = 0; f < best.size(); ++f) {
    if (best[f] < 0) continue;
    pairs.centred.push_back(centred_[static_cast<std::size_t>(best[f])]);
    pairs.frame_px.push_back(features_cv::window_to_frame(window, frame_points[f].pt.x, frame_points[f].pt.y));
  }
  return pairs;
}

std::vector<CentredPose> atlas_views(const Camera& camera, const CentredPose& pose) {
  const Eigen::Matrix3d world_from_cam = camera.cam_from_world.topLeftCorner<3, 3>().transpose();
  const Eigen::Matrix3d cam_from_centred = camera.cam_from_world.topLeftCorner<3, 3>() * pose.rotation.matrix();
  std::vector<CentredPose> views;
  for (int x = -1; x <= 1; ++x)
    for (int y = -1; y <= 1; ++y)
      for (int z = -1; z <= 1; ++z) {
        if (x == 0 && y == 0 && z == 0) continue;
        // The object's direction (x, y, z), in camera coordinates at `pose`,
        // turned toward the camera (-z: the camera looks along +z).
        const Eigen::Vector3d direction = Eigen::Vector3d(x, y, z).normalized();
        const Eigen::Matrix3d turn =
            Eigen::Quaterniond::FromTwoVectors(direction, -Eigen::Vector3d::UnitZ()).toRotationMatrix();
        CentredPose view = pose;
        view.rotation = Eigen::Quaterniond(world_from_cam * turn * cam_from_centred).normalized();
        views.push_back(view);
      }
  return views;
}

ObservationWindow atlas_window(const Camera& camera, const CentredPose& pose, double radius) {
  WindowOptions tight;
  tight.object_margin = kViewMargin;
  return feature_window(window_around(camera, pose, radius, 0, tight));
}

ObservationWindow whole_frame_window(const Camera& camera, double feature_scale) {
  const double pixels = static_cast<double>(camera.width) * camera.height;
  ObservationWindow w;
  w.scale = std::max(feature_scale, std::sqrt(pixels / kMaxFramePixels));
  w.width = std::max(1, static_cast<int>(std::lround(camera.width / w.scale)));
  w.height = std::max(1, static_cast<int>(std::lround(camera.height / w.scale)));
  w.wide = true;
  return w;
}

}  // namespace splattrack
