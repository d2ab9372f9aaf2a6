// The per-pixel robust refinement (tracker/pixel_refine.hpp): its residual
// tangents against finite differences, its cost against a direct sum, and
// its robustness to an occluder. Its effect on a whole sequence:
// test_tracking_realistic (TheSmallFoxOverFootageKeepsItsDepth).
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <random>

#include "render_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/tracker.hpp"
#include "splattrack/tracker/pixel_refine.hpp"

namespace splattrack {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Scene {
  static constexpr int kSize = 96;
  GaussianModel model;
  Camera camera = datasets::place_camera({.width = kSize, .height = kSize});
  ExecutionContext context{2};
  losses::SpectralLoss spectral{kSize, kSize, {}, context};
  PoseAligner aligner{model, 0.5, RenderOptions{}, context};
  explicit Scene(GaussianModel m = datasets::make_object_model({.gaussians = 3000})) : model(std::move(m)) {}

  static CentredPose truth() {
    CentredPose p;
    p.rotation = Eigen::AngleAxisd(0.4, Eigen::Vector3d(1, 2, 0).normalized());
    p.translation = {0.02, -0.01, datasets::kDefaultDistance};
    return p;
  }
  FrameImage frame(const CentredPose& pose) const {
    RigidPose r;
    r.rotation = pose.rotation;
    r.translation = pose.translation;
    return frame_from_render(test::render_image(transformed(model, r), camera));
  }
};

// The pose moved along direction k of pose_gradient.hpp by h: a world-frame
// rotation about the posed centre (k < 3), a world translation (k >= 3).
CentredPose along(const CentredPose& pose, int k, double h) {
  CentredPose out = pose;
  if (k < 3) out.rotation = Eigen::AngleAxisd(h, Eigen::Vector3d::Unit(k)) * pose.rotation;
  else out.translation[k - 3] += h;
  return out;
}

CentredPose off(const CentredPose& pose, double deg, const Eigen::Vector3d& shift) {
  CentredPose out = pose;
  out.rotation = Eigen::AngleAxisd(deg * kPi / 180, Eigen::Vector3d(0.3, -1, 0.5).normalized()) * pose.rotation;
  out.translation += shift;
  return out;
}

double degrees_between(const CentredPose& a, const CentredPose& b) {
  return a.rotation.angularDistance(b.rotation) * 180 / kPi;
}

// The cost's derivative along each pose direction from the residual
// tangents (Σ_p w_p r_p·dr_p, what the normal equations are made of) against
// central differences of the cost, on test::blobs (whose renders differences
// can follow).
TEST(PixelRefine, ResidualTangentsMatchFiniteDifferences) {
  Scene s(test::blobs());
  const CentredPose truth = Scene::truth();
  for (const bool masked : {true, false}) {
    SCOPED_TRACE(testing::Message() << "masked " << masked);
    FrameImage f = s.frame(truth);
    if (!masked) f.mask.clear();
    // A window hanging over the frame's edge: pixels outside add nothing.
    const ObservationWindow window{-7, 4, 1.0, Scene::kSize, Scene::kSize, false};
    MatchTarget target(f.view(), s.camera, window, s.spectral);
    Observation& observation = target.observation();
    const CentredPose pose = off(truth, 2, {0.01, 0.0, 0.03});
    const RenderImage img = s.aligner.render(target, pose);
    const std::vector<RenderTangent> tangents = s.aligner.pose_tangent_images();
    std::vector<float> scratch;
    PixelResiduals at;
    pixel_residuals(observation, observation.apply(img), at);
    constexpr double k = pixel_refine_defaults::kHuber;
    Eigen::Matrix<double, 6, 1> analytic_gradient, numeric_gradient;
    for (int d = 0; d < 6; ++d) {
      PixelResiduals column, plus, minus;
      pixel_residual_tangent(observation, observation.jvp(img, tangents[static_cast<std::size_t>(d)], scratch),
                             column);
      ASSERT_EQ(column.channels, masked ? 4 : 3);
      // d/dh Σ ρ(|r_p|) = Σ ρ'(|r_p|) r_p·dr_p / |r_p| = Σ w_p r_p·dr_p.
      const auto channels = static_cast<std::size_t>(column.channels);
      double analytic = 0;
      for (std::size_t i = 0; i < at.values.size(); i += channels) {
        double e2 = 0, dot = 0;
        for (std::size_t c = 0; c < channels; ++c) {
          e2 += double(at.values[i + c]) * at.values[i + c];
          dot += double(at.values[i + c]) * column.values[i + c];
        }
        analytic += (std::sqrt(e2) <= k ? 1.0 : k / std::sqrt(e2)) * dot;
      }
      const double h = d < 3 ? 1e-3 : 1e-3 * datasets::kDefaultDistance / 5;
      pixel_residuals(observation, observation.apply(s.aligner.render(target, along(pose, d, h))), plus);
      pixel_residuals(observation, observation.apply(s.aligner.render(target, along(pose, d, -h))), minus);
      const double numeric = (pixel_cost(plus, k) - pixel_cost(minus, k)) / (2 * h);
      analytic_gradient[d] = analytic;
      numeric_gradient[d] = numeric;
    }
    // The whole gradient: 2-3 % is the cuts' share in a translation here
    // (differences see each skipped splat's jump); leaving out a term (the frame
    // under the render's alpha tangent, −dα·I, in dr_p) made it 13 %.
    EXPECT_LT((analytic_gradient - numeric_gradient).norm(), 0.05 * numeric_gradient.norm())
        << "analytic " << analytic_gradient.transpose() << "\nnumeric " << numeric_gradient.transpose();
  }
}

TEST(PixelRefine, CostIsHubersRhoOfEachPixelsResidualNorm) {
  PixelResiduals r;
  r.channels = 4;
  std::mt19937 rng(5);
  std::normal_distribution<float> n(0.f, 0.06f);
  r.values.resize(4 * 500);
  for (float& v : r.values) v = n(rng);
  constexpr double k = 0.1;
  double want = 0;
  int small = 0, large = 0;
  for (std::size_t p = 0; p < 500; ++p) {
    const double e = std::hypot(std::hypot(r.values[4 * p], r.values[4 * p + 1]),
                                std::hypot(r.values[4 * p + 2], r.values[4 * p + 3]));
    if (e <= k) {
      want += e * e / 2;
      ++small;
    } else {
      want += k * e - k * k / 2;
      ++large;
    }
  }
  ASSERT_GT(small, 20);  // both branches taken
  ASSERT_GT(large, 20);
  EXPECT_NEAR(pixel_cost(r, k), want, 1e-9 * want);
}

// A flat block of a foreign colour over a third of the object, which the
// given mask leaves in (the object's colours there are what is wrong): the
// robust loss (Huber: the block's pixels pull with a bounded force) lands
// within 1° and 0.015 of the truth from 2° and 0.1 off in depth; plain least
// squares (k huge) is dragged four times further.
TEST(PixelRefine, AnOccluderCostsOnlyItsOwnPixels) {
  Scene s;
  const CentredPose truth = Scene::truth();
  FrameImage f = s.frame(truth);
  int covered = 0, object = 0;
  for (int y = 0; y < Scene::kSize; ++y)
    for (int x = 0; x < Scene::kSize; ++x) {
      const auto p = static_cast<std::size_t>(y * Scene::kSize + x);
      object += f.mask[p] > 0.5f;
      if (x < 44 || y < 40) continue;
      covered += f.mask[p] > 0.5f;
      f.rgb[3 * p] = 0.95f * f.mask[p];
      f.rgb[3 * p + 1] = 0.1f * f.mask[p];
      f.rgb[3 * p + 2] = 0.9f * f.mask[p];
    }
  ASSERT_GT(covered, object / 5);
  const CentredPose start = off(truth, 2, {0.02, -0.02, 0.1});
  const auto refined = [&](double k) {
    MatchTarget target(f.view(), s.camera, s.spectral);
    PixelRefineOptions o;
    o.huber = k;
    o.iterations = 10;
    const PixelRefineResult r = pixel_refine(s.aligner, target, start, o);
    EXPECT_LE(r.final_cost, r.initial_cost);
    return r.pose;
  };
  const CentredPose robust = refined(pixel_refine_defaults::kHuber), plain = refined(1e9);
  const double robust_deg = degrees_between(robust, truth), plain_deg = degrees_between(plain, truth);
  const double robust_shift = (robust.translation - truth.translation).norm();
  const double plain_shift = (plain.translation - truth.translation).norm();
  std::printf("robust %.3f deg %.4f, plain %.3f deg %.4f\n", robust_deg, robust_shift, plain_deg, plain_shift);
  EXPECT_LT(robust_deg, 1.0);
  EXPECT_LT(robust_shift, 0.015);
  EXPECT_LT(robust_deg + 10 * robust_shift, 0.25 * (plain_deg + 10 * plain_shift));
}


}  // namespace
}  // namespace splattrack
