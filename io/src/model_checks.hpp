// The checks every model reader ends with (rules in gaussian_io.hpp).
#pragma once

#include <string>

#include "splattrack/io/gaussian_io.hpp"

namespace splattrack::io {

// Refuses non-finite values and zero quaternions, clamps infinite opacity
// logits with one warning added to `report` (when given).
void check_and_repair(GaussianModel& model, const std::string& path, LoadReport* report);

}  // namespace splattrack::io
