// The rigid tracker on synthetic ground truth: Ceres tangent-image Jacobian
// (forward mode) against the exact backward pass, recovery from a start with
// zero overlap, frame-to-frame tracking, and a lost frame reported rather
// than thrown.
#include <gtest/gtest.h>

#include <random>

#include "render_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/tracker.hpp"
#include "splattrack/tracker/pose_gradient.hpp"
#include "splattrack/tracker/quality.hpp"

using namespace splattrack;

namespace {

constexpr int kImage = 128;
// Renders (and tangent passes) a budgeted recovery may make per frame in
// InitSearchRecoversAHalfTurnStart: a few of its search's hypotheses.
constexpr int kBudgetRenders = 300;

struct Scene {
  GaussianModel model;
  Camera camera;
  double size = datasets::kObjectDiameter;
  explicit Scene(double coverage = datasets::kDefaultCoverage) {
    datasets::ObjectModelOptions mo;
    mo.gaussians = 4000;
    model = datasets::make_object_model(mo);
    datasets::CameraPlacement p;
    p.width = p.height = kImage;
    p.coverage = coverage;
    camera = datasets::place_camera(p);
  }
  FrameImage render(const RigidPose& pose, const RenderOptions& options = {}) const {
    return frame_from_render(test::render_image(transformed(model, pose), camera, options));
  }
  RigidPose pose_at(double x, double y, double z, double angle_deg, Eigen::Vector3d axis) const {
    RigidPose p;
    p.rotation = Eigen::AngleAxisd(angle_deg * M_PI / 180, axis.normalized());
    p.translation = {x, y, z};
    return p;
  }
};

}  // namespace

namespace {

// The Jacobian from forward-mode tangent images against the reverse-mode
// gradient, with a mask (render on black, colour·alpha compared) and without
// (render on a grey background, compared as it is).
void check_jacobian_against_backward(bool use_mask) {
  Scene s;
  const RigidPose truth = s.pose_at(0.05, -0.02, datasets::kDefaultDistance, 30, {1, 2, 0});
  FrameImage frame = s.render(truth);
  if (!use_mask) {
    const std::array<float, 3> grey{0.4f, 0.5f, 0.3f};
    for (std::size_t p = 0; p < frame.mask.size(); ++p)
      for (std::size_t c = 0; c < 3; ++c) frame.rgb[3 * p + c] += (1.f - frame.mask[p]) * grey[c];
    frame.mask.clear();
  }
  losses::SpectralLossOptions so;
  so.norm = losses::SpectralNorm::kLeastSquares;
  ExecutionContext context(1);
  losses::SpectralLoss spectral(kImage, kImage, so, context);
  MatchTarget target(frame.view(), s.camera, spectral);
  PoseAligner aligner(s.model, 0.5, RenderOptions{}, context);
  CentredPose at;
  at.rotation = Eigen::AngleAxisd(36 * M_PI / 180, Eigen::Vector3d(1, 2, 0.3).normalized());
  at.translation = {0.12, 0.03, datasets::kDefaultDistance + 0.1};
  const std::vector<double> w = {1, 1, 1, 1, 0, 0, 0, 0};
  const Eigen::Quaterniond q = at.rotation;
  const double quat[4] = {q.x(), q.y(), q.z(), q.w()};
  const double trans[3] = {at.translation.x(), at.translation.y(), at.translation.z()};
  PoseEvaluation evaluation(aligner, target, w, quat, trans);
  evaluation.evaluate_at(quat, trans, true);
  const std::vector<double>& j = evaluation.jacobian();
  const std::vector<double> r = evaluation.residuals();
  Eigen::Matrix<double, 6, 1> jt_r = Eigen::Matrix<double, 6, 1>::Zero();
  for (std::size_t row = 0; row < r.size(); ++row)
    for (int k = 0; k < 6; ++k) jt_r[k] += j[row * 6 + static_cast<std::size_t>(k)] * r[row];

  // Exact: ∇(½‖r‖²) = Jᵀr through the adjoint, the observation's vjp and the
  // renderer's backward.
  const Observation& observation = target.observation();
  RenderOptions ro;
  ro.background = observation.background();
  Renderer renderer(context, ro);
  const GaussianModel posed = transformed(aligner.model(), at);
  RenderPass pass = renderer.forward(posed, s.camera);
  const RenderImage& img = pass.image();
  std::vector<float> d_observed(img.rgb.size()), d_observed_alpha(img.alpha.size(), 0.f);
  std::vector<float> d_rgb(img.rgb.size()), d_alpha(img.alpha.size(), 0.f);
  spectral.residual_jacobian_transpose_times(r, w, d_observed.data(), use_mask ? d_observed_alpha.data() : nullptr);
  observation.vjp(img, d_observed.data(), d_observed_alpha.data(), d_rgb.data(), d_alpha.data());
  const PoseGradient g =
      pose_gradient(posed, at.translation, pass.backward(d_rgb.data(), use_mask ? d_alpha.data() : nullptr));
  Eigen::Matrix<double, 6, 1> exact;
  exact << g.rotation, g.translation;
  ASSERT_GT(exact.norm(), 0.0);
  // The same function differentiated two ways (forward mode through the
  // renderer, the observation and the moments, reverse mode back through all
  // three): equal up to float rounding in the sums (measured 2e-7 with the mask).
  EXPECT_LT((jt_r - exact).norm(), 1e-5 * exact.norm()) << "forward " << jt_r.transpose() << "\nreverse "
                                                        << exact.transpose();
}

}  // namespace

