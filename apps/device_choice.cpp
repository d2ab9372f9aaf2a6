#include "device_choice.hpp"

#include <algorithm>
#include <stdexcept>

#include "splattrack/render/cuda.hpp"

namespace splattrack::apps {

nlohmann::ordered_json DeviceChoice::json() const {
  nlohmann::ordered_json j = {{"used", cuda ? "cuda" : "cpu"}, {"requested", requested}};
  if (!name.empty()) j["gpu"] = name;
  if (!note.empty()) j["note"] = note;
  return j;
}

std::string device_help(int column, bool runs_on_cuda) {
  const std::string option = "  --device D";
  const std::string pad(static_cast<std::size_t>(std::max<int>(1, column - static_cast<int>(option.size()))), ' ');
  const std::string indent(static_cast<std::size_t>(column), ' ');
  if (!runs_on_cuda)
    return option + pad + "cpu or auto (default): runs on the CPU (no CUDA path yet); cuda is an error\n" + indent +
           "saying why; run.json records the choice\n";
  return option + pad + "cpu, cuda or auto (default: the GPU when a CUDA device can run this build, else\n" +
         indent + "the CPU); cuda without one is an error saying why\n";
}

DeviceChoice choose_device(const Args& args, const char* command, bool runs_on_cuda) {
  DeviceChoice c;
  c.requested = args.get_or("device", "auto");
  if (c.requested != "cpu" && c.requested != "cuda" && c.requested != "auto")
    throw UsageError("--device must be cpu, cuda or auto, got '" + c.requested + "'");
  if (c.requested == "cpu") return c;
  const CudaDevice& device = cuda_device();
  c.name = device.name;
  if (c.requested == "cuda") {
    if (!device.available) throw std::runtime_error("--device cuda: " + device.reason);
    if (!runs_on_cuda)
      throw std::runtime_error(std::string("--device cuda: `splattrack ") + command +
                               "` has no CUDA path yet (it runs on the CPU: --device cpu or auto)");
    c.cuda = true;
    return c;
  }
  if (!device.available) {
    c.note = device.reason;
  } else if (!runs_on_cuda) {
    c.note = std::string("`splattrack ") + command + "` has no CUDA path yet";
  } else {
    c.cuda = true;
  }
  return c;
}

}  // namespace splattrack::apps
