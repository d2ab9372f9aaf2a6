// The tracker's steps one at a time, without running a whole frame: the
// verdict rules, the prediction, the parameter vector and Adam, the
// observation model's vjp/jvp, and the Ceres pose cost's Jacobian
// (ceres::GradientChecker).
#include <gtest/gtest.h>

#include <ceres/ceres.h>
#include <ceres/gradient_checker.h>

#include <limits>
#include <numbers>
#include <random>
#include <utility>

#include "render_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/tracker.hpp"
#include "splattrack/tracker/observation.hpp"
#include "splattrack/tracker/parameters.hpp"
#include "splattrack/tracker/prediction.hpp"
#include "splattrack/tracker/verdict.hpp"

using namespace splattrack;

TEST(Verdict, ThresholdsAndFirstFrameAcceptance) {
  const VerdictRules rules;  // tracking ≥ 0.75, lost < 0.5, first frame match ≥ 0.95
  EXPECT_EQ(judge({0.9, 0.99}, {.given_mask = true}, rules).status, TrackStatus::tracking);
  EXPECT_EQ(judge({0.74, 0.99}, {.given_mask = true}, rules).status, TrackStatus::degraded);
  EXPECT_EQ(judge({0.49, 0.99}, {.given_mask = true}, rules).status, TrackStatus::lost);
  // A plausible silhouette without the colours is only degraded on the first
  // frame, and only with a mask (without, the match is not comparable).
  EXPECT_EQ(judge({0.95, 0.90}, {.first = true, .given_mask = true}, rules).status, TrackStatus::degraded);
  EXPECT_EQ(judge({0.95, 0.90}, {.given_mask = true}, rules).status, TrackStatus::tracking);
  EXPECT_EQ(judge({0.95, 0.10}, {.first = true}, rules).status, TrackStatus::tracking);
  VerdictRules off = rules;
  off.first_frame_acceptance = 0;
  EXPECT_EQ(judge({0.95, 0.10}, {.first = true, .given_mask = true}, off).status, TrackStatus::tracking);
  EXPECT_EQ(judge({0.9, 0.8}, {.first = true, .given_mask = true}, rules).scores.match, 0.8);
  // An occluder hiding more than a fifth of the silhouette: degraded however
  // well the rest fits; a low quality is still lost.
  EXPECT_EQ(judge({0.95, 0.99, 0.2}, {.given_mask = true}, rules).status, TrackStatus::tracking);
  EXPECT_EQ(judge({0.95, 0.99, 0.21}, {.given_mask = true}, rules).status, TrackStatus::degraded);
  EXPECT_EQ(judge({0.4, 0.99, 0.5}, {.given_mask = true}, rules).status, TrackStatus::lost);
  // A pose the occlusion hold placed may be tracking with up to half hidden.
  EXPECT_EQ(judge({0.95, 0.99, 0.5}, {.held = true}, rules).status, TrackStatus::tracking);
  EXPECT_EQ(judge({0.95, 0.99, 0.51}, {.held = true}, rules).status, TrackStatus::degraded);
  EXPECT_EQ(judge({0.74, 0.99, 0.3}, {.held = true}, rules).status, TrackStatus::degraded);
  EXPECT_EQ(judge({0.95, 0.99, 0.3, 0.1}, {.held = true}, rules).status, TrackStatus::degraded);
  // A texture the frame does not show: at most degraded; no texture to
  // compare (an untextured model) decides nothing.
  EXPECT_EQ(judge({0.95, 0.99, 0, 0.2}, {}, rules).status, TrackStatus::tracking);
  EXPECT_EQ(judge({0.95, 0.99, 0, 0.19}, {}, rules).status, TrackStatus::degraded);
  EXPECT_EQ(judge({0.95, 0.99, 0, std::nullopt}, {}, rules).status, TrackStatus::tracking);
  EXPECT_EQ(judge({0.4, 0.99, 0, 0.1}, {}, rules).status, TrackStatus::lost);
  // A texture that agrees this well is the right pose: a silhouette that
  // clutter spoiled makes it degraded, not lost (and not recovered).
  EXPECT_EQ(judge({0.4, 0.99, 0, 0.75}, {}, rules).status, TrackStatus::degraded);
  EXPECT_EQ(judge({0.4, 0.99, 0, 0.74}, {}, rules).status, TrackStatus::lost);
  EXPECT_EQ(judge({0.4, 0.99, 0.5, 0.9}, {}, rules).status, TrackStatus::degraded);
}

