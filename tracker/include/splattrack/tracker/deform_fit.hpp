// The object's shape fitted frame by frame (issue 11, METHOD.md §1, §3): the
// control points' transforms jointly with the rigid pose, by Adam on the
// spectral loss of the frame's top bands, plus the ARAP and temporal
// regularisers. A ShapeFit: the rigid tracker calls it on every frame it
// followed, after the rigid pose (the rigid stage itself renders the last
// frame's shape). Works on the centred model (the tracker's frame).
#pragma once

#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/deformation.hpp"
#include "splattrack/tracker/shape_fit.hpp"

namespace splattrack {

// Defaults measured on the procedural object bent over 30 frames (256²,
// masks given, 64 nodes): mean Gaussian error over frames 5-29 in object
// sizes 0.018 (max 0.025; the rigid tracker 0.029). From there: node rates
// 0.02 0.022 (max 0.049); lr_final_fraction 0.3 0.018 (max 0.044), 0.01
// with rates 0.005 0.023; arap_weight 30 0.022; temporal_weight 1 0.019;
// predict_nodes 0.027 (max 0.092: extrapolated node motion drifts where the
// image does not hold it). BENCHMARKS.md has the runs.
struct DeformOptions {
  SkinMethod skinning = SkinMethod::lbs;
  // The joint fit: iterations and the pose's learning rates; start_alpha is
  // the band it starts from (the rigid pose is near: the top bands).
  AlignOptions fit;
  double lr_node_rotation = 0.01;     // radians per iteration at the start
  double lr_node_translation = 0.01;  // object radii per iteration at the start
  double arap_weight = 10.0;          // λ_arap, against the spectral loss
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

  const Deformation& deformation() const { return deformation_; }
  // The transforms of the last frame finished (identity before any).
  const NodeTransforms& transforms() const { return current_; }
  // The centred model in the last frame's shape.
  const GaussianModel& shape() const { return shape_; }

 private:
  // The transforms expected on the next frame: the last followed, or the
  // last two extrapolated at constant velocity (predict_nodes).
  NodeTransforms predicted() const;
  void set_shape(PoseAligner& aligner, const NodeTransforms& transforms);

  Deformation deformation_;
  double radius_;
  DeformOptions options_;
  ExecutionContext& context_;
  NodeTransforms current_;            // the frame's (fit, or reset on finish)
  NodeTransforms last_, before_last_;  // the last two frames followed
  bool has_last_ = false, has_before_last_ = false;  // since the start or the last reset
  GaussianModel shape_;
  // Scratch, reused across iterations and frames.
  GaussianGradients unposed_;
  NodeGradients node_grads_;
};

}  // namespace splattrack
