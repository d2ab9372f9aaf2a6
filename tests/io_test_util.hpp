// Helpers shared by the io tests: scratch files, byte builders and the
// InputError expectation every bad-input case uses.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

#include "splattrack/io/error.hpp"

namespace splattrack::test {

// What scratch_path() handed out, removed when the test process exits:
// the names are unique per process, so nothing else would ever remove them
// (a machine that had run the suite a dozen times held 1,500 of them). Set
// SPLATTRACK_KEEP_SCRATCH to keep them for a look after a failure. A forked
// child that exits normally removes nothing of its parent's.
class ScratchRegistry {
 public:
  void add(const std::filesystem::path& path) { paths_.push_back(path); }
  ~ScratchRegistry() {
    if (::getpid() != owner_ || std::getenv("SPLATTRACK_KEEP_SCRATCH")) return;
    for (const std::filesystem::path& p : paths_) {
      std::error_code ignored;
      std::filesystem::remove_all(p, ignored);
    }
  }

 private:
  pid_t owner_ = ::getpid();
  std::vector<std::filesystem::path> paths_;
};

inline ScratchRegistry& scratch_registry() {
  static ScratchRegistry registry;
  return registry;
}

// A file name in the temp folder, unique to the running test and process.
inline std::string scratch_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string stem = std::string("splattrack_") + info->test_suite_name() + "_" + info->name() + "_" +
                     std::to_string(::getpid()) + "_" + name;
  std::replace(stem.begin(), stem.end(), '/', '_');  // parameterised tests' names (Prefix/Suite, Test/0)
  const std::filesystem::path path = std::filesystem::temp_directory_path() / stem;
  scratch_registry().add(path);
  return path.string();
}

// A fresh, empty folder from scratch_path(name).
inline std::filesystem::path scratch_dir(const std::string& name) {
  const std::filesystem::path dir = scratch_path(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = scratch_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Appends numbers in a chosen byte order, to hand-build binary files.
class Bytes {
 public:
  explicit Bytes(std::endian endian) : endian_(endian) {}
  template <class T>
  Bytes& put(T value) {
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    if (endian_ != std::endian::native)
      for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(raw[i], raw[sizeof(T) - 1 - i]);
    text_.append(raw, sizeof(T));
    return *this;
  }
  const std::string& str() const { return text_; }

 private:
  std::endian endian_;
  std::string text_;
};

// While alive, files this process writes may not grow past `bytes` (writes
// fail with EFBIG, as on a full disk); SIGXFSZ is ignored meanwhile.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(std::uintmax_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit limited = saved_;
    limited.rlim_cur = static_cast<rlim_t>(bytes);
    ::setrlimit(RLIMIT_FSIZE, &limited);
    saved_handler_ = std::signal(SIGXFSZ, SIG_IGN);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, saved_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*saved_handler_)(int) = SIG_DFL;
};

// Calls f and expects io::InputError whose message names `path` and holds every word.
template <class F>
void expect_input_error(F&& f, const std::string& path, std::initializer_list<std::string> words) {
  try {
    f();
    ADD_FAILURE() << "expected io::InputError for " << path;
  } catch (const io::InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    for (const std::string& w : words) EXPECT_NE(message.find(w), std::string::npos) << "'" << w << "' not in: " << message;
  }
}

}  // namespace splattrack::test