TEST(Verdict, RecoveryAndRanking) {
  const Verdict lost{TrackStatus::lost, {0.3, 0.9}};
  const Verdict degraded{TrackStatus::degraded, {0.7, 0.5}};
  const Verdict tracking{TrackStatus::tracking, {0.9, 0.6}};
  const Verdict better_tracking{TrackStatus::tracking, {0.8, 0.7}};
  EXPECT_TRUE(needs_recovery(lost, false));
  EXPECT_FALSE(needs_recovery(degraded, false));
  EXPECT_TRUE(needs_recovery(degraded, true));
  EXPECT_FALSE(needs_recovery(tracking, true));
  EXPECT_TRUE(better(degraded, lost));  // status first, whatever the match
  EXPECT_TRUE(better(tracking, degraded));
  EXPECT_TRUE(better(better_tracking, tracking));  // then the match
  EXPECT_FALSE(better(tracking, tracking));
  EXPECT_FALSE(better(Verdict{TrackStatus::recovered, {0.9, 0.6}}, tracking));  // recovered ranks as tracking
  // Nothing of the object in view: lost however it scores, and below every
  // pose in view, though an empty render explains more (match 0) than a
  // wrong pose in view (below 0).
  PoseScores empty{0.9, 0.0};
  empty.in_view = false;
  const Verdict out_of_view = judge(empty, {}, VerdictRules{});
  EXPECT_EQ(out_of_view.status, TrackStatus::lost);
  const Verdict wrong_in_view = judge({0.1, -0.3}, {}, VerdictRules{});
  ASSERT_EQ(wrong_in_view.status, TrackStatus::lost);
  EXPECT_TRUE(better(wrong_in_view, out_of_view));
  EXPECT_FALSE(better(out_of_view, wrong_in_view));
  EXPECT_FALSE(better(out_of_view, out_of_view));
}

TEST(Prediction, ConstantVelocityRepeatsTheLastMotion) {
  CentredPose a, b;
  a.rotation = Eigen::AngleAxisd(0.3, Eigen::Vector3d(1, 2, 3).normalized());
  a.translation = {0.1, -0.2, 3};
  const WorldMotion step = [] {
    WorldMotion m;
    m.rotation = Eigen::AngleAxisd(0.05, Eigen::Vector3d::UnitY());
    m.translation = {0.01, 0.02, -0.03};
    return m;
  }();
  b = step * a;
  const CentredPose c = predict_constant_velocity(a, b);
  const CentredPose expected = step * b;
  EXPECT_LT(rotation_error_deg(c, expected), 1e-9);
  EXPECT_LT(translation_error(c, expected), 1e-12);
  // No motion: the prediction is the last pose.
  EXPECT_LT(translation_error(predict_constant_velocity(b, b), b), 1e-15);
}

TEST(Prediction, StartBandShrinksWithTheExpectedShift) {
  // 256 px, 8 bands: band b holds shifts below S / 2^(b+1).
  EXPECT_DOUBLE_EQ(safe_start_alpha(0.0, 256, 8), std::log2(256.0 / kMinExpectedShiftPx) - 1);  // floor of 8 px
  EXPECT_DOUBLE_EQ(safe_start_alpha(32.0, 256, 8), 2.0);
  EXPECT_DOUBLE_EQ(safe_start_alpha(1000.0, 256, 8), 1.0);  // clamped: band 0 only
  EXPECT_DOUBLE_EQ(safe_start_alpha(0.0, 1 << 20, 8), 6.0);  // clamped to K − 2
}

TEST(Prediction, TheLevenbergMarquardtStartsLowerTheFurtherTheObjectMoved) {
  // 256 px, 8 bands, the top 3: from band 5, whose basin holds 256 / 2^6 = 4 px
  // of prediction error, 6 px of motion (kLmPredictionErrorShare = 2/3).
  static_assert(kLmPredictionErrorShare == 2.0 / 3.0);
  EXPECT_EQ(lm_first_band(0.0, 256, 8, 3), 5);  // still: no floor as the annealing's
  EXPECT_EQ(lm_first_band(6.0, 256, 8, 3), 5);
  EXPECT_EQ(lm_first_band(6.1, 256, 8, 3), 4);
  EXPECT_EQ(lm_first_band(24.0, 256, 8, 3), 3);
  EXPECT_EQ(lm_first_band(1000.0, 256, 8, 3), 0);                                   // clamped: band 0
  EXPECT_EQ(lm_first_band(std::numeric_limits<double>::quiet_NaN(), 256, 8, 3), 5);  // no motion known
  EXPECT_EQ(lm_first_band(100.0, 256, 8, 10), 0);                                    // more bands than there are
}

// The tracker's annealing policy: the rotation waits while band 0 is alone
// and moves from the first rise of α and through the spatial phase.
TEST(AnnealingPolicy, RotationFrozenOnlyWhileBandZeroIsAlone) {
  const losses::AnnealingSchedule s(100);  // warm-up to t = 25, hand-over at t = 65
  for (int t : {0, 10, 25}) EXPECT_TRUE(rotation_frozen(s.at(t))) << t;
  for (int t : {26, 45, 64, 65, 99, 250}) EXPECT_FALSE(rotation_frozen(s.at(t))) << t;
  EXPECT_TRUE(rotation_frozen(s.at_alpha(1.0)));
  EXPECT_FALSE(rotation_frozen(s.at_alpha(1.001)));
  // No warm-up: free from iteration 1. One band: α stays 1, so the rotation
  // waits for the hand-over.
  const losses::AnnealingSchedule no_warmup(10, {.warmup_fraction = 0.0});
  EXPECT_TRUE(rotation_frozen(no_warmup.at(0)));
  EXPECT_FALSE(rotation_frozen(no_warmup.at(1)));
  const losses::AnnealingSchedule one(20, {.band_count = 1});
  EXPECT_TRUE(rotation_frozen(one.at(12)));
  EXPECT_FALSE(rotation_frozen(one.at(13)));
}

