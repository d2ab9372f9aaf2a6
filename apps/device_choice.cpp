#include "device_choice.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack::apps {

nlohmann::ordered_json DeviceChoice::json() const {
  nlohmann::ordered_json j = {{"used", cuda ? "cuda" : "cpu"}, {"requested", requested}};
  if (!name.empty()) j["gpu"] = name;
  if (!note.empty()) j["note"] = note;
  return j;
}

std::string device_help(int column) {
  const std::string option = "  --device D";
  const std::string pad(static_cast<std::size_t>(std::max<int>(1, column - static_cast<int>(option.size()))), ' ');
  const std::string indent(static_cast<std::size_t>(column), ' ');
  return option + pad + "cpu, cuda or auto (default: the GPU when a CUDA device can run this build and\n" +
         indent + "renders a test scene as the CPU does, else the CPU); cuda without one is an error\n" + indent +
         "saying why\n";
}

DeviceChoice choose_device(const Args& args) { return choose_device(args.get_or("device", "auto")); }

bool bench_on_gpu(const std::string& what) {
  const DeviceChoice c = choose_device("auto");
  if (!c.cuda) std::fprintf(stderr, "bench %s: CPU rows only (%s)\n", what.c_str(), c.note.c_str());
  return c.cuda;
}

DeviceChoice choose_device(const std::string& requested) {
  DeviceChoice c;
  c.requested = requested;
  if (c.requested != "cpu" && c.requested != "cuda" && c.requested != "auto")
    throw UsageError("--device must be cpu, cuda or auto, got '" + c.requested + "'");
  if (c.requested == "cpu") return c;
  const CudaDevice& device = cuda_device();
  c.name = device.name;
  if (!device.available) {
    if (c.requested == "cuda") throw std::runtime_error("--device cuda: " + device.reason);
    c.note = device.reason;
    return c;
  }
  // A device that can run the kernels: used only when it renders and takes
  // the moments as the CPU does.
  const CudaCheck& check = cuda_self_check().passed ? losses::cuda_moments_check() : cuda_self_check();
  if (!check.passed) {
    if (c.requested == "cuda")
      throw std::runtime_error("--device cuda: the GPU fails the self-check against the CPU: " +
                               check.detail);
    c.note = "the GPU fails the self-check against the CPU (" + check.detail + ")";
    return c;
  }
  c.cuda = true;
  return c;
}

}  // namespace splattrack::apps