TEST(Tracker, TangentImageJacobianMatchesBackwardPass) { check_jacobian_against_backward(true); }

TEST(Tracker, TangentImageJacobianMatchesBackwardPassWithoutMask) { check_jacobian_against_backward(false); }

TEST(Tracker, RecoversFromZeroOverlapStart) {
  Scene s(0.25);  // a small object, so that it can stand beside itself in view
  const RigidPose truth = s.pose_at(0.0, 0.0, datasets::kDefaultDistance, 40, {0.3, 1, 0.2});
  const FrameImage frame = s.render(truth);
  RigidPose start = truth;
  start.translation.x() += 1.2 * s.size;
  start.rotation = Eigen::AngleAxisd(0.25, Eigen::Vector3d::UnitZ()) * truth.rotation;
  const FrameImage at_start = s.render(start);
  double overlap = 0;
  for (std::size_t p = 0; p < frame.mask.size(); ++p) overlap += frame.mask[p] * at_start.mask[p];
  ASSERT_EQ(overlap, 0.0);

  RigidTracker tracker(s.model, s.camera);
  const FrameResult r = tracker.initialize(frame.view(), start);
  EXPECT_LT(rotation_error_deg(r.pose, truth), 2.0);
  EXPECT_LT(translation_error(r.pose, truth), 0.02 * s.size);
  EXPECT_NE(r.status, TrackStatus::lost);
  EXPECT_GT(r.quality, 0.9);
}

TEST(Tracker, FollowsAShortSequence) {
  Scene s;
  datasets::TrajectoryOptions to;
  to.frames = 6;
  to.seed = 4;
  const auto poses = datasets::make_trajectory(s.camera, to);
  RigidTracker tracker(s.model, s.camera);
  for (std::size_t f = 0; f < poses.size(); ++f) {
    const FrameImage frame = s.render(poses[f]);
    const FrameResult r = f == 0 ? tracker.initialize(frame.view(), poses[0]) : tracker.track(frame.view());
    EXPECT_LT(rotation_error_deg(r.pose, poses[f]), 2.0) << "frame " << f;
    EXPECT_LT(translation_error(r.pose, poses[f]), 0.02 * s.size) << "frame " << f;
  }
}

