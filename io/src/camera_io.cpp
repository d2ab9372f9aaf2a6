#include "splattrack/io/camera_io.hpp"

#include "camera_checks.hpp"
#include "file_util.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

Camera read_camera(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".json") return read_camera_json(path);
  if (ext == ".yml" || ext == ".yaml" || ext == ".xml") return read_camera_opencv(path);
  throw InputError(path, "unknown camera file extension '" + ext + "' (expected .json, .yml, .yaml or .xml)");
}

}  // namespace splattrack::io
