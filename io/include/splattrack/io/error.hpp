// The one error type for bad input files: its message names the file and
// what is wrong with it, ready to print as is.
#pragma once

#include <stdexcept>
#include <string>

namespace splattrack::io {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& path, const std::string& problem)
      : std::runtime_error(path + ": " + problem), path_(path) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace splattrack::io
