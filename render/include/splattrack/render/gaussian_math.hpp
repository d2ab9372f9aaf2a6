// Per-Gaussian math of the rasterizer (METHOD.md §2, conventions of the
// original 3DGS code) and its backward, shared by the CPU and CUDA back ends.
// Templates on the scalar type T (math_types.hpp): no branches on values,
// so that a lane can be one Gaussian of a SIMD vector.
//
// Forward chain for one Gaussian:
//   p = cam_from_world * mean                     (cull p.z <= near_plane)
//   R = rotation(quat / |quat|), s = exp(log_scale), Sigma = R S S^T R^T
//   Sigma' = J W Sigma W^T J^T + d I             (d: dilation, 0.3 by default; W: camera rotation, J: EWA
//            Jacobian at p with x/z, y/z clamped to +-lim, see View::lim_x)
//   conic = Sigma'^-1, radius = ceil(3 sqrt(lambda_max(Sigma')))
//   mean2d = (fx x/z + cx, fy y/z + cy), opacity = sigmoid(logit) rho
//   rho = 1, or with View::antialiased sqrt(det(Sigma' - d I) / det Sigma')
//   colour = max(SH(mean - camera centre, normalised) + 0.5, 0)
#pragma once

#include <cmath>

#include "splattrack/render/math_types.hpp"
#include "splattrack/render/sh.hpp"

namespace splattrack::gs {

// 3DGS's screen-space dilation (px²), the default of View::dilation.
inline constexpr float kDilation = 0.3f;
inline constexpr float kFrustumClamp = 1.3f;
inline constexpr float kRadiusSigmas = 3.f;
// 3DGS bounds the eigenvalue spread from below when computing the radius.
inline constexpr float kMinEigenSpread = 0.1f;
// Radii are capped (in pixels) so that they stay within int range.
inline constexpr float kMaxRadius = 1e7f;

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
  // Added to the screen covariance (px²): 0.3 in 3DGS; a window rendered at
  // a coarser scale than the frame adds the scale's own (RenderOptions).
  float dilation = kDilation;
  // Mip-Splatting's 2D filter (gsplat's "antialiased" mode): each opacity
  // scaled by rho, so that the dilation blurs a Gaussian without adding to
  // its integral. For models whose scales were not fitted with the
  // dilation in the render (GaussianModel::antialiased).
  bool antialiased = false;
};

ST_HDI float frustum_limit(int size, float focal) { return kFrustumClamp * 0.5f * size / focal; }

// One Gaussian's stored (pre-activation) parameters.
template <class T>
struct GaussianIn {
  Vec3<T> mean;
  Quat<T> quat;  // not necessarily normalised
  Vec3<T> log_scale;
  T opacity_logit;
  const T* sh;  // [K, 3], K = (sh_degree + 1)^2
  int sh_degree;
};

template <class T>
struct ProjectedGaussian {
  Vec2<T> mean2d;  // pixels
  Sym2<T> cov2d;   // dilated screen-space covariance
  Sym2<T> conic;   // cov2d^-1
  T depth;         // camera-space z
  T opacity;
  Vec3<T> color;
  IntOf<T> radius;  // pixels
};

// dL w.r.t. the ProjectedGaussian fields the blending uses.
template <class T>
struct ProjectedGaussianGrad {
  Vec2<T> mean2d;
  Sym2<T> conic;
  T opacity;
  Vec3<T> color;
};

template <class T>
struct GaussianGrad {
  Vec3<T> mean;
  Quat<T> quat;
  Vec3<T> log_scale;
  T opacity_logit;
};

// ---- quaternion -------------------------------------------------------------

template <class T>
ST_HDI T norm_squared(Quat<T> q) {
  return q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z;
}

template <class T>
ST_HDI Quat<T> normalize_quat(Quat<T> q) {
  const T inv = 1.f / Ops<T>::sqrt(norm_squared(q));
  return {q.w * inv, q.x * inv, q.y * inv, q.z * inv};
}

