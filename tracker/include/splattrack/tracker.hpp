// Public interface of the rigid tracker (ViSP shape): initialize(frame, pose),
// then track(frame) -> FrameResult. Lost tracks are reported, never thrown.
// Each frame is predict → align → assess → recover.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "splattrack/render/frame.hpp"
#include "splattrack/render/pose.hpp"
#include "splattrack/render/track_status.hpp"
#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/ceres_refine.hpp"
#include "splattrack/tracker/feature_start.hpp"
#include "splattrack/tracker/init_search.hpp"
#include "splattrack/tracker/pixel_refine.hpp"
#include "splattrack/tracker/shape_fit.hpp"
#include "splattrack/tracker/verdict.hpp"
#include "splattrack/tracker/window.hpp"

namespace splattrack {

struct TrackerOptions {
  int threads = 0;  // 0: all cores
  // Render on the CUDA back end (RenderOptions::cuda), take the spectral
  // moments there (SpectralLossOptions::cuda) and, with a deformation, skin
  // there (Deformation's `cuda`); the rest of the losses and the optimisers
  // stay on the CPU. The constructor throws when no device can run this build.
  bool cuda = false;
  losses::SpectralLossOptions spectral;
  AlignOptions first_frame;     // full annealing from band 0
  AlignOptions tracking;        // later frames: adaptive start, fewer iterations
  // Later frames: Levenberg-Marquardt (Ceres, exact forward-mode Jacobian)
  // on the top `lm_top_bands` bands from the prediction (from lower down
  // for a moving object: lm_bands_from_motion), one iteration per band,
  // instead of Adam; Adam (`tracking`) only when that ends lost (a
  // prediction outside the top bands' basin). Real cube 0-88
  // (window 256, 2 threads): drift median 3.5 / max 5.2 mm, 0.65° / 2.6°
  // (Adam: 7.1 / 9.9 mm, 1.4° / 3.2°) at 0.9 times Adam's time per frame;
  // the synthetic all-effects sequence 50 / 60 frames within 5° / 5 % (Adam
  // 40). From band 2 instead (six LM stages) it lost the cube on 3 frames:
  // the low bands' LM steps are not reliable, Adam's annealing is.
  bool lm_tracking = true;
  int lm_top_bands = 3;
  // A moving object's LM starts lower, at the band whose basin holds two
  // thirds of the last frame's motion (lm_first_band in prediction.hpp; a
  // still one keeps the top bands; a turn in place counts as no motion: its
  // jitter times the radius took the still cube under the mug off): the
  // real cube clip at every second frame (the hand turning it twice as fast)
  // lagged behind the full-rate track on 54 of 164 frames with the top bands
  // alone, 30 with this; the given-pose bars of the still cube are
  // bit-identical (BENCHMARKS.md).
  bool lm_bands_from_motion = true;
  // The LM's stages before the last step along the first stage's Jacobian
  // (ceres_refine.hpp): two tangent passes per frame instead of three, 0.79–
  // 0.85 times the time per frame on the real cube (BENCHMARKS.md).
  StageJacobians lm_stage_jacobians = StageJacobians::first_and_last;
  // The first frame from a pose the user gave (true) is refined like a
  // tracked frame, from the band its expected error allows; from an unknown
  // start (false) it is annealed from band 0. Either way a first frame judged
  // lost is recovered with the full annealing and the search.
  bool first_frame_refines = false;
  // ... and, without masks, first moved across the image to where the
  // model's texture matches the frame best (shift_match.hpp): a start a few
  // centimetres off would teach the colour model the desk as object.
  bool first_frame_shift_match = true;
  // ... and before that, corrected by the model's texture features
  // (feature_start.hpp) unless they confirm it: a start turned 15° taught
  // the colour model the wrong pixels, which then held the pose there.
  bool first_frame_features = true;
  bool init_search = false;     // multi-start over rotations on the first frame
  WindowOptions window;         // the observation window (size 0: the whole frame)
  // Frames without masks: the object's silhouette estimated from a colour
  // model of the object and its surroundings (foreground.hpp), learnt from
  // the first frame at the given pose (first_frame_refines) or from the first
  // frame tracked, and from every frame tracked after it.
  bool estimate_foreground = true;
  // Inside the predicted silhouette, the colour the render predicts at each
  // pixel is evidence too (agreement.hpp): it weighs the estimate, and
  // regions that disagree deep inside are hidden (given masks too). Only
  // where the texture agrees (pixel_min_texture). Measured from the true
  // first pose, 60 frames, 1 thread, % within 5° / 5 % (om, fm, f1003,
  // f2003: BENCHMARKS.md): 73.3 / 91.7 / 83.3 / 93.3 -> 83.3 / 98.3 / 90.0 /
  // 100; bench track --realistic, moderate, 3 x 60 frames: 73.9 -> 90.8 %.
  bool render_agreement = true;
  // Static camera (--masks bgsub): the estimate limited to pixels unlike a
  // background learnt from every followed frame outside the object
  // (background.hpp).
  bool subtract_background = false;
  // The silhouette's weight against the colours when the silhouette is
  // estimated (spectral.mask_weight stays for given masks): a real object's
  // shading and texture never match the model's as well as its outline does.
  // Real cube clip, frames 0-88, window 256: drift median 4.3 mm / max 12
  // deg at 0.3, 2.7 mm / 8 deg at 3.
  double estimated_mask_weight = 3.0;
  // A gain and offset per channel between render and frame (Observation),
  // fitted inside the silhouette at each tracked pose (the first frame's at
  // the given pose) and used for the next frame; the verdict's scores are
  // computed after it.
  bool correct_colour = true;
  InitSearchOptions search;
  // Ceres (bands 0..3) before the first frame's alignment. Off by default:
  // from starts far off it can settle in a wrong basin that the annealed
  // alignment would have avoided (bench track, fox, 2 seeds per cell: it
  // turned 2/2 successes at 0.5 object sizes into 0/2). Recovery uses Ceres
  // from the aligned pose instead.
  bool ceres_on_first_frame = false;
  bool recover = true;          // on "lost": Ceres, then the multi-start search
  // ... and before them, the object looked for in the whole frame by the
  // model's texture features (feature_atlas.hpp), turned any way: without
  // them the real cube was lost from frame ~860 to the end (117 frames;
  // with them 1; BENCHMARKS.md).
  bool relocalise_features = true;
  // Each frame's recovery stops after this long (0: unbounded); the frame is
  // then reported as it stands (lost) and the search goes on where it stopped
  // on the next lost frame. About 1 s: a 640x480 video at 2 threads loses a
  // second per unexplained frame, never minutes. The first frame's may take
  // ten budgets.
  double recovery_budget_ms = 1000;
  // The budget as a count of renders and tangent passes instead (0: the time
  // above): the same stops on any machine however loaded, so a bounded run
  // is reproducible bit for bit. Every lost frame's search screens one
  // hypothesis at least, however little is left: it ends in
  // search.hypotheses + 1 recovering frames.
  int recovery_budget_renders = 0;
  // How far the object may have moved, in projected radii, on the frame
  // after the first, whose velocity is unknown: it is also annealed from the
  // band this allows, in a window this much wider. 0.6 radii is the issue's
  // fast motion, 0.3 object sizes per frame. (Not after a recovery: the
  // annealing there turned a pose just found 35° off, judged `tracking`.)
  double unknown_motion_radii = 0.6;
  double unknown_turn_deg = 10;  // ... and turned this much (the fast motion)
  // ... and, without masks, its start first moved across the image, within
  // that motion, to where the model's texture matches the frame best (as
  // first_frame_shift_match): the prediction is then right in position, and
  // only the turn is left to the alignment. Without it, synthetic fast
  // motion over the cube clip (0.3 sizes, 10° a frame, no blur) ended that
  // frame 1.7° / 21 % of the size off (degraded); with it 0.1° / 1.2 %.
  bool unknown_motion_shift_match = true;
  // Later frames whose model texture is trusted (pixel_min_texture): the
  // predicted start is moved the same way, within twice the predicted
  // motion: an object that turns back or slows overshoots the
  // constant-velocity prediction by up to twice its motion, outside the top
  // bands' basin (the fox at 0.3 sizes and 10° a frame without blur slowed at
  // frame 13 and was never followed again: 13 of 40 frames within 5° / 5 %;
  // 40 of 40 with it). Where the LM from a moved start does not end
  // `tracking`, the prediction's own start is aligned too and the better
  // verdict taken (on another fox run the texture matched a wrong place:
  // 38 -> 18 of 40 without that, 40 with).
  bool predicted_shift_match = true;
  // Later frames, after the optimiser: LM on per-pixel robust residuals
  // (pixel_refine.hpp; iterations 0: off). Measured (BENCHMARKS.md, Issue 10,
  // session of 2026-12-03, sixth): bench track --realistic, moderate
  // sequences, 3 trials x 60 frames, 41.1 % -> 73.9 % within 5 deg / 5 %, at
  // about twice the time per frame (real cube, 2 threads: 94 -> 196 ms).
  PixelRefineOptions pixel;
  // ... and only when the first frame's texture agreement (quality.hpp) at
  // its reported pose is at least this: per-pixel colours presume that the
  // model's colours predict the frame's pixel by pixel. Measured at the
  // given first poses: synthetic frames over real footage 0.92-0.99; the
  // real cube, whose mesh texture was photographed elsewhere and is lit
  // differently, 0.73 (frame 0) and 0.82 (frame 500), where the per-pixel
  // steps turned the still, unoccluded cube 6 deg off the given pose (3.4
  // without) and moved frames 0-88 up to 4.8 deg (2.7 without). Untextured
  // models (nothing to agree on) are not refined per pixel.
  double pixel_min_texture = 0.88;
  // Later frames partly hidden by an occluder are reported between the
  // optimiser's pose and where the object was going when last seen whole
  // (occlusion_hold.hpp), without masks and where the model's texture is not
  // trusted (pixel_min_texture): there the occluder's colours pass for the
  // object's and pull (real cube 500-600, the mug: max drift 27.8 -> 8.8 mm,
  // 14.0 -> 5.1 deg). Where the texture is trusted, the render's colours
  // already tell the occluder (agreement.hpp), and holding a moving object
  // toward an extrapolation lost it (synthetic object under the disc: 100 ->
  // 75 % of frames within 5 deg / 5 %).
  bool hold_occluded = true;
  // ... unless the frame's visible texture agrees clearly better with the
  // optimiser's pose than with the held one (texture_overrules_hold): then
  // the object moved while partly hidden, and the optimiser's pose is
  // reported. Held regardless, the real cube turned 60° behind the mug
  // stayed at its old turn for 45 frames, and carried in the hand (frames
  // 866-890) it was lost for 23.
  bool hold_yields_to_texture = true;
  // Where the texture is trusted (pixel_min_texture), a later frame the top
  // bands' LM leaves degraded is aligned again by Adam on the photometric
  // loss (L1 + D-SSIM on the colours, L1 on the silhouette; tracking's
  // iterations) from the predicted pose, refined per pixel, and that pose is
  // taken. An occluder whose colours the colour model calls object (the
  // bench's grey-striped disc beside and over the small grey fox) pulls the
  // silhouette's moments, and the LM's pose with them; the per-pixel colours
  // let it go. bench track --realistic, fox-moderate, 3 trials x 200 frames:
  // 75.5 / 99.0 / 28.5 -> 98.0 / 99.0 / 100 % within 5 deg / 5 %. Measured
  // and not kept: taken only when the verdict ranks it higher (it cannot
  // rank them under the disc), started from the LM's pose (already pulled),
  // without the per-pixel steps after it (still turned 26 deg), or on every
  // trusted frame (object-moderate 98 -> 94 %, 2.4-3.1 times the time per
  // frame).
  bool photometric_when_degraded = true;
  CeresRefineOptions ceres;
  VerdictRules verdict;

