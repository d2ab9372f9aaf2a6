// Camera files (.json) through io::read_camera: only InputError escapes; an
// accepted camera is valid and its JSON form reads back bit for bit.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return splattrack::fuzz::fuzz_camera("in.json", data, size);
}