// Later frames: Levenberg-Marquardt on the top bands from the prediction
// (lm_tracking) against Adam's 40 iterations, on the same frames from the
// true first pose (masks given); each LM frame ran no Adam.
TEST(Tracker, TopBandLevenbergMarquardtTracksTightlyWithoutAdam) {
  Scene s;
  datasets::TrajectoryOptions to;
  to.frames = 8;
  to.seed = 7;
  const auto poses = datasets::make_trajectory(s.camera, to);
  double worst[2][2] = {{0, 0}, {0, 0}};  // [lm][rotation, translation]
  for (const bool lm : {false, true}) {
    TrackerOptions o;
    o.threads = 2;
    o.first_frame_refines = true;
    o.lm_tracking = lm;
    RigidTracker tracker(s.model, s.camera, o);
    for (std::size_t f = 0; f < poses.size(); ++f) {
      const FrameImage frame = s.render(poses[f]);
      const FrameResult r = f == 0 ? tracker.initialize(frame.view(), poses[0]) : tracker.track(frame.view());
      if (f == 0) continue;
      EXPECT_EQ(r.status, TrackStatus::tracking) << "frame " << f;
      // Frame 1 has no velocity: the annealing runs beside the LM there
      // (TrackerOptions::unknown_motion_radii); compared are the frames
      // tracked from a prediction.
      if (f == 1) continue;
      if (lm) {
        EXPECT_LT(r.iterations, o.tracking.iterations) << "frame " << f << ": Adam ran";
      }
      worst[lm][0] = std::max(worst[lm][0], rotation_error_deg(r.pose, poses[f]));
      worst[lm][1] = std::max(worst[lm][1], translation_error(r.pose, poses[f]) / s.size);
    }
  }
  std::printf("worst rotation / translation: Adam %.3f deg %.4f, LM %.3f deg %.4f\n", worst[0][0], worst[0][1],
              worst[1][0], worst[1][1]);
  // Measured: LM 0.005° / 0.02 % of the size (Adam 0.006° / 0.02 % once
  // frame 1 is annealed; 0.036° / 0.23 % before).
  EXPECT_LT(worst[1][0], 0.02);
  EXPECT_LT(worst[1][1], 0.001);
}

TEST(Tracker, FollowsASmallObjectCloserThanAFixedNearPlane) {
  // The scene shrunk 20 times about the camera: the same images, the object
  // 5 cm wide at 17.5 cm, closer than the fixed 0.2 near plane that culled
  // it whole before the near plane became relative to the object's distance.
  constexpr double kShrink = 0.05;
  Scene s;
  s.size *= kShrink;
  for (float& m : s.model.means) m *= static_cast<float>(kShrink);
  for (float& l : s.model.log_scales) l += static_cast<float>(std::log(kShrink));
  datasets::TrajectoryOptions to;
  to.frames = 4;
  to.seed = 4;
  auto poses = datasets::make_trajectory(s.camera, to);
  for (RigidPose& p : poses) p.translation *= kShrink;
  RigidTracker tracker(s.model, s.camera);
  RenderOptions close;
  close.near_plane = 0.01f;
  for (std::size_t f = 0; f < poses.size(); ++f) {
    const FrameImage frame = s.render(poses[f], close);
    const FrameResult r = f == 0 ? tracker.initialize(frame.view(), poses[0]) : tracker.track(frame.view());
    EXPECT_LT(rotation_error_deg(r.pose, poses[f]), 2.0) << "frame " << f;
    EXPECT_LT(translation_error(r.pose, poses[f]), 0.02 * s.size) << "frame " << f;
    EXPECT_EQ(r.status, TrackStatus::tracking) << "frame " << f;
  }
}

TEST(Tracker, EmptyFrameIsReportedLostNotThrown) {
  Scene s;
  TrackerOptions o;
  o.first_frame.iterations = 20;
  o.search.hypotheses = 4;
  o.search.screen_iterations = 10;
  o.search.refine.iterations = 10;
  RigidTracker tracker(s.model, s.camera, o);
  FrameImage empty;
  empty.width = empty.height = kImage;
  empty.rgb.assign(3 * kImage * kImage, 0.f);
  empty.mask.assign(kImage * kImage, 0.f);
  FrameResult r;
  ASSERT_NO_THROW(r = tracker.initialize(empty.view(), s.pose_at(0, 0, datasets::kDefaultDistance, 0, {0, 0, 1})));
  EXPECT_EQ(r.status, TrackStatus::lost);
  EXPECT_TRUE(std::isfinite(r.loss));
  FrameImage wrong = empty;
  wrong.width = 64;
  EXPECT_THROW(tracker.track(wrong.view()), std::invalid_argument);
}

