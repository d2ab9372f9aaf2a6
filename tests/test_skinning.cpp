// The shared per-Gaussian skinning math (render/skinning.hpp): the rigid
// special cases, the sign alignment, dual quaternions' volume preservation,
// and the backward pass and forward-mode twin against central differences
// (double precision, so that the checks are tight).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "splattrack/render/skinning.hpp"

namespace gs = splattrack::gs;
using gs::SkinMethod;

namespace {

constexpr int K = gs::kNodesPerGaussian;
using Nodes = gs::SkinNode<double>[K];
using Grads = gs::SkinNodeGrad<double>[K];

gs::Quat<double> unit_quat(double angle, gs::Vec3<double> axis) {
  const double n = std::sqrt(gs::dot(axis, axis));
  const double s = std::sin(angle / 2) / n;
  return {std::cos(angle / 2), s * axis.x, s * axis.y, s * axis.z};
}

struct Case {
  Nodes nodes;
  gs::Vec3<double> x;
  gs::Quat<double> q;
};

Case random_case(std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  Case c{};
  double total = 0;
  for (auto& n : c.nodes) {
    n.rest = {u(rng), u(rng), u(rng)};
    n.rotation = unit_quat(0.8 * u(rng), {u(rng), u(rng), u(rng) + 1.5});
    n.translation = {0.3 * u(rng), 0.3 * u(rng), 0.3 * u(rng)};
    n.weight = 0.2 + std::abs(u(rng));
    total += n.weight;
  }
  for (auto& n : c.nodes) n.weight /= total;
  c.nodes[2].rotation = gs::quat_scale(-1.0, c.nodes[2].rotation);  // the same rotation, the other sign
  c.x = {u(rng), u(rng), u(rng)};
  c.q = {0.9 + 0.2 * u(rng), u(rng), u(rng), u(rng)};  // stored quaternions need not be unit
  return c;
}

// L = <a, x'> + <c, q'>, the scalar whose gradient the backward pass gives.
struct Probe {
  gs::Vec3<double> a;
  gs::Quat<double> c;
  double operator()(const gs::SkinnedGaussian<double>& s) const { return gs::dot(a, s.mean) + gs::quat_dot(c, s.quat); }
};

double& component(Nodes& n, int k, int i) {
  double* r[7] = {&n[k].rotation.w,    &n[k].rotation.x,    &n[k].rotation.y,   &n[k].rotation.z,
                  &n[k].translation.x, &n[k].translation.y, &n[k].translation.z};
  return *r[i];
}

double component(const Grads& g, int k, int i) {
  const double r[7] = {g[k].rotation.w,    g[k].rotation.x,    g[k].rotation.y,   g[k].rotation.z,
                       g[k].translation.x, g[k].translation.y, g[k].translation.z};
  return r[i];
}

void expect_near(gs::Vec3<double> a, gs::Vec3<double> b, double tol) {
  EXPECT_NEAR(a.x, b.x, tol);
  EXPECT_NEAR(a.y, b.y, tol);
  EXPECT_NEAR(a.z, b.z, tol);
}

void expect_near(gs::Quat<double> a, gs::Quat<double> b, double tol) {
  EXPECT_NEAR(a.w, b.w, tol);
  EXPECT_NEAR(a.x, b.x, tol);
  EXPECT_NEAR(a.y, b.y, tol);
  EXPECT_NEAR(a.z, b.z, tol);
}

class Skinning : public ::testing::TestWithParam<SkinMethod> {};

TEST_P(Skinning, IdentityNodesLeaveTheGaussianAsItIs) {
  std::mt19937 rng(1);
  Case c = random_case(rng);
  for (auto& n : c.nodes) {
    n.rotation = {1, 0, 0, 0};
    n.translation = {0, 0, 0};
  }
  const auto s = gs::skin(GetParam(), c.nodes, c.x, c.q);
  expect_near(s.mean, c.x, 1e-14);
  expect_near(s.quat, c.q, 1e-14);
}

TEST_P(Skinning, NodesMovedByOneRigidMotionMoveTheGaussianRigidly) {
  std::mt19937 rng(2);
  Case c = random_case(rng);
  const gs::Quat<double> r = unit_quat(1.1, {0.3, -0.5, 0.8});
  const gs::Vec3<double> t{0.4, -0.2, 0.9};
  const gs::Mat3<double> m = gs::quat_to_rotation(r);
  for (int k = 0; k < K; ++k) {
    // R (x − p) + p + T = R x + t  for every x  ⇔  T = R p + t − p.
    auto& n = c.nodes[k];
    n.rotation = k == 1 ? gs::quat_scale(-1.0, r) : r;
    n.translation = gs::rotate(m, n.rest) + t - n.rest;
  }
  const auto s = gs::skin(GetParam(), c.nodes, c.x, c.q);
  expect_near(s.mean, gs::rotate(m, c.x) + t, 1e-12);
  expect_near(s.quat, gs::quat_mul(r, c.q), 1e-12);
}

TEST_P(Skinning, ANodeQuaternionsSignDoesNotMatter) {
  std::mt19937 rng(3);
  Case c = random_case(rng);
  const auto before = gs::skin(GetParam(), c.nodes, c.x, c.q);
  c.nodes[3].rotation = gs::quat_scale(-1.0, c.nodes[3].rotation);
  const auto after = gs::skin(GetParam(), c.nodes, c.x, c.q);
  expect_near(after.mean, before.mean, 1e-12);
  expect_near(after.quat, before.quat, 1e-12);
}

TEST_P(Skinning, BackwardMatchesCentralDifferences) {
  std::mt19937 rng(4);
  for (int trial = 0; trial < 20; ++trial) {
    Case c = random_case(rng);
    std::uniform_real_distribution<double> u(-1, 1);
    const Probe probe{{u(rng), u(rng), u(rng)}, {u(rng), u(rng), u(rng), u(rng)}};
    Grads g;
    gs::skin_vjp(GetParam(), c.nodes, c.x, c.q, {probe.a, probe.c}, g);
    constexpr double h = 1e-6;
    for (int k = 0; k < K; ++k)
      for (int i = 0; i < 7; ++i) {
        Nodes plus, minus;
        std::copy(std::begin(c.nodes), std::end(c.nodes), std::begin(plus));
        std::copy(std::begin(c.nodes), std::end(c.nodes), std::begin(minus));
        component(plus, k, i) += h;
        component(minus, k, i) -= h;
        const double fd =
            (probe(gs::skin(GetParam(), plus, c.x, c.q)) - probe(gs::skin(GetParam(), minus, c.x, c.q))) / (2 * h);
        EXPECT_NEAR(component(g, k, i), fd, 1e-7 * (1 + std::abs(fd)))
            << "trial " << trial << " node " << k << " component " << i;
      }
  }
}

TEST_P(Skinning, ForwardModeIsTheTransposeOfTheBackward) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int trial = 0; trial < 20; ++trial) {
    const Case c = random_case(rng);
    Grads tangent;
    for (auto& t : tangent) t = {{u(rng), u(rng), u(rng), u(rng)}, {u(rng), u(rng), u(rng)}};
    const auto jvp = gs::skin_jvp(GetParam(), c.nodes, tangent, c.x, c.q);
    // Against central differences along the tangent ...
    constexpr double h = 1e-6;
    Nodes plus, minus;
    for (int k = 0; k < K; ++k) {
      plus[k] = minus[k] = c.nodes[k];
      for (int i = 0; i < 7; ++i) {
        component(plus, k, i) += h * component(tangent, k, i);
        component(minus, k, i) -= h * component(tangent, k, i);
      }
    }
    const auto sp = gs::skin(GetParam(), plus, c.x, c.q), sm = gs::skin(GetParam(), minus, c.x, c.q);
    expect_near(jvp.mean, (1 / (2 * h)) * (sp.mean - sm.mean), 1e-7);
    expect_near(jvp.quat, gs::quat_scale(1 / (2 * h), gs::quat_add(sp.quat, gs::quat_scale(-1.0, sm.quat))), 1e-7);
    // ... and <u, J v> = <Jᵀ u, v>.
    const Probe probe{{u(rng), u(rng), u(rng)}, {u(rng), u(rng), u(rng), u(rng)}};
    Grads g;
    gs::skin_vjp(GetParam(), c.nodes, c.x, c.q, {probe.a, probe.c}, g);
    double back = 0;
    for (int k = 0; k < K; ++k)
      for (int i = 0; i < 7; ++i) back += component(g, k, i) * component(tangent, k, i);
    EXPECT_NEAR(probe(jvp), back, 1e-12 * (1 + std::abs(back)));
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, Skinning, ::testing::Values(SkinMethod::lbs, SkinMethod::dqs),
                         [](const auto& info) { return info.param == SkinMethod::lbs ? "Lbs" : "Dqs"; });