TEST(Parameters, BlocksLayoutRatesAndFreezing) {
  ParameterVector p;
  const int a = p.add("rotation", 3, 0.5);
  const int b = p.add("translation", 2, 0.25);
  EXPECT_EQ(p.size(), 5);
  EXPECT_EQ(p.block(b).offset, 3);
  EXPECT_EQ(p.index_of("translation"), b);
  EXPECT_THROW(p.add("rotation", 1, 1), std::invalid_argument);
  EXPECT_THROW(p.index_of("nodes"), std::out_of_range);
  Eigen::VectorXd expected(5);
  expected << 0.05, 0.05, 0.05, 0.025, 0.025;
  EXPECT_EQ(p.learning_rates(0.1), expected);
  p.freeze(a, true);
  expected.head<3>().setZero();
  EXPECT_EQ(p.learning_rates(0.1), expected);
}

TEST(Parameters, AdamFirstStepIsTheRateAgainstTheGradientAndFrozenEntriesKeepTheirMoments) {
  Adam adam(3);
  Eigen::VectorXd g(3), lr(3);
  g << 2.0, -0.5, 7.0;
  lr << 0.1, 0.2, 0.0;
  const Eigen::VectorXd s = adam.step(g, lr);
  // Bias-corrected first step: −lr · sign(g).
  EXPECT_NEAR(s[0], -0.1, 1e-9);
  EXPECT_NEAR(s[1], 0.2, 1e-9);
  EXPECT_EQ(s[2], 0.0);
  // Unfrozen later, entry 2 starts as if new: its first step is again −lr·sign(g).
  lr[2] = 0.3;
  EXPECT_NEAR(adam.step(g, lr)[2], -0.3, 1e-9);
}

namespace {

struct SmallScene {
  GaussianModel model;
  Camera camera;
  SmallScene() {
    datasets::ObjectModelOptions mo;
    mo.gaussians = 1500;
    model = datasets::make_object_model(mo);
    datasets::CameraPlacement p;
    p.width = p.height = 64;
    camera = datasets::place_camera(p);
  }
  FrameImage frame(const RigidPose& pose) const {
    return frame_from_render(test::render_image(transformed(model, pose), camera));
  }
};

// One 64² frame (of `model` at `truth`, or one given) and what refines a
// pose against it: the least-squares spectral loss, the target, the aligner.
struct PoseProblem {
  FrameImage frame;
  ExecutionContext context{1};
  losses::SpectralLoss spectral;
  MatchTarget target;
  PoseAligner aligner;
  PoseProblem(const SmallScene& s, const RigidPose& truth) : PoseProblem(s, s.frame(truth)) {}
  PoseProblem(const SmallScene& s, FrameImage shown)
      : frame(std::move(shown)),
        spectral(64, 64, least_squares(), context),
        target(frame.view(), s.camera, spectral),
        aligner(s.model, 0.5, RenderOptions{}, context) {}
  static losses::SpectralLossOptions least_squares() {
    losses::SpectralLossOptions so;
    so.norm = losses::SpectralNorm::kLeastSquares;
    return so;
  }
};

RigidPose tilted_truth(double angle) {
  RigidPose truth;
  truth.rotation = Eigen::AngleAxisd(angle, Eigen::Vector3d(1, 2, 0).normalized());
  truth.translation = {0.02, -0.01, datasets::kDefaultDistance};
  return truth;
}

double dot(const losses::ImageView& a, const std::vector<float>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a.data[i]) * b[i];
  return s;
}

}  // namespace

// ⟨u, J v⟩ = ⟨Jᵀ u, v⟩ for the observation model's jvp and vjp, with and
// without a mask: the two are one linear map and its transpose.
TEST(Observation, JvpAndVjpAreAdjoint) {
  SmallScene s;
  RigidPose pose;
  pose.translation = {0, 0, datasets::kDefaultDistance};
  ColourCorrection tinted;
  tinted.gain = {1.3f, 0.8f, 1.1f};
  tinted.offset = {0.05f, -0.1f, 0.2f};
  for (const bool masked : {true, false})
  for (const bool corrected : {false, true}) {
    SCOPED_TRACE(testing::Message() << "masked " << masked << " corrected " << corrected);
    FrameImage f = s.frame(pose);
    if (!masked) {
      // Over a grey background, which the render's own background then is.
      for (std::size_t p = 0; p < f.mask.size(); ++p)
        for (std::size_t c = 0; c < 3; ++c) f.rgb[3 * p + c] += (1.f - f.mask[p]) * 0.4f;
      f.mask.clear();
    }
    // A window hanging over the frame's edge: pixels outside take part too.
    const ObservationWindow window{-5, 3, 1.0, f.width, f.height, false};
    Observation observation(f.view(), window, nullptr, corrected ? tinted : ColourCorrection{});
    const RenderImage img = test::render_image(transformed(s.model, pose), s.camera);
    std::mt19937 rng(3);
    std::normal_distribution<float> n;
    RenderTangent v;
    v.rgb.resize(img.rgb.size());
    v.alpha.resize(img.alpha.size());
    for (float& x : v.rgb) x = n(rng);
    for (float& x : v.alpha) x = n(rng);
    std::vector<float> u_rgb(img.rgb.size()), u_alpha(img.alpha.size());
    for (float& x : u_rgb) x = n(rng);
    for (float& x : u_alpha) x = n(rng);

    std::vector<float> scratch;
    const Observed jv = observation.jvp(img, v, scratch);
    double lhs = dot(jv.rgb, u_rgb);
    if (masked) lhs += dot(jv.alpha, u_alpha);
    // apply() is bilinear in (rgb, alpha): central differences are exact up
    // to rounding.
    constexpr float kStep = 1e-2f;
    RenderImage plus = img, minus = img;
    for (std::size_t i = 0; i < img.rgb.size(); ++i) {
      plus.rgb[i] += kStep * v.rgb[i];
      minus.rgb[i] -= kStep * v.rgb[i];
    }
    for (std::size_t i = 0; i < img.alpha.size(); ++i) {
      plus.alpha[i] += kStep * v.alpha[i];
      minus.alpha[i] -= kStep * v.alpha[i];
    }
    const Observed op = observation.apply(plus);
    const std::vector<float> plus_rgb(op.rgb.data, op.rgb.data + op.rgb.size());
    const Observed om = observation.apply(minus);
    for (std::size_t i = 0; i < img.rgb.size(); ++i)
      ASSERT_NEAR((plus_rgb[i] - om.rgb.data[i]) / (2 * kStep), jv.rgb.data[i], 2e-3f) << i;
    std::vector<float> jt_rgb(img.rgb.size()), jt_alpha(img.alpha.size(), 0.f);
    observation.vjp(img, u_rgb.data(), masked ? u_alpha.data() : nullptr, jt_rgb.data(), jt_alpha.data());
    double rhs = 0;
    for (std::size_t i = 0; i < v.rgb.size(); ++i) rhs += static_cast<double>(jt_rgb[i]) * v.rgb[i];
    for (std::size_t i = 0; i < v.alpha.size(); ++i) rhs += static_cast<double>(jt_alpha[i]) * v.alpha[i];
    EXPECT_NEAR(lhs, rhs, 1e-4 * std::abs(rhs) + 1e-6);
  }
}

