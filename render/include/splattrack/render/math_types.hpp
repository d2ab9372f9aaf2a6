// Small POD types for the math that CPU and CUDA back ends share
// (gaussian_math.hpp, sh.hpp, blend.hpp). No constructors, so they can live in
// device memory and be brace-initialised.
#pragma once

#include "splattrack/render/hd.hpp"

namespace splattrack::gs {

struct Vec2f {
  float x, y;
};

struct Vec3f {
  float x, y, z;
};

// Quaternion, w first (3DGS PLY order).
struct Quatf {
  float w, x, y, z;
};

// Row-major: m[row][col].
struct Mat3f {
  float m[3][3];
};

// Symmetric 2x2 [[a, b], [b, c]].
struct Sym2f {
  float a, b, c;
};

// Symmetric 3x3, the six unique entries.
struct Sym3f {
  float xx, xy, xz, yy, yz, zz;
};

// Gradients of symmetric matrices (Sym2f/Sym3f used as gradients) are partial
// derivatives w.r.t. the stored unique entries: an off-diagonal gradient is
// the sum of the two entry-wise derivatives.

// min/max without the NaN rules of fminf/fmaxf, so that they compile to one
// instruction instead of a libm call; NaN input is culled before it matters.
ST_HDI float min_f(float a, float b) { return a < b ? a : b; }
ST_HDI float max_f(float a, float b) { return a > b ? a : b; }

ST_HDI Vec3f operator+(Vec3f a, Vec3f b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
ST_HDI Vec3f operator-(Vec3f a, Vec3f b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
ST_HDI Vec3f operator*(float s, Vec3f a) { return {s * a.x, s * a.y, s * a.z}; }
ST_HDI float dot(Vec3f a, Vec3f b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

ST_HDI Vec3f mul(const Mat3f& m, Vec3f v) {
  return {m.m[0][0] * v.x + m.m[0][1] * v.y + m.m[0][2] * v.z,
          m.m[1][0] * v.x + m.m[1][1] * v.y + m.m[1][2] * v.z,
          m.m[2][0] * v.x + m.m[2][1] * v.y + m.m[2][2] * v.z};
}

ST_HDI Vec3f mul_transposed(const Mat3f& m, Vec3f v) {
  return {m.m[0][0] * v.x + m.m[1][0] * v.y + m.m[2][0] * v.z,
          m.m[0][1] * v.x + m.m[1][1] * v.y + m.m[2][1] * v.z,
          m.m[0][2] * v.x + m.m[1][2] * v.y + m.m[2][2] * v.z};
}

}  // namespace splattrack::gs
