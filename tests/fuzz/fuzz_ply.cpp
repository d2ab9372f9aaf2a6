// PLY models through io::read_gaussians: only InputError escapes; an accepted
// model is valid and round-trips bit for bit through every PLY format.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace splattrack;
  const std::string path = fuzz::input_file("in.ply", data, size);
  GaussianModel model;
  if (fuzz::accepts("read_gaussians(.ply)", [&] { model = io::read_gaussians(path); }))
    fuzz::check_model_and_round_trip(model);
  return 0;
}
