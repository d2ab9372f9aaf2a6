#include "splattrack/tracker/feature_start.hpp"

#include <algorithm>
#include <cmath>
#include <Eigen/Eigenvalues>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/core/eigen.hpp>

#include "features_cv.hpp"

namespace splattrack {

namespace {

using namespace feature_start_defaults;
using features_cv::cam_from_centred;
using features_cv::SerialOpenCv;

// SIFT keypoints kept per image.
inline constexpr int kMaxKeypoints = 500;

Eigen::Matrix3d intrinsics(const Camera& c) {
  Eigen::Matrix3d k;
  k << c.fx, 0, c.cx, 0, c.fy, c.cy, 0, 0, 1;
  return k;
}

CentredPose pose_from_cam(const Camera& camera, const cv::Mat& rvec, const cv::Mat& tvec) {
  return CentredPose(features_cv::world_from_solved(camera, rvec, tvec));
}

void to_rvec_tvec(const Camera& camera, const CentredPose& pose, cv::Mat& rvec, cv::Mat& tvec) {
  const Eigen::Isometry3d c = cam_from_centred(camera, pose);
  cv::Mat r;
  cv::eigen2cv(Eigen::Matrix3d(c.linear()), r);
  cv::Rodrigues(r, rvec);
  cv::eigen2cv(Eigen::Vector3d(c.translation()), tvec);
}

// A frame in the least-squares plane of `points`: plane_from_centred maps
// them to z ≈ 0. OpenCV's IPPE takes points within 1e-3 (in the model's
// units) of one plane; on that plane, exactly, it takes any.
Eigen::Isometry3d plane_from(const std::vector<Eigen::Vector3d>& points) {
  Eigen::Vector3d centroid = Eigen::Vector3d::Zero();
  for (const Eigen::Vector3d& p : points) centroid += p;
  centroid /= static_cast<double>(points.size());
  Eigen::Matrix3d scatter = Eigen::Matrix3d::Zero();
  for (const Eigen::Vector3d& p : points) scatter += (p - centroid) * (p - centroid).transpose();
  // Eigenvalues ascending: the normal is the first column.
  Eigen::Matrix3d axes = Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d>(scatter).eigenvectors();
  Eigen::Matrix3d centred_from_plane;
  centred_from_plane << axes.col(1), axes.col(2), axes.col(0);
  if (centred_from_plane.determinant() < 0) centred_from_plane.col(2) *= -1;
  Eigen::Isometry3d plane_from_centred = Eigen::Isometry3d::Identity();
  plane_from_centred.linear() = centred_from_plane.transpose();
  plane_from_centred.translation() = -(centred_from_plane.transpose() * centroid);
  return plane_from_centred;
}

// Indices of the pairs that `pose` reprojects within kInlierPx.
std::vector<std::size_t> agreeing_indices(const FeaturePairs& pairs, const Camera& camera, const CentredPose& pose) {
  const Eigen::Isometry3d c = cam_from_centred(camera, pose);
  const Eigen::Matrix3d k = intrinsics(camera);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const Eigen::Vector3d p = k * (c * pairs.centred[i]);
    if (p.z() > 0 && (p.head<2>() / p.z() - pairs.frame_px[i]).norm() < kInlierPx) out.push_back(i);
  }
  return out;
}

// Three points span a plane when their cross product is at least this share
// of their spread squared (the test is the same in any unit).
inline constexpr double kCollinear = 1e-6;

// The most of `points` (indices into `all`) on one plane through three of
// them, within kPlaneTolerance of their spread. Every triple of the first
// kMaxPlanePairs is tried: deterministic, and cheap at these counts.
std::vector<std::size_t> largest_plane(const std::vector<Eigen::Vector3d>& all,
                                       const std::vector<std::size_t>& points) {
  Eigen::Vector3d centroid = Eigen::Vector3d::Zero();
  for (std::size_t i : points) centroid += all[i];
  centroid /= static_cast<double>(points.size());
  double spread = 0;  // the points' mean squared distance from their centroid
  for (std::size_t i : points) spread += (all[i] - centroid).squaredNorm();
  spread /= static_cast<double>(points.size());
  const double tolerance = kPlaneTolerance * std::sqrt(spread);
  const std::size_t tried = std::min(points.size(), static_cast<std::size_t>(kMaxPlanePairs));
  std::vector<std::size_t> best;
  for (std::size_t a = 0; a < tried; ++a)
    for (std::size_t b = a + 1; b < tried; ++b)
      for (std::size_t c = b + 1; c < tried; ++c) {
        const Eigen::Vector3d& p = all[points[a]];
        const Eigen::Vector3d normal = (all[points[b]] - p).cross(all[points[c]] - p);
        if (normal.norm() < kCollinear * spread) continue;  // no plane through a line
        const Eigen::Vector3d n = normal.normalized();
        std::vector<std::size_t> on;
        for (std::size_t i : points)
          if (std::abs(n.dot(all[i] - p)) <= tolerance) on.push_back(i);
        if (on.size() > best.size()) best = std::move(on);
      }
  return best;
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
  const features_cv::ModelKeypoints model = features_cv::model_keypoints(render, window, camera, pose, kMaxKeypoints);
  std::vector<cv::KeyPoint> frame_points;
  cv::Mat frame_desc;
  features_cv::frame_keypoints(frame_rgb, window, kMaxKeypoints, frame_points, frame_desc);
  const std::vector<int> match = features_cv::ratio_matches(model.descriptors, frame_desc, kRatio);
  FeaturePairs pairs;
  for (std::size_t m = 0; m < match.size(); ++m) {
    if (match[m] < 0) continue;
    const cv::Point2f f = frame_points[static_cast<std::size_t>(match[m])].pt;
    pairs.centred.push_back(model.centred[m]);
    pairs.frame_px.push_back(features_cv::window_to_frame(window, f.x, f.y));
  }
  return pairs;
}

int agreeing_pairs(const FeaturePairs& pairs, const Camera& camera, const CentredPose& pose) {
  return static_cast<int>(agreeing_indices(pairs, camera, pose).size());
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

std::optional<CentredPose> planar_twin(const FeaturePairs& pairs, const Camera& camera, const CentredPose& pose) {
  const std::vector<std::size_t> agreeing = agreeing_indices(pairs, camera, pose);
  if (agreeing.size() < static_cast<std::size_t>(kMinInliers)) return std::nullopt;
  const std::vector<std::size_t> plane = largest_plane(pairs.centred, agreeing);
  if (static_cast<double>(plane.size()) < kPlanarShare * static_cast<double>(agreeing.size()) ||
      plane.size() < static_cast<std::size_t>(kMinInliers))
    return std::nullopt;
  const SerialOpenCv serial;
  std::vector<Eigen::Vector3d> on_plane;
  for (std::size_t i : plane) on_plane.push_back(pairs.centred[i]);
  const Eigen::Isometry3d plane_from_centred = plane_from(on_plane);
  std::vector<cv::Point3d> object, flat;
  std::vector<cv::Point2d> image;
  for (std::size_t i : plane) {
    const Eigen::Vector3d& p = pairs.centred[i];
    const Eigen::Vector3d q = plane_from_centred * p;
    object.emplace_back(p.x(), p.y(), p.z());
    flat.emplace_back(q.x(), q.y(), 0.0);
    image.emplace_back(pairs.frame_px[i].x(), pairs.frame_px[i].y());
  }
  cv::Mat k;
  cv::eigen2cv(intrinsics(camera), k);
  std::vector<cv::Mat> rvecs, tvecs;
  // IPPE's poses are cam_from_plane; none when it finds nothing to solve.
  cv::solvePnPGeneric(flat, image, k, cv::noArray(), rvecs, tvecs, false, cv::SOLVEPNP_IPPE);
  std::optional<CentredPose> twin;
  double turn = kTwinMinTurnDeg;
  for (std::size_t s = 0; s < rvecs.size(); ++s) {
    cv::Mat r;
    cv::Rodrigues(rvecs[s], r);
    Eigen::Matrix3d rotation;
    Eigen::Vector3d translation;
    cv::cv2eigen(r, rotation);
    cv::cv2eigen(tvecs[s], translation);
    Eigen::Isometry3d cam_from_plane = Eigen::Isometry3d::Identity();
    cam_from_plane.linear() = rotation;
    cam_from_plane.translation() = translation;
    const Eigen::Isometry3d cam_from_solved = cam_from_plane * plane_from_centred;
    cv::Mat rvec, tvec;
    cv::eigen2cv(Eigen::Matrix3d(cam_from_solved.linear()), r);
    cv::Rodrigues(r, rvec);
    cv::eigen2cv(Eigen::Vector3d(cam_from_solved.translation()), tvec);
    cv::solvePnPRefineLM(object, image, k, cv::noArray(), rvec, tvec);
    const CentredPose solved = pose_from_cam(camera, rvec, tvec);
    const double d = rotation_error_deg(solved, pose);
    if (d < turn) continue;
    turn = d;
    twin = solved;
  }
  if (!twin || static_cast<double>(agreeing_pairs(pairs, camera, *twin)) <
                   kTwinShare * static_cast<double>(agreeing.size()))
    return std::nullopt;
  return twin;
}

}  // namespace splattrack
