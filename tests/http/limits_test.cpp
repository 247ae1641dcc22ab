// Bounded requests and clear refusals (http/request_limits.h, http/bounded_server.h): what the
// server must refuse before reading it, measured on the real server over a raw socket: the
// answer comes while the client is still sending, and the server's memory (this process: the
// server runs in it) does not grow with what is sent. Also TCP_NODELAY on keep-alive
// connections, and control characters escaped in the server log.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "live_server.h"

namespace vertebro::http_test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMiB = 1u << 20;

// Resident memory of this process, in bytes.
std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// A plain TCP connection to the test server.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  // False when the server has closed the connection or the send timed out.
  bool send_all(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Appends what has arrived within `ms` to answer(); false when nothing has.
  bool poll_answer(int ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    answer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // Reads until the server closes the connection or `ms` pass.
  void read_until_closed(int ms) {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (!closed_ && Clock::now() < until) poll_answer(50);
  }

  // Reads one whole answer (head and Content-Length body) and returns its status, or 0 when
  // none came within `ms`; what follows stays for the next call.
  int next_answer(int ms) {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      const auto head_end = answer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::string head = answer_.substr(0, head_end);
        const auto at = head.find("Content-Length: ");
        const std::size_t length =
            at == std::string::npos ? 0 : std::strtoull(head.c_str() + at + 16, nullptr, 10);
        if (answer_.size() >= head_end + 4 + length) {
          const int status = this->status();
          answer_.erase(0, head_end + 4 + length);
          return status;
        }
      }
      if (closed_ || Clock::now() >= until) return 0;
      poll_answer(50);
    }
  }

  const std::string& answer() const { return answer_; }
  bool closed() const { return closed_; }
  // The status of the first answer, or 0.
  int status() const {
    if (answer_.rfind("HTTP/1.1 ", 0) != 0 || answer_.size() < 12) return 0;
    return std::atoi(answer_.substr(9, 3).c_str());
  }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string answer_;
};

struct Flood {
  int status = 0;
  std::string answer;
  std::size_t sent = 0;          // bytes sent after the head before the answer came
  std::size_t rss_growth = 0;    // most this process grew while sending
  std::chrono::milliseconds took{0};
};

// Sends `head`, then `piece` again and again (up to `total` bytes, then `tail`), watching for
// the answer after every piece; stops sending as soon as it comes.
Flood flood(int port, const std::string& head, const std::string& piece, std::size_t total,
            const std::string& tail = "") {
  Flood f;
  RawConnection c(port);
  EXPECT_TRUE(c.connected());
  const std::size_t rss_before = rss_bytes();
  const auto start = Clock::now();
  bool sending = c.send_all(head);
  while (sending && f.sent < total && !c.poll_answer(0)) {
    sending = c.send_all(piece);
    if (sending) f.sent += piece.size();
    f.rss_growth = std::max(f.rss_growth, rss_bytes() - std::min(rss_bytes(), rss_before));
  }
  if (sending && f.sent >= total) c.send_all(tail);
  c.read_until_closed(10000);
  f.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  f.status = c.status();
  f.answer = c.answer();
  f.rss_growth = std::max(f.rss_growth, rss_bytes() - std::min(rss_bytes(), rss_before));
  return f;
}

std::string chunk(std::size_t size) {
  char hex[32];
  std::snprintf(hex, sizeof hex, "%zx", size);
  return std::string(hex) + "\r\n" + std::string(size, 'x') + "\r\n";
}

void expect_refused_unread(const Flood& f, int status) {
  EXPECT_EQ(f.status, status) << f.answer.substr(0, 400);
  // The answer came while the client was still sending (kernel buffers hold a few MiB) ...
  EXPECT_LT(f.sent, 32 * kMiB) << "bytes sent before the answer";
  EXPECT_LT(f.took.count(), 5000) << "ms until the connection closed";
  // ... and the server did not keep what it was sent.
  EXPECT_LT(f.rss_growth, 48 * kMiB) << "bytes this process grew";
  EXPECT_NE(f.answer.find("Connection: close"), std::string::npos) << f.answer.substr(0, 400);
}

class RequestLimitsTest : public HttpTest {};

TEST_F(RequestLimitsTest, ChunkedBodyToAPathWithNoRouteIsRefusedUnread) {
  const Flood f = flood(server().port(),
                        "POST /no-such-path HTTP/1.1\r\nHost: t\r\nContent-Type: "
                        "application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
                        chunk(64 * 1024), 300 * kMiB, "0\r\n\r\n");
  expect_refused_unread(f, 411);
  EXPECT_NE(f.answer.find("Content-Length"), std::string::npos);
}