// dL/dq for q_unit = q / |q|, given dL/dq_unit.
template <class T>
ST_HDI Quat<T> normalize_quat_vjp(Quat<T> q, Quat<T> d_unit) {
  const T inv = 1.f / Ops<T>::sqrt(norm_squared(q));
  const Quat<T> n{q.w * inv, q.x * inv, q.y * inv, q.z * inv};
  const T proj = n.w * d_unit.w + n.x * d_unit.x + n.y * d_unit.y + n.z * d_unit.z;
  return {(d_unit.w - n.w * proj) * inv, (d_unit.x - n.x * proj) * inv,
          (d_unit.y - n.y * proj) * inv, (d_unit.z - n.z * proj) * inv};
}

template <class T>
ST_HDI Mat3<T> quat_to_rotation(Quat<T> q) {
  const T w = q.w, x = q.x, y = q.y, z = q.z;
  return {{{1.f - 2.f * (y * y + z * z), 2.f * (x * y - w * z), 2.f * (x * z + w * y)},
           {2.f * (x * y + w * z), 1.f - 2.f * (x * x + z * z), 2.f * (y * z - w * x)},
           {2.f * (x * z - w * y), 2.f * (y * z + w * x), 1.f - 2.f * (x * x + y * y)}}};
}

// dL/dq (q unit) given dL/dR for R = quat_to_rotation(q).
template <class T>
ST_HDI Quat<T> quat_to_rotation_vjp(Quat<T> q, const Mat3<T>& d_r) {
  const T w = q.w, x = q.x, y = q.y, z = q.z;
  const T(*g)[3] = d_r.m;
  return {2.f * (-z * g[0][1] + y * g[0][2] + z * g[1][0] - x * g[1][2] - y * g[2][0] + x * g[2][1]),
          2.f * (y * g[0][1] + z * g[0][2] + y * g[1][0] - 2.f * x * g[1][1] - w * g[1][2] +
                 z * g[2][0] + w * g[2][1] - 2.f * x * g[2][2]),
          2.f * (-2.f * y * g[0][0] + x * g[0][1] + w * g[0][2] + x * g[1][0] + z * g[1][2] -
                 w * g[2][0] + z * g[2][1] - 2.f * y * g[2][2]),
          2.f * (-2.f * z * g[0][0] - w * g[0][1] + x * g[0][2] + w * g[1][0] - 2.f * z * g[1][1] +
                 y * g[1][2] + x * g[2][0] + y * g[2][1])};
}

// ---- 3D covariance ----------------------------------------------------------

template <class T>
ST_HDI Mat3<T> to_matrix(const Sym3<T>& s) {
  return {{{s.xx, s.xy, s.xz}, {s.xy, s.yy, s.yz}, {s.xz, s.yz, s.zz}}};
}

// Row i of m dotted with row j. A function rather than a lambda: a lambda is
// not ST_HDI, and clang 14 emitted one returning a vector out of line, under
// the same name in every per-ISA build, so the linker gave one ISA's callers
// the other's copy (and its vector ABI): wrong covariances.
template <class T>
ST_HDI T rows_dot(const T (&m)[3][3], int i, int j) {
  return m[i][0] * m[j][0] + m[i][1] * m[j][1] + m[i][2] * m[j][2];
}

