// What tests share for rendering: one execution context per test program
// (all cores, as the command line's default) and a one-call render for
// tests that need an image, not a pass; a model whose derivatives
// differences can check.
#pragma once

#include <cmath>
#include <random>

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

// Few, large, half-transparent Gaussians (40, about the origin, 0.35 across):
// the renderer's hard cuts (alpha below 1/255 skipped, the 3-sigma footprint)
// make a render jump by tiny steps as a pose moves, which differences see
// and the analytic derivatives rightly leave out; with the procedural
// object's small Gaussians those jumps add up to 8-25 % of a pose
// derivative, with these to well under the tolerance of a check.
inline GaussianModel blobs() {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  GaussianModel m;
  m.resize(40);
  for (std::size_t i = 0; i < m.size(); ++i) {
    for (std::size_t k = 0; k < 3; ++k) {
      m.means[3 * i + k] = 0.35f * u(rng);
      m.log_scales[3 * i + k] = std::log(0.12f + 0.05f * u(rng));
      m.sh[3 * i + k] = 1.2f * u(rng);
    }
    for (std::size_t k = 0; k < 4; ++k) m.quats[4 * i + k] = u(rng);
    m.opacity_logits[i] = 0.f;
  }
  return m;
}

}  // namespace splattrack::test
