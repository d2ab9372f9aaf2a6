// Renderer::forward -> RenderPass: what a pass owns, what it refuses, and
// that a renderer hands an ended pass's buffers to the next one.
#include <gtest/gtest.h>

#include <concepts>
#include <random>
#include <stdexcept>
#include <utility>

#include "render_reference.hpp"
#include "splattrack/render.hpp"

using namespace splattrack;
using namespace splattrack::test;

namespace {

// A pass can only be had for a model that outlives the call: rendering a
// temporary does not compile. Gradients can only be asked of a pass.
template <class Model>
concept PassFrom = requires(Renderer& r, Model&& m, const Camera& c) {
  { r.forward(std::forward<Model>(m), c) } -> std::same_as<RenderPass>;
};
static_assert(PassFrom<GaussianModel&>);
static_assert(PassFrom<const GaussianModel&>);
static_assert(!PassFrom<GaussianModel>);
static_assert(!PassFrom<const GaussianModel>);
static_assert(!std::is_copy_constructible_v<RenderPass> && std::is_nothrow_move_constructible_v<RenderPass>);
template <class R>
concept Differentiates = requires(R& r, const std::vector<ModelTangent>& v) {
  r.backward(nullptr, nullptr);
  r.jvp(v);
};
static_assert(Differentiates<RenderPass>);
static_assert(!Differentiates<Renderer>);

struct Scene {
  Camera cam;
  GaussianModel model;
  LinearLoss loss;
};

Scene make_scene(unsigned seed) {
  std::mt19937 rng(seed);
  Scene s;
  s.cam = test_camera(70, 45, rng);
  SceneSpec spec;
  spec.count = 300;
  spec.sh_degree = 1;
  spec.min_margin = 0;
  s.model = random_scene(s.cam, spec, rng);
  s.loss = random_loss(s.cam.width, s.cam.height, rng);
  return s;
}

std::vector<ModelTangent> tangents(const GaussianModel& m, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n01;
  std::vector<ModelTangent> v(count);
  for (ModelTangent& t : v) {
    t.means.resize(m.means.size());
    t.quats.resize(m.quats.size());
    for (float& x : t.means) x = 0.05f * n01(rng);
    for (float& x : t.quats) x = 0.3f * n01(rng);
  }
  return v;
}

TEST(RenderPass, OwnsWhatItRendered) {
  const Scene s = make_scene(1);
  ExecutionContext context(2);
  Renderer renderer(context, {});
  RenderPass pass = renderer.forward(s.model, s.cam);
  EXPECT_EQ(&pass.model(), &s.model);
  EXPECT_EQ(pass.gaussian_count(), s.model.size());
  EXPECT_EQ(pass.camera().width, s.cam.width);
  EXPECT_EQ(pass.camera().cam_from_world, s.cam.cam_from_world);
  EXPECT_EQ(pass.image().width, s.cam.width);
  EXPECT_EQ(pass.image().rgb.size(), 3u * s.cam.width * s.cam.height);
}

// Two live passes of one renderer (another pose, another size) keep their
// own images and differentiate their own forward.
TEST(RenderPass, LivePassesAreIndependent) {
  const Scene a = make_scene(2), b = make_scene(3);
  ExecutionContext context(2);
  Renderer renderer(context, {});
  RenderPass pa = renderer.forward(a.model, a.cam);
  const RenderImage image_a = pa.image();
  RenderPass pb = renderer.forward(b.model, b.cam);
  EXPECT_EQ(pa.image().rgb, image_a.rgb);
  const GaussianGradients ga = pa.backward(a.loss.w_rgb.data(), a.loss.w_alpha.data());
  const GaussianGradients gb = pb.backward(b.loss.w_rgb.data(), b.loss.w_alpha.data());

  // Each against a renderer that did nothing else.
  Renderer alone(context, {});
  RenderPass only_a = alone.forward(a.model, a.cam);
  EXPECT_EQ(only_a.image().rgb, image_a.rgb);
  EXPECT_EQ(only_a.backward(a.loss.w_rgb.data(), a.loss.w_alpha.data()).means, ga.means);
  RenderPass only_b = alone.forward(b.model, b.cam);
  EXPECT_EQ(only_b.backward(b.loss.w_rgb.data(), b.loss.w_alpha.data()).quats, gb.quats);
  EXPECT_EQ(only_b.jvp(tangents(b.model, 2, 5))[1].rgb, pb.jvp(tangents(b.model, 2, 5))[1].rgb);
}

// An ended pass's buffers go to the next forward() (no allocation once the
// sizes are known), and the reused buffers give the same bits.
TEST(RenderPass, NextForwardReusesTheBuffersOfAnEndedPass) {
  const Scene s = make_scene(4);
  const std::vector<ModelTangent> v = tangents(s.model, 3, 6);
  ExecutionContext context(2);
  Renderer renderer(context, {});
  RenderImage first_image;
  GaussianGradients first_grads;
  const float* first_rgb = nullptr;
  {
    RenderPass pass = renderer.forward(s.model, s.cam);
    first_image = pass.image();
    first_rgb = pass.image().rgb.data();
    first_grads = pass.backward(s.loss.w_rgb.data(), s.loss.w_alpha.data());
  }
  RenderPass again = renderer.forward(s.model, s.cam);
  EXPECT_EQ(again.image().rgb.data(), first_rgb);
  EXPECT_EQ(again.image().rgb, first_image.rgb);
  EXPECT_EQ(again.image().alpha, first_image.alpha);
  EXPECT_EQ(again.backward(s.loss.w_rgb.data(), s.loss.w_alpha.data()).means, first_grads.means);
  // A second live pass cannot take buffers a live pass holds.
  RenderPass other = renderer.forward(s.model, s.cam);
  EXPECT_NE(other.image().rgb.data(), first_rgb);
  EXPECT_EQ(other.jvp(v)[2].alpha, again.jvp(v)[2].alpha);
}

TEST(RenderPass, RefusesAChangedOrMovedFromModel) {
  Scene s = make_scene(7);
  ExecutionContext context(1);
  Renderer renderer(context, {});
  RenderPass pass = renderer.forward(s.model, s.cam);
  s.model.resize(s.model.size() + 1);
  EXPECT_THROW(pass.backward(nullptr, nullptr), std::logic_error);
  EXPECT_THROW(pass.jvp({}), std::logic_error);

  RenderPass moved = std::move(pass);
  EXPECT_THROW(pass.image(), std::logic_error);  // NOLINT(bugprone-use-after-move): what it does
  EXPECT_EQ(moved.image().width, s.cam.width);
}

// Options are the renderer's at forward(): a live pass keeps its own.
TEST(RenderPass, KeepsTheOptionsOfItsForward) {
  const Scene s = make_scene(8);
  ExecutionContext context(2);
  RenderOptions dark, light;
  light.background = {1.f, 1.f, 1.f};
  Renderer renderer(context, dark);
  RenderPass pass = renderer.forward(s.model, s.cam);
  const GaussianGradients before = pass.backward(s.loss.w_rgb.data(), s.loss.w_alpha.data());
  renderer.set_options(light);
  EXPECT_EQ(pass.backward(s.loss.w_rgb.data(), s.loss.w_alpha.data()).means, before.means);
  RenderPass lit = renderer.forward(s.model, s.cam);
  EXPECT_NE(lit.image().rgb, pass.image().rgb);
}

}  // namespace
