#include "splattrack/datasets/object_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "random.hpp"
#include "splattrack/render/sh.hpp"

namespace splattrack::datasets {

namespace {

using Eigen::Vector3d;
using detail::Random;

inline constexpr double kPi = std::numbers::pi;
// Tangential std-dev as a fraction of the mean spacing: neighbours overlap
// enough for an opaque surface without blurring the texture.
inline constexpr double kTangentSigma = 0.6;
inline constexpr double kFlatness = 0.1;  // normal std-dev / tangential std-dev
inline constexpr double kColourJitter = 0.1;

// Body: an egg, each octant a piece of an ellipsoid with the semi-axes of its
// side (longer at +x, taller at +z). Neighbouring pieces share the semi-axes
// of their common plane, so the surface and its normals join smoothly.
inline constexpr double kBodyFront = 0.30, kBodyBack = 0.25;  // x
inline constexpr double kBodySide = 0.14;                     // y, both sides
inline constexpr double kBodyTop = 0.22, kBodyBottom = 0.14;  // z
inline constexpr int kBodyStripes = 6;
// The body is lit brighter towards one oblique direction: a large-scale
// colour dipole that low spatial frequencies can see, off every principal axis.
inline constexpr std::array<double, 3> kBrightSide = {0.37, -0.46, 0.81};
inline constexpr double kShadeDepth = 0.5;

// Seven saturated colours; patch (stripe s, quadrant q) gets (s + 3 q) mod 7,
// which differs between any two neighbouring patches and between quadrants.
inline constexpr std::array<std::array<double, 3>, 7> kPalette = {{{0.90, 0.10, 0.10},
                                                                   {1.00, 0.55, 0.05},
                                                                   {0.95, 0.90, 0.10},
                                                                   {0.10, 0.75, 0.20},
                                                                   {0.10, 0.80, 0.85},
                                                                   {0.15, 0.25, 0.90},
                                                                   {0.80, 0.15, 0.75}}};
inline constexpr std::array<double, 3> kWhite = {0.95, 0.95, 0.95};
inline constexpr std::array<double, 3> kBlack = {0.08, 0.08, 0.08};

struct Surfel {
  Vector3d position;
  Vector3d normal;
  std::array<double, 3> rgb;
};

struct Part {
  double area;
  std::function<Surfel(Random&)> sample;
};

// Knud Thomsen's ellipsoid-area approximation, within 1.1 %.
double ellipsoid_area(double a, double b, double c) {
  constexpr double p = 1.6075;
  return 4 * kPi * std::pow((std::pow(a * b, p) + std::pow(a * c, p) + std::pow(b * c, p)) / 3, 1 / p);
}

// A point on the ellipsoid with semi-axes (a, b, c), uniform by area: a
// unit-sphere direction u maps to D u, whose area element is |D^-T u| abc, so
// directions are accepted in proportion to it.
Vector3d ellipsoid_direction(Random& rng, double a, double b, double c) {
  const double max_density = std::max({b * c, a * c, a * b});
  for (;;) {
    const Vector3d u = rng.unit_vector();
    if (rng.uniform() * max_density <= Vector3d(b * c * u.x(), a * c * u.y(), a * b * u.z()).norm()) return u;
  }
}

Part body() {
  std::array<double, 8> area;  // octant o has x < 0 when bit 0 is set, z < 0 when bit 2 is
  const auto axes = [](int octant) {
    return Vector3d(octant & 1 ? kBodyBack : kBodyFront, kBodySide, octant & 4 ? kBodyBottom : kBodyTop);
  };
  double total = 0;
  for (int o = 0; o < 8; ++o) total += area[o] = ellipsoid_area(axes(o).x(), axes(o).y(), axes(o).z()) / 8;
  return {total, [=](Random& rng) {
            double pick = rng.uniform() * total;
            int octant = 0;
            while (octant < 7 && pick >= area[octant]) pick -= area[octant++];
            const Vector3d d = axes(octant);
            Vector3d u = ellipsoid_direction(rng, d.x(), d.y(), d.z()).cwiseAbs();
            for (int k = 0; k < 3; ++k)
              if (octant & (1 << k)) u[k] = -u[k];
            const Vector3d x = d.cwiseProduct(u);
            const double length = kBodyFront + kBodyBack;
            const int stripe =
                std::clamp(static_cast<int>((x.x() + kBodyBack) / length * kBodyStripes), 0, kBodyStripes - 1);
            const int quadrant = std::clamp(static_cast<int>((std::atan2(x.z(), x.y()) + kPi) / (kPi / 2)), 0, 3);
            const double lit = 0.5 + 0.5 * x.normalized().dot(Vector3d(kBrightSide.data()).normalized());
            std::array<double, 3> rgb = kPalette[(stripe + 3 * quadrant) % kPalette.size()];
            for (double& v : rgb) v *= 1 - kShadeDepth * (1 - lit);
            return Surfel{x, u.cwiseQuotient(d).normalized(), rgb};
          }};
}

// A cone's side, apex forward: white with a red tip.
Part nose() {
  const Vector3d apex(0.46, 0.0, 0.03);
  const Vector3d axis = -Vector3d::UnitX();  // apex towards base
  constexpr double h = 0.22, r = 0.07;
  return {kPi * r * std::hypot(r, h), [=](Random& rng) {
            const double s = h * std::sqrt(rng.uniform());  // area grows linearly with s
            const double phi = rng.uniform(0, 2 * kPi);
            const Vector3d radial(0.0, std::cos(phi), std::sin(phi));
            return Surfel{apex + s * axis + (r * s / h) * radial, (radial - (r / h) * axis).normalized(),
                          s < 0.35 * h ? kPalette[0] : kWhite};
          }};
}

// Half a torus arching over the body's -y side: black and orange segments.
Part handle() {
  const Vector3d centre(-0.02, -0.12, 0.0);
  constexpr double big = 0.12, small = 0.025;
  constexpr int segments = 6;
  return {2 * kPi * kPi * big * small, [=](Random& rng) {
            const double theta = rng.uniform(0, kPi);
            double phi = 0;
            do {  // the tube's area element is (big + small cos phi)
              phi = rng.uniform(0, 2 * kPi);
            } while (rng.uniform() * (big + small) > big + small * std::cos(phi));
            const Vector3d ring(std::cos(theta), -std::sin(theta), 0.0);
            const Vector3d normal = std::cos(phi) * ring + std::sin(phi) * Vector3d::UnitZ();
            const int segment = std::min(static_cast<int>(theta / kPi * segments), segments - 1);
            return Surfel{centre + big * ring + small * normal, normal, segment % 2 ? kBlack : kPalette[1]};
          }};
}

// A flat triangle rising from the back towards +z: blue, yellow rim.
Part fin() {
  const Vector3d root(-0.20, 0.0, 0.10), tip(-0.36, 0.0, 0.34), front(-0.08, 0.0, 0.20);
  return {0.5 * (tip - root).cross(front - root).norm(), [=](Random& rng) {
            const double u = std::sqrt(rng.uniform());  // uniform over the triangle
            const double v = rng.uniform();
            const Vector3d x = (1 - u) * root + u * (1 - v) * tip + u * v * front;
            return Surfel{x, Vector3d::UnitY(), u > 0.8 ? kPalette[2] : kPalette[5]};
          }};
}

// Rotation whose third column is `normal`: the Gaussian's flat axis.
Eigen::Quaterniond frame_for(const Vector3d& normal) {
  const Vector3d helper = std::abs(normal.x()) < 0.9 ? Vector3d::UnitX() : Vector3d::UnitY();
  const Vector3d t1 = normal.cross(helper).normalized();
  Eigen::Matrix3d r;
  r << t1, normal.cross(t1), normal;
  return Eigen::Quaterniond(r);
}

}  // namespace

GaussianModel make_object_model(const ObjectModelOptions& options) {
  if (options.gaussians < kMinObjectGaussians)
    throw std::invalid_argument("make_object_model: at least " + std::to_string(kMinObjectGaussians) +
                                " Gaussians, asked for " + std::to_string(options.gaussians));
  const std::vector<Part> parts = {body(), nose(), handle(), fin()};
  double total_area = 0;
  for (const auto& p : parts) total_area += p.area;

  GaussianModel model;
  model.sh_degree = 0;
  model.resize(static_cast<std::size_t>(options.gaussians));
  Random rng(options.seed, detail::kModelStream);
  const double opacity_logit = std::log(kObjectOpacity / (1 - kObjectOpacity));
  std::size_t i = 0;
  int assigned = 0;
  for (std::size_t k = parts.size(); k-- > 0;) {  // the body, last, takes the rounding remainder
    const int count = k == 0 ? options.gaussians - assigned
                             : static_cast<int>(std::lround(options.gaussians * parts[k].area / total_area));
    assigned += count;
    const double sigma = kTangentSigma * std::sqrt(parts[k].area / count);
    for (int j = 0; j < count; ++j, ++i) {
      const Surfel s = parts[k].sample(rng);
      const Eigen::Quaterniond q = frame_for(s.normal);
      const double shade = 1 + kColourJitter * (2 * rng.uniform() - 1);
      for (int c = 0; c < 3; ++c) {
        model.means[3 * i + c] = static_cast<float>(s.position[c]);
        model.sh[3 * i + c] = static_cast<float>(gs::sh_dc_from_colour(std::clamp(s.rgb[c] * shade, 0.0, 1.0)));
      }
      model.log_scales[3 * i + 0] = model.log_scales[3 * i + 1] = static_cast<float>(std::log(sigma));
      model.log_scales[3 * i + 2] = static_cast<float>(std::log(kFlatness * sigma));
      const std::array<double, 4> wxyz = {q.w(), q.x(), q.y(), q.z()};
      for (int c = 0; c < 4; ++c) model.quats[4 * i + c] = static_cast<float>(wxyz[c]);
      model.opacity_logits[i] = static_cast<float>(opacity_logit);
    }
  }

  // Centre on the centroid, then scale to the promised diameter.
  const std::size_t n = model.size();
  Eigen::Map<Eigen::Matrix<float, 3, Eigen::Dynamic>> means(model.means.data(), 3, static_cast<Eigen::Index>(n));
  const Eigen::Vector3d centroid = means.cast<double>().rowwise().mean();
  const Eigen::Matrix3Xd centred = means.cast<double>().colwise() - centroid;
  const double scale = 0.5 * kObjectDiameter / centred.colwise().norm().maxCoeff();
  means = (scale * centred).cast<float>();
  for (float& s : model.log_scales) s += static_cast<float>(std::log(scale));
  return model;
}

}  // namespace splattrack::datasets
