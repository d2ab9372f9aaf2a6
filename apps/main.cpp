#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "args.hpp"
#include "commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: splattrack <command> [options]\n"
    "\n"
    "commands:\n"
    "  track    follow a model's pose through a video\n"
    "  render   render a model to an image\n"
    "  synth    write a synthetic dataset with ground truth\n"
    "  eval     compare a tracking run with ground truth\n"
    "  bench    time the renderer and losses (render|loss|all)\n"
    "  mesh2gs  turn a textured triangle mesh into a model\n"
    "\n"
    "splattrack <command> --help shows the command's options.\n";

struct Command {
  const char* name;
  int (*run)(int, char**);
};

constexpr Command kCommands[] = {
    {"track", splattrack::apps::cmd_track},
    {"render", splattrack::apps::cmd_render},
    {"synth", splattrack::apps::cmd_synth},
    {"eval", splattrack::apps::cmd_eval},
    {"bench", splattrack::apps::cmd_bench},
    {"mesh2gs", splattrack::apps::cmd_mesh2gs},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    try {
      return c.run(argc, argv);
    } catch (const splattrack::apps::UsageError& e) {
      std::fprintf(stderr, "splattrack %s: %s (see splattrack %s --help)\n", c.name, e.what(), c.name);
      return 2;
    } catch (const std::bad_alloc&) {
      // The readers name the file when they run out of memory; this is for
      // anything else, which would otherwise print just "std::bad_alloc".
      std::fprintf(stderr, "splattrack %s: out of memory\n", c.name);
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "splattrack %s: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "splattrack: unknown command '%s'\n%s", name.c_str(), kUsage);
  return 2;
}