TEST(Tracker, So3SamplesAreSpread) {
  const auto q = so3_samples(72);
  ASSERT_EQ(q.size(), 72u);
  // Every rotation is within 60° of some sample, within 40° on average (the
  // 24 rotations of the octahedral group leave gaps of up to 62.8°).
  std::mt19937 rng(1);
  std::normal_distribution<double> n;
  double sum = 0;
  for (int t = 0; t < 200; ++t) {
    Eigen::Quaterniond r(n(rng), n(rng), n(rng), n(rng));
    r.normalize();
    double best = 180;
    for (const auto& s : q) best = std::min(best, 2 * std::acos(std::min(1.0, std::abs(s.dot(r)))) * 180 / M_PI);
    EXPECT_LT(best, 60.0);
    sum += best;
  }
  EXPECT_LT(sum / 200, 40.0);
}

TEST(Tracker, AppearanceScoreMatchesItsDefinition) {
  Scene s;
  const RigidPose truth = s.pose_at(0.0, 0.0, datasets::kDefaultDistance, 20, {1, 0, 0});
  const FrameImage f = s.render(truth);  // over black: the object colour is the frame itself
  ExecutionContext context(1);
  losses::SpectralLoss spectral(kImage, kImage, {}, context);
  MatchTarget target(f.view(), s.camera, spectral);
  PoseAligner aligner(s.model, 0.5, RenderOptions{}, context);
  EXPECT_NEAR(pose_scores(aligner, target, CentredPose(truth)).match, 1.0, 1e-6);

  const CentredPose off(s.pose_at(0.1, 0.0, datasets::kDefaultDistance, 50, {0, 1, 0}));
  const RenderImage img = aligner.render(target, off);
  // Brute force of the documented formula, in double.
  double err = 0, base = 0;
  for (std::size_t p = 0; p < f.mask.size(); ++p) {
    for (int c = 0; c < 3; ++c) {
      const double observed = static_cast<double>(img.rgb[3 * p + c]) * img.alpha[p];
      err += std::abs(observed - f.rgb[3 * p + c] * f.mask[p]);
      base += std::abs(f.rgb[3 * p + c] * f.mask[p]);
    }
    err += std::abs(static_cast<double>(img.alpha[p]) - f.mask[p]);
    base += f.mask[p];
  }
  const double score = appearance_score(img, target.observation());
  EXPECT_NEAR(score, 1.0 - err / base, 1e-5);
  EXPECT_LT(score, 0.9);
}

