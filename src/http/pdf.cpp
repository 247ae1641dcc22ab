#include "http/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "base/log.h"

extern char** environ;

namespace vertebro::http {

namespace {

namespace fs = std::filesystem;

Error pdf_error(const std::string& why) {
  log::warn("PDF not made: {}", why);
  return Error::internal("The PDF could not be made");
}

// A private folder under $TMPDIR (or /tmp), removed with everything in it when this ends.
class TempFolder {
 public:
  TempFolder() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/vertebro-pdf-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr) path_ = buf.data();  // mkdtemp makes it mode 700
  }
  ~TempFolder() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Spawns `args` in a new process group with default signals and output to /dev/null.
Result<pid_t> spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // The server blocks SIGINT and SIGTERM in its threads; the child must not inherit that.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return pdf_error("cannot start " + args[0] + ": " + std::strerror(rc));
  return pid;
}

// Waits for `pid` up to `timeout`; then kills its process group. The exit status, or -1.
int wait_for(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);  // helpers Chromium left behind, if any
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

Result<std::string> html_to_pdf(const std::string& html, const PdfOptions& options) {
  TempFolder dir;
  if (dir.path().empty()) return pdf_error("no temporary folder");
  const std::string page = dir.path() + "/page.html";
  const std::string out = dir.path() + "/page.pdf";
  {
    std::ofstream f(page, std::ios::binary);
    f << html;
    if (!f) return pdf_error("cannot write the page");
  }
  std::vector<std::string> args = {options.chromium,
                                   "--headless",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--no-default-browser-check",
                                   "--disable-extensions",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-pdf-header-footer",
                                   "--user-data-dir=" + dir.path() + "/profile",
                                   "--print-to-pdf=" + out};
  // Chromium refuses to run as root with its sandbox; the page is vertebro's own.
  if (::geteuid() == 0) args.push_back("--no-sandbox");
  args.push_back("file://" + page);
  auto pid = spawn(args);
  if (!pid) return std::move(pid).error();
  const int rc = wait_for(*pid, options.timeout);
  std::ifstream f(out, std::ios::binary);
  std::ostringstream bytes;
  bytes << f.rdbuf();
  std::string pdf = std::move(bytes).str();
  if (pdf.rfind("%PDF-", 0) != 0) {
    return pdf_error("Chromium exited with " + std::to_string(rc) + " and wrote no PDF");
  }
  return pdf;
}

}  // namespace vertebro::http
