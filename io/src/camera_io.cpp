#include "splattrack/io/camera_io.hpp"

#include "camera_checks.hpp"
#include "file_util.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

// Whether OpenCV calibration text is XML rather than YAML. OpenCV's
// FileStorage decides by the content, whatever the extension, and so does
// read_camera: a YAML calibration never starts with '<'.
bool looks_like_xml(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '<';
}

}  // namespace

Camera read_camera(const std::string& path, std::optional<ImageSize> frames) {
  const std::string ext = lower_extension(path);
  const bool json = ext == ".json";
  if (!json && ext != ".yml" && ext != ".yaml" && ext != ".xml")
    throw InputError(path, "unknown camera file extension '" + ext + "' (expected .json, .yml, .yaml or .xml)");
  const FileBytes bytes = read_file_bytes(path, kMaxSmallFileBytes);
  if (json) return parse_camera_json(bytes.view(), path, frames);
  return looks_like_xml(bytes.view()) ? parse_camera_xml(bytes.view(), path, frames)
                                      : parse_camera_yaml(bytes.view(), path);
}

}  // namespace splattrack::io
