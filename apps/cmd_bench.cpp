#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "args.hpp"
#include "bench.hpp"
#include "commands.hpp"

namespace splattrack::apps {

namespace {
constexpr const char* kHelp =
    "usage: splattrack bench [render|loss|track|all] [--json] [--threads N] [--runs N] [--data DIR]\n"
    "                        [--seeds N] [--frames N] [--plot FILE.png] [--rotation-only] [--jobs N]\n"
    "                        [--realistic [--examples DIR] [--sequences A,B] [--methods A,B] [--trials N]]\n"
    "                        [--deform]\n"
    "\n"
    "Times the renderer (forward; forward+backward) and the losses; prints medians in ms. Where a CUDA\n"
    "device passes the self-checks against the CPU (as --device auto), rows for it follow the CPU's\n"
    "(render, loss, track's sequence and --deform; --realistic's spectral-cuda); otherwise a note says why.\n"
    "  --json     one JSON list, an object per measured case\n"
    "  --threads  worker threads (default 2, the speed bars' setting)\n"
    "  --runs     timed runs per case after one warm-up (default 20)\n"
    "  --data     folder holding models/ (default: ../shared/data beside the source tree,\n"
    "             then ./shared/data); cases whose model is missing are skipped with a note\n"
    "  --seeds    bench track: starts per misalignment cell (default 20, 0 skips the sweep)\n"
    "  --frames   bench track: frames of the tracked sequence (default 300, 0 skips it)\n"
    "  --plot     bench track: write the success-vs-offset plot here\n"
    "  --rotation-only  bench track: only the rotation-offset cells (45, 60, 90 deg)\n"
    "  --jobs     bench track: sweep starts run at once, each on --threads (default 1)\n"
    "  --realistic  bench track: instead of the sweep, 4 sequences of --frames frames (640x480, object\n"
    "             ~100 px, procedural object and fox, moderate and fast motion) over real footage\n"
    "             (DATA/video/cube/cube_video.mp4) with drifting lighting, an occluder, motion blur and\n"
    "             noise, no masks, tracked from the true first pose by the spectral tracker (with and\n"
    "             without --masks bgsub) and by the photometric baseline; a row per sequence and\n"
    "             method, and overall ('all')\n"
    "  --examples DIR  bench track --realistic: write frames 0, 50 and 150 of each sequence here, and its\n"
    "             true and tracked poses (SEQUENCE_truth.csv, SEQUENCE_METHOD.csv, poses.csv's format)\n"
    "  --sequences A,B  bench track --realistic: only these (object-moderate, object-fast, fox-moderate,\n"
    "             fox-fast; default all)\n"
    "  --methods A,B    bench track --realistic: only these (spectral, spectral-bgsub, spectral-cuda,\n"
    "             photometric; default all; spectral-cuda runs where a GPU passes the self-checks)\n"
    "  --trials N       bench track --realistic: each sequence N times, each trial with its own seed\n"
    "             (trajectory, lighting, occluder, noise) and part of the footage; rows pool the\n"
    "             trials and give the worst and best trial's rate (default 1: one run at these\n"
    "             rates' failure edge is a coin toss)\n"
    "  --deform     bench track: instead of the sweep, the deforming scenes (bend, twist, wave; the\n"
    "             20 000-Gaussian procedural object, 256 nodes) at 256x256 and 640x480 (-640) from a start\n"
    "             0.5 object sizes off, and at 256x256 from 1.5 sizes to the side (-apart: no overlap),\n"
    "             --frames frames each (use 120), masks given, tracked with --deform by the spectral\n"
    "             tracker and the photometric baseline: the Gaussians' mean error after the fifth frame\n"
    "             (of the object size), the worst frame's, mask IoU, median ms per frame. --sequences\n"
    "             and --methods (spectral, photometric) pick cases as with --realistic\n"
    "'all' runs render and loss; track takes tens of minutes and runs only when named.\n";

std::string default_data_dir() {
  for (const char* c : {SPLATTRACK_SOURCE_DIR "/../shared/data", "../shared/data", "shared/data"})
    if (std::filesystem::is_directory(std::string(c) + "/models")) return c;
  return "";
}

std::string cell(const std::variant<double, std::string>& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  char buf[32];
  const double d = std::get<double>(v);
  if (d == static_cast<long long>(d) && d < 1e9) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
  else std::snprintf(buf, sizeof buf, "%.3f", d);
  return buf;
}

// Consecutive rows with the same keys share one aligned table with a header.
void print_table(const std::vector<BenchRow>& rows) {
  std::size_t i = 0;
  while (i < rows.size()) {
    std::size_t j = i + 1;
    const auto same_keys = [&](const BenchRow& a, const BenchRow& b) {
      if (a.fields.size() != b.fields.size()) return false;
      for (std::size_t k = 0; k < a.fields.size(); ++k)
        if (a.fields[k].first != b.fields[k].first) return false;
      return true;
    };
    while (j < rows.size() && same_keys(rows[i], rows[j])) ++j;
    const std::size_t cols = rows[i].fields.size();
    std::vector<std::size_t> width(cols);
    for (std::size_t c = 0; c < cols; ++c) {
      width[c] = rows[i].fields[c].first.size();
      for (std::size_t r = i; r < j; ++r) width[c] = std::max(width[c], cell(rows[r].fields[c].second).size());
    }
    for (std::size_t c = 0; c < cols; ++c) std::printf("%-*s  ", static_cast<int>(width[c]), rows[i].fields[c].first.c_str());
    std::printf("\n");
    for (std::size_t r = i; r < j; ++r) {
      for (std::size_t c = 0; c < cols; ++c)
        std::printf("%-*s  ", static_cast<int>(width[c]), cell(rows[r].fields[c].second).c_str());
      std::printf("\n");
    }
    std::printf("\n");
    i = j;
  }
}

// "a,b" as names, each one of `known`.
std::vector<std::string> names_option(const Args& args, const std::string& key, const std::vector<std::string>& known) {
  std::vector<std::string> names;
  if (!args.has(key)) return names;
  std::stringstream list(args.get(key));
  for (std::string name; std::getline(list, name, ',');) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string all;
      for (const std::string& k : known) all += (all.empty() ? "" : ", ") + k;
      throw UsageError("--" + key + ": unknown '" + name + "' (known: " + all + ")");
    }
    names.push_back(name);
  }
  return names;
}

