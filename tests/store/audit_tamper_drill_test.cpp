// Tamper evidence at scale (issue 13, point 8; docs/reliability.md, "Tamper evidence at
// scale"). A chain of many entries, signed by a checkpoint every tenth of the way and at its
// head, is damaged on a fresh copy of the file, one random mutation per copy: a field changed,
// an entry deleted, a forged entry inserted, two entries swapped, the tail cut off. Each
// mutation is made twice: once as a careless editor leaves it, once by an attacker who also
// renumbers the entries, recomputes every hash after the damage and rewrites the head. The
// verifier (app::verify_chain, what `vertebro audit verify --public-key` runs) must refuse
// every copy and name the first bad entry: the damaged entry or the one after it for the
// careless edit, the first checkpoint the rewrite broke for the attacker.
//
// SQLite only: "a fresh copy" is a file copy; the verifier reads both backends through the
// same store interface, and the PostgreSQL rewrite attack is in audit_anchor_test.cpp.
// The CI run is small (VERTEBRO_DRILL_AUDIT_ENTRIES = 10,000, ..._MUTATIONS = 50; under the
// sanitizers 2,000 and 20); bench/tamper-drill runs 100,000 entries and 1,000 mutations.

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "app/audit_checkpoints.h"
#include "app/audit_keys.h"
#include "app/audit_verify.h"
#include "store_fixture.h"
#include "support/sanitizers.h"

