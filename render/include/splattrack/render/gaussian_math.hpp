// Per-Gaussian math of the rasterizer (METHOD.md §2, conventions of the
// original 3DGS code) and its backward, shared by the CPU and CUDA back ends.
//
// Forward chain for one Gaussian:
//   p = cam_from_world * mean                     (cull p.z <= near_plane)
//   R = rotation(quat / |quat|), s = exp(log_scale), Sigma = R S S^T R^T
//   Sigma' = J W Sigma W^T J^T + 0.3 I           (W: camera rotation, J: EWA
//            Jacobian at p with x/z, y/z clamped to +-lim, see View::lim_x)
//   conic = Sigma'^-1, radius = ceil(3 sqrt(lambda_max(Sigma')))
//   mean2d = (fx x/z + cx, fy y/z + cy), opacity = sigmoid(logit)
//   colour = max(SH(mean - camera centre, normalised) + 0.5, 0)
#pragma once

#include <cmath>

#include "splattrack/render/math_types.hpp"
#include "splattrack/render/sh.hpp"

namespace splattrack::gs {

inline constexpr float kDilation = 0.3f;
inline constexpr float kFrustumClamp = 1.3f;
inline constexpr float kRadiusSigmas = 3.f;
// 3DGS bounds the eigenvalue spread from below when computing the radius.
inline constexpr float kMinEigenSpread = 0.1f;

// The camera as the per-Gaussian math sees it.
struct View {
  Mat3f rotation;     // cam_from_world rotation (W)
  Vec3f translation;  // cam_from_world translation
  Vec3f center;       // camera centre in world, for SH view directions
  float fx, fy, cx, cy;
  // |x/z| and |y/z| are clamped to lim_x, lim_y inside the EWA Jacobian
  // (not in the projection of the mean): lim = 1.3 tan(half fov) with
  // tan(half fov_x) := width / (2 fx), tan(half fov_y) := height / (2 fy),
  // exactly as the 3DGS code defines it. The clamp is symmetric about the
  // optical axis, so with an off-centre principal point it is not symmetric
  // about the image centre.
  float lim_x, lim_y;
  float near_plane;
};

ST_HDI float frustum_limit(int size, float focal) { return kFrustumClamp * 0.5f * size / focal; }

// One Gaussian's stored (pre-activation) parameters.
struct GaussianIn {
  Vec3f mean;
  Quatf quat;  // not necessarily normalised
  Vec3f log_scale;
  float opacity_logit;
  const float* sh;  // [K, 3], K = (sh_degree + 1)^2
  int sh_degree;
};

struct ProjectedGaussian {
  Vec2f mean2d;  // pixels
  Sym2f cov2d;   // dilated screen-space covariance
  Sym2f conic;   // cov2d^-1
  float depth;   // camera-space z
  float opacity;
  Vec3f color;
  int radius;  // pixels
};

// dL w.r.t. the ProjectedGaussian fields the blending uses.
struct ProjectedGaussianGrad {
  Vec2f mean2d;
  Sym2f conic;
  float opacity;
  Vec3f color;
};

struct GaussianGrad {
  Vec3f mean;
  Quatf quat;
  Vec3f log_scale;
  float opacity_logit;
};

// ---- quaternion -------------------------------------------------------------

ST_HDI float norm_squared(Quatf q) { return q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z; }

ST_HDI Quatf normalize_quat(Quatf q) {
  const float inv = 1.f / sqrtf(norm_squared(q));
  return {q.w * inv, q.x * inv, q.y * inv, q.z * inv};
}

// dL/dq for q_unit = q / |q|, given dL/dq_unit.
ST_HDI Quatf normalize_quat_vjp(Quatf q, Quatf d_unit) {
  const float inv = 1.f / sqrtf(norm_squared(q));
  const Quatf n{q.w * inv, q.x * inv, q.y * inv, q.z * inv};
  const float proj = n.w * d_unit.w + n.x * d_unit.x + n.y * d_unit.y + n.z * d_unit.z;
  return {(d_unit.w - n.w * proj) * inv, (d_unit.x - n.x * proj) * inv,
          (d_unit.y - n.y * proj) * inv, (d_unit.z - n.z * proj) * inv};
}

ST_HDI Mat3f quat_to_rotation(Quatf q) {
  const float w = q.w, x = q.x, y = q.y, z = q.z;
  return {{{1.f - 2.f * (y * y + z * z), 2.f * (x * y - w * z), 2.f * (x * z + w * y)},
           {2.f * (x * y + w * z), 1.f - 2.f * (x * x + z * z), 2.f * (y * z - w * x)},
           {2.f * (x * z - w * y), 2.f * (y * z + w * x), 1.f - 2.f * (x * x + y * y)}}};
}

// dL/dq (q unit) given dL/dR for R = quat_to_rotation(q).
ST_HDI Quatf quat_to_rotation_vjp(Quatf q, const Mat3f& d_r) {
  const float w = q.w, x = q.x, y = q.y, z = q.z;
  const float(*g)[3] = d_r.m;
  return {2.f * (-z * g[0][1] + y * g[0][2] + z * g[1][0] - x * g[1][2] - y * g[2][0] + x * g[2][1]),
          2.f * (y * g[0][1] + z * g[0][2] + y * g[1][0] - 2.f * x * g[1][1] - w * g[1][2] +
                 z * g[2][0] + w * g[2][1] - 2.f * x * g[2][2]),
          2.f * (-2.f * y * g[0][0] + x * g[0][1] + w * g[0][2] + x * g[1][0] + z * g[1][2] -
                 w * g[2][0] + z * g[2][1] - 2.f * y * g[2][2]),
          2.f * (-2.f * z * g[0][0] - w * g[0][1] + x * g[0][2] + w * g[1][0] - 2.f * z * g[1][1] +
                 y * g[1][2] + x * g[2][0] + y * g[2][1])};
}

// ---- 3D covariance ----------------------------------------------------------

ST_HDI Mat3f to_matrix(const Sym3f& s) {
  return {{{s.xx, s.xy, s.xz}, {s.xy, s.yy, s.yz}, {s.xz, s.yz, s.zz}}};
}

// Sigma = M M^T with M = R diag(scale).
ST_HDI Sym3f covariance_3d(const Mat3f& r, Vec3f scale) {
  const float sc[3] = {scale.x, scale.y, scale.z};
  float m[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m[i][j] = r.m[i][j] * sc[j];
  const auto entry = [&](int i, int j) {
    return m[i][0] * m[j][0] + m[i][1] * m[j][1] + m[i][2] * m[j][2];
  };
  return {entry(0, 0), entry(0, 1), entry(0, 2), entry(1, 1), entry(1, 2), entry(2, 2)};
}

// Backward of covariance_3d: dL/dR and dL/dscale.
ST_HDI void covariance_3d_vjp(const Mat3f& r, Vec3f scale, const Sym3f& d_cov, Mat3f& d_r,
                              Vec3f& d_scale) {
  // Entry-wise symmetric gradient G, then dL/dM = 2 G M.
  const Mat3f g{{{d_cov.xx, 0.5f * d_cov.xy, 0.5f * d_cov.xz},
                 {0.5f * d_cov.xy, d_cov.yy, 0.5f * d_cov.yz},
                 {0.5f * d_cov.xz, 0.5f * d_cov.yz, d_cov.zz}}};
  const float sc[3] = {scale.x, scale.y, scale.z};
  float ds[3] = {0.f, 0.f, 0.f};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      float dm = 0.f;
      for (int k = 0; k < 3; ++k) dm += g.m[i][k] * r.m[k][j] * sc[j];
      dm *= 2.f;
      d_r.m[i][j] = dm * sc[j];
      ds[j] += dm * r.m[i][j];
    }
  d_scale = {ds[0], ds[1], ds[2]};
}

// ---- EWA projection ---------------------------------------------------------

// The non-zero entries of the EWA Jacobian J (2x3) at camera-space p.
struct EwaJacobian {
  float j00, j02, j11, j12;
  float tx, ty;  // p.x, p.y after the clamp
  bool clamped_x, clamped_y;
};

ST_HDI EwaJacobian ewa_jacobian(const View& v, Vec3f p) {
  const float rz = 1.f / p.z;
  const float xz = p.x * rz, yz = p.y * rz;
  const float tx = min_f(v.lim_x, max_f(-v.lim_x, xz)) * p.z;
  const float ty = min_f(v.lim_y, max_f(-v.lim_y, yz)) * p.z;
  return {v.fx * rz, -v.fx * tx * rz * rz, v.fy * rz, -v.fy * ty * rz * rz, tx, ty,
          xz < -v.lim_x || xz > v.lim_x, yz < -v.lim_y || yz > v.lim_y};
}

// T = J W, 2x3.
ST_HDI void ewa_transform(const View& v, const EwaJacobian& j, float t[2][3]) {
  for (int k = 0; k < 3; ++k) {
    t[0][k] = j.j00 * v.rotation.m[0][k] + j.j02 * v.rotation.m[2][k];
    t[1][k] = j.j11 * v.rotation.m[1][k] + j.j12 * v.rotation.m[2][k];
  }
}

// Sigma' = T Sigma T^T + dilation I.
ST_HDI Sym2f project_covariance(const float t[2][3], const Sym3f& cov3) {
  const Mat3f s = to_matrix(cov3);
  float ts[2][3];
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k)
      ts[i][k] = t[i][0] * s.m[0][k] + t[i][1] * s.m[1][k] + t[i][2] * s.m[2][k];
  return {ts[0][0] * t[0][0] + ts[0][1] * t[0][1] + ts[0][2] * t[0][2] + kDilation,
          ts[0][0] * t[1][0] + ts[0][1] * t[1][1] + ts[0][2] * t[1][2],
          ts[1][0] * t[1][0] + ts[1][1] * t[1][1] + ts[1][2] * t[1][2] + kDilation};
}

