// Pose refinement on per-pixel robust residuals: Levenberg-Marquardt with
// iteratively reweighted least squares (Huber), after the spectral bands.
//
// Why next to the bands: they are global moments, so an occluder that takes
// a bite out of the object, or a foreground estimate that spills onto the
// background, moves every band and drags the pose; per pixel, a bitten pixel
// costs only itself, and less once its residual is large. The per-pixel
// basin is the texture's and the outline's (a few pixels), so this refines
// the pose the bands have brought close; alone from the prediction it lost
// the synthetic fox sequences (BENCHMARKS.md).
//
// Residuals per window pixel p, with a mask (given or estimated), in the
// observation model's terms (observation.hpp): the render's corrected,
// premultiplied colour against the frame's colour under the render's own
// coverage, and the render's alpha against the mask,
//   r_p = (g ⊙ C_p + b·α_p − α_p·I_p,  α_p − m_p)      (4 values)
// The frame's colour is taken under α_p, not under the mask m_p: where an
// estimated m_p < 1 inside the object (a colour it shares with the desk), a
// target I·m would be too dark and push the outline off it. Without a mask,
// r_p = observed − frame (3 values). Pixels outside the frame or occluded
// add nothing.
//
// Cost Σ_p ρ(|r_p|), Huber's ρ(e) = e²/2 for e ≤ k, k(e − k/2) beyond. Each
// iteration weights pixel p by w_p = min(1, k/|r_p|) at the current pose and
// solves (Σ w_p J_pᵀJ_p + λ D) δ = −Σ w_p J_pᵀ r_p for the six pose directions
// of pose_gradient.hpp (ω, then δ in world units), J_p from the pose's
// tangent images. An accepted step is tried again doubled while that lowers
// the cost: IRLS steps from a pose several pixels off come out short (on the
// synthetic fox, 10 plain iterations did what 3 expanded ones do).
#pragma once

#include <array>
#include <vector>

#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/deadline.hpp"
#include "splattrack/tracker/target.hpp"

namespace splattrack {

namespace pixel_refine_defaults {
// At most this many Jacobians (each six tangent passes) per frame.
inline constexpr int kIterations = 6;
// Huber's k, in units of a pixel's residual norm (colours and alpha 0-1):
// beyond a tenth, a pixel counts linearly (an occluder, a highlight).
inline constexpr double kHuber = 0.1;
// Stop once an iteration lowers the cost by less than this fraction.
inline constexpr double kMinRelativeDecrease = 0.002;
// Levenberg-Marquardt damping: start, floor, and its change on a rejected /
// accepted step; tries per iteration.
inline constexpr double kInitialLambda = 1e-4, kMinLambda = 1e-7, kLambdaUp = 8, kLambdaDown = 3;
inline constexpr int kTries = 3;
// An accepted step is tried at 2, 4, 8 times its length.
inline constexpr int kExpansions = 3;
}  // namespace pixel_refine_defaults

struct PixelRefineOptions {
  int iterations = pixel_refine_defaults::kIterations;  // 0: no refinement
  double huber = pixel_refine_defaults::kHuber;
  Deadline deadline;
};

struct PixelRefineResult {
  CentredPose pose;
  double initial_cost = 0;  // Σ ρ at the start
  double final_cost = 0;    // and at the returned pose (never above the start's)
  int iterations = 0;       // Jacobians evaluated
  int renders = 0;
};

// The residuals r_p above, [H, W, C] with C = 4 with a mask, 3 without.
struct PixelResiduals {
  std::vector<float> values;
  int channels = 0;
};

// r_p of `observed` (the observation's apply() of a render), and the sum of
// Huber's ρ over the pixels.
void pixel_residuals(const Observation& observation, const Observed& observed, PixelResiduals& out);
double pixel_cost(const PixelResiduals& residuals, double huber);
// dr_p along a tangent: `observed_tangent` is the observation's jvp() of the
// render's tangent image, laid out as pixel_residuals.
void pixel_residual_tangent(const Observation& observation, const Observed& observed_tangent, PixelResiduals& out);

PixelRefineResult pixel_refine(PoseAligner& aligner, MatchTarget& target, const CentredPose& start,
                               const PixelRefineOptions& options = {});

}  // namespace splattrack
