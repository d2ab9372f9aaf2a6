#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "splattrack/render/framing.hpp"
#include "splattrack/tracker.hpp"
#include "splattrack/tracker/prediction.hpp"

namespace splattrack {

namespace {

using clock = std::chrono::steady_clock;
double ms_since(clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
}

void add_timings(const AlignTimings& t, FrameTimings& out) {
  out.render_ms += t.render_ms;
  out.loss_ms += t.loss_ms;
  out.backward_ms += t.backward_ms;
}

}  // namespace

// The first frame starts from an unknown offset: 150 iterations converged in
// 1 of 10 starts 0.5 object sizes and 30° off (procedural object, 128²,
// object 32 px), 300 in 9 of 10.
inline constexpr int kFirstFrameIterations = 300;

TrackerOptions::TrackerOptions() {
  first_frame.iterations = kFirstFrameIterations;
  tracking.iterations = 40;
  tracking.lr_translation = 0.01;
  tracking.lr_rotation = 0.01;
  search.refine = first_frame;
}

// One execution context serves the renderer and every loss of the tracker.
struct RigidTracker::Impl {
  Impl(const GaussianModel& model, double radius, int threads, const Camera& camera,
       const losses::SpectralLossOptions& spectral_options)
      : context(threads),
        aligner(model, radius, RenderOptions{}, context),
        spectral(camera.width, camera.height, spectral_options, context) {}
  ExecutionContext context;
  PoseAligner aligner;
  losses::SpectralLoss spectral;  // the camera's size, reused for every frame
};

RigidTracker::RigidTracker(const GaussianModel& model, const Camera& camera, const TrackerOptions& options)
    : camera_(camera), options_(options) {
  if (model.size() == 0) throw std::invalid_argument("tracker: the model has no Gaussians");
  if (camera.width <= 0 || camera.height <= 0) throw std::invalid_argument("tracker: camera has no image size");
  const ModelBounds bounds = model_bounds(model);
  model_from_centred_.translation = bounds.center;
  // Every alignment anneals over the loss's bands (recovery uses first_frame
  // as it is: a count left at the default would not match `--bands K`).
  options_.first_frame.annealing.band_count = options_.spectral.band_count;
  options_.tracking.annealing.band_count = options_.spectral.band_count;
  impl_ = std::make_unique<Impl>(recentred(model, bounds.center), std::max(bounds.radius, 1e-9), options.threads,
                                 camera, options_.spectral);
}

RigidTracker::~RigidTracker() = default;

double RigidTracker::object_radius() const { return impl_->aligner.object_radius(); }

CentredPose RigidTracker::to_centred(const RigidPose& p) const { return p * model_from_centred_; }

RigidPose RigidTracker::from_centred(const CentredPose& c) const { return c * model_from_centred_.inverse(); }

FrameResult RigidTracker::initialize(const FrameView& frame, const RigidPose& initial_pose) {
  frame_index_ = 0;
  return process(frame, to_centred(initial_pose), true);
}

FrameResult RigidTracker::track(const FrameView& frame) {
  if (frame_index_ == 0) throw std::logic_error("tracker: track() before initialize()");
  return process(frame, predict_constant_velocity(before_previous_, previous_), false);
}

void RigidTracker::resume(const RigidPose& before_previous, const RigidPose& previous, int tracked_frames) {
  if (tracked_frames < 1) throw std::invalid_argument("tracker: resume() needs at least one tracked frame");
  before_previous_ = to_centred(before_previous);
  previous_ = to_centred(previous);
  frame_index_ = tracked_frames;
}

CentredPose RigidTracker::align(MatchTarget& target, const CentredPose& start, bool first, bool& searched,
                                FrameResult& result) {
  PoseAligner& aligner = impl_->aligner;
  CentredPose pose = start;
  if (first && options_.init_search) {
    const auto ts = clock::now();
    pose = init_search(aligner, target, start, options_.search).pose;
    result.timings.search_ms = ms_since(ts);
    searched = true;
    return pose;
  }
  AlignOptions align_options = first ? options_.first_frame : options_.tracking;
  if (!first) {
    const double motion_px = (previous_.translation - before_previous_.translation).norm() * camera_.fx /
                             std::max(1e-6, previous_.translation.z());
    align_options.start_alpha =
        safe_start_alpha(motion_px, std::max(camera_.width, camera_.height), options_.spectral.band_count);
  }
  if (first && options_.ceres_on_first_frame) {
    const auto tc = clock::now();
    const CeresRefineResult c = ceres_refine(aligner, target, pose, options_.ceres);
    result.iterations += c.iterations;
    result.timings.ceres_ms += ms_since(tc);
    if (c.final_cost <= c.initial_cost) pose = c.pose;
  }
  const AlignResult a = aligner.align(target, pose, align_options);
  result.loss = a.loss;
  result.iterations += a.iterations;
  add_timings(a.timings, result.timings);
  return a.pose;
}

Verdict RigidTracker::assess(MatchTarget& target, const CentredPose& pose, bool first) {
  return judge(pose_scores(impl_->aligner, target, pose), first, target.has_mask(), options_.verdict);
}

void RigidTracker::recover(MatchTarget& target, bool first, bool searched, CentredPose& pose, Verdict& verdict,
                           FrameResult& result) {
  // Ceres from where the optimiser ended, then the full search (unless this
  // frame has had it already).
  PoseAligner& aligner = impl_->aligner;
  const auto tc = clock::now();
  const CeresRefineResult c = ceres_refine(aligner, target, pose, options_.ceres);
  result.timings.ceres_ms += ms_since(tc);
  result.iterations += c.iterations;
  CentredPose candidate = aligner.align(target, c.pose, options_.first_frame).pose;
  Verdict v = assess(target, candidate, first);
  if (v.status != TrackStatus::tracking && !searched) {
    const auto ts = clock::now();
    const InitSearchResult s = init_search(aligner, target, pose, options_.search);
    result.timings.search_ms += ms_since(ts);
    const Verdict vs = assess(target, s.pose, first);
    if (better(vs, v)) {
      candidate = s.pose;
      v = vs;
    }
  }
  if (!better(v, verdict)) return;
  pose = candidate;
  verdict = v;
  if (verdict.status == TrackStatus::tracking) verdict.status = TrackStatus::recovered;
}

FrameResult RigidTracker::process(const FrameView& frame, const CentredPose& start, bool first) {
  const auto t0 = clock::now();
  MatchTarget target(frame, camera_, impl_->spectral);
  FrameResult result;
  result.frame = frame_index_;
  result.has_mask = target.has_mask();

  bool searched = false;
  CentredPose pose = align(target, start, first, searched, result);
  Verdict verdict = assess(target, pose, first);
  if (options_.recover && needs_recovery(verdict, first)) recover(target, first, searched, pose, verdict, result);

  result.status = verdict.status;
  result.quality = verdict.scores.quality;
  result.pose = from_centred(pose);
  result.pose.rotation.normalize();
  // The next prediction starts from the pose as reported, not from the
  // internal one (they differ in the last bits): --resume has only the
  // reported poses, and must continue exactly as this run does.
  const CentredPose reported = to_centred(result.pose);
  before_previous_ = first ? reported : previous_;
  previous_ = reported;
  ++frame_index_;
  result.timings.total_ms = ms_since(t0);
  return result;
}

}  // namespace splattrack