TEST(Tracker, InitSearchRecoversAHalfTurnStart) {
  Scene s(0.25);
  const RigidPose truth = s.pose_at(0.0, 0.0, datasets::kDefaultDistance, 30, {0.3, 1, 0.2});
  const FrameImage frame = s.render(truth);
  RigidPose start = truth;
  start.rotation = Eigen::AngleAxisd(M_PI * 150 / 180, Eigen::Vector3d(1, 0.5, 0).normalized()) * truth.rotation;
  start.translation.x() += 0.2 * s.size;

  // A lighter search than the default keeps the test short; the procedural
  // object's asymmetry makes it enough.
  TrackerOptions plain;
  plain.search.hypotheses = 12;
  plain.search.screen_iterations = 100;
  plain.search.refine_best = 2;
  plain.recover = false;
  const FrameResult without = RigidTracker(s.model, s.camera, plain).initialize(frame.view(), start);
  // The start is beyond the basin: plain alignment does not get there, and
  // the first frame's acceptance test says so.
  ASSERT_GT(rotation_error_deg(without.pose, truth), 20.0);
  EXPECT_NE(without.status, TrackStatus::tracking);

  TrackerOptions searched = plain;
  searched.init_search = true;
  const FrameResult with = RigidTracker(s.model, s.camera, searched).initialize(frame.view(), start);
  EXPECT_LT(rotation_error_deg(with.pose, truth), 2.0);
  EXPECT_LT(translation_error(with.pose, truth), 0.02 * s.size);
  EXPECT_GT(with.timings.search_ms, 0.0);

  // Without --init-search, the failed acceptance starts the recovery (Ceres,
  // then the search) by itself.
  TrackerOptions recovering = plain;
  recovering.recover = true;
  recovering.recovery_budget_ms = 0;  // unbounded: the whole search in one frame
  const FrameResult recovered = RigidTracker(s.model, s.camera, recovering).initialize(frame.view(), start);
  EXPECT_LT(rotation_error_deg(recovered.pose, truth), 2.0);
  EXPECT_EQ(recovered.status, TrackStatus::recovered);

  // With a budget, each later frame's recovery stops and the search goes on
  // over the next frames until it finds the object: tracked at the
  // half-turn start, the object then jumps to the truth (a cut in the video)
  // and stands still. The budget counts renders, so that the test sees the
  // same stops on any machine (on a wall-clock budget it failed in 2 of 4
  // loaded CI runs); a wall-clock budget's stop is checked after.
  // The work of the whole search on that frame, unbounded:
  const auto first_lost_frame = [&](const TrackerOptions& options) {
    RigidTracker t(s.model, s.camera, options);
    EXPECT_EQ(t.initialize(s.render(start).view(), start).status, TrackStatus::tracking);
    return t.track(frame.view());
  };
  const FrameResult whole = first_lost_frame(recovering);
  EXPECT_EQ(whole.status, TrackStatus::recovered);
  TrackerOptions budgeted = recovering;
  budgeted.recovery_budget_renders = kBudgetRenders;
  RigidTracker tracker(s.model, s.camera, budgeted);
  ASSERT_EQ(tracker.initialize(s.render(start).view(), start).status, TrackStatus::tracking);
  FrameResult r;
  int frames = 0;
  const int most_frames = budgeted.search.hypotheses + 1;  // one hypothesis a frame at least
  double last_error = 180;
  do {
    r = tracker.track(frame.view());
    ++frames;
    // Once the search brings it near, the next frame starts there: the
    // search's jump is not repeated as velocity (before: 4° off at frame 4,
    // 164° at frame 5).
    const double error = rotation_error_deg(r.pose, truth);
    if (last_error < 20) {
      EXPECT_LT(error, 20.0) << "frame " << frames << ", " << last_error << "° off before";
    }
    last_error = error;
    std::printf("frame %d: %s, %d renders (the whole search: %d), %.1f deg\n", frames,
                std::string(to_string(r.status)).c_str(), r.renders, whole.renders, rotation_error_deg(r.pose, truth));
    EXPECT_LT(r.renders, whole.renders / 2) << "frame " << frames;
    // Until found, every frame goes on with the search, a degraded one too
    // (a wrong pose whose silhouette half fits is not the object).
    if (r.status != TrackStatus::recovered && r.status != TrackStatus::tracking) {
      EXPECT_GT(r.timings.search_ms, 0.0) << "frame " << frames;
    }
  } while (frames < most_frames && r.status != TrackStatus::recovered && r.status != TrackStatus::tracking);
  EXPECT_GT(frames, 1) << "found in one frame: the budget cut nothing short, the test shows nothing";
  EXPECT_TRUE(r.status == TrackStatus::recovered || r.status == TrackStatus::tracking) << "not found again";
  // Found: the next frames are followed from there without recovery (the
  // jump is not repeated as velocity), and complete the refinement a budget
  // may have cut.
  for (int more = 1; more <= 2; ++more) {
    r = tracker.track(frame.view());
    EXPECT_EQ(r.status, TrackStatus::tracking) << "frame " << frames + more;
    // (Ceres time there is the tracking's own LM steps, in the tracking window.)
    EXPECT_FALSE(r.window.wide) << "frame " << frames + more;
    EXPECT_EQ(r.timings.search_ms, 0.0) << "frame " << frames + more;
  }
  EXPECT_LT(rotation_error_deg(r.pose, truth), 2.0) << "after " << frames << " + 2 frames";

  // However little budget is left after Ceres and the annealing, each lost
  // frame's search screens a hypothesis (before, a used-up budget skipped
  // the search, and on a loaded machine the object was never found).
  TrackerOptions starved = recovering;
  starved.recovery_budget_renders = 1;
  RigidTracker starved_tracker(s.model, s.camera, starved);
  ASSERT_EQ(starved_tracker.initialize(s.render(start).view(), start).status, TrackStatus::tracking);
  for (int f = 1; f <= 3; ++f) {
    const FrameResult lost = starved_tracker.track(frame.view());
    if (lost.status == TrackStatus::recovered || lost.status == TrackStatus::tracking) break;
    EXPECT_GT(lost.timings.search_ms, 0.0) << "frame " << f;
    EXPECT_LT(lost.renders, whole.renders / 4) << "frame " << f;
  }

  // A wall-clock budget stops the same recovery too: less work than the
  // unbounded one whatever the machine's load (load only cuts it shorter).
  TrackerOptions timed = recovering;
  timed.recovery_budget_ms = 50;
  const FrameResult cut = first_lost_frame(timed);
  EXPECT_LT(cut.renders, whole.renders / 2);
  EXPECT_GT(cut.timings.search_ms, 0.0);
}