void print_json(const std::vector<BenchRow>& rows) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const BenchRow& r : rows) {
    nlohmann::ordered_json o;
    for (const auto& [k, v] : r.fields) {
      if (const auto* s = std::get_if<std::string>(&v)) o[k] = *s;
      else o[k] = std::get<double>(v);
    }
    list.push_back(o);
  }
  std::printf("%s\n", list.dump().c_str());
}
}  // namespace

int cmd_bench(int argc, char** argv) {
  const Args args(argc, argv, 2,
                  {"threads", "runs", "data", "seeds", "frames", "plot", "jobs", "examples", "sequences", "methods",
                   "trials"},
                  {"help", "json", "rotation-only", "realistic", "deform"});
  if (args.has("help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  std::string what = "all";
  if (args.positional().size() > 1) throw UsageError("expected at most one of render|loss|all");
  if (!args.positional().empty()) what = args.positional()[0];
  if (what != "render" && what != "loss" && what != "track" && what != "all")
    throw UsageError("unknown benchmark '" + what + "'");

  BenchConfig config;
  config.threads = args.get_threads(2);
  config.runs = args.get_int("runs", 20);
  if (config.runs < 1) throw UsageError("--runs must be >= 1");
  config.shared_data = args.get_or("data", default_data_dir());
  config.seeds = args.get_int("seeds", config.seeds);
  config.frames = args.get_int("frames", config.frames);
  config.plot = args.get_or("plot", "");
  config.rotation_only = args.has("rotation-only");
  config.jobs = args.get_int("jobs", config.jobs);
  if (config.jobs < 1) throw UsageError("--jobs must be >= 1");
  if (config.seeds < 0) throw UsageError("--seeds must be >= 0");
  if (config.frames < 0) throw UsageError("--frames must be >= 0");
  config.realistic = args.has("realistic");
  config.deform = args.has("deform");
  if (config.deform && (config.realistic || what != "track"))
    throw UsageError("--deform belongs to 'bench track', without --realistic");
  if (config.deform && config.frames < kDeformSettleFrames + 1)
    throw UsageError("--frames must be > " + std::to_string(kDeformSettleFrames) + " with --deform");
  config.examples = args.get_or("examples", "");
  config.sequences = names_option(args, "sequences", config.deform ? deform_sequences() : realistic_sequences());
  config.methods = names_option(args, "methods",
                                config.deform ? std::vector<std::string>{"spectral", "photometric"} : realistic_methods());
  config.trials = args.get_int("trials", config.trials);
  if (config.trials < 1) throw UsageError("--trials must be >= 1");
  if ((config.realistic || args.has("examples")) && what != "track")
    throw UsageError("--realistic and --examples belong to 'bench track'");
  for (const char* key : {"examples", "trials"})
    if (args.has(key) && !config.realistic) throw UsageError(std::string("--") + key + " needs --realistic");
  for (const char* key : {"sequences", "methods"})
    if (args.has(key) && !config.realistic && !config.deform)
      throw UsageError(std::string("--") + key + " needs --realistic or --deform");
  if (config.realistic && config.frames < 1) throw UsageError("--frames must be >= 1 with --realistic");

  std::vector<BenchRow> rows;
  if (what == "render" || what == "all") {
    const auto r = bench_render(config);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  if (what == "loss" || what == "all") {
    const auto r = bench_loss(config);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  if (what == "track") {
    const auto r = config.deform      ? bench_track_deform(config)
                   : config.realistic ? bench_track_realistic(config)
                                      : bench_track(config);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  if (args.has("json")) print_json(rows);
  else print_table(rows);
  return 0;
}

}  // namespace splattrack::apps