// Sigma = M M^T with M = R diag(scale).
template <class T>
ST_HDI Sym3<T> covariance_3d(const Mat3<T>& r, Vec3<T> scale) {
  const T sc[3] = {scale.x, scale.y, scale.z};
  T m[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m[i][j] = r.m[i][j] * sc[j];
  return {rows_dot(m, 0, 0), rows_dot(m, 0, 1), rows_dot(m, 0, 2),
          rows_dot(m, 1, 1), rows_dot(m, 1, 2), rows_dot(m, 2, 2)};
}

// Backward of covariance_3d: dL/dR and dL/dscale.
template <class T>
ST_HDI void covariance_3d_vjp(const Mat3<T>& r, Vec3<T> scale, const Sym3<T>& d_cov,
                              Mat3<T>& d_r, Vec3<T>& d_scale) {
  // Entry-wise symmetric gradient G, then dL/dM = 2 G M.
  const Mat3<T> g{{{d_cov.xx, 0.5f * d_cov.xy, 0.5f * d_cov.xz},
                   {0.5f * d_cov.xy, d_cov.yy, 0.5f * d_cov.yz},
                   {0.5f * d_cov.xz, 0.5f * d_cov.yz, d_cov.zz}}};
  const T sc[3] = {scale.x, scale.y, scale.z};
  T ds[3] = {T{}, T{}, T{}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      T dm = T{};
      for (int k = 0; k < 3; ++k) dm += g.m[i][k] * r.m[k][j] * sc[j];
      dm *= 2.f;
      d_r.m[i][j] = dm * sc[j];
      ds[j] += dm * r.m[i][j];
    }
  d_scale = {ds[0], ds[1], ds[2]};
}

// ---- EWA projection ---------------------------------------------------------

// The non-zero entries of the EWA Jacobian J (2x3) at camera-space p.
template <class T>
struct EwaJacobian {
  T j00, j02, j11, j12;
  T tx, ty;  // p.x, p.y after the clamp
  MaskOf<T> clamped_x, clamped_y;
};

template <class T>
ST_HDI EwaJacobian<T> ewa_jacobian(const View& v, Vec3<T> p) {
  const T rz = 1.f / p.z;
  const T xz = p.x * rz, yz = p.y * rz;
  const T lim_x = T{} + v.lim_x, lim_y = T{} + v.lim_y;
  const T tx = min_v(lim_x, max_v(-lim_x, xz)) * p.z;
  const T ty = min_v(lim_y, max_v(-lim_y, yz)) * p.z;
  return {v.fx * rz,
          -v.fx * tx * rz * rz,
          v.fy * rz,
          -v.fy * ty * rz * rz,
          tx,
          ty,
          mask_or(xz < -v.lim_x, xz > v.lim_x),
          mask_or(yz < -v.lim_y, yz > v.lim_y)};
}

// T = J W, 2x3.
template <class T>
ST_HDI void ewa_transform(const View& v, const EwaJacobian<T>& j, T t[2][3]) {
  for (int k = 0; k < 3; ++k) {
    t[0][k] = j.j00 * v.rotation.m[0][k] + j.j02 * v.rotation.m[2][k];
    t[1][k] = j.j11 * v.rotation.m[1][k] + j.j12 * v.rotation.m[2][k];
  }
}

// Sigma' = T Sigma T^T + dilation I.
template <class T>
ST_HDI Sym2<T> project_covariance(const T t[2][3], const Sym3<T>& cov3, float dilation) {
  const Mat3<T> s = to_matrix(cov3);
  T ts[2][3];
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k)
      ts[i][k] = t[i][0] * s.m[0][k] + t[i][1] * s.m[1][k] + t[i][2] * s.m[2][k];
  return {ts[0][0] * t[0][0] + ts[0][1] * t[0][1] + ts[0][2] * t[0][2] + dilation,
          ts[0][0] * t[1][0] + ts[0][1] * t[1][1] + ts[0][2] * t[1][2],
          ts[1][0] * t[1][0] + ts[1][1] * t[1][1] + ts[1][2] * t[1][2] + dilation};
}


// Column l of a dotted with column k of b, both 2 x 3 (not a lambda: see rows_dot).
template <class T>
ST_HDI T columns_dot(const T (*a)[3], const T (*b)[3], int l, int k) {
  return a[0][l] * b[0][k] + a[1][l] * b[1][k];
}

