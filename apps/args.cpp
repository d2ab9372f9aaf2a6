#include "args.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <sstream>

namespace splattrack::apps {

Args::Args(int argc, char** argv, int first, const std::set<std::string>& valued,
           const std::set<std::string>& flags) {
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    const std::string key = a.substr(2);
    if (flags.count(key)) {
      flags_.insert(key);
    } else if (valued.count(key)) {
      if (i + 1 >= argc) throw UsageError("option " + a + " needs a value");
      values_[key] = argv[++i];
    } else {
      throw UsageError("unknown option " + a);
    }
  }
}

std::string Args::get(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw UsageError("missing required option --" + key);
  return it->second;
}

std::string Args::get_or(const std::string& key, const std::string& fallback) const {
  const auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

int Args::get_int(const std::string& key, int fallback) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size())
    throw UsageError("--" + key + " expects an integer, got '" + it->second + "'");
  return v;
}

int Args::get_threads(int fallback) const {
  const int threads = get_int("threads", fallback);
  if (threads < 0) throw UsageError("--threads must be 0 (all cores) or a positive count, got " + std::to_string(threads));
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return threads == 0 ? cores : std::min(threads, cores);
}

double Args::get_double(const std::string& key, double fallback) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size() || !std::isfinite(v))
    throw UsageError("--" + key + " expects a number, got '" + it->second + "'");
  return v;
}

std::optional<std::vector<double>> Args::get_list(const std::string& key, std::size_t n) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  std::vector<double> out;
  std::stringstream ss(it->second);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || !std::isfinite(v))
      throw UsageError("--" + key + " expects " + std::to_string(n) + " comma-separated numbers, got '" +
                       it->second + "'");
    out.push_back(v);
  }
  if (out.size() != n)
    throw UsageError("--" + key + " expects " + std::to_string(n) + " comma-separated numbers, got '" +
                     it->second + "'");
  return out;
}

}  // namespace splattrack::apps
