// What tests share for rendering: one execution context per test program
// (all cores, as the command line's default) and a one-call render for
// tests that need an image, not a pass.
#pragma once

#include "splattrack/render.hpp"

namespace splattrack::test {

inline ExecutionContext& test_context() {
  static ExecutionContext context;
  return context;
}

// The image of model through camera (a copy: the pass ends here).
inline RenderImage render_image(const GaussianModel& model, const Camera& camera, const RenderOptions& options = {}) {
  Renderer renderer(test_context(), options);
  return renderer.forward(model, camera).image();
}

}  // namespace splattrack::test
