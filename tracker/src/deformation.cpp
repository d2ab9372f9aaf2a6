#include "splattrack/tracker/deformation.hpp"

#include <algorithm>
#include <stdexcept>

namespace splattrack {
namespace {

constexpr int K = gs::kNodesPerGaussian;
// Gaussians per task: fixed, so that backward sums in the same order for
// any thread count.
constexpr int kChunk = 4096;

// The nodes' state as the per-Gaussian math takes it.
struct FloatNodes {
  std::vector<gs::Vec3f> rest, translation;
  std::vector<gs::Quatf> rotation;
};

FloatNodes float_nodes(const ControlPoints& nodes, const NodeTransforms& t) {
  if (t.size() != nodes.size() || static_cast<int>(t.translations.size()) != nodes.size())
    throw std::invalid_argument("deformation: node transforms for " + std::to_string(t.size()) + " nodes, model has " +
                                std::to_string(nodes.size()));
  FloatNodes f;
  for (int k = 0; k < nodes.size(); ++k) {
    const Eigen::Vector3f p = nodes.positions[k].cast<float>(), d = t.translations[k].cast<float>();
    const Eigen::Quaterniond& r = t.rotations[k];
    f.rest.push_back({p.x(), p.y(), p.z()});
    f.translation.push_back({d.x(), d.y(), d.z()});
    f.rotation.push_back(
        {static_cast<float>(r.w()), static_cast<float>(r.x()), static_cast<float>(r.y()), static_cast<float>(r.z())});
  }
  return f;
}

// The GPU's copy of the nodes' state (gs::Vec3f and gs::Quatf are packed floats).
void set_gpu_nodes(CudaSkinning& gpu, const FloatNodes& f) {
  static_assert(sizeof(gs::Vec3f) == 3 * sizeof(float) && sizeof(gs::Quatf) == 4 * sizeof(float));
  gpu.set_nodes(&f.rest.data()->x, &f.rotation.data()->w, &f.translation.data()->x);
}

void gather(const FloatNodes& f, const SkinBinding& b, std::size_t i, gs::SkinNodes<float>& out) {
  for (int j = 0; j < K; ++j) {
    const auto k = static_cast<std::size_t>(b.nodes[i * K + j]);
    out[j] = {f.rest[k], f.rotation[k], f.translation[k], b.weights[i * K + j]};
  }
}

gs::Vec3f mean_of(const std::vector<float>& means, std::size_t i) {
  return {means[3 * i], means[3 * i + 1], means[3 * i + 2]};
}

gs::Quatf quat_of(const std::vector<float>& quats, std::size_t i) {
  return {quats[4 * i], quats[4 * i + 1], quats[4 * i + 2], quats[4 * i + 3]};
}

void store(const gs::SkinnedGaussian<float>& s, std::size_t i, std::vector<float>& means, std::vector<float>& quats) {
  const float m[3] = {s.mean.x, s.mean.y, s.mean.z}, q[4] = {s.quat.w, s.quat.x, s.quat.y, s.quat.z};
  std::copy(m, m + 3, means.begin() + static_cast<std::ptrdiff_t>(3 * i));
  std::copy(q, q + 4, quats.begin() + static_cast<std::ptrdiff_t>(4 * i));
}

int chunks(std::size_t n) { return static_cast<int>((n + kChunk - 1) / kChunk); }

// body(task, begin, end) for each chunk of kChunk of the n Gaussians, on `context`.
template <class Body>
void for_each_chunk(ExecutionContext& context, std::size_t n, Body&& body) {
  context.run(chunks(n), [&](int task, int) {
    const std::size_t begin = static_cast<std::size_t>(task) * kChunk;
    body(task, begin, std::min(n, begin + kChunk));
  });
}

}  // namespace

NodeTransforms NodeTransforms::identity(int count) {
  NodeTransforms t;
  t.rotations.assign(static_cast<std::size_t>(count), Eigen::Quaterniond::Identity());
  t.translations.assign(static_cast<std::size_t>(count), Eigen::Vector3d::Zero());
  return t;
}

void NodeVectors::set_zero(int count) {
  rotations.assign(static_cast<std::size_t>(count), Eigen::Vector4d::Zero());
  translations.assign(static_cast<std::size_t>(count), Eigen::Vector3d::Zero());
}

Deformation::Deformation(const GaussianModel& rest, ControlPoints nodes, SkinMethod method, bool cuda)
    : rest_(rest), nodes_(std::move(nodes)), binding_(bind_gaussians(rest_, nodes_)), method_(method) {
  if (cuda)
    gpu_ = std::make_shared<CudaSkinning>(rest_.means.data(), rest_.quats.data(), binding_.nodes.data(),
                                          binding_.weights.data(), static_cast<int>(rest_.size()), nodes_.size(),
                                          method_);
}

void Deformation::apply(const NodeTransforms& transforms, GaussianModel& out, ExecutionContext& context) const {
  const std::size_t n = rest_.size();
  if (out.size() != n || out.sh_degree != rest_.sh_degree) out = rest_;
  const FloatNodes f = float_nodes(nodes_, transforms);
  if (gpu_) {
    set_gpu_nodes(*gpu_, f);
    return gpu_->apply(out.means.data(), out.quats.data());
  }
  for_each_chunk(context, n, [&](int, std::size_t begin, std::size_t end) {
    gs::SkinNodes<float> nodes;
    for (std::size_t i = begin; i < end; ++i) {
      gather(f, binding_, i, nodes);
      store(gs::skin(method_, nodes, mean_of(rest_.means, i), quat_of(rest_.quats, i)), i, out.means, out.quats);
    }
  });
}

void Deformation::backward(const NodeTransforms& transforms, const GaussianGradients& grads, NodeGradients& out,
                           ExecutionContext& context) const {
  const std::size_t n = rest_.size();
  const int m = nodes_.size();
  if (grads.means.size() != 3 * n || grads.quats.size() != 4 * n)
    throw std::invalid_argument("deformation: gradients for another model");
  const FloatNodes f = float_nodes(nodes_, transforms);
  out.set_zero(m);
  if (gpu_) {
    std::vector<double> sums(7 * static_cast<std::size_t>(m));
    set_gpu_nodes(*gpu_, f);
    gpu_->backward(grads.means.data(), grads.quats.data(), sums.data());
    for (int k = 0; k < m; ++k) {
      const double* a = sums.data() + 7 * static_cast<std::size_t>(k);
      out.rotations[k] = Eigen::Vector4d(a[0], a[1], a[2], a[3]);
      out.translations[k] = Eigen::Vector3d(a[4], a[5], a[6]);
    }
    return;
  }
  // Per task: [M, 7] sums of (dL/dr_k, dL/dT_k), added in task order after.
  std::vector<double> partial(static_cast<std::size_t>(chunks(n)) * m * 7, 0.0);
  for_each_chunk(context, n, [&](int task, std::size_t begin, std::size_t end) {
    double* acc = partial.data() + static_cast<std::size_t>(task) * m * 7;
    gs::SkinNodes<float> nodes;
    gs::SkinNodeGrads<float> d;
    for (std::size_t i = begin; i < end; ++i) {
      gather(f, binding_, i, nodes);
      gs::skin_vjp(method_, nodes, mean_of(rest_.means, i), quat_of(rest_.quats, i),
                   {mean_of(grads.means, i), quat_of(grads.quats, i)}, d);
      for (int j = 0; j < K; ++j) {
        double* a = acc + static_cast<std::size_t>(binding_.nodes[i * K + j]) * 7;
        const float g[7] = {d[j].rotation.w,    d[j].rotation.x,    d[j].rotation.y,   d[j].rotation.z,
                            d[j].translation.x, d[j].translation.y, d[j].translation.z};
        for (int c = 0; c < 7; ++c) a[c] += g[c];
      }
    }
  });
  for (int task = 0; task < chunks(n); ++task)
    for (int k = 0; k < m; ++k) {
      const double* a = partial.data() + (static_cast<std::size_t>(task) * m + k) * 7;
      out.rotations[k] += Eigen::Vector4d(a[0], a[1], a[2], a[3]);
      out.translations[k] += Eigen::Vector3d(a[4], a[5], a[6]);
    }
}

void Deformation::jvp(const NodeTransforms& transforms, const NodeTangent& tangent, ModelTangent& out,
                      ExecutionContext& context) const {
  const std::size_t n = rest_.size();
  if (tangent.size() != nodes_.size()) throw std::invalid_argument("deformation: a tangent for other nodes");
  const FloatNodes f = float_nodes(nodes_, transforms);
  std::vector<gs::SkinNodeGrad<float>> dn(static_cast<std::size_t>(nodes_.size()));
  for (int k = 0; k < nodes_.size(); ++k) {
    const Eigen::Vector4f r = tangent.rotations[k].cast<float>();
    const Eigen::Vector3f t = tangent.translations[k].cast<float>();
    dn[k] = {{r[0], r[1], r[2], r[3]}, {t.x(), t.y(), t.z()}};
  }
  out.means.resize(3 * n);
  out.quats.resize(4 * n);
  if (gpu_) {
    static_assert(sizeof(gs::SkinNodeGrad<float>) == 7 * sizeof(float), "r's four, then T's three");
    set_gpu_nodes(*gpu_, f);
    return gpu_->jvp(&dn.data()->rotation.w, out.means.data(), out.quats.data());
  }
  for_each_chunk(context, n, [&](int, std::size_t begin, std::size_t end) {
    gs::SkinNodes<float> nodes;
    gs::SkinNodeGrads<float> d;
    for (std::size_t i = begin; i < end; ++i) {
      gather(f, binding_, i, nodes);
      for (int j = 0; j < K; ++j) d[j] = dn[static_cast<std::size_t>(binding_.nodes[i * K + j])];
      store(gs::skin_jvp(method_, nodes, d, mean_of(rest_.means, i), quat_of(rest_.quats, i)), i, out.means, out.quats);
    }
  });
}

}  // namespace splattrack
