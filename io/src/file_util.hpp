// Small helpers shared by the readers and writers of io.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "splattrack/io/error.hpp"

namespace splattrack::io {

// The whole file in one block; InputError when it is missing, not a regular
// file (a folder, a FIFO, a device: reading those can block forever or never
// end), larger than `max_bytes`, or unreadable. Readers parse from memory so
// that no count in a header can make them read or allocate past what the
// file really holds.
struct FileBytes {
  std::unique_ptr<char[]> data;  // not zero-filled first: the read overwrites it
  std::size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
};
FileBytes read_file_bytes(const std::string& path,
                          std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

// Small text files (cameras, poses): a real one is a few hundred bytes.
inline constexpr std::size_t kMaxSmallFileBytes = std::size_t{1} << 20;

// Runs `read` for the file `path`, turning a failed allocation (a file
// larger than memory, or a size no container can hold) into an InputError
// naming the file, where it would otherwise reach the user as a bare
// "std::bad_alloc".
template <class Read>
auto with_file_context(const std::string& path, Read&& read) {
  try {
    return read();
  } catch (const std::bad_alloc&) {
    throw InputError(path, "too large to load: out of memory");
  } catch (const std::length_error&) {
    throw InputError(path, "too large to load: a size exceeds what memory can hold");
  }
}

// ".PLY" -> ".ply"; "" when the name has no extension.
std::string lower_extension(const std::string& path);

}  // namespace splattrack::io
