// 3DGS model files: PLY (binary little/big endian, ASCII) by property name,
// and the 32-byte .splat layout (FORMATS.md, METHOD.md §2).
//
// What a loaded model guarantees: at least one Gaussian, consistent arrays,
// every value finite, every rotation quaternion normalisable. Files are
// judged as follows:
// - NaN anywhere, or ±inf in a position, scale, rotation or SH coefficient:
//   refused (InputError with the count and the first Gaussian and property).
//   There is no value to repair them to that would not invent geometry.
// - ±inf opacity logit (trainers write it when sigmoid saturates; the fox
//   model has 37): clamped to ±kMaxOpacityLogit with one warning in the
//   LoadReport. The renderer caps α at 0.99 (logit 4.6) and drops α < 1/255
//   (logit −5.5), so the clamp changes no rendered pixel.
// - A rotation quaternion with norm below kMinQuaternionNorm (in practice
//   all four zero): refused, since it has no direction to normalise to; and
//   one above kMaxQuaternionNorm, which float cannot normalise.
// Finite but large values (splatapult's opacity logit 100) are kept as is.
#pragma once

#include <string>
#include <vector>

#include "splattrack/render/model.hpp"

namespace splattrack::io {

// Far beyond both rendering cut-offs, yet exp(±30) stays finite in float
// (its limit is e^88), so no activation overflows.
inline constexpr float kMaxOpacityLogit = 30.f;
// Below this the squared norm nears float's smallest normal numbers and
// normalising in float stops being meaningful.
inline constexpr double kMinQuaternionNorm = 1e-12;
// Above this the squared norm the renderer computes in float overflows
// (float's largest value is 3.4e38): a fuzzed file with rot_0 = 1e20 loaded
// and then rendered NaN.
inline constexpr double kMaxQuaternionNorm = 1e18;
// .splat stores alpha as a byte a = round(255·α), so a = 0 and a = 255 stand
// for α within half a step of 0 and 1. Clamping α to that half step keeps
// the logit finite (±6.2) and, as above, on the same side of both cut-offs.
inline constexpr double kSplatAlphaFloor = 0.5 / 255.0;

enum class PlyFormat { BinaryLittleEndian, BinaryBigEndian, Ascii };

// What a reader repaired or skipped; empty for a clean file.
struct LoadReport {
  std::vector<std::string> warnings;
};

// Reads .ply or .splat by extension (case-insensitive). Throws InputError
// naming the file and the problem for anything it cannot read faithfully.
GaussianModel read_gaussians(const std::string& path, LoadReport* report = nullptr);
GaussianModel read_ply(const std::string& path, LoadReport* report = nullptr);
GaussianModel read_splat(const std::string& path, LoadReport* report = nullptr);

// The header comment that marks a model rendered with its opacities
// compensated for the screen dilation (GaussianModel::antialiased; gsplat's
// rasterize_mode): write_ply writes it, read_ply reads it.
inline constexpr const char* kAntialiasedComment = "rasterize_mode antialiased";

// Writes the standard 3DGS layout (x y z nx ny nz f_dc f_rest opacity scale
// rot, all float, normals zero). ASCII numbers are written in their shortest
// exact form, so every format reads back bit for bit. Throws
// std::invalid_argument for an empty or inconsistent model, InputError when
// the file cannot be written.
void write_ply(const std::string& path, const GaussianModel& model,
               PlyFormat format = PlyFormat::BinaryLittleEndian);

}  // namespace splattrack::io