// The photometric baseline changes the loss, not the warm-up: while α is 1
// only the translation moves, as for the spectral methods (the sweep in
// BENCHMARKS.md compares methods under one policy). A regression test: the
// policy once read the forced spatial phase and let the rotation go.
TEST(PoseAligner, PhotometricBaselineKeepsTheWarmUp) {
  SmallScene s;
  RigidPose truth;
  truth.translation = {0, 0, datasets::kDefaultDistance};
  const FrameImage frame = s.frame(truth);
  ExecutionContext context(1);
  losses::SpectralLoss spectral(64, 64, {}, context);
  MatchTarget target(frame.view(), s.camera, spectral);
  PoseAligner aligner(s.model, 0.5, RenderOptions{}, context);
  CentredPose start;
  start.rotation = Eigen::AngleAxisd(0.3, Eigen::Vector3d(0, 1, 0));
  start.translation = truth.translation + Eigen::Vector3d(0.05, 0, 0);
  AlignOptions options;
  options.iterations = 6;
  options.photometric = true;
  options.annealing.warmup_fraction = options.annealing.handover_fraction = 1.0;  // all warm-up
  const AlignResult warm = aligner.align(target, start, options);
  EXPECT_LT((warm.pose.rotation.coeffs() - start.rotation.coeffs()).norm(), 1e-12)
      << "the rotation moved during the warm-up";
  EXPECT_GT((warm.pose.translation - start.translation).norm(), 1e-3);
  options.annealing.warmup_fraction = options.annealing.handover_fraction = 0.0;  // no warm-up
  const AlignResult free = aligner.align(target, start, options);
  EXPECT_GT((free.pose.rotation.coeffs() - start.rotation.coeffs()).norm(), 1e-4);
}

// Issue #9: the quaternion Jacobian J_q = 2 J_ω Pᵀ was untested (a wrong
// factor only slows Levenberg–Marquardt down). GradientChecker compares it,
// through the manifold, with central differences of the residuals.
TEST(CeresPoseCost, AnalyticJacobianPassesGradientChecker) {
  // test::blobs: few, large Gaussians, whose renders differences can follow.
  SmallScene s;
  s.model = test::blobs();
  PoseProblem problem(s, tilted_truth(0.4));
  PoseAligner& aligner = problem.aligner;
  MatchTarget& target = problem.target;

  const Eigen::Quaterniond q(Eigen::AngleAxisd(0.55, Eigen::Vector3d(1, 1.5, 0.3).normalized()));
  double quat[4] = {q.x(), q.y(), q.z(), q.w()};
  double trans[3] = {0.06, 0.02, datasets::kDefaultDistance + 0.05};
  // Low bands: what Ceres refines first, and smooth in the pose.
  PoseEvaluation evaluation(aligner, target, {1, 1, 1, 0, 0, 0, 0, 0}, quat, trans);
  std::unique_ptr<ceres::CostFunction> cost(MomentPoseCost::Create(evaluation));
  ceres::EigenQuaternionManifold quaternion;
  const std::vector<const ceres::Manifold*> manifolds{&quaternion, nullptr};
  const ceres::NumericDiffOptions diff;
  ceres::GradientChecker checker(cost.get(), &manifolds, diff);
  // Ridders' differences still see some of the cuts' jumps (10–30 % of a
  // rotation column here, 4 % by plain central differences about world axes):
  // loose enough for that, tight enough to catch a wrong factor (≥ 50 %).
  constexpr double kColumnTolerance = 0.35;
  ceres::GradientChecker::ProbeResults results;
  const double* parameters[] = {quat, trans};
  checker.Probe(parameters, kColumnTolerance, &results);
  // Entry by entry, residuals near zero are all rounding (Probe's own verdict
  // fails on them); whole columns of the Jacobian in the manifold's tangent
  // (what Levenberg–Marquardt uses) are the meaningful comparison.
  ASSERT_EQ(results.local_jacobians.size(), 2u);
  for (std::size_t block = 0; block < 2; ++block)
    for (Eigen::Index c = 0; c < results.local_jacobians[block].cols(); ++c) {
      const Eigen::VectorXd analytic = results.local_jacobians[block].col(c);
      const Eigen::VectorXd numeric = results.local_numeric_jacobians[block].col(c);
      ASSERT_GT(numeric.norm(), 0.0);
      EXPECT_LT((analytic - numeric).norm(), kColumnTolerance * numeric.norm()) << "block " << block << " column " << c;
    }
  // And exactly: in Ceres' tangent δ (x ⊞ δ = exp(δ) ⊗ x turns by ω = 2δ) the
  // cost's quaternion Jacobian must be 2 J_ω, the world-rotation Jacobian that
  // test_tracker checks against the renderer's backward pass.
  evaluation.evaluate_at(quat, trans, true);
  const std::vector<double>& j = evaluation.jacobian();
  for (Eigen::Index row = 0; row < results.local_jacobians[0].rows(); ++row)
    for (Eigen::Index c = 0; c < 3; ++c)
      ASSERT_NEAR(results.local_jacobians[0](row, c), 2 * j[static_cast<std::size_t>(row) * 6 + c],
                  1e-9 * (1 + std::abs(j[static_cast<std::size_t>(row) * 6 + c])))
          << "row " << row << " column " << c;
}