TEST_F(RequestLimitsTest, ChunkedBodyToTheApiIs411InJson) {
  RawConnection c(server().port());
  ASSERT_TRUE(c.send_all("POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: "
                         "application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                         std::string("2\r\n{}\r\n0\r\n\r\n")));
  c.read_until_closed(5000);
  EXPECT_EQ(c.status(), 411) << c.answer();
  EXPECT_NE(c.answer().find("\"code\":\"length_required\""), std::string::npos) << c.answer();
  EXPECT_TRUE(c.closed());
}

TEST_F(RequestLimitsTest, BodyOverTheLimitIsRefusedBeforeItIsRead) {
  const Flood f = flood(server().port(),
                        "POST /no-such-path HTTP/1.1\r\nHost: t\r\nContent-Type: "
                        "application/json\r\nContent-Length: " +
                            std::to_string(300 * kMiB) + "\r\n\r\n",
                        std::string(64 * 1024, 'x'), 300 * kMiB);
  expect_refused_unread(f, 413);
}

TEST_F(RequestLimitsTest, OverLongRequestLineIsRefusedUnread) {
  const Flood f = flood(server().port(), "GET /", std::string(64 * 1024, 'a'), 150 * kMiB,
                        " HTTP/1.1\r\n\r\n");
  expect_refused_unread(f, 414);
}

TEST_F(RequestLimitsTest, OverLongHeadersAreRefusedUnread) {
  std::string header;
  for (int i = 0; i < 16; ++i) header += "X-Padding-" + std::to_string(i) + ": " + std::string(4000, 'h') + "\r\n";
  const Flood f = flood(server().port(), "GET /healthz HTTP/1.1\r\nHost: t\r\n", header,
                        100 * kMiB, "\r\n");
  expect_refused_unread(f, 431);
}

TEST_F(RequestLimitsTest, ExpectContinueIsAnsweredWithTheRefusal) {
  RawConnection c(server().port());
  ASSERT_TRUE(c.send_all("POST /api/v1/patients HTTP/1.1\r\nHost: t\r\nContent-Type: "
                         "application/json\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"));
  c.read_until_closed(5000);
  EXPECT_EQ(c.status(), 413) << c.answer().substr(0, 300);
  EXPECT_EQ(c.answer().find("100 Continue"), std::string::npos);
  EXPECT_NE(c.answer().find("\"code\":\"too_large\""), std::string::npos) << c.answer();
}

TEST_F(RequestLimitsTest, PostWithoutLengthHasAnEmptyBody) {
  // RFC 9112 §6.3: no Content-Length and no Transfer-Encoding is an empty body. The answer
  // comes at once, on a connection the client keeps open.
  RawConnection c(server().port());
  const auto start = Clock::now();
  ASSERT_TRUE(c.send_all("POST /api/v1/session HTTP/1.1\r\nHost: t\r\n\r\n"));
  while (c.answer().find("}}") == std::string::npos && c.poll_answer(3000)) {
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(c.status(), 400) << c.answer();
  EXPECT_NE(c.answer().find("invalid_json"), std::string::npos) << c.answer();
}

TEST_F(RequestLimitsTest, BodyOnAGetIsRefusedAndNotReadAsTheNextRequest) {
  RawConnection c(server().port());
  ASSERT_TRUE(c.send_all("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 33\r\n\r\n"
                         "GET /no-such-page HTTP/1.1\r\n\r\n\r\n"));
  c.read_until_closed(5000);
  EXPECT_EQ(c.status(), 400) << c.answer();
  EXPECT_EQ(c.answer().find("HTTP/1.1 404"), std::string::npos) << c.answer();
  EXPECT_TRUE(c.closed());
}

TEST_F(RequestLimitsTest, AHeadHttplibCannotParseEndsTheConnection) {
  // A header line over 8 KiB is refused by httplib (400); what follows it is not read as a
  // request of its own.
  RawConnection c(server().port());
  ASSERT_TRUE(c.send_all("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Long: " + std::string(9000, 'a') +
                         "\r\n\r\nGET /no-such-page HTTP/1.1\r\nHost: t\r\n\r\n"));
  c.read_until_closed(5000);
  EXPECT_EQ(c.status(), 400) << c.answer().substr(0, 300);
  EXPECT_EQ(c.answer().find("HTTP/1.1", 8), std::string::npos) << "a second answer";
  EXPECT_TRUE(c.closed());
}

TEST_F(RequestLimitsTest, MultipartIs415NamingTheAcceptedTypeSignedInOrNot) {
  const ApiSession s = api_sign_in("coordinator");
  const httplib::MultipartFormDataItems items = {{"nhs_number", "9990000018", "", ""},
                                                 {"family_name", "Multipart", "", ""}};
  struct Probe {
    const char* what;
    std::string path;
    httplib::Headers headers;
    const char* accepted;
  };
  const std::vector<Probe> probes = {
      {"API, signed in", "/api/v1/patients", bearer(s.token), "application/json"},
      {"API, anonymous", "/api/v1/session", {}, "application/json"},
      {"page, signed in", "/patients/new", cookie("vb_session=" + s.token),
       "application/x-www-form-urlencoded"},
      {"page, anonymous", "/sign-in", {}, "application/x-www-form-urlencoded"},
      {"no route", "/no-such-path", {}, "application/x-www-form-urlencoded"},
  };
  for (const auto& p : probes) {
    SCOPED_TRACE(p.what);
    auto r = client()->Post(p.path, p.headers, items);
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 415) << r->body.substr(0, 300);
    EXPECT_NE(r->body.find(p.accepted), std::string::npos) << r->body.substr(0, 300);
    EXPECT_NE(r->body.find("multipart/form-data"), std::string::npos);
    if (p.path.rfind("/api/", 0) == 0) {
      EXPECT_EQ(json_of(*r)["error"]["code"], "unsupported_media_type") << r->body;
    } else {
      EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
    }
  }
  // A JSON body to a page, or a form to the API, is refused the same way.
  auto form_to_api = client()->Post("/api/v1/patients", bearer(s.token), "a=b",
                                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(form_to_api);
  EXPECT_EQ(form_to_api->status, 415);
  auto json_to_page = client()->Post("/patients/new", cookie("vb_session=" + s.token), "{}",
                                     "application/json");
  ASSERT_TRUE(json_to_page);
  EXPECT_EQ(json_to_page->status, 415);
}

TEST_F(RequestLimitsTest, CompressedBodyIs415AcceptingIdentityOnly) {
  httplib::Headers h = {{"Content-Encoding", "gzip"}};
  auto r = client()->Post("/api/v1/session", h, std::string("\x1f\x8b\x08\x00", 4),
                          "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(r->get_header_value("Accept-Encoding"), "identity");
  EXPECT_EQ(json_of(*r)["error"]["code"], "unsupported_media_type");
}

TEST_F(RequestLimitsTest, KeepAliveRequestsAreNotDelayedByNagle) {
  // Without TCP_NODELAY each answer on a kept-alive connection waits for the client's delayed
  // ACK (about 40 ms): 20 requests would take the best part of a second.
  RawConnection c(server().port());
  ASSERT_TRUE(c.connected());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_TRUE(c.send_all(request));
  ASSERT_EQ(c.next_answer(5000), 200);  // warm
  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.send_all(request)) << "request " << i;
    ASSERT_EQ(c.next_answer(5000), 200) << "request " << i;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  EXPECT_LT(took.count(), 250) << "20 requests on one kept-alive connection";
  EXPECT_FALSE(c.closed());
}

TEST_F(RequestLimitsTest, RequestTextCannotForgeLinesInTheServerLog) {
  const std::string forged = "[2026-11-25 10:00:00.000] [vertebro] [info] user admin signed in";
  std::string encoded;
  for (unsigned char ch : forged) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", ch);
    encoded += std::isalnum(ch) ? std::string(1, static_cast<char>(ch)) : std::string(hex);
  }
  auto path = client()->Get("/nowhere%0D%0A" + encoded);
  ASSERT_TRUE(path);
  EXPECT_EQ(path->status, 404);
  auto name = client()->Post("/api/v1/session",
                             Json{{"username", "ghost\r\n" + forged}, {"password", "x"}}.dump(),
                             "application/json");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->status, 401);

  const std::string text = server().log_text();
  std::istringstream lines(text);
  bool escaped_path = false, escaped_name = false;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.rfind(forged, 0), 0u) << "a forged line: " << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << line;
    escaped_path = escaped_path || line.find("GET /nowhere\\r\\n[2026-11-25") != std::string::npos;
    escaped_name = escaped_name || line.find("'ghost\\r\\n[2026-11-25") != std::string::npos;
  }
  EXPECT_TRUE(escaped_path) << text;
  EXPECT_TRUE(escaped_name) << text;
}

}  // namespace
}  // namespace vertebro::http_test
