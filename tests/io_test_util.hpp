// Helpers shared by the io tests: scratch files, byte builders and the
// InputError expectation every bad-input case uses.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <unistd.h>

#include "splattrack/io/error.hpp"

namespace splattrack::test {

// A file name in the temp folder, unique to the running test and process.
inline std::string scratch_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string stem = std::string("splattrack_") + info->test_suite_name() + "_" + info->name() + "_" +
                           std::to_string(::getpid()) + "_" + name;
  return (std::filesystem::temp_directory_path() / stem).string();
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