// The compressed residuals (7 instead of R) must leave Levenberg-Marquardt
// nothing to tell apart: the same ½‖r‖², Jᵀr and JᵀJ as the full ones,
// computed here from the full R × 6 Jacobian.
TEST(CeresPoseCost, CompressedResidualsKeepCostGradientAndNormalMatrix) {
  PoseProblem problem(SmallScene{}, tilted_truth(0.3));
  const Eigen::Quaterniond q(Eigen::AngleAxisd(0.45, Eigen::Vector3d(1, 1.5, 0.3).normalized()));
  const double quat[4] = {q.x(), q.y(), q.z(), q.w()};
  const double trans[3] = {0.05, 0.0, datasets::kDefaultDistance + 0.05};
  const std::vector<double> weights{1, 1, 1, 1, 1, 0, 0, 0};

  PoseEvaluation full(problem.aligner, problem.target, weights, quat, trans);
  full.evaluate_at(quat, trans, true);
  const std::vector<double> r = full.residuals(), j = full.jacobian();
  PoseEvaluation compressed(problem.aligner, problem.target, weights, quat, trans, ResidualForm::compressed);
  ASSERT_EQ(compressed.residual_count(), PoseEvaluation::kCompressedResiduals);
  // Costed first (a candidate), then asked for the Jacobian (a successful step).
  compressed.evaluate_at(quat, trans, false);
  ASSERT_EQ(compressed.residuals().size(), PoseEvaluation::kCompressedResiduals);
  const auto squared = [](const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x * x;
    return sum;
  };
  ASSERT_GT(squared(r), 0.0);
  EXPECT_NEAR(squared(compressed.residuals()), squared(r), 1e-12 * squared(r));
  compressed.evaluate_at(quat, trans, true);
  const std::vector<double> rc = compressed.residuals(), jc = compressed.jacobian();
  ASSERT_EQ(jc.size(), 6 * PoseEvaluation::kCompressedResiduals);
  EXPECT_NEAR(squared(rc), squared(r), 1e-9 * squared(r));
  const auto normal = [](const std::vector<double>& jac, const std::vector<double>& res, int a, int b) {
    double sum = 0;
    for (std::size_t row = 0; row < res.size(); ++row)
      sum += jac[6 * row + static_cast<std::size_t>(a)] *
             (b < 0 ? res[row] : jac[6 * row + static_cast<std::size_t>(b)]);
    return sum;
  };
  double scale = 0;
  for (int a = 0; a < 6; ++a) scale = std::max(scale, normal(j, r, a, a));
  ASSERT_GT(scale, 0.0);
  for (int a = 0; a < 6; ++a) {
    const double gradient = normal(j, r, a, -1);
    EXPECT_NEAR(normal(jc, rc, a, -1), gradient, 1e-9 * std::sqrt(scale * squared(r))) << "Jᵀr " << a;
    for (int b = 0; b < 6; ++b) EXPECT_NEAR(normal(jc, rc, a, b), normal(j, r, a, b), 1e-9 * scale) << a << "," << b;
  }
}

// The compressed residuals change what Ceres copies and factors, not the
// steps: band continuation from the same start ends at the same pose with
// either form, and nearer the truth than it started.
TEST(CeresRefine, CompressedResidualsTakeTheSameStepsAsTheFullForm) {
  const RigidPose truth = tilted_truth(0.3);
  CentredPose start;
  start.rotation = truth.rotation * Eigen::AngleAxisd(0.08, Eigen::Vector3d(1, 1, 0).normalized());
  start.translation = truth.translation + Eigen::Vector3d(0.03, -0.02, 0.05);
  CeresRefineOptions options;
  options.first_band = 0;
  options.last_band = 4;
  options.iterations_per_stage = 3;
  const auto refine = [&](ResidualForm form) {
    PoseProblem problem(SmallScene{}, truth);
    options.residual_form = form;
    return ceres_refine(problem.aligner, problem.target, start, options);
  };
  const CeresRefineResult full = refine(ResidualForm::full);
  const CeresRefineResult compressed = refine(ResidualForm::compressed);
  EXPECT_EQ(compressed.iterations, full.iterations);
  EXPECT_NEAR(compressed.final_cost, full.final_cost, 1e-9 * full.initial_cost);
  EXPECT_LT((compressed.pose.translation - full.pose.translation).norm(), 1e-6);
  EXPECT_LT(compressed.pose.rotation.angularDistance(full.pose.rotation), 1e-6);
  EXPECT_LT((full.pose.translation - truth.translation).norm(), 0.25 * (start.translation - truth.translation).norm());
}