// Nodes on the x axis twisted ±60° about it; a point between them, on a
// ring of radius 1 about the axis, weighted half and half. Linear blending
// averages the two rotated points (the "candy wrapper": the ring shrinks to
// radius cos 60° = 1/2); dual quaternions turn it by the mean angle and keep
// it on the ring.
TEST(SkinningTwist, DualQuaternionsKeepTheVolumeThatLinearBlendingLoses) {
  Nodes n{};
  const double turn[K] = {M_PI / 3, -M_PI / 3, M_PI / 3, -M_PI / 3};
  for (int k = 0; k < K; ++k) {
    n[k].rest = {k % 2 == 0 ? -1.0 : 1.0, 0, 0};
    n[k].rotation = unit_quat(turn[k], {1, 0, 0});
    n[k].translation = {0, 0, 0};
    n[k].weight = 0.25;
  }
  const gs::Vec3<double> x{0, 1, 0};
  const auto lbs = gs::skin(SkinMethod::lbs, n, x, {1, 0, 0, 0});
  const auto dqs = gs::skin(SkinMethod::dqs, n, x, {1, 0, 0, 0});
  EXPECT_NEAR(std::hypot(lbs.mean.y, lbs.mean.z), 0.5, 1e-12);
  EXPECT_NEAR(std::hypot(dqs.mean.y, dqs.mean.z), 1.0, 1e-12);
  EXPECT_NEAR(dqs.mean.x, 0.0, 1e-12);
}

}  // namespace
