// The pose chain rule against central finite differences of a smooth test
// function of the moved Gaussians (no renderer needed: the chain rule is
// independent of where dL/dx and dL/dq come from).
#include <gtest/gtest.h>

#include <random>

#include "splattrack/render/pose.hpp"
#include "splattrack/tracker/pose_gradient.hpp"

using namespace splattrack;

namespace {

// L = Σ_i a_i · x_i + b_i · q_i + c · |x_i|²: enough to exercise every term.
struct TestLoss {
  std::vector<double> a, b;
  double c = 0.3;
  double value(const GaussianModel& m) const {
    double l = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
      double r2 = 0;
      for (int k = 0; k < 3; ++k) {
        l += a[3 * i + k] * m.means[3 * i + k];
        r2 += double(m.means[3 * i + k]) * m.means[3 * i + k];
      }
      for (int k = 0; k < 4; ++k) l += b[4 * i + k] * m.quats[4 * i + k];
      l += c * r2;
    }
    return l;
  }
  GaussianGradients grads(const GaussianModel& m) const {
    GaussianGradients g;
    g.means.resize(m.means.size());
    g.quats.resize(m.quats.size());
    for (std::size_t i = 0; i < m.means.size(); ++i) g.means[i] = float(a[i] + 2 * c * m.means[i]);
    for (std::size_t i = 0; i < m.quats.size(); ++i) g.quats[i] = float(b[i]);
    return g;
  }
};

// The pose moved by s along direction k: world rotation vector e_k (k < 3)
// on the left, then world translation e_{k-3}.
RigidPose moved(const RigidPose& pose, int k, double s) {
  RigidPose p = pose;
  const Eigen::Vector3d axis = Eigen::Vector3d::Unit(k % 3);
  if (k < 3) p.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(s, axis)) * pose.rotation;
  else p.translation += s * axis;
  return p;
}

}  // namespace

TEST(PoseGradient, MatchesFiniteDifferences) {
  std::mt19937 rng(7);
  std::normal_distribution<double> n01;
  GaussianModel model;
  model.resize(20);
  TestLoss loss;
  for (auto& v : model.means) v = float(n01(rng));
  for (std::size_t i = 0; i < model.size(); ++i) {
    Eigen::Quaterniond q(n01(rng), n01(rng), n01(rng), n01(rng));
    q.normalize();
    model.quats[4 * i] = float(q.w());
    model.quats[4 * i + 1] = float(q.x());
    model.quats[4 * i + 2] = float(q.y());
    model.quats[4 * i + 3] = float(q.z());
  }
  for (std::size_t i = 0; i < 3 * model.size(); ++i) loss.a.push_back(n01(rng));
  for (std::size_t i = 0; i < 4 * model.size(); ++i) loss.b.push_back(n01(rng));

  RigidPose pose;
  pose.rotation = Eigen::AngleAxisd(0.8, Eigen::Vector3d(0.2, -1, 0.5).normalized());
  pose.translation = {0.4, -0.2, 3.0};
  const GaussianModel world = transformed(model, pose);
  const PoseGradient g = pose_gradient(world, pose.translation, loss.grads(world));

  const double h = 1e-3;
  for (int k = 0; k < 6; ++k) {
    auto perturbed = [&](double s) { return loss.value(transformed(model, moved(pose, k, s))); };
    const double fd = (perturbed(h) - perturbed(-h)) / (2 * h);
    const double an = k < 3 ? g.rotation[k] : g.translation[k - 3];
    EXPECT_NEAR(an, fd, 2e-3 * (1 + std::abs(fd))) << "component " << k;
  }
}

// The forward-mode twin: each of the six model tangents against central
// differences of the moved model itself, and pose_gradient as its transpose.
TEST(PoseTangents, MatchFiniteDifferencesAndPoseGradient) {
  std::mt19937 rng(8);
  std::normal_distribution<double> n01;
  GaussianModel model;
  model.resize(12);
  for (auto& v : model.means) v = float(n01(rng));
  for (auto& v : model.quats) v = float(n01(rng));  // not unit: the tangent is of the stored value
  RigidPose pose;
  pose.rotation = Eigen::AngleAxisd(0.6, Eigen::Vector3d(1, 0.3, -0.4).normalized());
  pose.translation = {-0.3, 0.5, 2.5};
  const GaussianModel world = transformed(model, pose);
  std::vector<ModelTangent> tangents;
  pose_tangents(world, pose.translation, tangents);
  ASSERT_EQ(tangents.size(), 6u);

  const double h = 1e-3;
  for (int k = 0; k < 6; ++k) {
    const GaussianModel plus = transformed(model, moved(pose, k, h));
    const GaussianModel minus = transformed(model, moved(pose, k, -h));
    for (std::size_t j = 0; j < world.means.size(); ++j)
      EXPECT_NEAR(tangents[k].means[j], (plus.means[j] - minus.means[j]) / (2 * h), 1e-3)
          << "direction " << k << " mean " << j;
    for (std::size_t j = 0; j < world.quats.size(); ++j)
      EXPECT_NEAR(tangents[k].quats[j], (plus.quats[j] - minus.quats[j]) / (2 * h), 1e-3)
          << "direction " << k << " quat " << j;
  }

  GaussianGradients grads;
  grads.means.resize(world.means.size());
  grads.quats.resize(world.quats.size());
  for (auto& v : grads.means) v = float(n01(rng));
  for (auto& v : grads.quats) v = float(n01(rng));
  const PoseGradient g = pose_gradient(world, pose.translation, grads);
  for (int k = 0; k < 6; ++k) {
    double inner = 0;
    for (std::size_t j = 0; j < grads.means.size(); ++j) inner += double(grads.means[j]) * tangents[k].means[j];
    for (std::size_t j = 0; j < grads.quats.size(); ++j) inner += double(grads.quats[j]) * tangents[k].quats[j];
    EXPECT_NEAR(inner, k < 3 ? g.rotation[k] : g.translation[k - 3], 1e-5 * (1 + std::abs(inner)))
        << "direction " << k;
  }
}