namespace {

// A start a little off `truth`, and tracking's shape of refinement: three
// one-step band stages.
CentredPose near_start(const RigidPose& truth) {
  CentredPose start;
  start.rotation = truth.rotation * Eigen::AngleAxisd(0.03, Eigen::Vector3d::UnitX());
  start.translation = truth.translation + Eigen::Vector3d(0.01, 0, 0.02);
  return start;
}
CeresRefineOptions three_one_step_stages() {
  CeresRefineOptions options;
  options.first_band = 2;
  options.last_band = 4;
  options.iterations_per_stage = 1;
  return options;
}

}  // namespace

// Band continuation's stages start where the last ended: each stage's first
// Jacobian is the render and tangent images the last stage's final step
// made, and a successful step's Jacobian is the candidate's render. Without
// the first reuse these three one-iteration stages cost 6 of each.
// Measured here: 4 renders, 3 tangent passes.
TEST(CeresRefine, StagesShareTheirRendersAndTangentImages) {
  const RigidPose truth = tilted_truth(0.3);
  PoseProblem problem(SmallScene{}, truth);
  const CentredPose start = near_start(truth);
  const CeresRefineOptions options = three_one_step_stages();
  const CeresRefineResult result = ceres_refine(problem.aligner, problem.target, start, options);
  constexpr int kStages = 3;
  EXPECT_LE(result.renders, kStages + 1);
  // The last stage's final Jacobian (read by no one) is not derived.
  EXPECT_LE(result.tangent_passes, kStages);
  EXPECT_LT(result.final_cost, result.initial_cost);
  const double angle = Eigen::AngleAxisd(result.pose.rotation.inverse() * truth.rotation).angle();
  EXPECT_LT(angle, 0.03);
}

// The chord stages: the first stage's Jacobian serves the second, the last
// derives its own (two tangent passes for three stages), and the final exact
// step ends about where exact Levenberg-Marquardt does.
TEST(CeresRefine, StagesBeforeTheLastReuseTheFirstStagesJacobian) {
  const RigidPose truth = tilted_truth(0.3);
  PoseProblem problem(SmallScene{}, truth);
  const CentredPose start = near_start(truth);
  CeresRefineOptions options = three_one_step_stages();
  const CeresRefineResult exact = ceres_refine(problem.aligner, problem.target, start, options);
  options.stage_jacobians = StageJacobians::first_and_last;
  const CeresRefineResult chord = ceres_refine(problem.aligner, problem.target, start, options);
  EXPECT_EQ(exact.tangent_passes, 3);
  EXPECT_EQ(chord.tangent_passes, 2);
  EXPECT_EQ(chord.iterations, exact.iterations);
  EXPECT_LT(chord.final_cost, 0.1 * chord.initial_cost);
  const double start_error = (start.translation - truth.translation).norm();
  const double exact_error = (exact.pose.translation - truth.translation).norm();
  const double chord_error = (chord.pose.translation - truth.translation).norm();
  EXPECT_LT(chord_error, 0.25 * start_error);
  EXPECT_LT(chord_error, exact_error + 0.05 * start_error);
  EXPECT_LT(Eigen::AngleAxisd(chord.pose.rotation.inverse() * truth.rotation).angle(), 0.03);
}

// Buffers kept from an earlier refinement (wider bands, another start) hold
// nothing that reaches the next one: it ends exactly where fresh ones do.
TEST(CeresRefine, ReusedBuffersLeaveNoTrace) {
  const RigidPose truth = tilted_truth(0.3);
  PoseProblem problem(SmallScene{}, truth);
  CeresRefineOptions wide = three_one_step_stages();
  wide.stage_jacobians = StageJacobians::first_and_last;
  CeresRefineOptions narrow = wide;
  narrow.first_band = 1;
  narrow.last_band = 3;
  CentredPose other = near_start(truth);
  other.translation.y() -= 0.015;
  PoseEvaluationBuffers buffers;
  ceres_refine(problem.aligner, problem.target, near_start(truth), wide, &buffers);
  const CeresRefineResult reused = ceres_refine(problem.aligner, problem.target, other, narrow, &buffers);
  const CeresRefineResult fresh = ceres_refine(problem.aligner, problem.target, other, narrow);
  EXPECT_EQ(reused.final_cost, fresh.final_cost);
  EXPECT_EQ(reused.pose.translation, fresh.pose.translation);
  EXPECT_EQ(reused.pose.rotation.coeffs(), fresh.pose.rotation.coeffs());
  EXPECT_LT(fresh.final_cost, fresh.initial_cost);
}