// Backward of project_covariance: dL/dT and dL/dSigma.
ST_HDI void project_covariance_vjp(const float t[2][3], const Sym3f& cov3, const Sym2f& d_cov2,
                                   float d_t[2][3], Sym3f& d_cov3) {
  const float g[2][2] = {{d_cov2.a, 0.5f * d_cov2.b}, {0.5f * d_cov2.b, d_cov2.c}};
  const Mat3f s = to_matrix(cov3);
  float gt[2][3];  // G T
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k) gt[i][k] = g[i][0] * t[0][k] + g[i][1] * t[1][k];
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k)
      d_t[i][k] = 2.f * (gt[i][0] * s.m[0][k] + gt[i][1] * s.m[1][k] + gt[i][2] * s.m[2][k]);
  // dSigma = T^T G T (entry-wise), folded to unique entries.
  const auto entry = [&](int l, int k) { return t[0][l] * gt[0][k] + t[1][l] * gt[1][k]; };
  d_cov3 = {entry(0, 0), 2.f * entry(0, 1), 2.f * entry(0, 2),
            entry(1, 1), 2.f * entry(1, 2), entry(2, 2)};
}

// dL/dp from dL/dT through T = J(p) W. Exact, clamp included: a clamped
// x/z passes no gradient, but the clamped tx = lim z still varies with z.
ST_HDI Vec3f ewa_transform_vjp(const View& v, Vec3f p, const EwaJacobian& j,
                               const float d_t[2][3]) {
  float dj00 = 0.f, dj02 = 0.f, dj11 = 0.f, dj12 = 0.f;
  for (int k = 0; k < 3; ++k) {
    dj00 += d_t[0][k] * v.rotation.m[0][k];
    dj02 += d_t[0][k] * v.rotation.m[2][k];
    dj11 += d_t[1][k] * v.rotation.m[1][k];
    dj12 += d_t[1][k] * v.rotation.m[2][k];
  }
  const float rz = 1.f / p.z;
  const float rz2 = rz * rz;
  const float tx = j.tx, ty = j.ty;
  Vec3f d{0.f, 0.f, 0.f};
  d.z = -v.fx * rz2 * dj00 - v.fy * rz2 * dj11;
  // d j02 = -fx/z^2 d tx + 2 fx tx / z^3 dz, with d tx = dx (free) or tx/z dz (clamped).
  if (j.clamped_x) {
    d.z += v.fx * tx * rz2 * rz * dj02;
  } else {
    d.x += -v.fx * rz2 * dj02;
    d.z += 2.f * v.fx * tx * rz2 * rz * dj02;
  }
  if (j.clamped_y) {
    d.z += v.fy * ty * rz2 * rz * dj12;
  } else {
    d.y += -v.fy * rz2 * dj12;
    d.z += 2.f * v.fy * ty * rz2 * rz * dj12;
  }
  return d;
}

