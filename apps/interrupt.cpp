#include "interrupt.hpp"

#include <unistd.h>

#include <csignal>

namespace splattrack::apps {

namespace {

volatile std::sig_atomic_t g_received = 0;
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

constexpr char kFirstNotice[] =
    "\nsplattrack: stopping after the frame in flight (signal again to stop at once)\n";

void on_signal(int signal) {
  if (g_received != 0) {
    // Second signal: the default action, now (async-signal-safe calls only).
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  g_received = signal;
  (void)!::write(STDERR_FILENO, kFirstNotice, sizeof(kFirstNotice) - 1);
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_received = 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in flight carry on
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

int InterruptGuard::received() { return g_received; }

const char* signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal";
}

}  // namespace splattrack::apps