// Backward of project_covariance: dL/dT and dL/dSigma.
template <class T>
ST_HDI void project_covariance_vjp(const T t[2][3], const Sym3<T>& cov3, const Sym2<T>& d_cov2,
                                   T d_t[2][3], Sym3<T>& d_cov3) {
  const T g[2][2] = {{d_cov2.a, 0.5f * d_cov2.b}, {0.5f * d_cov2.b, d_cov2.c}};
  const Mat3<T> s = to_matrix(cov3);
  T gt[2][3];  // G T
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k) gt[i][k] = g[i][0] * t[0][k] + g[i][1] * t[1][k];
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k)
      d_t[i][k] = 2.f * (gt[i][0] * s.m[0][k] + gt[i][1] * s.m[1][k] + gt[i][2] * s.m[2][k]);
  // dSigma = T^T G T (entry-wise), folded to unique entries.
  d_cov3 = {columns_dot(t, gt, 0, 0), 2.f * columns_dot(t, gt, 0, 1), 2.f * columns_dot(t, gt, 0, 2),
            columns_dot(t, gt, 1, 1), 2.f * columns_dot(t, gt, 1, 2), columns_dot(t, gt, 2, 2)};
}

// dL/dp from dL/dT through T = J(p) W. Exact, clamp included: a clamped
// x/z passes no gradient (as in 3DGS), but the clamped tx = lim z still
// varies with z, which 3DGS leaves out.
template <class T>
ST_HDI Vec3<T> ewa_transform_vjp(const View& v, Vec3<T> p, const EwaJacobian<T>& j,
                                 const T d_t[2][3]) {
  T dj00 = T{}, dj02 = T{}, dj11 = T{}, dj12 = T{};
  for (int k = 0; k < 3; ++k) {
    dj00 += d_t[0][k] * v.rotation.m[0][k];
    dj02 += d_t[0][k] * v.rotation.m[2][k];
    dj11 += d_t[1][k] * v.rotation.m[1][k];
    dj12 += d_t[1][k] * v.rotation.m[2][k];
  }
  const T rz = 1.f / p.z;
  const T rz2 = rz * rz;
  // j02 = -fx tx / z^2: d j02 = -fx / z^2 d tx + 2 fx tx / z^3 dz, where
  // d tx = dx (free) or tx / z dz (clamped).
  const T x_free = -v.fx * rz2 * dj02, y_free = -v.fy * rz2 * dj12;
  const T zx = select(j.clamped_x, v.fx * j.tx * rz2 * rz * dj02,
                      2.f * v.fx * j.tx * rz2 * rz * dj02);
  const T zy = select(j.clamped_y, v.fy * j.ty * rz2 * rz * dj12,
                      2.f * v.fy * j.ty * rz2 * rz * dj12);
  return {select(j.clamped_x, T{}, x_free), select(j.clamped_y, T{}, y_free),
          -v.fx * rz2 * dj00 - v.fy * rz2 * dj11 + zx + zy};
}

// ---- screen-space quantities ------------------------------------------------

// conic = cov^-1; the mask is false where cov is not invertible (the
// Gaussian is culled; the conic is then meaningless).
template <class T>
ST_HDI MaskOf<T> invert_sym2(const Sym2<T>& cov, Sym2<T>& conic) {
  const T det = cov.a * cov.c - cov.b * cov.b;
  const T inv = 1.f / det;
  conic = {cov.c * inv, -cov.b * inv, cov.a * inv};
  return det > 0.f;
}

// dL/dcov given dL/dconic: dcov = -Q G Q with G the entry-wise gradient.
template <class T>
ST_HDI Sym2<T> invert_sym2_vjp(const Sym2<T>& conic, const Sym2<T>& d_conic) {
  const T qa = conic.a, qb = conic.b, qc = conic.c;
  const T ga = d_conic.a, gb = 0.5f * d_conic.b, gc = d_conic.c;
  // G Q
  const T m00 = ga * qa + gb * qb, m01 = ga * qb + gb * qc;
  const T m10 = gb * qa + gc * qb, m11 = gb * qb + gc * qc;
  return {-(qa * m00 + qb * m10), -2.f * (qa * m01 + qb * m11), -(qb * m01 + qc * m11)};
}

