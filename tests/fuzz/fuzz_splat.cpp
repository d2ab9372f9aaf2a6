// .splat models through io::read_gaussians: only InputError escapes; an
// accepted model has one Gaussian per 32-byte record, SH degree 0, is valid
// and round-trips bit for bit through every PLY format.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace splattrack;
  const std::string path = fuzz::input_file("in.splat", data, size);
  GaussianModel model;
  if (!fuzz::accepts("read_gaussians(.splat)", [&] { model = io::read_gaussians(path); })) return 0;
  FUZZ_CHECK(size % 32 == 0 && model.size() == size / 32, model.size() << " Gaussians from " << size << " bytes");
  FUZZ_CHECK(model.sh_degree == 0, "sh_degree " << model.sh_degree);
  fuzz::check_model_and_round_trip(model);
  return 0;
}
