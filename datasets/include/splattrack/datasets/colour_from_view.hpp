// Colours for a model whose mesh has none (a CAD model: ViSP's .cao, an
// untextured OBJ): each Gaussian the camera sees takes the frame's colour
// where its centre projects. The object then looks in the model as it looks
// in the video, which the tracker's colour and texture terms need; the
// sample teabox is a grey CAD box whose real print is what tells its faces
// apart.
#pragma once

#include <cstddef>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/frame.hpp"
#include "splattrack/render/model.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack {
class ExecutionContext;
}

namespace splattrack::datasets {

namespace colour_from_view_defaults {
// Seen: no further behind the rendered surface there (the model's own
// render decides what hides what) than this many of its widest sigmas over
// the cosine of the angle it is seen at (colour_from_view.cpp) ...
inline constexpr double kDepthSigmas = 0.7;
// ... where the render is this opaque (its rim mixes in the background) ...
inline constexpr float kOpaqueAt = 0.95f;
// ... and facing the camera at most acos(kMinFacing) ≈ 75° off: a face seen
// edge-on smears a few pixels of the frame over all of it.
inline constexpr double kMinFacing = 0.25;
}  // namespace colour_from_view_defaults

enum class UnseenColour {
  keep,  // Gaussians the frame does not show keep the mesh's colour (a texture's)
  mean,  // ... take the mean of the seen ones (a CAD model's grey is no better guess)
};

struct ViewColouring {
  std::size_t seen = 0;  // Gaussians coloured from the frame
  std::size_t total = 0;
};

// Recolours `model` (SH degree 0; its own coordinates) from `frame` seen by
// `camera` (no lens distortion: the renderer's) with the model at
// `world_from_model`: bilinear samples at the projected centres of the
// Gaussians that are seen (colour_from_view_defaults). Throws
// std::invalid_argument when the frame's size is not the camera's, the
// model has SH beyond degree 0, or no Gaussian is seen.
ViewColouring colour_from_view(GaussianModel& model, const Camera& camera, const RigidPose& world_from_model,
                               const FrameView& frame, UnseenColour unseen, ExecutionContext& context);

}  // namespace splattrack::datasets
