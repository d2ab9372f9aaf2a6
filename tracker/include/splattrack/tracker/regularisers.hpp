// The deformation's regularisers (METHOD.md §1, §3), scale-free: lengths in
// object radii r, so that one weight serves objects of any size.
//
// Embedded-deformation / ARAP term over the node graph N (each node's
// graph_degree nearest), without an SVD:
//   E_arap = 1 / (|N(k)| r²) Σ_k Σ_{j∈N(k)} ‖(p_j + T_j − p_k − T_k) − R_k (p_j − p_k)‖²
// zero exactly when the nodes move as one rigid body. Summed over the nodes,
// not averaged: with four times the nodes the best weight (averaged) was
// four to ten times higher (deform_fit.hpp).
//
// Temporal term, against a reference (the previous frame's transforms or
// their constant-velocity prediction):
//   E_temp = 1 / M Σ_k [ ‖T_k − T̂_k‖² / r² + 4 (1 − (r_k · r̂_k)²) ]
// the second part ≈ the squared angle between R_k and R̂_k in radians
// (4 sin²(θ/2)), and blind to the quaternions' sign.
#pragma once

#include "splattrack/tracker/control_points.hpp"
#include "splattrack/tracker/deformation.hpp"

namespace splattrack {

// Each returns the energy and, when `grad` is not null, adds its gradient
// w.r.t. (r_k as quaternion components, T_k) to `grad` (sized for the nodes).
double arap_energy(const ControlPoints& nodes, const NodeTransforms& transforms, double object_radius,
                   NodeGradients* grad);
double temporal_energy(const NodeTransforms& transforms, const NodeTransforms& reference, double object_radius,
                       NodeGradients* grad);

}  // namespace splattrack
