// The image losses of the tracker: spectral moments with frequency annealing
// (METHOD.md §4–§5) and the spatial losses of the final phase.
#pragma once

#include "splattrack/losses/bands.hpp"
#include "splattrack/losses/image.hpp"
#include "splattrack/losses/moments.hpp"
#include "splattrack/losses/spectral_loss.hpp"
#include "splattrack/losses/annealing.hpp"
#include "splattrack/losses/spatial.hpp"