// Below this det(Sigma' - d I) (px^4) a Gaussian is a line on screen: rho
// is 0 there, and so is its gradient (sqrt's slope is unbounded at 0).
inline constexpr float kMinUndilatedDet = 1e-12f;

// rho of the dilated screen covariance `cov` (1 unless v.antialiased).
template <class T>
ST_HDI T dilation_compensation(const View& v, const Sym2<T>& cov) {
  if (!v.antialiased) return T{} + 1.f;
  const T det = cov.a * cov.c - cov.b * cov.b;
  const T undilated = (cov.a - v.dilation) * (cov.c - v.dilation) - cov.b * cov.b;
  return select(undilated > kMinUndilatedDet, Ops<T>::sqrt(undilated / det), T{});
}

// d rho / d cov (b the off-diagonal value, as Sym2 gradients are), times
// `d_rho`, for the antialiased render, given rho = dilation_compensation:
// with R = det(cov - d I), D = det cov,
//   d rho/da = rho/2 ((c - d)/R - c/D), d rho/dc = rho/2 ((a - d)/R - a/D),
//   d rho/db = rho b (1/D - 1/R).
template <class T>
ST_HDI Sym2<T> dilation_compensation_vjp(const View& v, const Sym2<T>& cov, T rho, T d_rho) {
  const T det = cov.a * cov.c - cov.b * cov.b;
  const T undilated = (cov.a - v.dilation) * (cov.c - v.dilation) - cov.b * cov.b;
  const T inv_r = select(undilated > kMinUndilatedDet, 1.f / undilated, T{}), inv_d = 1.f / det;
  const T half = 0.5f * d_rho * rho;
  return {half * ((cov.c - v.dilation) * inv_r - cov.c * inv_d), 2.f * half * cov.b * (inv_d - inv_r),
          half * ((cov.a - v.dilation) * inv_r - cov.a * inv_d)};
}

template <class T>
ST_HDI IntOf<T> footprint_radius(const Sym2<T>& cov) {
  const T mid = 0.5f * (cov.a + cov.c);
  const T det = cov.a * cov.c - cov.b * cov.b;
  const T lambda_max = mid + Ops<T>::sqrt(max_v(T{} + kMinEigenSpread, mid * mid - det));
  return Ops<T>::to_int(Ops<T>::ceil(min_v(kRadiusSigmas * Ops<T>::sqrt(lambda_max),
                                           T{} + kMaxRadius)));
}

template <class T>
ST_HDI Vec2<T> project_point(const View& v, Vec3<T> p) {
  const T rz = 1.f / p.z;
  return {v.fx * p.x * rz + v.cx, v.fy * p.y * rz + v.cy};
}

template <class T>
ST_HDI Vec3<T> project_point_vjp(const View& v, Vec3<T> p, Vec2<T> d_uv) {
  const T rz = 1.f / p.z;
  return {v.fx * rz * d_uv.x, v.fy * rz * d_uv.y,
          -(v.fx * p.x * d_uv.x + v.fy * p.y * d_uv.y) * rz * rz};
}

template <class T>
ST_HDI T sigmoid(T x) {
  return 1.f / (1.f + Ops<T>::exp(-x));
}

template <class T>
ST_HDI Vec3<T> camera_point(const View& v, Vec3<T> mean) {
  return mul(v.rotation, mean) + Vec3<T>{T{} + v.translation.x, T{} + v.translation.y,
                                         T{} + v.translation.z};
}

// Unit vector from the camera centre to the Gaussian.
template <class T>
ST_HDI Vec3<T> view_direction(const View& v, Vec3<T> mean) {
  const Vec3<T> d{mean.x - v.center.x, mean.y - v.center.y, mean.z - v.center.z};
  return (1.f / Ops<T>::sqrt(dot(d, d))) * d;
}

// dL/dmean through view_direction.
template <class T>
ST_HDI Vec3<T> view_direction_vjp(const View& v, Vec3<T> mean, Vec3<T> d_dir) {
  const Vec3<T> d{mean.x - v.center.x, mean.y - v.center.y, mean.z - v.center.z};
  const T inv = 1.f / Ops<T>::sqrt(dot(d, d));
  const Vec3<T> n = inv * d;
  return inv * (d_dir - dot(n, d_dir) * n);
}

