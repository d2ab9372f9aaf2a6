// Skinning of one Gaussian by its K control points (METHOD.md §3), shared by
// the CPU and CUDA back ends: the forward pass, its exact backward pass to
// the nodes' rotations and translations, and its forward-mode twin (the
// forward pass on Dual numbers, dual.hpp).
//
// Node k moves a rest point x to R_k (x − p_k) + p_k + T_k (R_k from the
// quaternion r_k, used as given: the tracker keeps it unit).
//  - Linear blend skinning (lbs):
//      x' = Σ_k w_k [R_k (x − p_k) + p_k + T_k],   q' = normalise(Σ_k w_k s_k r_k) ⊗ q
//  - Dual-quaternion blending (dqs, Kavan et al. 2007): node k as the unit
//    dual quaternion r_k + ε ½ (0, t_k) ⊗ r_k with t_k = p_k + T_k − R_k p_k;
//      b = Σ_k w_k s_k r_k,  e = Σ_k w_k s_k ½ (0, t_k) ⊗ r_k,  c = b / |b|,
//      x' = R(c) x + 2 vec((e / |b|) ⊗ c*),   q' = c ⊗ q
//    (no volume loss where neighbouring nodes turn apart).
// s_k = ±1 aligns r_k with r_0 (q and −q are the same rotation; blending them
// unaligned would cancel). Scales, opacities and colours are not skinned.
#pragma once

#include "splattrack/render/dual.hpp"
#include "splattrack/render/gaussian_math.hpp"

