// Running the built `splattrack` binary from the command-line tests.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "io_test_util.hpp"

namespace splattrack::test {

// Runs `prefix splattrack ARGS` through the shell, stdout and stderr into
// `log`; returns the exit code, or 128 + N when signal N ended it. `prefix`
// may set limits first ("ulimit -f 1;").
inline int run_cli(const std::string& args, const std::filesystem::path& log, const std::string& prefix = "") {
  const std::string command =
      prefix + " exec " + std::string(SPLATTRACK_BINARY) + " " + args + " > " + log.string() + " 2>&1";
  const int status = std::system(command.c_str());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

}  // namespace splattrack::test