// ---- screen-space quantities ------------------------------------------------

// conic = cov^-1; false when cov is not invertible (the Gaussian is culled).
ST_HDI bool invert_sym2(const Sym2f& cov, Sym2f& conic) {
  const float det = cov.a * cov.c - cov.b * cov.b;
  if (!(det > 0.f)) return false;
  const float inv = 1.f / det;
  conic = {cov.c * inv, -cov.b * inv, cov.a * inv};
  return true;
}

// dL/dcov given dL/dconic: dcov = -Q G Q with G the entry-wise gradient.
ST_HDI Sym2f invert_sym2_vjp(const Sym2f& conic, const Sym2f& d_conic) {
  const float qa = conic.a, qb = conic.b, qc = conic.c;
  const float ga = d_conic.a, gb = 0.5f * d_conic.b, gc = d_conic.c;
  // G Q
  const float m00 = ga * qa + gb * qb, m01 = ga * qb + gb * qc;
  const float m10 = gb * qa + gc * qb, m11 = gb * qb + gc * qc;
  return {-(qa * m00 + qb * m10), -2.f * (qa * m01 + qb * m11), -(qb * m01 + qc * m11)};
}

ST_HDI int footprint_radius(const Sym2f& cov) {
  const float mid = 0.5f * (cov.a + cov.c);
  const float det = cov.a * cov.c - cov.b * cov.b;
  const float lambda_max = mid + sqrtf(max_f(kMinEigenSpread, mid * mid - det));
  return static_cast<int>(ceilf(kRadiusSigmas * sqrtf(lambda_max)));
}