  TrackerOptions();
};

struct FrameTimings {
  double total_ms = 0;
  double render_ms = 0;
  double loss_ms = 0;
  double backward_ms = 0;
  double ceres_ms = 0;
  double search_ms = 0;
  double features_ms = 0;  // the texture features: recovery's (relocalise), the first frame's atlas (prepare_atlas)
  double pixel_ms = 0;
  double shape_ms = 0;  // the shape's fit (ShapeFit), with its renders
};

struct FrameResult {
  int frame = 0;
  RigidPose pose;             // world_from_model of the input model
  TrackStatus status = TrackStatus::tracking;
  double loss = 0;            // the last optimiser loss
  double quality = 0;         // silhouette IoU with a mask, explained fraction without
  bool has_mask = false;      // whether quality is an IoU
  ObservationWindow window;   // where the frame was looked at last (wide: recovery or search)
  ForegroundSource foreground = ForegroundSource::none;  // where the silhouette compared with came from
  bool pixel_refined = false;  // whether pixel_refine ran (TrackerOptions::pixel)
  bool held = false;           // whether the pose was held under an occluder (TrackerOptions::hold_occluded)
  bool hold_yielded = false;   // partly hidden, but the optimiser's pose was reported (hold_yields_to_texture)
  bool photometric = false;    // whether the photometric alignment replaced the LM's (photometric_when_degraded)
  int iterations = 0;         // optimiser iterations (Adam + Ceres)
  int renders = 0;            // the pose fit's renders and tangent passes: the frame's work, on any machine
  FrameTimings timings;
};

class RigidTracker {
 public:
  RigidTracker(const GaussianModel& model, const Camera& camera, const TrackerOptions& options = {});
  ~RigidTracker();

