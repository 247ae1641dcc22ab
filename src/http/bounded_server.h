#pragma once
// Internal to http/: cpp-httplib's server with every connection read through a stream of ours.
//
// cpp-httplib 0.11.4 reads a request line or a header line of any length into memory before it
// looks at it (CVE-2025-46728 is not fixed in Debian 12's package). Its server lets a subclass
// take over each accepted connection (process_and_close_socket) and hand its own Stream to
// process_request, so the request line and headers together are bounded here: past `max_head`
// bytes the stream stops reading and answers 414 (still in the request line) or 431 itself,
// then closes the connection. The body is bounded before it is read, by the pre-routing handler
// (request_limits.h). Every accepted connection also gets TCP_NODELAY.
//
// Keep-alive follows httplib's own loop (keep_alive_max_count, keep_alive_timeout, read and
// write timeouts); one stream serves the whole connection, so pipelined requests are kept.

#include <httplib.h>

#include <cstddef>

namespace vertebro::http {

class BoundedServer : public httplib::Server {
 public:
  // `max_head`: the most bytes a request line and its headers may take together.
  explicit BoundedServer(std::size_t max_head);
  ~BoundedServer() override;
  BoundedServer(const BoundedServer&) = delete;
  BoundedServer& operator=(const BoundedServer&) = delete;

  // Ends idle keep-alive connections and waiting reads at once, so stop() need not wait for
  // their time-outs. Call it just before stop(). Thread-safe.
  void end_connections();

  // Lets up to `connections` wait to be accepted (somaxconn caps it). Call after binding.
  // Debian's libcpp-httplib listens with a backlog of 5, compiled in: a burst of more new
  // connections than that overflows the queue, and with SYN cookies a client can then get a
  // reset instead of an answer (H-096). Linux changes a listening socket's backlog when
  // listen() is called on it again.
  bool widen_backlog(int connections);

  // From a handler: the connection of the request being handled closes after its response.
  // What the client still sends (a body that was refused unread) is read and dropped for at
  // most 2 seconds and 64 MiB, so that a client still sending reads the answer rather than a
  // reset connection. Does nothing outside a request thread of a BoundedServer.
  static void close_after_response();

 private:
  bool process_and_close_socket(socket_t sock) override;

  std::size_t max_head_;
  int wake_fd_ = -1;  // an eventfd, readable once end_connections() was called
};

}  // namespace vertebro::http
