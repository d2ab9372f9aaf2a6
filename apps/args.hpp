// Minimal command-line parsing for the sub-commands: `--key value` options
// and `--flag` switches, each declared up front so that a typo is a usage
// error (exit 2), not a silently ignored option.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace splattrack::apps {

// Thrown for anything the user typed wrong; main() prints it and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `valued` options take one argument, `flags` take none; anything that does
  // not start with "--" is a positional argument.
  Args(int argc, char** argv, int first, const std::set<std::string>& valued,
       const std::set<std::string>& flags);

  bool has(const std::string& key) const { return values_.count(key) || flags_.count(key); }
  std::string get(const std::string& key) const;  // UsageError when missing
  std::string get_or(const std::string& key, const std::string& fallback) const;
  int get_int(const std::string& key, int fallback) const;
  double get_double(const std::string& key, double fallback) const;
  // --threads: 0 = all cores; a count above the machine's cores is capped
  // to it (more threads would only contend, and an absurd count would create
  // them all); a negative count is a usage error naming the option.
  int get_threads(int fallback) const;
  // "a,b,c" as exactly n numbers.
  std::optional<std::vector<double>> get_list(const std::string& key, std::size_t n) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace splattrack::apps
