// Point files (track --init-points) through io::read_point_pairs: only
// InputError escapes; accepted pairs are as many model points as pixels, at
// least kMinPointPairs, all finite.
#include "fuzz_util.hpp"
#include "splattrack/io/pose_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace splattrack;
  const std::string path = fuzz::input_file("in.json", data, size);
  io::PointPairs pairs;
  if (!fuzz::accepts("read_point_pairs", [&] { pairs = io::read_point_pairs(path); })) return 0;
  FUZZ_CHECK(pairs.model.size() == pairs.pixels.size() && pairs.model.size() >= io::kMinPointPairs,
             pairs.model.size() << " model points and " << pairs.pixels.size() << " pixels accepted");
  for (std::size_t i = 0; i < pairs.model.size(); ++i)
    FUZZ_CHECK(pairs.model[i].allFinite() && pairs.pixels[i].allFinite(), "pair " << i << " is not finite");
  return 0;
}
