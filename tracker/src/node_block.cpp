#include "splattrack/tracker/node_block.hpp"

#include <stdexcept>

#include "splattrack/tracker/pose_gradient.hpp"

namespace splattrack {
namespace {

Eigen::Quaterniond half_pure(const Eigen::Vector3d& omega) {
  Eigen::Quaterniond q(0, 0, 0, 0);
  q.vec() = 0.5 * omega;
  return q;
}

}  // namespace

NodeBlock::NodeBlock(ParameterVector& params, int node_count, double object_radius, double rotation_step,
                     double translation_step)
    : nodes_(node_count),
      radius_(object_radius),
      rotation_(params.add("node_rotation", 3 * node_count, rotation_step)),
      translation_(params.add("node_translation", 3 * node_count, translation_step)) {}

void NodeBlock::gradient(const ParameterVector& params, const NodeTransforms& transforms, const NodeGradients& grads,
                         Eigen::VectorXd& gradient) const {
  if (transforms.size() != nodes_ || grads.size() != nodes_)
    throw std::invalid_argument("NodeBlock: transforms or gradients for other nodes");
  auto rotation = params.segment(gradient, rotation_);
  auto translation = params.segment(gradient, translation_);
  for (int k = 0; k < nodes_; ++k) {
    const Eigen::Vector4d& g = grads.rotations[k];
    const Eigen::Quaterniond product = Eigen::Quaterniond(g[0], g[1], g[2], g[3]) * transforms.rotations[k].conjugate();
    rotation.segment<3>(3 * k) = 0.5 * product.vec();
    translation.segment<3>(3 * k) = radius_ * grads.translations[k];
  }
}

void NodeBlock::retract(const ParameterVector& params, const Eigen::VectorXd& step, NodeTransforms& transforms) const {
  const auto rotation = params.segment(step, rotation_);
  const auto translation = params.segment(step, translation_);
  for (int k = 0; k < nodes_; ++k) {
    CentredPose node;  // the node's rotation moved as a pose's is (pose_gradient.hpp)
    node.rotation = transforms.rotations[k];
    node = perturbed(node, rotation.segment<3>(3 * k), Eigen::Vector3d::Zero());
    transforms.rotations[k] = node.rotation;
    transforms.translations[k] += radius_ * translation.segment<3>(3 * k);
  }
}

NodeTangent NodeBlock::tangent(const ParameterVector& params, const NodeTransforms& transforms,
                               const Eigen::VectorXd& direction) const {
  const auto rotation = params.segment(direction, rotation_);
  const auto translation = params.segment(direction, translation_);
  NodeTangent t;
  t.rotations.resize(static_cast<std::size_t>(nodes_));
  t.translations.resize(static_cast<std::size_t>(nodes_));
  for (int k = 0; k < nodes_; ++k) {
    const Eigen::Quaterniond dr = half_pure(rotation.segment<3>(3 * k)) * transforms.rotations[k];
    t.rotations[k] = Eigen::Vector4d(dr.w(), dr.x(), dr.y(), dr.z());
    t.translations[k] = radius_ * translation.segment<3>(3 * k);
  }
  return t;
}

}  // namespace splattrack
