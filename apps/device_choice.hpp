// --device cpu|cuda|auto (issue 12): which back end a command renders on,
// and why, for run.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "args.hpp"

namespace splattrack::apps {

struct DeviceChoice {
  bool cuda = false;      // render on the CUDA back end
  std::string requested;  // cpu, cuda or auto
  std::string name;       // the GPU's, when one is present
  std::string note;       // why auto chose the CPU
  nlohmann::ordered_json json() const;
};

// --device's value (default auto). auto takes the GPU when a device can run
// this build's kernels and passes cuda_self_check() and
// losses::cuda_moments_check(); --device cuda throws
// std::runtime_error (exit 1) when there is no usable device or it fails the
// check, saying why; another value is a UsageError.
DeviceChoice choose_device(const Args& args);
DeviceChoice choose_device(const std::string& requested);

// Whether `splattrack bench <what>` adds CUDA rows beside the CPU ones: the
// device auto would take; otherwise one line on stderr says why not.
bool bench_on_gpu(const std::string& what);

// The --device lines of a command's help, its text starting at `column`.
std::string device_help(int column);

}  // namespace splattrack::apps
