// Shared pieces of `splattrack bench`: timing and the result rows that are
// printed as a table or as JSON (FORMATS.md).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "splattrack/render/model.hpp"

namespace splattrack::apps {

struct BenchConfig {
  int threads = 2;
  int runs = 20;
  std::string shared_data;  // folder with models/ (../shared/data), may be missing
  int seeds = 20;           // bench track: starts per sweep cell
  int frames = 300;         // bench track: length of the tracked sequence (0: none)
  std::string plot;         // bench track: PNG of success against offset ("" : none)
  bool rotation_only = false;  // bench track: only the large-rotation cells
  int jobs = 1;                // bench track: sweep starts run this many at a time, each on `threads`
  bool realistic = false;      // bench track: the realistic sequences instead of the sweep and sequence
  std::string examples;        // bench track --realistic: folder for a few of the tracked frames ("": none)
  std::vector<std::string> sequences;  // bench track --realistic / --deform: these sequences only (empty: all)
  std::vector<std::string> methods;    // bench track --realistic / --deform: these methods only (empty: all)
  int trials = 1;  // bench track --realistic: each sequence this many times, each with its own seed
  bool deform = false;  // bench track: the deforming scenes instead of the sweep and sequence
};

// bench track --deform scores the frames after these (the issue's "after
// the first 5").
inline constexpr int kDeformSettleFrames = 5;

// One measured case: ordered keys, numbers or strings, e.g. bench, scene,
// width, height, threads, fwd_ms, fwd_bwd_ms, runs.
struct BenchRow {
  std::vector<std::pair<std::string, std::variant<double, std::string>>> fields;
  BenchRow& set(const std::string& key, double v) { fields.emplace_back(key, v); return *this; }
  BenchRow& set(const std::string& key, const std::string& v) { fields.emplace_back(key, v); return *this; }
};

// The median (upper median for an even count); 0 for no values.
double median(std::vector<double> values);

// Named in `wanted` (--sequences, --methods), or everything when it is empty.
bool chosen(const std::vector<std::string>& wanted, const std::string& name);
// Median wall time of `runs` calls of f, in milliseconds, after one warm-up call.
double median_ms(int runs, const std::function<void()>& f);

std::vector<BenchRow> bench_render(const BenchConfig& config);
std::vector<BenchRow> bench_loss(const BenchConfig& config);
std::vector<BenchRow> bench_track(const BenchConfig& config);
std::vector<BenchRow> bench_track_realistic(const BenchConfig& config);
std::vector<BenchRow> bench_track_deform(const BenchConfig& config);
// The names bench_track_realistic knows, for --sequences and --methods.
// bench_track_deform's cases (its methods: spectral, photometric).
std::vector<std::string> deform_sequences();
std::vector<std::string> realistic_sequences();
std::vector<std::string> realistic_methods();

}  // namespace splattrack::apps