TEST(Tracker, MatteTargetRemovesAPlainBackgroundFromSoftEdges) {
  Scene s;
  const RigidPose truth = s.pose_at(0.02, 0.0, datasets::kDefaultDistance, 25, {1, 1, 0});
  const RenderImage img = test::render_image(transformed(s.model, truth), s.camera);
  // The camera's view: the object over a plain background, alpha as the mask.
  const std::array<float, 3> grey{0.5f, 0.3f, 0.7f};
  FrameImage frame = frame_from_render(img);
  std::size_t soft = 0;
  for (std::size_t p = 0; p < frame.mask.size(); ++p) {
    for (std::size_t c = 0; c < 3; ++c) frame.rgb[3 * p + c] += (1.f - frame.mask[p]) * grey[c];
    soft += frame.mask[p] > 0.05f && frame.mask[p] < 0.95f;
  }
  ASSERT_GT(soft, 50u);  // enough soft edge for the correction to matter

  Observation observation(frame.view());
  const Observed target = observation.target();
  const Observed observed = observation.apply(img);
  double worst = 0, uncorrected = 0;
  for (std::size_t i = 0; i < observed.rgb.size(); ++i) {
    worst = std::max(worst, std::abs(static_cast<double>(target.rgb.data[i]) - observed.rgb.data[i]));
    uncorrected =
        std::max(uncorrected, std::abs(static_cast<double>(frame.rgb[i]) * frame.mask[i / 3] - observed.rgb.data[i]));
  }
  EXPECT_LT(worst, 1e-5);        // the render's side at the true pose, exactly
  EXPECT_GT(uncorrected, 0.05);  // what frame·mask alone leaves at the edges
}

TEST(Tracker, RecoveryWithFewerBandsDoesNotThrow) {
  // Recovery and the search align with their own options: they must follow
  // the loss's band count, not the default.
  Scene s(0.25);
  const RigidPose truth = s.pose_at(0.0, 0.0, datasets::kDefaultDistance, 30, {0.3, 1, 0.2});
  RigidPose start = truth;
  start.rotation = Eigen::AngleAxisd(M_PI * 150 / 180, Eigen::Vector3d::UnitX()) * truth.rotation;
  TrackerOptions o;
  o.spectral.band_count = 6;
  o.first_frame.iterations = 20;
  o.search.hypotheses = 2;
  o.search.screen_iterations = 5;
  o.search.refine.iterations = 5;
  o.ceres.iterations_per_stage = 1;
  FrameResult r;
  ASSERT_NO_THROW(r = RigidTracker(s.model, s.camera, o).initialize(s.render(truth).view(), start));
  EXPECT_GT(r.timings.ceres_ms, 0.0);  // the recovery ran
  EXPECT_GT(r.timings.search_ms, 0.0);
}