// A held Jacobian's rows for a narrower stage are the ones that stage's own
// Jacobian has at the same point (the per-plane prefix of SpectralLoss's
// order), and bands that are not such a prefix are refused.
TEST(PoseEvaluation, AHeldJacobianGivesEachStageItsOwnRows) {
  const RigidPose truth = tilted_truth(0.3);
  PoseProblem problem(SmallScene{}, truth);
  const Eigen::Quaterniond q = (truth.rotation * Eigen::AngleAxisd(0.02, Eigen::Vector3d::UnitY())).normalized();
  const double quat[4] = {q.x(), q.y(), q.z(), q.w()};
  const double trans[3] = {truth.translation.x() + 0.005, truth.translation.y(), truth.translation.z()};
  const int bands = problem.target.band_count();
  const auto first = [&](int b) {
    std::vector<double> w(static_cast<std::size_t>(bands), 0.0);
    std::fill_n(w.begin(), b + 1, 1.0);
    return w;
  };
  ASSERT_GE(bands, 5);
  PoseEvaluation held(problem.aligner, problem.target, first(4), quat, trans);
  held.hold_next_jacobian(first(4));
  held.set_band_weights(first(4));
  held.evaluate_at(quat, trans, true);
  held.set_band_weights(first(2));
  held.evaluate_at(quat, trans, true);
  PoseEvaluation own(problem.aligner, problem.target, first(2), quat, trans);
  own.evaluate_at(quat, trans, true);
  ASSERT_EQ(held.jacobian().size(), own.jacobian().size());
  ASSERT_GT(own.jacobian().size(), 0u);
  double largest = 0;
  for (double v : own.jacobian()) largest = std::max(largest, std::abs(v));
  ASSERT_GT(largest, 0);
  for (std::size_t i = 0; i < own.jacobian().size(); ++i)
    ASSERT_NEAR(held.jacobian()[i], own.jacobian()[i], 1e-9 * largest) << "entry " << i;
  std::vector<double> gap = first(2);
  gap[1] = 0;
  EXPECT_THROW(held.set_band_weights(gap), std::logic_error);
  std::vector<double> heavier = first(2);
  heavier[2] = 2;
  EXPECT_THROW(held.set_band_weights(heavier), std::logic_error);
}

// The aligner hands back its last render for the same pose through the same
// camera (counted once); another camera (a moved window) or another
// background at the same pose must render anew.
TEST(PoseAligner, RendersAgainForAnotherCameraAtTheSamePose) {
  const SmallScene s;
  PoseProblem problem(s, tilted_truth(0.3));
  Camera moved = s.camera;
  moved.cx += 5;
  MatchTarget other(problem.frame.view(), moved, problem.spectral);
  CentredPose pose;
  pose.translation = {0, 0, datasets::kDefaultDistance};
  const std::vector<float> first = problem.aligner.render(problem.target, pose).alpha;
  const int made = problem.aligner.renders_made();
  EXPECT_EQ(problem.aligner.render(problem.target, pose).alpha, first);
  EXPECT_EQ(problem.aligner.renders_made(), made);
  const std::vector<float> shifted = problem.aligner.render(other, pose).alpha;
  EXPECT_NE(shifted, first);
  PoseAligner fresh(s.model, 0.5, RenderOptions{}, problem.context);
  EXPECT_EQ(fresh.render(other, pose).alpha, shifted);
  const float dilation = problem.target.dilation();
  const std::vector<float> over_black = problem.aligner.render(moved, dilation, {0.f, 0.f, 0.f}, pose).rgb;
  const std::vector<float> over_grey = problem.aligner.render(moved, dilation, {0.5f, 0.5f, 0.5f}, pose).rgb;
  EXPECT_NE(over_grey, over_black);
}

TEST(DepthLimits, StepsTowardTheCameraAreShortened) {
  Camera camera;
  camera.width = camera.height = 64;
  camera.fx = camera.fy = 64;
  CentredPose before;
  before.translation = {0.1, 0, 1.0};
  const double radius = 0.1;
  // Halving the distance in one step: shortened to kMaxApproach, direction kept.
  CentredPose after = before;
  after.translation = {0.3, 0.2, 0.5};
  limit_approach(camera, before, radius, after);
  const double keep = depth_limits::kMaxApproach / 0.5;
  EXPECT_NEAR(object_depth(camera, after), 1.0 - depth_limits::kMaxApproach, 1e-12);
  EXPECT_NEAR(after.translation.x(), 0.1 + keep * 0.2, 1e-12);
  EXPECT_NEAR(after.translation.y(), keep * 0.2, 1e-12);
  // Small steps and steps away are untouched.
  CentredPose small = before;
  small.translation.z() = 0.9;
  limit_approach(camera, before, radius, small);
  EXPECT_EQ(small.translation.z(), 0.9);
  CentredPose away = before;
  away.translation.z() = 3.0;
  limit_approach(camera, before, radius, away);
  EXPECT_EQ(away.translation.z(), 3.0);
  // Never closer than kMinDepthRadii radii from a start farther than that.
  CentredPose near = before;
  near.translation.z() = 0.17;
  CentredPose nearer = near;
  nearer.translation.z() = 0.1;
  limit_approach(camera, near, radius, nearer);
  EXPECT_NEAR(nearer.translation.z(), depth_limits::kMinDepthRadii * radius, 1e-12);
  // From behind the camera there is no floor (a floor in front of the pose
  // made its own start out of reach, and reversed its steps).
  CentredPose behind = before;
  behind.translation.z() = -0.2;
  EXPECT_EQ(approach_floor(camera, behind, radius), -std::numeric_limits<double>::infinity());
  CentredPose further = behind;
  further.translation.z() = -0.5;
  limit_approach(camera, behind, radius, further);
  EXPECT_EQ(further.translation.z(), -0.5);
}

