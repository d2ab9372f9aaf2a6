#include "file_util.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "splattrack/io/error.hpp"

namespace splattrack::io {

FileBytes read_file_bytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(path, "file not found");
  if (fs::is_directory(status)) throw InputError(path, "is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw InputError(path, "cannot determine the file size");
  FileBytes bytes{std::make_unique_for_overwrite<char[]>(static_cast<std::size_t>(size)),
                  static_cast<std::size_t>(size)};
  in.seekg(0, std::ios::beg);
  if (!in.read(bytes.data.get(), size)) throw InputError(path, "cannot read file");
  return bytes;
}

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace splattrack::io
