// Foreground probability from colour, for frames without masks: a colour
// histogram of the object (the pixels inside its tracked silhouette) against
// one of its surroundings (the rest of the window), each blended into the
// model frame by frame from the tracked pose, as the region-based trackers
// do (PWP3D, RBOT, SRT3D). The per-pixel posterior P(object | colour) is the
// target of the silhouette moments and weights the colour term
// (Observation), so that clutter and occluders (a hand, a mug) count as "not
// object" instead of dragging the pose.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

namespace splattrack {

// Per-channel gain and offset between the model's colours and the frame's:
// frame = gain · model + offset (Observation's colour correction).
struct ColourCorrection {
  std::array<float, 3> gain{1.f, 1.f, 1.f};
  std::array<float, 3> offset{0.f, 0.f, 0.f};
};

// rgb [N, 3] with `lighting` undone: (rgb − offset) / gain, clamped to [0, 1].
std::vector<float> undo_lighting(const float* rgb, std::size_t pixels, const ColourCorrection& lighting);

namespace foreground_defaults {
// 32 bins per channel (RBOT's choice): coarse enough that a few thousand
// pixels fill the object's bins, fine enough to tell a texture from a desk.
inline constexpr int kBinsPerChannel = 32;
// Pixels within this many window pixels outside the silhouette's edge
// (alpha 0.5) do not teach the surroundings, and at most this many inside
// it do not teach the object: a pose a pixel or two off would otherwise teach
// the object model its surroundings' colours, and the silhouette would grow
// into them frame after frame.
inline constexpr int kEdgeMargin = 3;
// Inside, the margin is one pixel per this many pixels of the silhouette's
// side (the square root of its area), between 1 and kEdgeMargin. A fixed 3 px
// left a small object's rim (a third of a 50-px silhouette's pixels) out of
// the object model: the estimate eroded there and the pose moved away from
// the camera. 28 px keeps 3 px on the real cube (side 90-118 px), whose drift
// grew with less (0-88: median 2.8 -> 3.8 mm at 1 px), and gives the
// realistic benchmark's small objects (sides 50-60 px) 1-2 px (BENCHMARKS.md,
// issue 10, "the object's edge margin").
inline constexpr double kSidePerObjectEdgeMarginPx = 28;
// How much of the model one tracked frame replaces (RBOT: 0.1 object,
// 0.2 background; one rate keeps the two comparable).
inline constexpr double kLearningRate = 0.2;
// The surroundings are learnt per angular sector about the silhouette's
// centroid (the local histograms of RBOT / SRT3D, coarsely): clutter is
// local — the white rim of the mug behind the real cube is a large share of
// what surrounds its top, a small one of the whole window, where the cube's
// own whites outweighed it. Measured against one histogram for the whole
// window (2 threads, window 256, BENCHMARKS.md): real cube 0-88 rotation
// median 3.75° / max 7.0° → 1.4° / 3.2° (depth 4 mm nearer); synthetic over
// footage, all effects, 31 → 40 of 60 frames within 5° / 5 %. Half local,
// half global lost the gain (median 4.1°).
inline constexpr int kSectors = 8;
// The prior P(object) a tracked frame's estimate starts from: the predicted
// silhouette, box-blurred over this many window pixels (its edge is not
// known to the pixel), mapped from 0..1 to 0.5 ± kPriorSpan / 2. The colour
// then moves a pixel away from the prediction only as far as it tells the
// object from its surroundings: colours both share (the small object's white
// tip and yellow stem over a white desk and a yellow-textured cube) no
// longer count as background, and never-seen ones no longer as half object.
// Measured on `bench track --realistic`'s object-moderate sequence as a
// dataset (synth --coverage 0.25 --distance 5, all effects, 30 frames, no
// recovery): lost from frame 5 and 116 % off by frame 29 without it; never
// lost, rotation ≤ 1.3°, translation ≤ 11 % (depth) with it. Spans 0.8 and
// 0.9 measured the same; a decisive colour still wins (an occluder's
// likelihood ratio of 1/50 inside the silhouette leaves 0.06).
inline constexpr double kPriorSpan = 0.5;
inline constexpr int kPriorBlurPx = 3;
}  // namespace foreground_defaults

// The object's edge margin, in pixels, for a silhouette of `area` pixels:
// one per kSidePerObjectEdgeMarginPx of its side, between 1 and kEdgeMargin.
int object_edge_margin(double area);

// Where the sectors are centred, in window pixel coordinates (pixel centres
// at x + 0.5).
struct SectorCentre {
  double x = 0, y = 0;
};
// The alpha-weighted centroid of a silhouette `alpha` [H, W] (the window's
// centre when it is empty).
SectorCentre sector_centre(const float* alpha, int width, int height);

class ColourForeground {
 public:
  explicit ColourForeground(int bins_per_channel = foreground_defaults::kBinsPerChannel);

  // Whether both histograms have been learnt from at least one frame.
  bool ready() const { return ready_; }