// A frame the object would have to fill (a foreground estimate that took a
// white desk for the object, as on the real cube's lift at frame 867): the
// moments pull it toward the camera. Ceres' steps went on until the camera
// was within reach of it (here 0.58 against the 0.75 of kMinDepthRadii; on
// the real cube 0.13 behind the camera, where every render is empty). Points
// out of reach fail their evaluation, so that its trust region shrinks to
// steps that approach as depth_limits allow.
TEST(CeresRefine, StepsStopShortOfTheCamera) {
  SmallScene s;
  RenderImage filled;
  filled.width = filled.height = 64;
  filled.rgb.assign(64 * 64 * 3, 0.6f);
  filled.alpha.assign(64 * 64, 1.f);
  filled.depth.assign(64 * 64, 1.f);
  PoseProblem problem(s, frame_from_render(filled));
  const double radius = problem.aligner.object_radius();
  const CentredPose start(tilted_truth(0.3));
  CeresRefineOptions options;
  options.first_band = 0;
  options.last_band = 3;
  options.iterations_per_stage = 8;
  const CeresRefineResult result = ceres_refine(problem.aligner, problem.target, start, options);
  const double depth = object_depth(s.camera, result.pose);
  EXPECT_GE(depth, depth_limits::kMinDepthRadii * radius - 1e-9);
  EXPECT_LT(depth, object_depth(s.camera, start));  // it did come nearer
}

TEST(ColourCorrection, APoseTurnedOffKeepsTheGain) {
  // The frame shows the object turned 10° in the image from the pose the
  // fit renders (a pose a few pixels off, a blurred frame): its stripes no
  // longer fall on the render's. The gain still matches the spread of the
  // colours. Least squares' gain is that times their correlation: it fell
  // toward the bound and the offset made up the mean (on the real cube
  // clip, gain 0.45 and offset 0.40 where a fit at the right pose gives
  // about 0.9 and 0.2; later alignments were pulled 0.2 m off).
  SmallScene s;
  RigidPose pose;
  pose.translation = {0, 0, datasets::kDefaultDistance};
  RigidPose turned = pose;
  turned.rotation = Eigen::AngleAxisd(10.0 * std::numbers::pi / 180.0, Eigen::Vector3d::UnitZ());
  const RenderImage img = test::render_image(transformed(s.model, pose), s.camera);
  const float gain = 1.3f, offset = 0.05f;
  FrameImage f = s.frame(turned);
  for (std::size_t p = 0; p < f.mask.size(); ++p)
    for (std::size_t c = 0; c < 3; ++c) f.rgb[3 * p + c] = gain * f.rgb[3 * p + c] + offset * f.mask[p];
  const ColourCorrection fit = Observation(f.view()).fit_colour(img);
  for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(fit.gain[c], gain, 0.15) << c;
}

TEST(ColourCorrection, FitRecoversAKnownGainAndOffset) {
  // The camera sees the object's colour c as g c + b (exposure and white
  // balance); fitted at the true pose, the correction finds g and b back.
  SmallScene s;
  RigidPose pose;
  pose.translation = {0, 0, datasets::kDefaultDistance};
  const RenderImage img = test::render_image(transformed(s.model, pose), s.camera);
  const std::array<float, 3> gain{1.4f, 0.8f, 1.1f}, offset{0.05f, -0.04f, 0.1f};
  for (const bool masked : {true, false}) {
    SCOPED_TRACE(masked);
    FrameImage f = s.frame(pose);  // premultiplied colour over black, alpha as mask
    for (std::size_t p = 0; p < f.mask.size(); ++p)
      for (std::size_t c = 0; c < 3; ++c) {
        float& v = f.rgb[3 * p + c];
        v = gain[c] * v + offset[c] * f.mask[p] + (masked ? 0.f : (1.f - f.mask[p]) * 0.3f);
      }
    if (!masked) f.mask.clear();
    Observation observation(f.view());
    RenderImage render = img;
    if (!masked)  // rendered over the observation's background, as the tracker does
      for (std::size_t p = 0; p < render.alpha.size(); ++p)
        for (std::size_t c = 0; c < 3; ++c) render.rgb[3 * p + c] += (1.f - render.alpha[p]) * observation.background()[c];
    const ColourCorrection fit = observation.fit_colour(render);
    for (std::size_t c = 0; c < 3; ++c) {
      // The ridge toward the identity leaves a little of the way undone (this
      // object's colours vary little: 0.06 of a 1.4 gain).
      EXPECT_NEAR(fit.gain[c], gain[c], 0.08) << c;
      EXPECT_NEAR(fit.offset[c], offset[c], 0.03) << c;
    }
  }
  // Bounded: an absurd exposure is clamped, not followed.
  FrameImage bright = s.frame(pose);
  for (float& v : bright.rgb) v *= 20.f;
  const ColourCorrection clamped = Observation(bright.view()).fit_colour(img);
  for (std::size_t c = 0; c < 3; ++c) EXPECT_LE(clamped.gain[c], colour_defaults::kMaxGain);
}
