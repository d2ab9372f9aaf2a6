// 3DGS model files: PLY (binary little/big endian, ASCII) by property name,
// and the 32-byte .splat layout (FORMATS.md, METHOD.md §2).
#pragma once

#include <string>
#include <vector>

#include "splattrack/render/model.hpp"

namespace splattrack::io {

enum class PlyFormat { BinaryLittleEndian, BinaryBigEndian, Ascii };

// What a reader repaired or skipped; empty for a clean file.
struct LoadReport {
  std::vector<std::string> warnings;
};

// Reads .ply or .splat by extension. Throws InputError naming the file and
// the problem for anything it cannot read faithfully.
GaussianModel read_gaussians(const std::string& path, LoadReport* report = nullptr);
GaussianModel read_ply(const std::string& path, LoadReport* report = nullptr);
GaussianModel read_splat(const std::string& path, LoadReport* report = nullptr);

// Writes the standard 3DGS layout (x y z nx ny nz f_dc f_rest opacity scale rot).
void write_ply(const std::string& path, const GaussianModel& model,
               PlyFormat format = PlyFormat::BinaryLittleEndian);

}  // namespace splattrack::io
