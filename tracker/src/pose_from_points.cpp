#include "splattrack/tracker/pose_from_points.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <stdexcept>
#include <string>

#include "features_cv.hpp"

namespace splattrack {

PointPose pose_from_points(const Camera& camera, const std::vector<Eigen::Vector3d>& model,
                           const std::vector<Eigen::Vector2d>& pixels) {
  if (model.size() != pixels.size() || model.size() < 4)
    throw std::invalid_argument("PnP needs at least 4 model points paired with as many pixels (got " +
                                std::to_string(model.size()) + " and " + std::to_string(pixels.size()) + ")");
  std::vector<cv::Point3d> object;
  std::vector<cv::Point2d> image;
  for (std::size_t i = 0; i < model.size(); ++i) {
    object.emplace_back(model[i].x(), model[i].y(), model[i].z());
    image.emplace_back(pixels[i].x(), pixels[i].y());
  }
  const cv::Matx33d k(camera.fx, 0, camera.cx, 0, camera.fy, camera.cy, 0, 0, 1);
  const cv::Mat distortion(camera.distortion, true);
  cv::Mat rvec, tvec;
  bool solved = false;
  try {
    solved = cv::solvePnP(object, image, k, distortion, rvec, tvec, false, cv::SOLVEPNP_SQPNP);
    if (solved) cv::solvePnPRefineLM(object, image, k, distortion, rvec, tvec);
  } catch (const cv::Exception&) {
    solved = false;  // SQPnP refuses coincident points
  }
  if (!solved) throw std::invalid_argument("PnP found no pose for these points (are they all on one line?)");
  cv::Mat r;
  cv::Rodrigues(rvec, r);
  for (const cv::Point3d& p : object) {
    const cv::Mat x = r * cv::Mat(cv::Vec3d(p.x, p.y, p.z)) + tvec;
    if (x.at<double>(2) <= 0) throw std::invalid_argument("PnP put a model point behind the camera");
  }
  std::vector<cv::Point2d> projected;
  cv::projectPoints(object, rvec, tvec, k, distortion, projected);
  PointPose out{RigidPose(features_cv::world_from_solved(camera, rvec, tvec)), 0, 0};
  for (std::size_t i = 0; i < image.size(); ++i) {
    const double e = cv::norm(projected[i] - image[i]);
    out.rms_px += e * e;
    out.largest_px = std::max(out.largest_px, e);
  }
  out.rms_px = std::sqrt(out.rms_px / static_cast<double>(image.size()));
  return out;
}

}  // namespace splattrack
