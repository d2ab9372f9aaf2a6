// Seeded randomness whose sequence is the same with every standard library:
// std::mt19937_64's output is fixed by the standard, its distributions are not.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace splattrack::datasets::detail {

class Random {
 public:
  // `stream` separates the generators that one user seed drives, so that the
  // model, the trajectory and the misalignment are not correlated.
  Random(std::uint64_t seed, std::uint64_t stream) : engine_(mix(seed) ^ mix(stream + 0x9e3779b97f4a7c15ull)) {}

  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  double normal() {  // Box–Muller; 1 - u keeps the log finite
    const double r = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    return r * std::cos(2.0 * std::numbers::pi * uniform());
  }

  Eigen::Vector3d unit_vector() {
    for (;;) {
      const Eigen::Vector3d v(normal(), normal(), normal());
      if (v.norm() > 1e-9) return v.normalized();
    }
  }

  Eigen::Quaterniond rotation() {  // uniform on SO(3)
    for (;;) {
      const Eigen::Quaterniond q(normal(), normal(), normal(), normal());
      if (q.norm() > 1e-9) return q.normalized();
    }
  }

 private:
  static std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }

  std::mt19937_64 engine_;
};

// One stream per generator that takes a user seed.
inline constexpr std::uint64_t kModelStream = 1;
inline constexpr std::uint64_t kTrajectoryStream = 2;
inline constexpr std::uint64_t kMisalignStream = 3;
inline constexpr std::uint64_t kBackgroundStream = 4;
inline constexpr std::uint64_t kSensorStream = 5;
inline constexpr std::uint64_t kMeshSampleStream = 6;  // mesh_to_gaussians: no user seed, always 0
inline constexpr std::uint64_t kLightingStream = 7;
inline constexpr std::uint64_t kOccluderStream = 8;
inline constexpr std::uint64_t kFootageStream = 9;

}  // namespace splattrack::datasets::detail
