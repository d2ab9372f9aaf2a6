// What the rigid tracker's sources share (rigid_tracker.cpp: predict, align,
// assess; rigid_tracker_start.cpp: where a frame's alignment starts;
// rigid_tracker_recovery.cpp: a lost object found again): its state, the
// clock, and the camera helpers the two parts use. Private to the tracker
// library.
#pragma once

#include <chrono>
#include <optional>

#include "splattrack/tracker.hpp"
#include "splattrack/tracker/background.hpp"
#include "splattrack/tracker/feature_atlas.hpp"
#include "splattrack/tracker/occlusion.hpp"
#include "splattrack/tracker/occlusion_hold.hpp"

namespace splattrack {

namespace rigid_tracker_detail {

using clock = std::chrono::steady_clock;
inline double ms_since(clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
}

// `pose` with its centre moved to `centre` (camera coordinates), rotation
// kept: the inverse of centre_in_camera (window.hpp).
inline CentredPose with_centre_at(const Camera& camera, CentredPose pose, const Eigen::Vector3d& centre) {
  pose.translation =
      camera.cam_from_world.topLeftCorner<3, 3>().transpose() * (centre - camera.cam_from_world.topRightCorner<3, 1>());
  return pose;
}

}  // namespace rigid_tracker_detail

// One execution context serves the renderer and every loss of the tracker.
struct RigidTracker::Impl {
  Impl(const GaussianModel& model, double radius, int threads, bool cuda, const Camera& camera,
       const WindowOptions& window, const losses::SpectralLossOptions& spectral_options)
      : context(threads),
        aligner(model, radius, RenderOptions{.cuda = cuda}, context),
        spectral(window.size > 0 ? window.size : camera.width, window.size > 0 ? window.size : camera.height,
                 [&] {
                   losses::SpectralLossOptions o = spectral_options;
                   o.cuda = cuda;
                   return o;
                 }(),
                 context) {}
  ExecutionContext context;
  PoseAligner aligner;
  losses::SpectralLoss spectral;  // the window's size, reused for every frame and window
  ColourForeground foreground;
  OcclusionMap occlusion;  // what hid the object in the last tracked frame
  PoseEvaluationBuffers lm_buffers;  // the tracking LM's, reused frame after frame
  StaticBackground background;  // --masks bgsub
  ColourCorrection correction;  // for the next frame
  bool learnt = false;          // whether the appearance has been learnt since initialize()
  int search_next = 0;          // the search's next hypothesis, when a budget cut it short
  bool search_pending = false;  // the last frame's recovery was cut short: this one recovers too
  bool acquiring = false;       // the last frame ended lost: the object is to be found again
  bool unsettled = false;       // ... or degraded since a lost one: its pose is no base for a velocity
  bool started_moving = false;  // the frame before was the first, found where it was given: no velocity yet
  bool pixels_trusted = false;  // the first frame's texture agreed well enough for pixel_refine
  OcclusionHold hold;  // where a partly hidden object is held (occlusion_hold.hpp)
  // The last frame hold_evidence() measured: its window, the frame's colours
  // there [H, W, 3] and the silhouette at its reported pose [H, W].
  struct MeasuredView {
    int frame = -1;
    ObservationWindow window;
    std::vector<float> rgb, silhouette;
  };
  MeasuredView last_view;
  int disagreeing = 0;  // consecutive degraded frames, to the last, whose texture disagreed at the reported pose
  ShapeFit* shape_fit = nullptr;  // set_shape_fit
  // The model's features from all round (relocalise()), made with the first
  // frame about its start (prepare_atlas), so that a resumed run builds the
  // same one; once, even when the model shows no keypoints.
  std::optional<FeatureAtlas> atlas;
};

}  // namespace splattrack
