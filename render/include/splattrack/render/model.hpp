// A 3D Gaussian Splatting model in structure-of-arrays form, values stored
// pre-activation exactly as in a 3DGS PLY (METHOD.md §2).
#pragma once

#include <cstddef>
#include <vector>

namespace splattrack {

// Number of SH coefficients per colour channel for degree d: (d+1)^2.
constexpr int sh_coeff_count(int degree) { return (degree + 1) * (degree + 1); }

struct GaussianModel {
  int sh_degree = 0;                  // 0..3
  std::vector<float> means;           // [N, 3] x y z
  std::vector<float> quats;           // [N, 4] w x y z, not necessarily normalised
  std::vector<float> log_scales;      // [N, 3] scale = exp(log_scale)
  std::vector<float> opacity_logits;  // [N]    opacity = sigmoid(logit)
  // [N, K, 3] with K = sh_coeff_count(sh_degree): coefficient-major, channel
  // fastest. Coefficient 0 is f_dc; PLY f_rest is channel-major and is
  // reordered on read and write.
  std::vector<float> sh;
  // Rendered with each opacity compensated for the screen-space dilation
  // (gs::View::antialiased; gsplat's rasterize_mode "antialiased"): models
  // whose scales were not fitted under the classic 3DGS render, such as
  // mesh2gs's, whose edge Gaussians the dilation would otherwise widen by
  // about half a pixel (the object then seen a few % too near).
  bool antialiased = false;

  std::size_t size() const { return opacity_logits.size(); }
  int sh_coeffs() const { return sh_coeff_count(sh_degree); }
  // Resizes every array for n Gaussians of the current degree.
  void resize(std::size_t n);
  // True when every array has the size that size() and sh_degree imply.
  bool consistent() const;
};

// Every (size / count)-th Gaussian, `count` of them (the model itself when
// it has no more): a real model at a chosen render cost (the benchmarks').
GaussianModel subsample(const GaussianModel& model, std::size_t count);

}  // namespace splattrack
