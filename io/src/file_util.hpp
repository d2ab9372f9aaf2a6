// Small helpers shared by the model and camera readers.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace splattrack::io {

// The whole file in one block; InputError when it is missing, a directory
// or unreadable. Readers parse from memory so that no count in a header can
// make them read or allocate past what the file really holds.
struct FileBytes {
  std::unique_ptr<char[]> data;  // not zero-filled first: the read overwrites it
  std::size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
};
FileBytes read_file_bytes(const std::string& path);

// ".PLY" -> ".ply"; "" when the name has no extension.
std::string lower_extension(const std::string& path);

}  // namespace splattrack::io