ST_HDI Vec2f project_point(const View& v, Vec3f p) {
  const float rz = 1.f / p.z;
  return {v.fx * p.x * rz + v.cx, v.fy * p.y * rz + v.cy};
}

ST_HDI Vec3f project_point_vjp(const View& v, Vec3f p, Vec2f d_uv) {
  const float rz = 1.f / p.z;
  return {v.fx * rz * d_uv.x, v.fy * rz * d_uv.y,
          -(v.fx * p.x * d_uv.x + v.fy * p.y * d_uv.y) * rz * rz};
}

ST_HDI float sigmoid(float x) { return 1.f / (1.f + expf(-x)); }

// Unit vector from the camera centre to the Gaussian.
ST_HDI Vec3f view_direction(const View& v, Vec3f mean) {
  const Vec3f d = mean - v.center;
  return (1.f / sqrtf(dot(d, d))) * d;
}

// dL/dmean through view_direction.
ST_HDI Vec3f view_direction_vjp(const View& v, Vec3f mean, Vec3f d_dir) {
  const Vec3f d = mean - v.center;
  const float inv = 1.f / sqrtf(dot(d, d));
  const Vec3f n = inv * d;
  return inv * (d_dir - dot(n, d_dir) * n);
}

// ---- the whole chain --------------------------------------------------------

// False when the Gaussian is culled: behind the near plane, zero quaternion or
// singular screen covariance (also for NaN input).
ST_HDI bool project_gaussian(const GaussianIn& g, const View& v, ProjectedGaussian& out) {
  const Vec3f p = mul(v.rotation, g.mean) + v.translation;
  if (!(p.z > v.near_plane) || !(norm_squared(g.quat) > 0.f)) return false;
  const Mat3f r = quat_to_rotation(normalize_quat(g.quat));
  const Vec3f scale{expf(g.log_scale.x), expf(g.log_scale.y), expf(g.log_scale.z)};
  const Sym3f cov3 = covariance_3d(r, scale);
  float t[2][3];
  ewa_transform(v, ewa_jacobian(v, p), t);
  out.cov2d = project_covariance(t, cov3);
  if (!invert_sym2(out.cov2d, out.conic)) return false;
  out.mean2d = project_point(v, p);
  out.depth = p.z;
  out.opacity = sigmoid(g.opacity_logit);
  out.color = sh_to_color(g.sh_degree, g.sh, view_direction(v, g.mean));
  out.radius = footprint_radius(out.cov2d);
  return true;
}

// Backward of project_gaussian for a Gaussian it did not cull. Writes
// dL/dsh [K, 3] when d_sh is not null.
ST_HDI GaussianGrad project_gaussian_vjp(const GaussianIn& g, const View& v,
                                         const ProjectedGaussianGrad& d, float* d_sh) {
  const Vec3f p = mul(v.rotation, g.mean) + v.translation;
  const Quatf q = normalize_quat(g.quat);
  const Mat3f r = quat_to_rotation(q);
  const Vec3f scale{expf(g.log_scale.x), expf(g.log_scale.y), expf(g.log_scale.z)};
  const Sym3f cov3 = covariance_3d(r, scale);
  const EwaJacobian jac = ewa_jacobian(v, p);
  float t[2][3];
  ewa_transform(v, jac, t);
  Sym2f conic;
  invert_sym2(project_covariance(t, cov3), conic);

  GaussianGrad out;
  const Vec3f dir = view_direction(v, g.mean);
  const Vec3f d_dir = sh_to_color_vjp(g.sh_degree, g.sh, dir, d.color, d_sh);
  const float opacity = sigmoid(g.opacity_logit);
  out.opacity_logit = d.opacity * opacity * (1.f - opacity);

  float d_t[2][3];
  Sym3f d_cov3;
  project_covariance_vjp(t, cov3, invert_sym2_vjp(conic, d.conic), d_t, d_cov3);
  const Vec3f d_p = project_point_vjp(v, p, d.mean2d) + ewa_transform_vjp(v, p, jac, d_t);
  out.mean = mul_transposed(v.rotation, d_p) + view_direction_vjp(v, g.mean, d_dir);

  Mat3f d_r;
  Vec3f d_scale;
  covariance_3d_vjp(r, scale, d_cov3, d_r, d_scale);
  out.log_scale = {d_scale.x * scale.x, d_scale.y * scale.y, d_scale.z * scale.z};
  out.quat = normalize_quat_vjp(g.quat, quat_to_rotation_vjp(q, d_r));
  return out;
}

}  // namespace splattrack::gs
