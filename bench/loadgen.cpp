// vertebro-loadgen: the load bench/run puts on a running server (docs/performance.md).
//
//   vertebro-loadgen mix  --port P --token T --episodes N --rate R --seconds S [--workers W]
//       A signed-in mix at a fixed rate: 90 % reads of episode pages (/episodes/{id}, each one
//       an audited read) and 10 % changes of a referral through the API with If-Match (the
//       episode read first for its version when it is not known). Open loop: request i is due
//       at start + i/R, and its latency is counted from then, so a slow answer also delays
//       (and is charged to) the requests queued behind it.
//   vertebro-loadgen fixed --port P --token T --path /sites --rate R --seconds S [--workers W]
//       The same schedule with one page only (a baseline).
//   vertebro-loadgen time --port P --token T --path /worklist?state=mdt [--runs N]
//       Sequential GETs on one kept-alive connection: the median and the slowest.
//
// Prints one line of key=value figures (milliseconds); exits non-zero when a request failed
// in a way the bench must not hide (connection refused, 5xx).

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

struct Options {
  std::string mode;
  int port = 0;
  std::string token;
  std::string path = "/sites";
  long episodes = 0;
  double rate = 200;
  double seconds = 20;
  int workers = 16;
  int runs = 20;
};

Options parse(int argc, char** argv) {
  Options o;
  if (argc < 2) throw std::runtime_error("usage: vertebro-loadgen mix|fixed|time --port P ...");
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--port") o.port = std::stoi(v);
    else if (k == "--token") o.token = v;
    else if (k == "--path") o.path = v;
    else if (k == "--episodes") o.episodes = std::stol(v);
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--seconds") o.seconds = std::stod(v);
    else if (k == "--workers") o.workers = std::stoi(v);
    else if (k == "--runs") o.runs = std::stoi(v);
    else throw std::runtime_error("unknown option " + k);
  }
  if (o.port == 0 || o.token.empty()) throw std::runtime_error("--port and --token are needed");
  return o;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct Tally {
  std::mutex mu;
  std::vector<double> latencies;
  long reads = 0, writes = 0, conflicts = 0, failures = 0;
};

class Worker {
 public:
  Worker(const Options& o, int index) : o_(o), index_(index), rng_(static_cast<unsigned>(index)) {
    http_.set_keep_alive(true);
    // As browsers and curl do: httplib writes a request's headers and body separately, and
    // with Nagle's algorithm on, the body waits for the server's delayed ACK (40 ms on Linux).
    http_.set_tcp_nodelay(true);
    http_.set_read_timeout(30);
    cookie_ = {{"Cookie", std::string("vb_session=") + o.token}};
    bearer_ = {{"Authorization", "Bearer " + o.token}};
  }

  // One request (or a read-then-write); false when it failed.
  bool page(const std::string& path) {
    auto r = http_.Get(path, cookie_);
    return r && r->status == 200;
  }

  bool read_episode() {
    std::uniform_int_distribution<long> id(1, o_.episodes);
    return page("/episodes/" + std::to_string(id(rng_)));
  }

  // A referral changed with If-Match. Each worker changes its own episodes (id = index + k *
  // workers), so a 412 means someone else changed it: counted, not retried.
  bool write_episode(long& conflicts) {
    std::uniform_int_distribution<long> k(0, std::max(0L, o_.episodes / o_.workers - 1));
    const long id = index_ + 1 + k(rng_) * o_.workers;
    const std::string path = "/api/v1/episodes/" + std::to_string(id);
    auto it = known_.find(id);
    if (it == known_.end()) {
      auto r = http_.Get(path, bearer_);
      if (!r || r->status != 200) return false;
      auto j = Json::parse(r->body);
      it = known_.emplace(id, Known{j, r->get_header_value("ETag")}).first;
    }
    Json& e = it->second.episode;
    Json body = {{"site_id", e["site_id"]},
                 {"referring_clinician", e["referring_clinician"]},
                 {"referral_date", e["referral_date"]},
                 {"indication", e["indication"]},
                 {"levels", e["levels"]},
                 {"reason", e["reason"].get<std::string>().ends_with(" (reviewed)")
                                ? e["reason"].get<std::string>().substr(
                                      0, e["reason"].get<std::string>().size() - 11)
                                : e["reason"].get<std::string>() + " (reviewed)"}};
    httplib::Headers h = bearer_;
    h.emplace("If-Match", it->second.etag);
    auto r = http_.Put(path + "/referral", h, body.dump(), "application/json");
    if (r && r->status == 200) {
      e["reason"] = body["reason"];
      it->second.etag = r->get_header_value("ETag");
      return true;
    }
    known_.erase(it);
    if (r && r->status == 412) {
      ++conflicts;
      return true;
    }
    return false;
  }

