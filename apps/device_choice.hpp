// --device cpu|cuda|auto (issue 12): which back end a command runs on, and
// why, for run.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "args.hpp"

namespace splattrack::apps {

struct DeviceChoice {
  bool cuda = false;      // run on the CUDA back end
  std::string requested;  // cpu, cuda or auto
  std::string name;       // the GPU's, when one is present
  std::string note;       // why auto chose the CPU
  nlohmann::ordered_json json() const;
};

// --device's value (default auto). `runs_on_cuda`: the command has a CUDA
// path. --device cuda throws std::runtime_error (exit 1) when there is no
// usable device, saying why, or when the command has no CUDA path yet;
// another value is a UsageError.
DeviceChoice choose_device(const Args& args, const char* command, bool runs_on_cuda);

// The --device lines of a command's help (`runs_on_cuda` as for
// choose_device), its text starting at `column`.
std::string device_help(int column, bool runs_on_cuda);

}  // namespace splattrack::apps
