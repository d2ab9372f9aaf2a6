#include "splattrack/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

namespace fs = std::filesystem;

// ".NAME.tmp-PID.EXT" beside `path`: hidden, unique to this process, and with
// the destination's extension.
std::string temporary_name(const std::string& path) {
  const fs::path p(path);
  const std::string name = "." + p.stem().string() + ".tmp-" + std::to_string(::getpid()) + p.extension().string();
  return (p.parent_path() / name).string();
}

[[noreturn]] void fail(const std::string& path, const std::string& temp, const std::string& what, int error) {
  ::unlink(temp.c_str());
  std::string reason = what + ": " + std::strerror(error);
  if (error == ENOSPC || error == EFBIG || error == EDQUOT) reason += " (disk full or file size limit)";
  throw InputError(path, reason);
}

// fsync, then rename onto the destination: the data is on disk before the
// name points at it.
void sync_and_rename(const std::string& path, const std::string& temp) {
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, temp, "cannot reopen the written file", errno);
  const bool synced = ::fsync(fd) == 0;
  const int sync_error = errno;
  ::close(fd);
  if (!synced) fail(path, temp, "cannot sync the written file", sync_error);
  if (std::rename(temp.c_str(), path.c_str()) != 0) fail(path, temp, "cannot rename the written file into place", errno);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
  const std::string temp = temporary_name(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw InputError(path, std::string("cannot open for writing: ") + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t wrote = ::write(fd, content.data() + done, content.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) {
      const int error = errno;
      ::close(fd);
      fail(path, temp, "writing failed", error);
    }
    done += static_cast<std::size_t>(wrote);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    fail(path, temp, "cannot sync the written file", error);
  }
  if (::close(fd) != 0) fail(path, temp, "writing failed", errno);
  if (std::rename(temp.c_str(), path.c_str()) != 0) fail(path, temp, "cannot rename the written file into place", errno);
}

void write_file_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string temp = temporary_name(path);
  try {
    write(temp);
  } catch (const InputError& e) {
    ::unlink(temp.c_str());
    // The user named `path`, not the temporary file: say it about `path`.
    const std::string message = e.what();
    if (e.path() != temp) throw;
    throw InputError(path, message.substr(std::min(message.size(), temp.size() + 2)));
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  std::error_code ec;
  if (!fs::is_regular_file(temp, ec)) fail(path, temp, "the writer produced no file", ENOENT);
  sync_and_rename(path, temp);
}

void commit_file(const std::string& temp, const std::string& path) { sync_and_rename(path, temp); }

}  // namespace splattrack::io
