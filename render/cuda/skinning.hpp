// Launchers of the skinning stage (skinning.cu): the Gaussians moved by their
// K control points (gs::skin, skinning.hpp), its backward to the nodes and
// its forward mode. One thread per Gaussian.
#pragma once

#include "splattrack/render/skinning.hpp"

namespace splattrack::cuda {

// Device arrays; node quantities in float as the CPU's Deformation feeds them.
struct SkinInputs {
  const float* node_rest;         // [M, 3] p_k
  const float* node_rotation;     // [M, 4] r_k, w x y z
  const float* node_translation;  // [M, 3] T_k
  const int* binding_nodes;       // [N, K]
  const float* binding_weights;   // [N, K]
  const float* rest_means;        // [N, 3]
  const float* rest_quats;        // [N, 4]
  int count;                      // N
  gs::SkinMethod method;
};

// means [N, 3], quats [N, 4]: the skinned Gaussians.
void skin_fwd(const SkinInputs& in, float* means, float* quats, void* stream);

// Adds dL/d(r_k, T_k) to node_grads [M, 7] (r's four, then T's three; zeroed
// by the caller) from dL/d(means, quats). Summed in double, as the CPU's
// Deformation::backward sums (a node's thousands of terms cancel); the
// order of the atomic adds is not fixed, so the last bits vary run to run.
void skin_bwd(const SkinInputs& in, const float* d_means, const float* d_quats, double* node_grads, void* stream);

// The skinned Gaussians' tangent along node tangents [M, 7] (as node_grads).
void skin_jvp(const SkinInputs& in, const float* node_tangents, float* d_means, float* d_quats, void* stream);

}  // namespace splattrack::cuda