template <class T>
ST_HDI Vec3<T> exp3(Vec3<T> v) {
  return {Ops<T>::exp(v.x), Ops<T>::exp(v.y), Ops<T>::exp(v.z)};
}

// ---- the whole chain --------------------------------------------------------

// The mask is false where the Gaussian is culled: behind the near plane,
// zero quaternion or singular screen covariance (also for NaN input). The
// outputs of culled lanes are meaningless.
template <class T>
ST_HDI MaskOf<T> project_gaussian(const GaussianIn<T>& g, const View& v,
                                  ProjectedGaussian<T>& out) {
  const Vec3<T> p = camera_point(v, g.mean);
  const T q2 = norm_squared(g.quat);
  const Mat3<T> r = quat_to_rotation(normalize_quat(g.quat));
  const Sym3<T> cov3 = covariance_3d(r, exp3(g.log_scale));
  T t[2][3];
  ewa_transform(v, ewa_jacobian(v, p), t);
  out.cov2d = project_covariance(t, cov3, v.dilation);
  const MaskOf<T> invertible = invert_sym2(out.cov2d, out.conic);
  out.mean2d = project_point(v, p);
  out.depth = p.z;
  out.opacity = sigmoid(g.opacity_logit) * dilation_compensation(v, out.cov2d);
  out.color = sh_to_color(g.sh_degree, g.sh, view_direction(v, g.mean));
  out.radius = footprint_radius(out.cov2d);
  return mask_and(mask_and(p.z > v.near_plane, q2 > 0.f), invertible);
}

// Backward of project_gaussian for Gaussians it did not cull. Writes
// dL/dsh [K, 3] when d_sh is not null.
template <class T>
ST_HDI GaussianGrad<T> project_gaussian_vjp(const GaussianIn<T>& g, const View& v,
                                            const ProjectedGaussianGrad<T>& d, T* d_sh) {
  const Vec3<T> p = camera_point(v, g.mean);
  const Quat<T> q = normalize_quat(g.quat);
  const Mat3<T> r = quat_to_rotation(q);
  const Vec3<T> scale = exp3(g.log_scale);
  const Sym3<T> cov3 = covariance_3d(r, scale);
  const EwaJacobian<T> jac = ewa_jacobian(v, p);
  T t[2][3];
  ewa_transform(v, jac, t);
  const Sym2<T> cov2 = project_covariance(t, cov3, v.dilation);
  Sym2<T> conic;
  invert_sym2(cov2, conic);

  GaussianGrad<T> out;
  const Vec3<T> dir = view_direction(v, g.mean);
  const Vec3<T> d_dir = sh_to_color_vjp(g.sh_degree, g.sh, dir, d.color, d_sh);
  const T opacity = sigmoid(g.opacity_logit);
  out.opacity_logit = d.opacity * opacity * (1.f - opacity);

  T d_t[2][3];
  Sym3<T> d_cov3;
  Sym2<T> d_cov2 = invert_sym2_vjp(conic, d.conic);
  if (v.antialiased) {
    const T rho = dilation_compensation(v, cov2);
    out.opacity_logit = out.opacity_logit * rho;
    const Sym2<T> d_rho = dilation_compensation_vjp(v, cov2, rho, d.opacity * opacity);
    d_cov2 = {d_cov2.a + d_rho.a, d_cov2.b + d_rho.b, d_cov2.c + d_rho.c};
  }
  project_covariance_vjp(t, cov3, d_cov2, d_t, d_cov3);
  const Vec3<T> d_p = project_point_vjp(v, p, d.mean2d) + ewa_transform_vjp(v, p, jac, d_t);
  out.mean = mul_transposed(v.rotation, d_p) + view_direction_vjp(v, g.mean, d_dir);

  Mat3<T> d_r;
  Vec3<T> d_scale;
  covariance_3d_vjp(r, scale, d_cov3, d_r, d_scale);
  out.log_scale = {d_scale.x * scale.x, d_scale.y * scale.y, d_scale.z * scale.z};
  out.quat = normalize_quat_vjp(g.quat, quat_to_rotation_vjp(q, d_r));
  return out;
}


