#include "splattrack/io/gaussian_io.hpp"

#include "file_util.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

GaussianModel read_gaussians(const std::string& path, LoadReport* report) {
  const std::string ext = lower_extension(path);
  if (ext == ".ply") return with_file_context(path, [&] { return read_ply(path, report); });
  if (ext == ".splat") return with_file_context(path, [&] { return read_splat(path, report); });
  throw InputError(path, "unknown model file extension '" + ext + "' (expected .ply or .splat)");
}

}  // namespace splattrack::io
