// SIGINT / SIGTERM during a long command: the first one asks the command to
// stop after the frame in flight (it then flushes, writes its summary and
// exits with 128 + the signal's number, the shell's convention); a second one
// ends the process at once with the signal's default action. Only whole rows
// and whole files are ever on disk, so even that loses nothing written.
#pragma once

namespace splattrack::apps {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers
  ~InterruptGuard();  // restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // The signal received so far (SIGINT or SIGTERM), or 0.
  static int received();
};

// "SIGINT", "SIGTERM", or "signal" for any other.
const char* signal_name(int signal);

}  // namespace splattrack::apps