namespace vertebro::store_test {
namespace {

long env_or(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

// A connection to one SQLite file, for building and damaging the chain behind vertebro's back.
class File {
 public:
  explicit File(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
  }
  ~File() {
    insert_.reset();  // a statement left open would keep the connection open
    rehash_.reset();
    sqlite3_close(db_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "error";
      sqlite3_free(err);
      throw std::runtime_error(msg + " in: " + sql.substr(0, 200));
    }
  }

  // Entries with seq >= `from`, in order.
  std::vector<domain::AuditEntry> entries_from(std::int64_t from) {
    Statement s(db_,
                "SELECT seq, at, user_id, username, action, record_type, record_id, patient_id, "
                "site_id, detail, prev_hash, hash FROM audit_log WHERE seq >= ? ORDER BY seq");
    sqlite3_bind_int64(s.get(), 1, from);
    std::vector<domain::AuditEntry> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      auto text = [&](int i) {
        const auto* t = sqlite3_column_text(s.get(), i);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
      };
      auto num = [&](int i) { return sqlite3_column_int64(s.get(), i); };
      out.push_back({num(0), text(1), num(2), text(3), text(4), text(5), num(6), num(7), num(8),
                     text(9), text(10), text(11)});
    }
    return out;
  }

  domain::AuditEntry entry(std::int64_t seq) {
    auto e = entries_from(seq);
    if (e.empty() || e.front().seq != seq) throw std::runtime_error("no entry " + std::to_string(seq));
    return e.front();
  }

  void insert(const domain::AuditEntry& e) {
    if (!insert_) {
      insert_ = std::make_unique<Statement>(
          db_,
          "INSERT INTO audit_log (seq, at, user_id, username, action, record_type, record_id, "
          "patient_id, site_id, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    }
    auto* s = insert_->get();
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, e.seq);
    sqlite3_bind_text(s, 2, e.at.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, e.user_id);
    sqlite3_bind_text(s, 4, e.username.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, e.action.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, e.record_type.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 7, e.record_id);
    sqlite3_bind_int64(s, 8, e.patient_id);
    sqlite3_bind_int64(s, 9, e.site_id);
    sqlite3_bind_text(s, 10, e.detail.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 11, e.prev_hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 12, e.hash.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
  }

  // Rewrites the hash link of entry e.seq.
  void set_hashes(const domain::AuditEntry& e) {
    if (!rehash_) {
      rehash_ = std::make_unique<Statement>(
          db_, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?");
    }
    auto* s = rehash_->get();
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, e.prev_hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, e.hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, e.seq);
    if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
  }

  void set_head(std::int64_t seq, const std::string& hash) {
    exec("UPDATE audit_head SET seq = " + std::to_string(seq) + ", hash = '" + hash +
         "' WHERE id = 1");
  }

 private:
  class Statement {
   public:
    Statement(sqlite3* db, const char* sql) {
      if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) {
        throw std::runtime_error(std::string("cannot prepare: ") + sqlite3_errmsg(db));
      }
    }
    ~Statement() { sqlite3_finalize(s_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() const { return s_; }

   private:
    sqlite3_stmt* s_ = nullptr;
  };

  sqlite3* db_ = nullptr;
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> rehash_;
};

// What the entries look like: the mix of a busy unit's trail (reads dominate), with no
// patient identifier anywhere, as in the real trail.
domain::AuditEntry plausible_entry(std::mt19937_64& rng, std::int64_t seq) {
  static const std::vector<std::string> actions = {"read", "read", "read", "read", "read",
                                                   "create", "update", "transition", "sign_in",
                                                   "denied"};
  static const std::vector<std::string> types = {"patient", "episode", "worklist", "session",
                                                 "episode", "referral"};
  domain::AuditEntry e;
  e.seq = seq;
  const std::time_t t = 1767225600 + seq * 7;  // from 2026-01-01, an entry every 7 s
  std::tm tm{};
  gmtime_r(&t, &tm);
  char at[24];
  std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
  e.at = at;
  e.user_id = static_cast<std::int64_t>(rng() % 40) + 1;
  e.username = "user" + std::to_string(e.user_id);
  e.action = actions[rng() % actions.size()];
  e.record_type = types[rng() % types.size()];
  e.record_id = static_cast<std::int64_t>(rng() % 50000) + 1;
  e.patient_id = e.record_type == "worklist" || e.record_type == "session"
                     ? 0
                     : static_cast<std::int64_t>(rng() % 40000) + 1;
  e.site_id = static_cast<std::int64_t>(rng() % 3) + 1;
  e.detail = e.action == "update" ? R"({"changed":["pain_nrs"],"version":)" +
                                        std::to_string(rng() % 9 + 2) + "}"
                                  : R"({"site_id":)" + std::to_string(e.site_id) + "}";
  return e;
}

enum class Kind { kChange, kDelete, kInsert, kSwap, kTruncate };
constexpr std::array kKinds = {Kind::kChange, Kind::kDelete, Kind::kInsert, Kind::kSwap,
                               Kind::kTruncate};

std::string name(Kind k) {
  switch (k) {
    case Kind::kChange: return "change";
    case Kind::kDelete: return "delete";
    case Kind::kInsert: return "insert";
    case Kind::kSwap: return "swap";
    case Kind::kTruncate: return "truncate";
  }
  return "?";
}

struct Mutation {
  Kind kind = Kind::kChange;
  bool rehash = false;     // the attacker recomputes the hashes and the head
  std::int64_t at = 0;     // the entry damaged first
  int field = 0;           // kChange: which column
  std::string describe() const {
    return name(kind) + (rehash ? "+rehash" : "") + " at " + std::to_string(at) +
           (kind == Kind::kChange ? " field " + std::to_string(field) : "");
  }
};

class AuditTamperDrill : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "vertebro_tamper_drill_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    pristine_ = dir_ + "/chain.db";
    copy_ = dir_ + "/copy.db";
    ASSERT_TRUE(app::create_audit_key(dir_ + "/audit.key").ok());
    key_ = std::make_unique<crypto::SigningKey>(
        must(app::load_audit_key(dir_ + "/audit.key"), "load key"));
    trusted_ = must(app::load_trusted_keys({dir_ + "/audit.key.pub"}), "trusted key");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `n` entries with a checkpoint after every `every` and at the head.
  void build_chain(std::int64_t n, std::int64_t every, std::mt19937_64& rng) {
    std::string prev = domain::kGenesisHash;
    for (std::int64_t done = 0; done < n;) {
      const std::int64_t upto = std::min(n, done + every);
      {
        File f(pristine_exists() ? pristine_ : create_pristine());
        f.exec("BEGIN");
        for (std::int64_t seq = done + 1; seq <= upto; ++seq) {
          auto e = plausible_entry(rng, seq);
          e.prev_hash = prev;
          e.hash = domain::chain_hash(e);
          f.insert(e);
          prev = e.hash;
        }
        f.set_head(upto, prev);
        f.exec("COMMIT");
      }
      auto store = must(store::open_store(pristine_, {}), "open pristine");
      app::Context ctx(*store, clock_);
      auto cp = must(app::write_checkpoint(ctx, *key_, false), "checkpoint");
      ASSERT_TRUE(cp.written);
      checkpoints_.push_back(upto);
      done = upto;
    }
    head_ = n;
    File(pristine_).exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  bool pristine_exists() const { return std::filesystem::exists(pristine_); }
  const std::string& create_pristine() {
    // Migrated by vertebro itself, then closed.
    must(store::open_store(pristine_, {}), "create pristine");
    return pristine_;
  }

  Mutation random_mutation(std::mt19937_64& rng, int i) {
    Mutation m;
    m.kind = kKinds[static_cast<std::size_t>(i) % kKinds.size()];
    m.rehash = (i / static_cast<int>(kKinds.size())) % 2 == 1;
    // Positions: uniform, but one in five on a boundary (the first entry, the head, a
    // checkpoint's entry or the one after it), where an off-by-one would hide.
    std::int64_t last = head_;  // the highest valid first-damaged entry for this kind
    if (m.kind == Kind::kSwap) last = head_ - 1;
    if (m.kind == Kind::kInsert && !m.rehash) last = head_ + 1;  // a forged append
    std::vector<std::int64_t> boundary = {1, last};
    for (auto c : checkpoints_) {
      if (c <= last) boundary.push_back(c);
      if (c + 1 <= last) boundary.push_back(c + 1);
    }
    if (rng() % 5 == 0) {
      m.at = boundary[rng() % boundary.size()];
    } else {
      m.at = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(last)) + 1;
    }
    // The attacker's recomputation would repair a changed hash link, so only content counts
    // for the rewrite.
    m.field = static_cast<int>(rng() % (m.rehash ? 9 : 11));
    return m;
  }

  // The entry verify must name.
  std::int64_t expected_bad(const Mutation& m) const {
    if (m.rehash) {
      // The chain fits again; the first checkpoint at or after the damage does not (a cut
      // tail leaves checkpoints beyond the end: named as the first missing entry).
      if (m.kind == Kind::kTruncate) return m.at;
      return *std::lower_bound(checkpoints_.begin(), checkpoints_.end(), m.at);
    }
    switch (m.kind) {
      case Kind::kDelete: return m.at == head_ ? m.at : m.at + 1;  // the gap, or the head
      case Kind::kInsert: {
        // The forged entry links to the one before it, so the entry after it is the first that
        // does not fit; unless it took the place of a signed entry (its hash is not the one
        // signed) or lies past the recorded head.
        const bool signed_place =
            std::binary_search(checkpoints_.begin(), checkpoints_.end(), m.at);
        return m.at > head_ || signed_place ? m.at : m.at + 1;
      }
      default: return m.at;
    }
  }

  // Damages the copy as `m` says.
  void damage(File& f, const Mutation& m, std::mt19937_64& rng) {
    const std::string at = std::to_string(m.at);
    // A throwaway copy: no need to wait for the disk.
    f.exec("PRAGMA synchronous = OFF; DROP TRIGGER audit_log_no_update; "
           "DROP TRIGGER audit_log_no_delete; BEGIN");
    // Renumbering in two steps keeps the primary key unique on the way.
    auto shift = [&](std::int64_t from, int by) {
      f.exec("UPDATE audit_log SET seq = -seq WHERE seq >= " + std::to_string(from) +
             "; UPDATE audit_log SET seq = -seq + (" + std::to_string(by) + ") WHERE seq < 0");
    };
    switch (m.kind) {
      case Kind::kChange: {
        static const std::array<std::string, 11> sets = {
            "at = at || '1'",          "user_id = user_id + 1",     "username = 'someone_else'",
            "action = action || 'x'",  "record_type = 'patient2'",  "record_id = record_id + 1",
            "patient_id = patient_id + 1", "site_id = site_id + 1", "detail = detail || ' '",
            "prev_hash = hash",        "hash = prev_hash"};
        f.exec("UPDATE audit_log SET " + sets[static_cast<std::size_t>(m.field)] +
               " WHERE seq = " + at);
        break;
      }
      case Kind::kDelete:
        f.exec("DELETE FROM audit_log WHERE seq = " + at);
        if (m.rehash) shift(m.at + 1, -1);
        break;
      case Kind::kInsert: {
        // A forged read, linked correctly to the entry before it.
        auto forged = plausible_entry(rng, m.at);
        forged.action = "read";
        forged.prev_hash = m.at == 1 ? domain::kGenesisHash : f.entry(m.at - 1).hash;
        forged.hash = domain::chain_hash(forged);
        if (m.at <= head_) shift(m.at, 1);
        f.insert(forged);
        break;
      }
      case Kind::kSwap:
        f.exec("UPDATE audit_log SET seq = -1 WHERE seq = " + at +
               "; UPDATE audit_log SET seq = " + at + " WHERE seq = " + at +
               " + 1; UPDATE audit_log SET seq = " + at + " + 1 WHERE seq = -1");
        break;
      case Kind::kTruncate:
        f.exec("DELETE FROM audit_log WHERE seq >= " + at);
        if (m.rehash) {
          f.set_head(m.at - 1, m.at == 1 ? domain::kGenesisHash : f.entry(m.at - 1).hash);
        }
        break;
    }
    if (m.rehash && m.kind != Kind::kTruncate) {
      std::string prev = m.at == 1 ? domain::kGenesisHash : f.entry(m.at - 1).hash;
      auto rest = f.entries_from(m.at);
      for (auto& e : rest) {
        e.prev_hash = prev;
        e.hash = domain::chain_hash(e);
        f.set_hashes(e);
        prev = e.hash;
      }
      f.set_head(rest.empty() ? m.at - 1 : rest.back().seq, prev);
    }
    f.exec("COMMIT");
  }

  // A fresh copy of the pristine chain (without the previous copy's WAL files, which SQLite
  // would otherwise apply to the new copy).
  void fresh_copy() {
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(copy_ + suffix);
    std::filesystem::copy_file(pristine_, copy_, std::filesystem::copy_options::overwrite_existing);
  }

  app::ChainReport verify(const std::string& file) {
    auto store = must(store::open_store(file, {}), "open copy");
    app::Context ctx(*store, clock_);
    return must(app::verify_chain(ctx, {trusted_, {}}), "verify_chain");
  }

  FixedClock clock_{start_time()};
  std::string dir_, pristine_, copy_;
  std::unique_ptr<crypto::SigningKey> key_;
  domain::TrustedKeys trusted_;
  std::vector<std::int64_t> checkpoints_;
  std::int64_t head_ = 0;
};

TEST_F(AuditTamperDrill, EveryMutationOfALongChainIsFoundAndTheFirstBadEntryNamed) {
  const long entries = env_or("VERTEBRO_DRILL_AUDIT_ENTRIES", test_support::ci_size(10000, 2000));
  const long mutations = env_or("VERTEBRO_DRILL_AUDIT_MUTATIONS", test_support::ci_size(50, 20));
  const auto seed = static_cast<std::uint64_t>(env_or("VERTEBRO_DRILL_AUDIT_SEED", 20261204));
  std::mt19937_64 rng(seed);
  using Clock = std::chrono::steady_clock;

  const auto built = Clock::now();
  build_chain(entries, std::max(1L, entries / 10), rng);
  const auto build_s = std::chrono::duration<double>(Clock::now() - built).count();

  // The control: the untouched chain, and an untouched copy of it, verify and are anchored
  // at the head (so a failure below is the damage, not the copying).
  fresh_copy();
  for (const auto& file : {pristine_, copy_}) {
    const auto r = verify(file);
    ASSERT_TRUE(r.ok) << r.problem;
    ASSERT_EQ(r.checked, entries);
    ASSERT_EQ(r.anchored_seq, entries);
  }

  std::map<std::string, int> found;
  std::vector<std::string> missed;
  double verify_s = 0;
  for (long i = 0; i < mutations; ++i) {
    const Mutation m = random_mutation(rng, static_cast<int>(i));
    fresh_copy();
    {
      File f(copy_);
      damage(f, m, rng);
    }
    const auto t0 = Clock::now();
    const auto r = verify(copy_);
    verify_s += std::chrono::duration<double>(Clock::now() - t0).count();
    if (r.ok) {
      missed.push_back(m.describe() + ": verified clean");
    } else if (r.bad_seq != expected_bad(m)) {
      missed.push_back(m.describe() + ": named entry " + std::to_string(r.bad_seq) +
                       ", expected " + std::to_string(expected_bad(m)) + " (" + r.problem + ")");
    } else {
      ++found[name(m.kind) + (m.rehash ? " with hashes recomputed" : "")];
    }
  }

  std::cout << "tamper drill: " << entries << " entries (" << checkpoints_.size()
            << " signed checkpoints) built in " << build_s << " s; seed " << seed << "\n";
  for (const auto& [what, n] : found) std::cout << "  found and named: " << n << " " << what << "\n";
  std::cout << "  " << (mutations - static_cast<long>(missed.size())) << " of " << mutations
            << " mutations found with the first bad entry named; verify took "
            << (mutations ? verify_s / static_cast<double>(mutations) : 0) << " s per copy\n";
  EXPECT_TRUE(missed.empty()) << missed.size() << " not found or misnamed, first: "
                              << missed.front();
}

}  // namespace
}  // namespace vertebro::store_test
