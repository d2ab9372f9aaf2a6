// One writer per output folder. Two runs writing one poses.csv interleave
// their rows silently, so a run holds DIR/.splattrack.lock (flock) while it
// writes there, and a second run is refused with a message naming the
// holder's process id. The kernel drops the lock when its process ends,
// however it ends (SIGKILL included): the lock file a dead run leaves behind
// is simply taken over.
#pragma once

#include <string>

namespace splattrack::io {

class OutputLock {
 public:
  // Creates `dir` if needed and takes its lock. Throws InputError naming the
  // folder when another live process holds it or it cannot be created.
  explicit OutputLock(const std::string& dir);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_ = -1;
};

inline constexpr const char* kOutputLockName = ".splattrack.lock";

}  // namespace splattrack::io