namespace splattrack::gs {

inline constexpr int kNodesPerGaussian = 4;  // K, METHOD.md §3

enum class SkinMethod { lbs, dqs };

// ---- quaternion algebra (any scalar type) ----------------------------------

template <class T>
ST_HDI Quat<T> quat_mul(Quat<T> a, Quat<T> b) {
  return {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z, a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
          a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x, a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}

template <class T>
ST_HDI Quat<T> conjugate(Quat<T> q) {
  return {q.w, -q.x, -q.y, -q.z};
}

template <class T>
ST_HDI T quat_dot(Quat<T> a, Quat<T> b) {
  return a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z;
}

template <class T>
ST_HDI Quat<T> quat_add(Quat<T> a, Quat<T> b) {
  return {a.w + b.w, a.x + b.x, a.y + b.y, a.z + b.z};
}

template <class T>
ST_HDI Quat<T> quat_scale(T s, Quat<T> q) {
  return {s * q.w, s * q.x, s * q.y, s * q.z};
}

template <class T>
ST_HDI Quat<T> pure_quat(Vec3<T> v) {
  return {T(0), v.x, v.y, v.z};
}

template <class T>
ST_HDI Vec3<T> vec_part(Quat<T> q) {
  return {q.x, q.y, q.z};
}

template <class T>
ST_HDI Vec3<T> rotate(const Mat3<T>& r, Vec3<T> v) {
  return {r.m[0][0] * v.x + r.m[0][1] * v.y + r.m[0][2] * v.z, r.m[1][0] * v.x + r.m[1][1] * v.y + r.m[1][2] * v.z,
          r.m[2][0] * v.x + r.m[2][1] * v.y + r.m[2][2] * v.z};
}

// a bᵀ, the gradient of a matrix applied to b given the gradient a of the product.
template <class T>
ST_HDI Mat3<T> outer(Vec3<T> a, Vec3<T> b) {
  const T av[3] = {a.x, a.y, a.z}, bv[3] = {b.x, b.y, b.z};
  Mat3<T> m;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m.m[i][j] = av[i] * bv[j];
  return m;
}

// ---- one Gaussian's nodes ---------------------------------------------------

template <class T>
struct SkinNode {
  Vec3<T> rest;         // p_k
  Quat<T> rotation;     // r_k
  Vec3<T> translation;  // T_k
  T weight;             // w_k (a Gaussian's weights sum to 1)
};

// dL/dr_k and dL/dT_k, or a tangent of them (skin_jvp).
template <class T>
struct SkinNodeGrad {
  Quat<T> rotation;
  Vec3<T> translation;
};

template <class T>
struct SkinnedGaussian {
  Vec3<T> mean;
  Quat<T> quat;
};

template <class T>
using SkinNodes = SkinNode<T>[kNodesPerGaussian];
template <class T>
using SkinNodeGrads = SkinNodeGrad<T>[kNodesPerGaussian];

// w_k s_k: the weight with r_k's sign aligned to r_0.
template <class T>
ST_HDI T aligned_weight(const SkinNodes<T>& n, int k) {
  return quat_dot(n[k].rotation, n[0].rotation) < T(0) ? -n[k].weight : n[k].weight;
}

// b = Σ_k w_k s_k r_k.
template <class T>
ST_HDI Quat<T> blended_rotation(const SkinNodes<T>& n) {
  Quat<T> b{T(0), T(0), T(0), T(0)};
  for (int k = 0; k < kNodesPerGaussian; ++k) b = quat_add(b, quat_scale(aligned_weight(n, k), n[k].rotation));
  return b;
}

// t_k = p_k + T_k − R_k p_k: node k's transform as x ↦ R_k x + t_k.
template <class T>
ST_HDI Vec3<T> node_offset(const SkinNode<T>& n) {
  return n.rest + n.translation - rotate(quat_to_rotation(n.rotation), n.rest);
}

// ---- linear blend skinning ---------------------------------------------------

template <class T>
ST_HDI SkinnedGaussian<T> skin_lbs(const SkinNodes<T>& n, Vec3<T> x, Quat<T> q) {
  Vec3<T> mean{T(0), T(0), T(0)};
  for (int k = 0; k < kNodesPerGaussian; ++k) {
    const Vec3<T> moved = rotate(quat_to_rotation(n[k].rotation), x - n[k].rest) + n[k].rest + n[k].translation;
    mean = mean + n[k].weight * moved;
  }
  return {mean, quat_mul(normalize_quat(blended_rotation(n)), q)};
}

template <class T>
ST_HDI void skin_lbs_vjp(const SkinNodes<T>& n, Vec3<T> x, Quat<T> q, const SkinnedGaussian<T>& d_out,
                         SkinNodeGrads<T>& d) {
  // q' = u ⊗ q: dL/du = dL/dq' ⊗ q*; u = b / |b|.
  const Quat<T> d_blend = normalize_quat_vjp(blended_rotation(n), quat_mul(d_out.quat, conjugate(q)));
  for (int k = 0; k < kNodesPerGaussian; ++k) {
    const T w = n[k].weight;
    const Mat3<T> d_r = outer(w * d_out.mean, x - n[k].rest);
    d[k].rotation = quat_add(quat_to_rotation_vjp(n[k].rotation, d_r), quat_scale(aligned_weight(n, k), d_blend));
    d[k].translation = w * d_out.mean;
  }
}

// ---- dual-quaternion blending ------------------------------------------------

// The blend's unnormalised real part b and dual part e.
template <class T>
ST_HDI void blended_dual_quat(const SkinNodes<T>& n, Quat<T>& b, Quat<T>& e) {
  b = blended_rotation(n);
  e = {T(0), T(0), T(0), T(0)};
  for (int k = 0; k < kNodesPerGaussian; ++k) {
    const Quat<T> dual = quat_scale(T(0.5f), quat_mul(pure_quat(node_offset(n[k])), n[k].rotation));
    e = quat_add(e, quat_scale(aligned_weight(n, k), dual));
  }
}

template <class T>
ST_HDI SkinnedGaussian<T> skin_dqs(const SkinNodes<T>& n, Vec3<T> x, Quat<T> q) {
  Quat<T> b, e;
  blended_dual_quat(n, b, e);
  const T inv = T(1) / Ops<T>::sqrt(norm_squared(b));
  const Quat<T> c = quat_scale(inv, b), ce = quat_scale(inv, e);
  const Vec3<T> t = T(2) * vec_part(quat_mul(ce, conjugate(c)));
  return {rotate(quat_to_rotation(c), x) + t, quat_mul(c, q)};
}

template <class T>
ST_HDI void skin_dqs_vjp(const SkinNodes<T>& n, Vec3<T> x, Quat<T> q, const SkinnedGaussian<T>& d_out,
                         SkinNodeGrads<T>& d) {
  Quat<T> b, e;
  blended_dual_quat(n, b, e);
  const T inv = T(1) / Ops<T>::sqrt(norm_squared(b));
  const Quat<T> c = quat_scale(inv, b), ce = quat_scale(inv, e);
  // x' = R(c) x + t, q' = c ⊗ q, t = 2 vec(ce ⊗ c*).
  Quat<T> d_c = quat_add(quat_to_rotation_vjp(c, outer(d_out.mean, x)), quat_mul(d_out.quat, conjugate(q)));
  const Quat<T> d_prod = pure_quat(T(2) * d_out.mean);  // dL/d(ce ⊗ c*)
  const Quat<T> d_ce = quat_mul(d_prod, c);
  d_c = quat_add(d_c, conjugate(quat_mul(conjugate(ce), d_prod)));
  // c = b / |b|, ce = e / |b|.
  const Quat<T> d_e = quat_scale(inv, d_ce);
  const Quat<T> d_b = quat_add(normalize_quat_vjp(b, d_c), quat_scale(-quat_dot(d_ce, e) * inv * inv * inv, b));
  for (int k = 0; k < kNodesPerGaussian; ++k) {
    const T ws = aligned_weight(n, k);
    // e's term ½ (0, t_k) ⊗ r_k, t_k = p_k + T_k − R_k p_k.
    const Quat<T> d_dual = quat_scale(ws, d_e);
    const Vec3<T> d_offset = vec_part(quat_mul(quat_scale(T(0.5f), d_dual), conjugate(n[k].rotation)));
    Quat<T> d_r =
        quat_add(quat_scale(ws, d_b), quat_mul(conjugate(pure_quat(node_offset(n[k]))), quat_scale(T(0.5f), d_dual)));
    d_r = quat_add(d_r, quat_to_rotation_vjp(n[k].rotation, outer(T(-1) * d_offset, n[k].rest)));
    d[k] = {d_r, d_offset};
  }
}

// ---- by method ------------------------------------------------------------------

template <class T>
ST_HDI SkinnedGaussian<T> skin(SkinMethod method, const SkinNodes<T>& n, Vec3<T> x, Quat<T> q) {
  return method == SkinMethod::dqs ? skin_dqs(n, x, q) : skin_lbs(n, x, q);
}

template <class T>
ST_HDI void skin_vjp(SkinMethod method, const SkinNodes<T>& n, Vec3<T> x, Quat<T> q, const SkinnedGaussian<T>& d_out,
                     SkinNodeGrads<T>& d) {
  if (method == SkinMethod::dqs)
    skin_dqs_vjp(n, x, q, d_out, d);
  else
    skin_lbs_vjp(n, x, q, d_out, d);
}

// The derivative of skin() along the nodes' tangent `dn` (rotations and
// translations; x and q fixed): the forward pass on dual numbers.
template <class S>
ST_HDI SkinnedGaussian<S> skin_jvp(SkinMethod method, const SkinNodes<S>& n, const SkinNodeGrads<S>& dn, Vec3<S> x,
                                   Quat<S> q) {
  using D = Dual<S>;
  SkinNodes<D> nd;
  for (int k = 0; k < kNodesPerGaussian; ++k) {
    const Quat<S> r = n[k].rotation, dr = dn[k].rotation;
    const Vec3<S> t = n[k].translation, dt = dn[k].translation;
    nd[k] = {{D(n[k].rest.x), D(n[k].rest.y), D(n[k].rest.z)},
             {D(r.w, dr.w), D(r.x, dr.x), D(r.y, dr.y), D(r.z, dr.z)},
             {D(t.x, dt.x), D(t.y, dt.y), D(t.z, dt.z)},
             D(n[k].weight)};
  }
  const SkinnedGaussian<D> out =
      skin(method, nd, Vec3<D>{D(x.x), D(x.y), D(x.z)}, Quat<D>{D(q.w), D(q.x), D(q.y), D(q.z)});
  return {{out.mean.x.d, out.mean.y.d, out.mean.z.d}, {out.quat.w.d, out.quat.x.d, out.quat.y.d, out.quat.z.d}};
}

}  // namespace splattrack::gs
