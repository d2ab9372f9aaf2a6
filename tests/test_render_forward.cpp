// Forward pass against the double-precision brute force of render_reference.hpp.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "render_reference.hpp"
#include "render_test_util.hpp"
#include "splattrack/render.hpp"

using namespace splattrack;
using namespace splattrack::test;

namespace {

constexpr std::array<float, 3> kBackground{0.3f, 0.55f, 0.8f};
constexpr double kTolerance = 1e-4;

struct ForwardCase {
  int width, height, sh_degree, count;
  unsigned seed;
  bool antialiased = false;  // opacities compensated for the dilation
};

// Three nearly opaque layers on one spot, so that pixels stop early there
// (two layers of alpha 0.98 leave T = 4e-4, the third would go below 1e-4).
void add_opaque_stack(GaussianModel& m, const Camera& cam, std::mt19937& rng) {
  const std::size_t first = m.size();
  m.resize(first + 3);
  for (int k = 0; k < 3; ++k) {
    m.opacity_logits[first + k] = std::log(0.98f / 0.02f);
    place_clear_of_flips(m, first + k, cam, 0.4 * cam.width, 0.5 * cam.height, 2.0 + 0.5 * k, 6.0,
                         rng);
  }
}

// A large Gaussian whose x/z is beyond the 1.3 tan(half fov) clamp but whose
// footprint reaches into the image.
void add_beyond_clamp(GaussianModel& m, const Camera& cam, std::mt19937& rng) {
  const std::size_t i = m.size();
  m.resize(i + 1);
  const double u = cam.cx + cam.fx * 1.4 * cam.width / (2 * cam.fx);
  m.opacity_logits[i] = 2.f;
  place_clear_of_flips(m, i, cam, u, 0.5 * cam.height, 3.7, 0.3 * cam.width, rng);
}

class RenderForward : public ::testing::TestWithParam<ForwardCase> {};

TEST_P(RenderForward, MatchesBruteForce) {
  const ForwardCase c = GetParam();
  std::mt19937 rng(c.seed);
  const Camera cam = test_camera(c.width, c.height, rng);
  SceneSpec spec;
  spec.count = c.count;
  spec.sh_degree = c.sh_degree;
  GaussianModel model = random_scene(cam, spec, rng);
  add_opaque_stack(model, cam, rng);
  add_beyond_clamp(model, cam, rng);
  model.antialiased = c.antialiased;

  RenderOptions options;
  options.background = kBackground;
  Renderer renderer(test_context(), options);
  const RenderPass pass = renderer.forward(model, cam);
  const RenderImage& img = pass.image();
  const RefImage ref = render_reference(model, cam, kBackground, options.near_plane);

  ASSERT_EQ(img.width, c.width);
  ASSERT_EQ(img.height, c.height);
  const ReferenceDiff d = compare_to_reference(img, ref);
  EXPECT_LT(d.ambiguous, c.width * c.height / 100) << "too few pixels are comparable";
  // (Compensated, the opaque stack's layers are too thin to stop a pixel.)
  if (!c.antialiased) {
    EXPECT_GT(d.stopped, 0) << "the scene should make some pixels stop early";
  }
  EXPECT_LT(d.max_rgb, kTolerance);
  EXPECT_LT(d.max_alpha, kTolerance);
  EXPECT_LT(d.max_depth, kTolerance) << "depth error relative to a depth of 10";
}

INSTANTIATE_TEST_SUITE_P(Scenes, RenderForward,
                         ::testing::Values(ForwardCase{64, 48, 0, 300, 1},
                                           ForwardCase{37, 53, 3, 300, 2},
                                           ForwardCase{16, 16, 0, 60, 3},
                                           ForwardCase{100, 31, 3, 400, 4},
                                           ForwardCase{81, 80, 0, 500, 5},
                                           ForwardCase{33, 17, 3, 100, 6},
                                           ForwardCase{128, 96, 2, 2000, 7},
                                           ForwardCase{50, 70, 1, 800, 8},
                                           ForwardCase{64, 48, 0, 300, 9, true},
                                           ForwardCase{50, 70, 2, 800, 10, true}));

TEST(RenderForwardApi, EmptyModelGivesBackground) {
  std::mt19937 rng(7);
  const Camera cam = test_camera(20, 10, rng);
  RenderOptions options;
  options.background = kBackground;
  const RenderImage img = render_image(GaussianModel{}, cam, options);
  for (int p = 0; p < 200; ++p) {
    for (int ch = 0; ch < 3; ++ch) EXPECT_EQ(img.rgb[3 * p + ch], kBackground[ch]);
    EXPECT_EQ(img.alpha[p], 0.f);
    EXPECT_EQ(img.depth[p], 0.f);
  }
}

TEST(RenderForwardApi, CulledGaussiansLeaveNoTrace) {
  std::mt19937 rng(8);
  const Camera cam = test_camera(32, 32, rng);
  GaussianModel m;
  m.resize(2);
  place_gaussian(m, 0, cam, 16, 16, 0.15, 4.0, rng);  // in front of the near plane 0.2
  place_gaussian(m, 1, cam, 16, 16, 2.0, 4.0, rng);
  m.quats[4] = m.quats[5] = m.quats[6] = m.quats[7] = 0.f;  // zero quaternion
  const RenderImage img = render_image(m, cam);
  for (float a : img.alpha) EXPECT_EQ(a, 0.f);
}

TEST(RenderForwardApi, RejectsBadInput) {
  std::mt19937 rng(9);
  const Camera cam = test_camera(16, 16, rng);
  GaussianModel m;
  m.resize(3);
  Renderer renderer(test_context());

  GaussianModel broken = m;
  broken.quats.pop_back();
  EXPECT_THROW((void)renderer.forward(broken, cam), std::invalid_argument);

  Camera empty = cam;
  empty.width = 0;
  EXPECT_THROW((void)renderer.forward(m, empty), std::invalid_argument);

  Camera distorted = cam;
  distorted.distortion = {0.1, 0, 0, 0, 0};
  EXPECT_THROW((void)renderer.forward(m, distorted), std::invalid_argument);

  Camera bad_focal = cam;
  bad_focal.fx = 0;
  EXPECT_THROW((void)renderer.forward(m, bad_focal), std::invalid_argument);

  RenderOptions bad;
  bad.near_plane = 0.f;
  EXPECT_THROW((Renderer{test_context(), bad}), std::invalid_argument);
  EXPECT_THROW(renderer.set_options(bad), std::invalid_argument);
}

}  // namespace