  // Learns from one width x height window: rgb [H, W, 3] in 0..1, the
  // rendered silhouette alpha [H, W] at the tracked pose, valid [H, W] (null:
  // all valid). `rate` is the share the new frame takes (the first frame
  // replaces). A window with no object or no background pixels teaches
  // nothing.
  void learn(const float* rgb, const float* alpha, const float* valid, int width, int height, double rate);

  // P(object | colour) for every pixel of rgb [N, 3] (0.5 where neither model
  // has seen the colour, everywhere before the first learn()), into `out` [N],
  // against the surroundings as a whole.
  void probability(const float* rgb, std::size_t pixels, std::vector<float>& out) const;
  // The same for a width x height window, each pixel against the
  // surroundings of its own sector about `centre` (interpolated between
  // the two nearest sectors by angle).
  void probability(const float* rgb, int width, int height, const SectorCentre& centre, std::vector<float>& out) const;

 private:
  int bin(const float* rgb) const;
  float posterior(std::size_t bin, float background) const;

  int bins_;
  bool ready_ = false;
  std::vector<float> object_, background_;  // [bins³] normalised histograms
  // [kSectors][bins³]: each sector's surroundings, normalised; a sector not
  // yet seen holds the whole surroundings.
  std::vector<float> sectors_;
};

// What estimates a maskless frame's silhouette in one window: the colour
// model, and where the object can be — window pixels within reach of its
// predicted silhouette (support_near). Clutter elsewhere that happens to
// share the object's colours would otherwise pull on the silhouette's low
// moments and dilute its IoU.
struct ForegroundEstimate {
  const ColourForeground* colours = nullptr;
  // The frame's colours are looked up as the model would show them: with the
  // lighting (the tracker's colour correction) undone, so that an exposure or
  // white-balance change does not move every colour out of its bin.
  ColourCorrection lighting;
  std::vector<float> support;  // [H, W] 1 where the object may be, 0 where not; empty: anywhere
  // Where the surroundings' sectors are centred: the predicted silhouette's
  // centroid (the window's centre when there is none).
  std::optional<SectorCentre> centre;
  // [H, W] 1 inside the predicted silhouette, 0 outside; empty: no filling.
  // Where it is 1, a patch the colour model calls background that the
  // object's estimate encloses is filled (fill_enclosed).
  std::vector<float> inside;
  // [H, W] the prior P(object) at each pixel, from the predicted silhouette
  // (silhouette_prior); the colour model's posterior, which assumes a flat
  // prior, is combined with it by Bayes' rule (with_prior). Empty: flat.
  std::vector<float> prior;
  // [H, W] P(not the static background) (background.hpp, --masks bgsub):
  // multiplies the colour model's estimate, before the hole filling (a
  // stripe of the object over a background of its colour is still filled).
  // Empty: no background model.
  std::vector<float> moving;
  // [H, W] 1 where an occluder seen in the last tracked frame may be
  // (OcclusionMap); pixels there that the target calls background take no
  // part. Used with given masks too. Empty: none.
  std::vector<float> occluded;
  // [H, W, 3] the object's colour the render predicts inside its predicted
  // silhouette, in the frame's lighting, −1 elsewhere (agreement.hpp): the
  // odds of each pixel there are weighed by how well the frame's colour
  // agrees. Empty: colour histograms alone.
  std::vector<float> expected;
};

// The prior P(object) from a predicted silhouette `alpha` [H, W]: its box
// mean over kPriorBlurPx pixels, mapped to 0.5 ± kPriorSpan / 2.
std::vector<float> silhouette_prior(const std::vector<float>& alpha, int width, int height);

// `posterior` (P(object | colour) under a flat prior) with `prior` instead,
// by Bayes' rule on the odds: p π / (p π + (1 − p)(1 − π)).
float with_prior(float posterior, float prior);

// Fills the holes of an estimated silhouette: pixels of `probability` [H, W]
// below 0.5 that no path of such pixels (4-neighbours) joins to the window's
// border become 1 where `inside` [H, W] is 1. Colours the object shares with
// its surroundings (a black stripe, and the black keyboard behind it) make
// such holes; the silhouette moments read them as a smaller object, and the
// pose drifted away from the camera frame after frame (measured: 0.05 object
// sizes per frame under a lighting change that merged the two blacks). A
// hole the model has (a mug's handle) is outside its predicted silhouette
// and stays; an occluder over an edge joins the border and stays.
void fill_enclosed(std::vector<float>& probability, int width, int height, const std::vector<float>& inside);

// The mean of `image` [H, W] over the (2 r + 1)² square about each pixel,
// clipped at the borders.
std::vector<float> box_mean(const std::vector<float>& image, int width, int height, int r);

// The support of a silhouette `alpha` [H, W] (alpha >= 0.5) grown by
// `reach` pixels (a square neighbourhood), as 1 / 0.
std::vector<float> support_near(const std::vector<float>& alpha, int width, int height, int reach);

}  // namespace splattrack
