// The object's shape fitted frame by frame (issue 11, METHOD.md §1, §3): the
// control points' transforms jointly with the rigid pose, on the spectral
// loss plus the ARAP and temporal regularisers. A ShapeFit: the rigid
// tracker calls it on every frame it followed, after its rigid stages (which
// render the last frame's shape). Works on the centred model (the tracker's
// frame).
#pragma once

#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/deformation.hpp"
#include "splattrack/tracker/shape_fit.hpp"

namespace splattrack {

// How the node transforms are fitted on a frame.
enum class DeformOptimiser {
  adam,          // Adam on the top bands over the pose and node blocks (the baseline)
  gauss_newton,  // Levenberg-Marquardt over the nodes and the pose, matrix-free (deform_gauss_newton.cpp)
};

// Defaults measured on six synthetic scenes (`synth --scene bend|twist|wave`,
// seeds 1 and 2, 40 frames, 4000 Gaussians, masks, from the true first
// pose), mean Gaussian error over all frames in % of the object's size, the
// six averaged (rigid tracking 2.20; BENCHMARKS.md has each run):
//  - Adam over pose and nodes 4.35 (arap_weight 0.16; the pose's steps walk
//    in depth: the object 7 % of its size too far after 20 frames), with the
//    pose held 3.37;
//  - Gauss-Newton with the pose held 2.6 (the shape after centring 1.4
//    against rigid 2.8 % at the bend's peak, but the depth the rigid stages
//    give a slightly shrunk shape is off), with the pose fitted too 1.68 at
//    64 nodes and arap_weight 0.47 (1.93 at 0.16, 1.83 at 1.6), 1.76 at 256
//    nodes and 1.17 (1.85 at 0.47, 2.28 at 0.12); at 1, the default, 1.77 for both;
//  - more steps (8: 1.8) or conjugate-gradient iterations (16: 1.68) gain
//    nothing; dual quaternions the same as linear blending on these scenes;
//  - temporal_weight 0 / 0.03 / 0.1 / 0.3 / 1 / 3: 1.75 / 1.75 / 1.77 / 1.75
//    / 1.78 / 1.81 (Gauss-Newton starts at the last frame's transforms, which
//    holds them about as much).
// Adam's own (on the procedural object bent over 30 frames, 64 nodes):
// node rates 0.01, lr_final_fraction 0.1, predict_nodes off (on: drift
// where the image does not hold the nodes, mean 2.7 against 1.8 %).
struct DeformOptions {
  SkinMethod skinning = SkinMethod::lbs;
  DeformOptimiser optimiser = DeformOptimiser::gauss_newton;
  int gn_iterations = 4;  // Levenberg-Marquardt steps per frame
  int cg_iterations = 8;  // conjugate-gradient iterations per step (each one render jvp and one backward)
  bool gn_pose = true;    // Gauss-Newton: the pose fitted with the nodes (else the rigid stages' is kept)
  // Adam: iterations and the pose's learning rates; start_alpha is the band
  // it starts from (the rigid pose is near: the top bands).
  AlignOptions fit;
  double lr_node_rotation = 0.01;     // radians per iteration at the start
  double lr_node_translation = 0.01;  // object radii per iteration at the start
  double arap_weight = 1.0;           // λ_arap, against the spectral loss (regularisers.hpp)
  double temporal_weight = 0.1;       // λ_temp
  // Start each frame (and hold the temporal term) at the last two frames'
  // node transforms extrapolated at constant velocity; off: at the last
  // frame's.
  bool predict_nodes = false;
  DeformOptions();
};

class DeformFit final : public ShapeFit {
 public:
  // `deformation` is on the centred model the tracker renders.
  DeformFit(Deformation deformation, double object_radius, const DeformOptions& options, ExecutionContext& context);

  CentredPose fit(PoseAligner& aligner, MatchTarget& target, const CentredPose& pose, double& optimiser_ms) override;
  void finish(PoseAligner& aligner, TrackStatus status) override;

  // --resume: a finished frame's transforms, read back, in place of fit()'s;
  // the finish() that follows learns them as it learnt the run's (the last
  // two followed, the motion; a lost frame's are the last followed shape's).
  void replay(const NodeTransforms& transforms);

  const Deformation& deformation() const { return deformation_; }
  // The transforms of the last frame finished (identity before any).
  const NodeTransforms& transforms() const { return current_; }
  // The centred model in the last frame's shape.
  const GaussianModel& shape() const { return shape_; }

 private:
  // Adam over the pose (`pose`, in and out) and the node transforms, from
  // `reference`, on `target`'s top bands (or, with fit.photometric, the
  // spatial loss: the photometric baseline).
  NodeTransforms fit_adam(PoseAligner& aligner, MatchTarget& target, CentredPose& pose,
                          const NodeTransforms& reference);
  // The node transforms fitted on `target` by Levenberg-Marquardt
  // (deform_gauss_newton.cpp) from `start`, with the temporal term toward
  // `reference`; `pose` in and out (held unless gn_pose).
  NodeTransforms fit_gauss_newton(PoseAligner& aligner, MatchTarget& target, CentredPose& pose,
                                  const NodeTransforms& start, const NodeTransforms& reference);
  // The transforms expected on the next frame: the last followed, or the
  // last two extrapolated at constant velocity (predict_nodes).
  NodeTransforms predicted() const;
  void set_shape(PoseAligner& aligner, const NodeTransforms& transforms);

  Deformation deformation_;
  double radius_;
  DeformOptions options_;
  ExecutionContext& context_;
  NodeTransforms current_;                           // the frame's (fit, or reset on finish)
  NodeTransforms last_, before_last_;                // the last two frames followed
  bool has_last_ = false, has_before_last_ = false;  // since the start or the last reset
  GaussianModel shape_;
  // Scratch, reused across iterations and frames.
  GaussianGradients unposed_;
  NodeGradients node_grads_;
};

}  // namespace splattrack
