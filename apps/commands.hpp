// The sub-commands of `splattrack`. Each returns the process exit code:
// 0 success, 2 usage error (thrown as UsageError), 1 any other failure.
#pragma once

namespace splattrack::apps {

int cmd_render(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_synth(int argc, char** argv);
int cmd_track(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_mesh2gs(int argc, char** argv);

}  // namespace splattrack::apps
