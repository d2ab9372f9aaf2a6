// Public interface of the rigid tracker (ViSP shape): initialize(frame, pose),
// then track(frame) -> FrameResult. Lost tracks are reported, never thrown.
#pragma once

#include <string>

#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/ceres_refine.hpp"
#include "splattrack/tracker/frame.hpp"
#include "splattrack/tracker/init_search.hpp"
#include "splattrack/tracker/pose.hpp"
#include "splattrack/tracker/track_status.hpp"

namespace splattrack {

struct TrackerOptions {
  int threads = 0;  // 0: all cores
  losses::SpectralLossOptions spectral;
  int coarsest_level = 0;       // pixels; 0: full resolution only (see MatchTarget)
  AlignOptions first_frame;     // full annealing from band 0
  AlignOptions tracking;        // later frames: adaptive start, fewer iterations
  bool init_search = false;     // multi-start over rotations on the first frame
  InitSearchOptions search;
  // Ceres (bands 0..3) before the first frame's alignment. Off by default:
  // from starts far off it can settle in a wrong basin that the annealed
  // alignment would have avoided (bench track, fox, 2 seeds per cell: it
  // turned 2/2 successes at 0.5 object sizes into 0/2). Recovery uses Ceres
  // from the aligned pose instead.
  bool ceres_on_first_frame = false;
  bool recover = true;          // on "lost": Ceres, then the multi-start search
  CeresRefineOptions ceres;
  double tracking_quality = 0.75;  // quality >= this: tracking
  double lost_quality = 0.5;       // quality < this: lost (recovery is attempted)
  // With a mask, the first frame counts as tracking only if its match_score
  // (colour and silhouette, init_search.hpp) reaches this too; below it, it is
  // degraded and recovery is attempted as for a lost frame. 0 turns it off.
  double first_frame_acceptance = 0.95;

  TrackerOptions();
};

struct FrameTimings {
  double total_ms = 0;
  double render_ms = 0;
  double loss_ms = 0;
  double backward_ms = 0;
  double ceres_ms = 0;
  double search_ms = 0;
};

struct FrameResult {
  int frame = 0;
  RigidPose pose;             // world_from_model of the input model
  TrackStatus status = TrackStatus::tracking;
  double loss = 0;            // the last optimiser loss
  double quality = 0;         // silhouette IoU with a mask, explained fraction without
  bool has_mask = false;      // whether quality is an IoU
  int iterations = 0;         // optimiser iterations (Adam + Ceres)
  FrameTimings timings;
};

class RigidTracker {
 public:
  RigidTracker(const GaussianModel& model, const Camera& camera, const TrackerOptions& options = {});
  ~RigidTracker();

  // The first frame, from a possibly bad initial pose (world_from_model).
  FrameResult initialize(const Frame& frame, const RigidPose& initial_pose);
  // Every later frame, warm-started by constant-velocity prediction.
  FrameResult track(const Frame& frame);
  // Continues a run whose last `tracked_frames` frames ended at these poses
  // (world_from_model; after one frame, pass its pose twice): the next
  // track() starts from the same prediction as in the uninterrupted run.
  void resume(const RigidPose& before_previous, const RigidPose& previous, int tracked_frames);

  const Camera& camera() const { return camera_; }
  double object_radius() const;

 private:
  FrameResult process(const Frame& frame, const RigidPose& start_centred, bool first);
  RigidPose to_centred(const RigidPose& world_from_model) const;
  RigidPose from_centred(const RigidPose& centred) const;

  Camera camera_;
  TrackerOptions options_;
  Eigen::Vector3d center_;  // model-frame point the centred model turns about
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int frame_index_ = 0;
  RigidPose previous_, before_previous_;  // centred poses of the last two frames
};

}  // namespace splattrack