  // The first frame, from a possibly bad initial pose.
  FrameResult initialize(const FrameView& frame, const RigidPose& initial_pose);
  // Every later frame, warm-started by constant-velocity prediction.
  FrameResult track(const FrameView& frame);
  // Continues a run (--resume): every frame it finished, in order, with the
  // first frame's initial pose and the pose and status each reported. The
  // tracker learns again what those frames taught it (the appearance, the
  // last motion), so that the next track() continues as the uninterrupted
  // run would have.
  void replay(const FrameView& frame, const RigidPose& initial_pose, const RigidPose& reported, TrackStatus status);

  const Camera& camera() const { return camera_; }
  double object_radius() const;
  // The model's bounds' centre, in its own coordinates: the origin of the
  // centred model that the tracker and a ShapeFit work on.
  const Eigen::Vector3d& model_centre() const { return model_from_centred_.translation; }
  // Fits the object's shape on every frame followed (null: rigid). Not
  // owned; must outlive the tracker or be unset.
  void set_shape_fit(ShapeFit* fit);
  // The tracker's execution context (its one thread pool), for work between
  // frames (track --overlay's renders) that must not start threads of its own.
  ExecutionContext& context();

 private:
  FrameResult process(const FrameView& frame, const CentredPose& predicted, bool first);
  struct FirstFrameTrial {
    CentredPose pose;     // where the first frame's alignment ends
    Verdict verdict;      // its judgement there
    FrameResult aligned;  // the alignment's loss, iterations and timings
  };
  struct FirstFrameStart {
    CentredPose pose;
    // The first frame's alignment from `pose`, when choosing it took one:
    // process() takes it instead of aligning again (the same alignment, bit
    // for bit: the appearance is learnt afresh at that start either way).
    std::optional<FirstFrameTrial> trial;
  };
  // Where the first frame's alignment starts from the given pose `given`
  // (feature_start, then match_start, as the options say; of a solved pose
  // and its planar twin, the one first_frame_trial judges better).
  FirstFrameStart first_frame_start(const FrameView& frame, const CentredPose& given);
  // The first frame aligned from `start` as process() aligns it, and judged;
  // leaves the appearance learnt at `start` (process() learns it again).
  FirstFrameTrial first_frame_trial(const FrameView& frame, const CentredPose& start);
  // A later frame's start: the prediction, on the frame without a velocity
  // moved to the texture's best match (unknown_motion_shift_match).
  CentredPose moved_start(const FrameView& frame, const CentredPose& predicted);
  // `given` replaced by the pose that the texture features' 3D-2D pairs
  // solve for, rendered and matched again from there, until no solved pose
  // agrees with more of them or (`keep_confirmed`) the pairs confirm a pose.
  FeatureCheckedPose feature_start(const FrameView& frame, const CentredPose& given, bool keep_confirmed);
  // The texture features' pairs (feature_start.hpp) of a render at `pose`
  // and the frame, in the feature window about it.
  FeaturePairs pairs_at(const FrameView& frame, const CentredPose& pose);
  // The object found anywhere in the frame by the model's texture features
  // (feature_atlas.hpp), its pose confirmed by feature_start's pairs about
  // it; none when nothing is confirmed. The frame is looked at again at the
  // next scale only before `deadline`.
  std::optional<CentredPose> relocalise(const FrameView& frame, const Deadline& deadline);
  // Recovery's feature atlas (feature_atlas.hpp), about the first frame's
  // `start`, built with the first frame where recovery may use it: built by
  // the first recovery instead, it took that frame 2.1-3.3 s, over its 1 s
  // budget. The same atlas either way (it depends on the start alone), so a
  // resumed run's replay builds it too. False where recovery will not use it.
  bool prepare_atlas(const CentredPose& start);
  // Recovery's first candidate: a relocalised pose `found`, judged as it is
  // (not aligned) in its own tracking window; taken (pose, verdict, the
  // result's window) unless lost.
  bool take_relocalised(const FrameView& frame, const CentredPose& found, CentredPose& pose, Verdict& verdict,
                        FrameResult& result);
  // A first frame's given pose moved across the image, at its depth, by the
  // shift that best matches the model's texture to the frame within
  // `expected_px` frame pixels (unchanged when nothing matches well).
  CentredPose match_start(const FrameView& frame, const CentredPose& given, double expected_px);
  // The steps of process(): the pose the optimiser reaches from `start`
  // (`expected_shift_px`: how far, in frame pixels, the start may be off), its
  // verdict, and recovery when the verdict asks for it, in a wider window
  // (pose and verdict replaced by a better candidate, if any).
  // `second_frame`: the second frame's annealing, with the first frame's
  // iterations.
  CentredPose align(MatchTarget& target, const CentredPose& start, bool first, double expected_shift_px,
                    bool& searched, FrameResult& result, bool second_frame = false);
  // `held`: the pose is the occlusion hold's.
  Verdict assess(MatchTarget& target, const CentredPose& pose, bool first, bool held = false);
  // Later frames (lm_tracking): Levenberg-Marquardt on the top bands from
  // the prediction `start`, from lower down when the object moved
  // `motion_px` frame pixels since the frame before (lm_bands_from_motion).
  CentredPose refine_top_bands(MatchTarget& target, const CentredPose& start, double motion_px,
                               FrameResult& result);
  // A degraded later frame, followed from the one before, aligned again on
  // the photometric loss from the prediction `start`, refined per pixel and
  // judged (TrackerOptions::photometric_when_degraded).
  std::pair<CentredPose, Verdict> align_photometric(MatchTarget& target, const CentredPose& start,
                                                    FrameResult& result);
  // Later frames: the optimiser's pose refined on per-pixel residuals.
  CentredPose refine_pixels(MatchTarget& target, const CentredPose& pose, FrameResult& result);
  // assess() after fitting the colour correction at `pose` (an aligned pose).
  Verdict judge_aligned(MatchTarget& target, const CentredPose& pose, bool acquiring, bool held = false);
  // `tracked`: the frame's tracking target (its window and foreground).
  // `located`: the object is where the frame was tracked, its silhouette
  // fits (the search stays in that window); otherwise it is looked for in a
  // wider one, afresh after a lost frame. Candidates are judged as a first
  // frame's pose is.
  void recover(const FrameView& frame, MatchTarget& tracked, const ColourCorrection& correction, bool searched,
               bool located, CentredPose& pose, Verdict& verdict, FrameResult& result);
  // Where a lost object's colours are densest in the whole frame (the colour
  // model's P(object) summed over a square of its size at its last found
  // depth), as a pose there with the last found rotation; `pose` itself when
  // no colour model is learnt or nothing there looks more object than not.
  CentredPose redetect(const FrameView& frame, const CentredPose& pose) const;
  // The window the tracker looks at around `pose`, `motion_px` frame pixels
  // of margin for the motion.
  ObservationWindow window_at(const CentredPose& pose, double motion_px) const;
  // How far a first-frame start may be off, in frame pixels.
  double first_frame_shift_px(const CentredPose& start) const;
  // The first frame's appearance: forgets the last run's, and learns the
  // frame's at a given start.
  void start_appearance(const FrameView& frame, const CentredPose& start, const ObservationWindow& window);
  // What the occlusion hold records of a frame (occlusion_hold.hpp): the
  // share of the silhouette at the reported pose that the frame's target sees
  // hidden, and whether the object's image stood still since the frame before
  // (image_motion.hpp; false when that frame was not measured).
  struct HoldEvidence {
    double hidden = 0;
    bool still = false;
  };
  // After a frame: learns its appearance at the reported pose when tracked,
  // and keeps the pose for the next prediction and the occlusion hold
  // (`evidence`, hold_evidence).
  void finish(const FrameView& frame, const RigidPose& reported, TrackStatus status, bool first,
              const HoldEvidence& evidence);
  // Learns the frame's appearance from `plain` (its window of the frame, no
  // mask) and `img`, the render at the pose there: the colour model (frames
  // without masks) and the colour correction; `first` replaces what was
  // learnt, later frames blend in; `hidden`: a degraded frame whose texture
  // agrees (partly hidden), whose colour fit leaves the hidden pixels out.
  void learn_appearance(const FrameView& frame, const Observation& plain, const RenderImage& img, bool first,
                        bool hidden);
  // Learns the frame's background outside the object's silhouette `alpha`
  // [H, W] at `pose` in `window` (subtract_background).
  void learn_background(const FrameView& frame, const ObservationWindow& window, const CentredPose& pose,
                        const std::vector<float>& alpha);
  // Records what hides the object at its tracked pose for the next frame;
  // `img` is the render at `pose` in `window` over `background`.
  void record_occlusion(const FrameView& frame, const ObservationWindow& window, const CentredPose& pose,
                        const RenderImage& img, const std::array<float, 3>& background);
  // Whether the render's colours are evidence (render_agreement, where the
  // first frame's texture agreed).
  bool trusts_render_colours() const;
  // A later frame's tracking window's foreground and target, built in place
  // (the target points at the foreground).
  struct FrameTarget {
    ForegroundEstimate foreground;
    std::optional<MatchTarget> target;
  };
  // Builds `out` for `window` around the prediction `start` off by up to
  // `expected_px`.
  // `from_colour_alone`: without the prediction's silhouette prior and
  // expected colours (they would hold the object where it was predicted).
  void observe(const FrameView& frame, const ObservationWindow& window, const CentredPose& start, double expected_px,
               FrameTarget& out, bool from_colour_alone = false);
  // Whether this is the frame after a first frame found where it was given:
  // no velocity to predict from yet.
  bool unknown_motion() const;
  // Whether `to` is within the motion a frame without a velocity allows
  // (twice TrackerOptions::unknown_motion_radii, unknown_turn_deg) of `from`.
  bool within_unknown_motion(const CentredPose& from, const CentredPose& to) const;
  // A later frame's predicted pose (constant velocity).
  CentredPose predicted() const;
  // How far the object moved between the last two frames, in pixels.
  double predicted_motion_px() const;
  // Whether a partly hidden frame is held (TrackerOptions::hold_occluded):
  // without masks, where the render's colours are not trusted.
  bool holds(const FrameView& frame) const;
  // What the occlusion hold records of a frame (HoldEvidence) at `pose` in `target`.
  HoldEvidence hold_evidence(const FrameView& frame, MatchTarget& target, const CentredPose& pose);
  // Adds the colours `img` (rendered over `background`) predicts to an
  // estimate that uses the colour model, when they are trusted.
  void expect_colours(ForegroundEstimate& estimate, const RenderImage& img,
                      const std::array<float, 3>& background) const;
  // Sets the loss's mask weight for a silhouette given or estimated.
  void weigh_silhouette(const ForegroundEstimate& foreground);
  // Whether this frame's silhouette is estimated (no mask, option on).
  bool estimates_foreground(const FrameView& frame) const;
  // The silhouette estimate for `window` (no colours when the frame has a
  // mask or nothing is learnt yet): the colour model, limited to `reach_px`
  // frame pixels around the silhouette at `predicted` (negative: anywhere).
  ForegroundEstimate foreground_in(const FrameView& frame, const ObservationWindow& window,
                                   const CentredPose& predicted, double reach_px);
  // The same around a silhouette already rendered in `window` (alpha [H, W];
  // null or a negative reach: anywhere).
  ForegroundEstimate foreground_around(const FrameView& frame, const ObservationWindow& window,
                                       const std::vector<float>* silhouette, double reach_px) const;
  // The object's projected radius in frame pixels at `pose`.
  double projected_radius_px(const CentredPose& pose) const;
  // The model at `pose` rendered in `window` over `background` (as a target
  // in that window renders it; no spectral target needed).
  const RenderImage& render_in(const ObservationWindow& window, const std::array<float, 3>& background,
                               const CentredPose& pose);

  CentredPose to_centred(const RigidPose& world_from_model) const;
  RigidPose from_centred(const CentredPose& centred) const;

  Camera camera_;
  TrackerOptions options_;
  Pose<frames::Model, frames::Centred> model_from_centred_;  // a pure translation to the bounds' centre
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int frame_index_ = 0;
  CentredPose previous_, before_previous_;  // the last two frames' poses as reported
  CentredPose last_found_;  // the last frame tracked or recovered (its depth places a re-found object)
};

}  // namespace splattrack