// ---- forward mode -------------------------------------------------------------

// Tangent of the blending inputs of one Gaussian along a tangent of its mean
// and quaternion (the opacity's only with View::antialiased: rho depends on
// the screen covariance).
template <class T>
struct SplatTangent {
  Vec2<T> mean2d;
  Sym2<T> conic;
  T opacity;
  Vec3<T> color;
};

// The rows of d(mean2d, conic, colour, opacity)/d(mean, quat) of a Gaussian
// project_gaussian did not cull: row r is project_gaussian_vjp with the unit
// cotangent on blending input r (mean2d x y, conic a b c, colour r g b,
// opacity), so forward-mode products share the backward's formulas, culling
// and clamps. The opacity's row last: the classic render has none.
inline constexpr int kBlendInputs = 9;
inline constexpr int kOpacityRow = kBlendInputs - 1;
inline constexpr int kFirstColourRow = 5;
template <class T>
struct BlendInputJacobian {
  Vec3<T> mean[kBlendInputs];
  Quat<T> quat[kBlendInputs];
};

template <class T>
ST_HDI BlendInputJacobian<T> blend_input_jacobian(const GaussianIn<T>& g, const View& v) {
  BlendInputJacobian<T> jac{};
  // Without view dependence (degree 0) the colour rows are zero, and so is
  // the opacity's without the compensation. (The loop keeps the form the
  // compiler unrolls with each row's unit cotangent folded in: with the
  // opacity's condition inside it, projecting tangents took 1.39 times the
  // instructions of the classic-only code, callgrind of `bench render`;
  // 1.04 times now.)
  const int rows = g.sh_degree > 0 ? kOpacityRow : kFirstColourRow;
  for (int r = 0; r < rows; ++r) {
    ProjectedGaussianGrad<T> unit{};
    T* const inputs[kOpacityRow] = {&unit.mean2d.x, &unit.mean2d.y, &unit.conic.a, &unit.conic.b,
                                    &unit.conic.c,  &unit.color.x,  &unit.color.y, &unit.color.z};
    *inputs[r] = T{} + 1.f;
    const GaussianGrad<T> row = project_gaussian_vjp(g, v, unit, static_cast<T*>(nullptr));
    jac.mean[r] = row.mean;
    jac.quat[r] = row.quat;
  }
  if (v.antialiased) {
    ProjectedGaussianGrad<T> unit{};
    unit.opacity = T{} + 1.f;
    const GaussianGrad<T> row = project_gaussian_vjp(g, v, unit, static_cast<T*>(nullptr));
    jac.mean[kOpacityRow] = row.mean;
    jac.quat[kOpacityRow] = row.quat;
  }
  return jac;
}

// The blending inputs' tangent along (d_mean, d_quat): J (d_mean, d_quat);
// the opacity's only `with_opacity` (View::antialiased), else 0.
template <class T>
ST_HDI SplatTangent<T> splat_tangent(const BlendInputJacobian<T>& jac, Vec3<T> d_mean, Quat<T> d_quat,
                                     bool with_opacity) {
  T t[kBlendInputs] = {};
  const int rows = with_opacity ? kBlendInputs : kOpacityRow;
  for (int r = 0; r < rows; ++r) {
    const Quat<T>& q = jac.quat[r];
    t[r] = dot(jac.mean[r], d_mean) + q.w * d_quat.w + q.x * d_quat.x + q.y * d_quat.y + q.z * d_quat.z;
  }
  return {{t[0], t[1]}, {t[2], t[3], t[4]}, t[8], {t[5], t[6], t[7]}};
}

}  // namespace splattrack::gs
