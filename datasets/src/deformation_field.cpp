#include "splattrack/datasets/deformation_field.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace splattrack::datasets {
namespace {

constexpr double kBendDeg = 35;          // the axis' turn at its ends at full strength
constexpr double kTwistDeg = 45;         // the sections' turn at the axis' ends
constexpr double kWaveAmplitude = 0.08;  // of the half length
constexpr double kWaveCycles = 1;        // wavelengths per half length

double radians(double deg) { return deg * std::numbers::pi / 180; }

}  // namespace

DeformationField::DeformationField(const GaussianModel& rest, const DeformFieldOptions& options)
    : rest_(rest), options_(options) {
  const std::size_t n = rest.size();
  if (n == 0) throw std::invalid_argument("deformation field: the model has no Gaussians");
  if (!(options.period_frames > 0)) throw std::invalid_argument("deformation field: the period must be > 0");
  Eigen::Map<const Eigen::Matrix<float, 3, Eigen::Dynamic>> means(rest.means.data(), 3, static_cast<Eigen::Index>(n));
  const Eigen::Matrix3Xd x = means.cast<double>();
  centre_ = x.rowwise().mean();
  const Eigen::Matrix3Xd d = x.colwise() - centre_;
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> eig(d * d.transpose());
  // Eigenvalues ascending: the longest axis is the last.
  axes_.col(0) = eig.eigenvectors().col(2);
  axes_.col(1) = eig.eigenvectors().col(1);
  axes_.col(2) = axes_.col(0).cross(axes_.col(1));
  half_length_ = std::max((axes_.col(0).transpose() * d).cwiseAbs().maxCoeff(), 1e-12);
}

DeformationField::Moved DeformationField::at(const Eigen::Vector3d& x, double t) const {
  const Eigen::Vector3d local = axes_.transpose() * (x - centre_);  // (s, a, b)
  const double s = local[0], a = local[1], b = local[2];
  const double phase = 2 * std::numbers::pi * t / options_.period_frames;
  const double envelope = std::sin(phase) * options_.strength;
  Eigen::Vector3d moved = local;
  Eigen::Quaterniond turn = Eigen::Quaterniond::Identity();
  switch (options_.scene) {
    case DeformScene::bend: {
      // Barr's bend in the (s, a) plane about a centre of curvature at
      // a = 1/κ: arc length along the axis is kept.
      const double kappa = radians(kBendDeg) * envelope / half_length_;
      const double theta = kappa * s;
      if (std::abs(kappa) > 1e-12) {
        const double r = 1 / kappa - a;
        moved = {r * std::sin(theta), 1 / kappa - r * std::cos(theta), b};
      }
      turn = Eigen::AngleAxisd(theta, Eigen::Vector3d::UnitZ());
      break;
    }
    case DeformScene::twist: {
      const double phi = radians(kTwistDeg) * envelope * s / half_length_;
      turn = Eigen::AngleAxisd(phi, Eigen::Vector3d::UnitX());
      moved = turn * local;
      break;
    }
    case DeformScene::wave: {
      const double k = 2 * std::numbers::pi * kWaveCycles / half_length_;
      const double amp = kWaveAmplitude * half_length_ * envelope;
      moved[1] = a + amp * std::sin(k * s - phase);
      turn = Eigen::AngleAxisd(std::atan(amp * k * std::cos(k * s - phase)), Eigen::Vector3d::UnitZ());
      break;
    }
  }
  Moved out;
  out.position = centre_ + axes_ * moved;
  out.rotation = Eigen::Quaterniond(axes_ * turn.toRotationMatrix() * axes_.transpose()).normalized();
  return out;
}

GaussianModel DeformationField::deformed(double t) const {
  GaussianModel out = rest_;
  for (std::size_t i = 0; i < rest_.size(); ++i) {
    const Moved m = at({rest_.means[3 * i], rest_.means[3 * i + 1], rest_.means[3 * i + 2]}, t);
    for (int k = 0; k < 3; ++k) out.means[3 * i + k] = static_cast<float>(m.position[k]);
    const float* q = &rest_.quats[4 * i];
    const Eigen::Quaterniond r = m.rotation * Eigen::Quaterniond(q[0], q[1], q[2], q[3]);
    out.quats[4 * i] = static_cast<float>(r.w());
    for (int k = 0; k < 3; ++k) out.quats[4 * i + 1 + k] = static_cast<float>(r.vec()[k]);
  }
  return out;
}

}  // namespace splattrack::datasets
