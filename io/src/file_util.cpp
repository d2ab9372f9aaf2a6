#include "file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

// Closes the descriptor on every path out of read_file_bytes.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

FileBytes read_file_bytes(const std::string& path, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(path, "file not found");
  if (fs::is_directory(status)) throw InputError(path, "is a directory, not a file");
  if (!fs::is_regular_file(status)) throw InputError(path, "is not a regular file (a pipe, socket or device?)");
  // O_NONBLOCK: should the name be swapped for a FIFO after the check above,
  // open() still returns at once, and fstat below refuses it.
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) throw InputError(path, std::string("cannot open file: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode))
    throw InputError(path, "is not a regular file (a pipe, socket or device?)");
  const auto size = static_cast<std::size_t>(info.st_size);
  if (size > max_bytes)
    throw InputError(path, "is " + std::to_string(size) + " bytes, more than the " + std::to_string(max_bytes) +
                               " this kind of file may have");
  FileBytes bytes{std::make_unique_for_overwrite<char[]>(std::max<std::size_t>(size, 1)), size};
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::read(file.fd, bytes.data.get() + done, size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError(path, std::string("cannot read file: ") + std::strerror(errno));
    if (got == 0) throw InputError(path, "the file shrank while it was read");
    done += static_cast<std::size_t>(got);
  }
  return bytes;
}

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace splattrack::io
