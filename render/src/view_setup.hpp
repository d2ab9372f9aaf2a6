// What every back end does before it renders: the inputs checked, the
// camera and options as the shared per-Gaussian math takes them.
#pragma once

#include "splattrack/render.hpp"
#include "splattrack/render/gaussian_math.hpp"

namespace splattrack {

// Throws std::invalid_argument when the near plane or dilation is out of range.
void check_options(const RenderOptions& options);

// Throws std::invalid_argument naming what is wrong (`who`: the caller, in
// the message).
void check_inputs(const GaussianModel& model, const Camera& camera, const char* who = "Renderer::forward");

// The view of camera with options (and the model's render mode).
gs::View make_view(const Camera& camera, const RenderOptions& options, bool antialiased);

}  // namespace splattrack
