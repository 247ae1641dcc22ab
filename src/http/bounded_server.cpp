#include "http/bounded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "base/log.h"

namespace vertebro::http {

namespace {

using Clock = std::chrono::steady_clock;

// Set while a request thread serves a connection: close_after_response() raises it.
thread_local bool* close_requested = nullptr;

constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 64u << 20;

int to_ms(time_t sec, time_t usec) {
  const auto ms = static_cast<long long>(sec) * 1000 + static_cast<long long>(usec) / 1000;
  return static_cast<int>(std::clamp<long long>(ms, 0, 3'600'000));
}

// One connection, read through a small buffer. While a request's head is being read, at most
// `max_head` bytes are handed out; asking for more answers 414/431 on the socket and fails.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, int wake_fd, std::size_t max_head, int read_ms, int write_ms)
      : sock_(sock), wake_fd_(wake_fd), max_head_(max_head), read_ms_(read_ms),
        write_ms_(write_ms) {}

  bool is_readable() const override { return off_ < len_ || wait(POLLIN, read_ms_); }
  bool is_writable() const override { return !refused_ && wait(POLLOUT, write_ms_) && alive(); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (refused_) return -1;
    if (in_head_) {
      if (head_bytes_ >= max_head_) {
        refuse_head();
        return -1;
      }
      size = std::min(size, max_head_ - head_bytes_);
    }
    ssize_t n = 0;
    if (off_ < len_) {
      n = static_cast<ssize_t>(std::min(size, len_ - off_));
      std::memcpy(ptr, buf_ + off_, static_cast<std::size_t>(n));
      off_ += static_cast<std::size_t>(n);
    } else {
      if (!wait(POLLIN, read_ms_)) return -1;
      if (size < sizeof buf_) {
        const ssize_t got = receive(buf_, sizeof buf_);
        if (got <= 0) return got;
        len_ = static_cast<std::size_t>(got);
        n = static_cast<ssize_t>(std::min(size, len_));
        std::memcpy(ptr, buf_, static_cast<std::size_t>(n));
        off_ = static_cast<std::size_t>(n);
      } else {
        n = receive(ptr, size);
        if (n <= 0) return n;
      }
    }
    if (in_head_) {
      if (!line_read_ && std::memchr(ptr, '\n', static_cast<std::size_t>(n)) != nullptr) {
        line_read_ = true;
      }
      head_bytes_ += static_cast<std::size_t>(n);
    }
    return n;
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    // After a refused head the answer has been sent: what httplib writes next is dropped.
    if (refused_) return static_cast<ssize_t>(size);
    if (!wait(POLLOUT, write_ms_)) return -1;
    for (;;) {
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address(&::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address(&::getsockname, ip, port);
  }
  socket_t socket() const override { return sock_; }

  // A new request begins: its head is counted from here.
  void begin_request() {
    in_head_ = true;
    line_read_ = false;
    head_bytes_ = 0;
  }
  // httplib has read the head (its setup_request hook): the body is bounded elsewhere.
  void end_head() { in_head_ = false; }
  // The last request's head was refused here, or httplib could not parse it (and answered 400
  // or 414 itself): what follows on the connection cannot be trusted to start a request.
  bool head_failed() const { return refused_ || in_head_; }

  // Waits up to `ms` for the next request of a keep-alive connection.
  bool wait_for_request(int ms) const { return off_ < len_ || wait(POLLIN, ms); }

  // Sends what is written so far, then reads and drops what the client still sends (bounded),
  // so that a client that is still sending a refused body reads the answer.
  void linger() {
    ::shutdown(sock_, SHUT_WR);
    const auto until = Clock::now() + kLingerTime;
    std::size_t dropped = 0;
    char sink[16384];
    while (dropped < kLingerBytes) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      if (left <= 0 || !wait(POLLIN, static_cast<int>(std::min<long long>(left, 1000)))) return;
      const ssize_t n = receive(sink, sizeof sink);
      if (n <= 0) return;
      dropped += static_cast<std::size_t>(n);
    }
  }

 private:
  ssize_t receive(char* ptr, std::size_t size) const {
    for (;;) {
      const ssize_t n = ::recv(sock_, ptr, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  // True when the socket is ready for `events` within `ms`; false on time-out, error, or (when
  // reading) end_connections().
  bool wait(short events, int ms) const {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    // Only reads end early: a response being written when the server stops is still sent.
    const nfds_t count = wake_fd_ >= 0 && events == POLLIN ? 2 : 1;
    for (;;) {
      pollfd fds[2] = {{sock_, events, 0}, {wake_fd_, POLLIN, 0}};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      const int n = ::poll(fds, count, static_cast<int>(std::max<long long>(left, 0)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || (fds[1].revents & POLLIN) != 0) return false;
      // A hang-up or error lets the next read or write report it.
      return (fds[0].revents & (events | POLLHUP | POLLERR)) != 0;
    }
  }

  // False when the peer has closed the connection.
  bool alive() const {
    char c = 0;
    const ssize_t n = ::recv(sock_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
  }

  void address(int (*get)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    ip.clear();
    port = 0;
    if (get(sock_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
      ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
      port = ntohs(v4->sin_port);
    } else if (a.ss_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
      port = ntohs(v6->sin6_port);
    }
    ip = text;
  }

  // Answers the over-long head on the socket itself: httplib has no request to answer yet.
  void refuse_head() {
    refused_ = true;
    const bool in_line = !line_read_;
    const std::string limit = std::to_string(max_head_ / 1024) + " KiB";
    const std::string body = in_line ? "The request line is longer than " + limit + ".\n"
                                     : "The request's headers are longer than " + limit + ".\n";
    const std::string head =
        std::string(in_line ? "HTTP/1.1 414 URI Too Long\r\n"
                            : "HTTP/1.1 431 Request Header Fields Too Large\r\n") +
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: " + std::to_string(body.size()) + "\r\n"
        "Connection: close\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n\r\n";
    const std::string answer = head + body;
    std::size_t sent = 0;
    while (sent < answer.size() && wait(POLLOUT, write_ms_)) {
      const ssize_t n = ::send(sock_, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    log::warn("request refused unread: its {} exceeds {} ({})",
              in_line ? "request line" : "headers", limit, in_line ? 414 : 431);
  }

  int sock_;
  int wake_fd_;
  std::size_t max_head_;
  int read_ms_;
  int write_ms_;
  char buf_[4096] = {};
  std::size_t off_ = 0;
  std::size_t len_ = 0;
  bool in_head_ = false;  // set by begin_request()
  bool line_read_ = false;
  std::size_t head_bytes_ = 0;
  bool refused_ = false;
};

}  // namespace

BoundedServer::BoundedServer(std::size_t max_head)
    : max_head_(max_head), wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

BoundedServer::~BoundedServer() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void BoundedServer::end_connections() {
  if (wake_fd_ < 0) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
}

void BoundedServer::close_after_response() {
  if (close_requested != nullptr) *close_requested = true;
}

bool BoundedServer::widen_backlog(int connections) {
  const socket_t sock = svr_sock_;
  return sock != INVALID_SOCKET && ::listen(sock, connections) == 0;
}

bool BoundedServer::process_and_close_socket(socket_t sock) {
  // Nagle's algorithm would hold each response's body behind its headers until the client's
  // delayed ACK (about 40 ms per response on a keep-alive connection).
  int on = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);

  ConnectionStream strm(sock, wake_fd_, max_head_, to_ms(read_timeout_sec_, read_timeout_usec_),
                        to_ms(write_timeout_sec_, write_timeout_usec_));
  bool close_now = false;
  close_requested = &close_now;
  bool ok = false;
  const int keep_alive_ms = to_ms(keep_alive_timeout_sec_, 0);
  for (std::size_t left = keep_alive_max_count_;
       left > 0 && svr_sock_ != INVALID_SOCKET && strm.wait_for_request(keep_alive_ms); --left) {
    strm.begin_request();
    bool connection_closed = false;
    ok = process_request(strm, left == 1, connection_closed,
                         [&strm](httplib::Request&) { strm.end_head(); });
    if (!ok || connection_closed || close_now || strm.head_failed()) break;
  }
  close_requested = nullptr;
  if (close_now || strm.head_failed()) strm.linger();
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace vertebro::http