 private:
  struct Known {
    Json episode;
    std::string etag;
  };
  const Options& o_;
  int index_;
  std::mt19937 rng_;
  httplib::Client http_{"127.0.0.1", o_.port};
  httplib::Headers cookie_, bearer_;
  std::map<long, Known> known_;
};

// The open-loop schedule: `total` requests due at start + i/rate, shared by the workers.
int run_schedule(const Options& o, bool mix) {
  const long total = static_cast<long>(o.rate * o.seconds);
  std::atomic<long> next{0};
  Tally tally;
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  std::vector<std::thread> threads;
  for (int w = 0; w < o.workers; ++w) {
    threads.emplace_back([&, w] {
      Worker worker(o, w);
      std::mt19937 rng(static_cast<unsigned>(1000 + w));
      std::vector<double> mine;
      long reads = 0, writes = 0, conflicts = 0, failures = 0;
      for (long i = next++; i < total; i = next++) {
        const auto due = start + std::chrono::nanoseconds(static_cast<long>(
                                     static_cast<double>(i) * 1e9 / o.rate));
        std::this_thread::sleep_until(due);
        bool ok = false;
        if (!mix) {
          ok = worker.page(o.path);
          ++reads;
        } else if (i % 10 == 9) {  // every tenth request a change
          ok = worker.write_episode(conflicts);
          ++writes;
        } else {
          ok = worker.read_episode();
          ++reads;
        }
        mine.push_back(ms(Clock::now() - due));
        if (!ok) ++failures;
      }
      std::lock_guard lock(tally.mu);
      tally.latencies.insert(tally.latencies.end(), mine.begin(), mine.end());
      tally.reads += reads;
      tally.writes += writes;
      tally.conflicts += conflicts;
      tally.failures += failures;
    });
  }
  for (auto& t : threads) t.join();
  const double took = ms(Clock::now() - start) / 1000.0;
  std::printf("requests=%zu reads=%ld writes=%ld conflicts=%ld failures=%ld rate=%.1f "
              "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
              tally.latencies.size(), tally.reads, tally.writes, tally.conflicts, tally.failures,
              static_cast<double>(tally.latencies.size()) / took,
              percentile(tally.latencies, 0.50), percentile(tally.latencies, 0.90),
              percentile(tally.latencies, 0.99),
              percentile(tally.latencies, 1.0));
  return tally.failures == 0 ? 0 : 1;
}

int run_time(const Options& o) {
  Worker worker(o, 0);
  std::vector<double> v;
  int failures = 0;
  worker.page(o.path);  // warm: the first answer pays for cold caches
  for (int i = 0; i < o.runs; ++i) {
    const auto t0 = Clock::now();
    if (!worker.page(o.path)) ++failures;
    v.push_back(ms(Clock::now() - t0));
  }
  std::printf("median_ms=%.2f max_ms=%.2f failures=%d\n", percentile(v, 0.5), percentile(v, 1.0),
              failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    if (o.mode == "mix") {
      if (o.episodes < o.workers) throw std::runtime_error("--episodes must be at least --workers");
      return run_schedule(o, true);
    }
    if (o.mode == "fixed") return run_schedule(o, false);
    if (o.mode == "time") return run_time(o);
    throw std::runtime_error("unknown mode " + o.mode);
  } catch (const std::exception& e) {
    std::cerr << "vertebro-loadgen: " << e.what() << "\n";
    return 2;
  }
}
