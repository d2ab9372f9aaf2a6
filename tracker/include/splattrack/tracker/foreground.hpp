// Foreground probability from colour, for frames without masks: a colour
// histogram of the object (the pixels inside its tracked silhouette) against
// one of its surroundings (the rest of the window), each blended into the
// model frame by frame from the tracked pose, as the region-based trackers
// do (PWP3D, RBOT, SRT3D). The per-pixel posterior P(object | colour) is the
// target of the silhouette moments and weights the colour term
// (Observation), so that clutter and occluders (a hand, a mug) count as "not
// object" instead of dragging the pose.
#pragma once

#include <cstddef>
#include <vector>

namespace splattrack {

namespace foreground_defaults {
// 32 bins per channel (RBOT's choice): coarse enough that a few thousand
// pixels fill the object's bins, fine enough to tell a texture from a desk.
inline constexpr int kBinsPerChannel = 32;
// Render alpha at or above this is object, at or below kOutside background;
// between, the silhouette's edge teaches neither model.
inline constexpr float kInside = 0.9f;
inline constexpr float kOutside = 0.1f;
// How much of the model one tracked frame replaces (RBOT: 0.1 object,
// 0.2 background; one rate keeps the two comparable).
inline constexpr double kLearningRate = 0.2;
}  // namespace foreground_defaults

class ColourForeground {
 public:
  explicit ColourForeground(int bins_per_channel = foreground_defaults::kBinsPerChannel);

  // Whether both histograms have been learnt from at least one frame.
  bool ready() const { return ready_; }

  // Learns from one window of `pixels` pixels: rgb [N, 3] in 0..1, the
  // rendered silhouette alpha [N] at the tracked pose, valid [N] (null: all
  // valid). `rate` is the share the new frame takes (the first frame
  // replaces). A window with no object or no background pixels teaches
  // nothing.
  void learn(const float* rgb, const float* alpha, const float* valid, std::size_t pixels, double rate);

  // P(object | colour) for every pixel of rgb [N, 3] (0.5 where neither model
  // has seen the colour, everywhere before the first learn()), into `out` [N].
  void probability(const float* rgb, std::size_t pixels, std::vector<float>& out) const;

 private:
  int bin(const float* rgb) const;

  int bins_;
  bool ready_ = false;
  std::vector<float> object_, background_;  // [bins³] normalised histograms
};

}  // namespace splattrack
