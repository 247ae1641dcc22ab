#include "store/sql_tx.h"

#include <algorithm>

namespace vertebro::store {

using sql::Params;
using sql::Row;

namespace {

constexpr const char* kPatientCols =
    "id, site_id, nhs_number, family_name, given_name, date_of_birth, sex, version, created_at, "
    "updated_at";
constexpr const char* kEpisodeCols =
    "e.id, e.patient_id, e.site_id, e.state, e.referring_clinician, e.referral_date, "
    "e.indication, e.levels, e.reason, e.version, e.created_at, e.updated_at, e.state_changed_at";
constexpr const char* kEpisodeReturning =
    "id, patient_id, site_id, state, referring_clinician, referral_date, indication, levels, "
    "reason, version, created_at, updated_at, state_changed_at";
constexpr std::size_t kEpisodeColCount = 13;
constexpr const char* kAuditCols =
    "seq, at, user_id, username, action, record_type, record_id, patient_id, site_id, detail, "
    "prev_hash, hash";

Error corrupt(const std::string& what) {
  return Error::internal("The database holds a value vertebro cannot read (" + what + ")");
}

// Stored values were validated on the way in; a failure here means the file was edited.
Result<PatientRecord> patient_from(const Row& r) {
  auto nhs = domain::NhsNumber::parse(r.str(2));
  auto dob = domain::Date::parse(r.str(5), "date_of_birth", "date of birth");
  auto sex = domain::parse_sex(r.str(6));
  if (!nhs || !dob || !sex) return corrupt("patient " + r.str(0));
  return PatientRecord{PatientId{r.i64(0)},
                       SiteId{r.i64(1)},
                       domain::PatientDetails{*nhs, r.str(3), r.str(4), *dob, *sex},
                       r.i64(7),
                       r.str(8),
                       r.str(9)};
}

Result<EpisodeRecord> episode_from(const Row& r) {
  auto state = domain::parse_state(r.str(3));
  auto date = domain::Date::parse(r.str(5), "referral_date", "referral date");
  auto indication = domain::parse_indication(r.str(6));
  auto levels = domain::parse_levels(r.str(7), "levels");
  if (!state || !date || !indication || !levels) return corrupt("episode " + r.str(0));
  EpisodeRecord e;
  e.id = EpisodeId{r.i64(0)};
  e.patient = PatientId{r.i64(1)};
  e.state = *state;
  e.referral = domain::ReferralDetails{SiteId{r.i64(2)}, r.str(4), *date, *indication,
                                       std::move(*levels), r.str(8)};
  e.version = r.i64(9);
  e.created_at = r.str(10);
  e.updated_at = r.str(11);
  e.state_changed_at = r.str(12);
  return e;
}

domain::AuditEntry audit_from(const Row& r) {
  domain::AuditEntry e;
  e.seq = r.i64(0);
  e.at = r.str(1);
  e.user_id = r.i64(2);
  e.username = r.str(3);
  e.action = r.str(4);
  e.record_type = r.str(5);
  e.record_id = r.i64(6);
  e.patient_id = r.i64(7);
  e.site_id = r.i64(8);
  e.detail = r.str(9);
  e.prev_hash = r.str(10);
  e.hash = r.str(11);
  return e;
}

Result<domain::User> user_from(const Row& r) {
  auto role = domain::parse_role(r.str(3));
  if (!role) return corrupt("user " + r.str(0));
  domain::User u;
  u.id = UserId{r.i64(0)};
  u.username = r.str(1);
  u.display_name = r.str(2);
  u.role = *role;
  u.profession = r.str(4);
  u.disabled = r.i64(5) != 0;
  return u;
}

constexpr const char* kUserCols = "id, username, display_name, role, profession, disabled";

}  // namespace

Result<std::optional<std::string>> SqlTx::get_meta(const std::string& key) {
  auto rows = c_.query("SELECT value FROM meta WHERE key = ?", {key});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows->front().str(0));
}

Status SqlTx::set_meta(const std::string& key, const std::string& value) {
  auto r = c_.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
      "excluded.value",
      {key, value});
  if (!r) return std::move(r).error();
  return {};
}

Result<SiteId> SqlTx::insert_site(const std::string& code, const std::string& name) {
  auto rows = c_.query("INSERT INTO sites (code, name) VALUES (?, ?) RETURNING id", {code, name});
  if (!rows) return std::move(rows).error();
  return SiteId{rows->front().i64(0)};
}

Result<std::vector<domain::Site>> SqlTx::list_sites() {
  auto rows = c_.query("SELECT id, code, name FROM sites ORDER BY name", {});
  if (!rows) return std::move(rows).error();
  std::vector<domain::Site> out;
  for (const auto& r : *rows) out.push_back({SiteId{r.i64(0)}, r.str(1), r.str(2)});
  return out;
}

Result<UserId> SqlTx::insert_user(const domain::User& user, const std::string& password_hash,
                                  const std::string& at) {
  auto rows = c_.query(
      "INSERT INTO users (username, display_name, role, profession, password_hash, disabled, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {user.username, user.display_name, std::string(domain::role_name(user.role)),
       user.profession, password_hash, std::int64_t{user.disabled ? 1 : 0}, at});
  if (!rows) {
    auto e = std::move(rows).error();
    if (e.code == Errc::kDuplicate) e.message = "A user with that user name already exists";
    return e;
  }
  const UserId id{rows->front().i64(0)};
  for (const auto& s : user.sites) {
    auto r = c_.exec("INSERT INTO user_sites (user_id, site_id) VALUES (?, ?)",
                     {id.value, s.value});
    if (!r) return std::move(r).error();
  }
  return id;
}

Result<std::vector<SiteId>> SqlTx::user_sites(UserId id) {
  auto rows =
      c_.query("SELECT site_id FROM user_sites WHERE user_id = ? ORDER BY site_id", {id.value});
  if (!rows) return std::move(rows).error();
  std::vector<SiteId> out;
  for (const auto& r : *rows) out.push_back(SiteId{r.i64(0)});
  return out;
}

Result<std::optional<UserRecord>> SqlTx::find_user_by_name(const std::string& username) {
  auto rows = c_.query(std::string("SELECT ") + kUserCols +
                           ", password_hash FROM users WHERE username = ?",
                       {username});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<UserRecord>();
  auto u = user_from(rows->front());
  if (!u) return std::move(u).error();
  auto sites = user_sites(u->id);
  if (!sites) return std::move(sites).error();
  u->sites = std::move(*sites);
  return std::optional<UserRecord>(UserRecord{std::move(*u), rows->front().str(6)});
}

Result<std::optional<domain::User>> SqlTx::find_user(UserId id) {
  auto rows =
      c_.query(std::string("SELECT ") + kUserCols + " FROM users WHERE id = ?", {id.value});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<domain::User>();
  auto u = user_from(rows->front());
  if (!u) return std::move(u).error();
  auto sites = user_sites(u->id);
  if (!sites) return std::move(sites).error();
  u->sites = std::move(*sites);
  return std::optional<domain::User>(std::move(*u));
}

Result<std::vector<domain::User>> SqlTx::list_users() {
  auto rows = c_.query(std::string("SELECT ") + kUserCols + " FROM users ORDER BY username", {});
  if (!rows) return std::move(rows).error();
  std::vector<domain::User> out;
  for (const auto& r : *rows) {
    auto u = user_from(r);
    if (!u) return std::move(u).error();
    auto sites = user_sites(u->id);
    if (!sites) return std::move(sites).error();
    u->sites = std::move(*sites);
    out.push_back(std::move(*u));
  }
  return out;
}

Status SqlTx::set_user_disabled(UserId id, bool disabled) {
  auto r = c_.exec("UPDATE users SET disabled = ? WHERE id = ?",
                   {std::int64_t{disabled ? 1 : 0}, id.value});
  if (!r) return std::move(r).error();
  if (*r == 0) return Error::not_found("No such user");
  return {};
}

Status SqlTx::set_user_password(UserId id, const std::string& password_hash) {
  auto r = c_.exec("UPDATE users SET password_hash = ? WHERE id = ?", {password_hash, id.value});
  if (!r) return std::move(r).error();
  if (*r == 0) return Error::not_found("No such user");
  return {};
}

Result<ThrottleRecord> SqlTx::get_throttle(const std::string& key) {
  auto rows = c_.query("SELECT failures, locked_until FROM sign_in_throttle WHERE key = ?", {key});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return ThrottleRecord{};
  return ThrottleRecord{static_cast<int>(rows->front().i64(0)), rows->front().str(1)};
}

Status SqlTx::put_throttle(const std::string& key, const ThrottleRecord& t) {
  auto r = c_.exec(
      "INSERT INTO sign_in_throttle (key, failures, locked_until) VALUES (?, ?, ?) ON CONFLICT "
      "(key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
      {key, std::int64_t{t.failures}, t.locked_until});
  if (!r) return std::move(r).error();
  return {};
}

Status SqlTx::clear_throttle(const std::string& key) {
  auto r = c_.exec("DELETE FROM sign_in_throttle WHERE key = ?", {key});
  if (!r) return std::move(r).error();
  return {};
}

namespace {
// The audit actions that record who looked at what, as opposed to a change: their entries may
// draw on the storage reserve.
bool records_access(const std::string& action) {
  return action == "read" || action == "list" || action == "search" || action == "read_log" ||
         action == "sign_in" || action == "sign_out" || action == "denied";
}
}  // namespace

template <class Statement>
auto SqlTx::recording_access(Statement statement) -> decltype(statement()) {
  auto r = statement();
  if (!r && r.error().code == Errc::kUnavailable && reserve_ != nullptr &&
      reserve_->found_no_room()) {
    wants_reserve_ = true;
  }
  return r;
}

Result<ThrottleRecord> SqlTx::lock_throttle(const std::string& key) {
  // The no-op update takes the row lock, and RETURNING gives the row as the last committed
  // transaction left it (PostgreSQL waits for a concurrent holder, then re-reads).
  auto rows = recording_access([&] {
    return c_.query(
        "INSERT INTO sign_in_throttle (key, failures, locked_until) VALUES (?, 0, '') ON "
        "CONFLICT (key) DO UPDATE SET failures = sign_in_throttle.failures RETURNING failures, "
        "locked_until",
        {key});
  });
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return Error::internal("The sign-in counter could not be read");
  return ThrottleRecord{static_cast<int>(rows->front().i64(0)), rows->front().str(1)};
}

Result<RateCounter> SqlTx::lock_rate_counter(const std::string& key) {
  auto rows = c_.query(
      "INSERT INTO rate_counters (key, window_start, count) VALUES (?, '', 0) ON CONFLICT (key) "
      "DO UPDATE SET count = rate_counters.count RETURNING count, window_start",
      {key});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return Error::internal("A rate counter could not be read");
  return RateCounter{static_cast<int>(rows->front().i64(0)), rows->front().str(1)};
}

Status SqlTx::put_rate_counter(const std::string& key, const RateCounter& c) {
  auto r = c_.exec(
      "INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, ?) ON CONFLICT (key) "
      "DO UPDATE SET window_start = excluded.window_start, count = excluded.count",
      {key, c.window_start, std::int64_t{c.count}});
  if (!r) return std::move(r).error();
  return {};
}

Status SqlTx::insert_session(const SessionRecord& s) {
  auto r = recording_access([&] {
    return c_.exec(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?)",
        {s.token_hash, s.user.value, s.csrf_token, s.created_at, s.last_seen_at});
  });
  if (!r) return std::move(r).error();
  return {};
}

Result<std::optional<SessionRecord>> SqlTx::find_session(const std::string& token_hash) {
  auto rows = c_.query(
      "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE "
      "token_hash = ?",
      {token_hash});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<SessionRecord>();
  const auto& r = rows->front();
  return std::optional<SessionRecord>(
      SessionRecord{r.str(0), UserId{r.i64(1)}, r.str(2), r.str(3), r.str(4)});
}

Status SqlTx::touch_session(const std::string& token_hash, const std::string& at) {
  auto r = c_.exec("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", {at, token_hash});
  if (!r) return std::move(r).error();
  return {};
}

Status SqlTx::delete_session(const std::string& token_hash) {
  auto r = c_.exec("DELETE FROM sessions WHERE token_hash = ?", {token_hash});
  if (!r) return std::move(r).error();
  return {};
}

Status SqlTx::delete_user_sessions(UserId user) {
  auto r = c_.exec("DELETE FROM sessions WHERE user_id = ?", {user.value});
  if (!r) return std::move(r).error();
  return {};
}

Result<std::int64_t> SqlTx::purge_sessions(const std::string& idle_cutoff,
                                           const std::string& absolute_cutoff) {
  return c_.exec("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?",
                 {idle_cutoff, absolute_cutoff});
}

Result<PatientRecord> SqlTx::insert_patient(SiteId site, const domain::PatientDetails& d,
                                            const std::string& at) {
  auto existing = find_patient_by_nhs(d.nhs_number.digits());
  if (!existing) return std::move(existing).error();
  if (existing->has_value()) {
    Error e{Errc::kDuplicate, "A patient with this NHS number is already registered", {}, 0, 0};
    e.fields.push_back({"nhs_number", "A patient with this NHS number is already registered"});
    e.related_id = (*existing)->id.value;
    return e;
  }
  auto rows = c_.query(
      std::string("INSERT INTO patients (site_id, nhs_number, family_name, given_name, "
                  "date_of_birth, sex, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                  "?, 1, ?, ?) RETURNING ") +
          kPatientCols,
      {site.value, d.nhs_number.digits(), d.family_name, d.given_name, d.date_of_birth.iso(),
       std::string(domain::sex_name(d.sex)), at, at});
  if (!rows) return std::move(rows).error();
  return patient_from(rows->front());
}

Result<std::optional<PatientRecord>> SqlTx::find_patient(PatientId id) {
  auto rows = c_.query(std::string("SELECT ") + kPatientCols + " FROM patients WHERE id = ?",
                       {id.value});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<PatientRecord>();
  auto p = patient_from(rows->front());
  if (!p) return std::move(p).error();
  return std::optional<PatientRecord>(std::move(*p));
}

Result<std::optional<PatientRecord>> SqlTx::find_patient_by_nhs(const std::string& digits) {
  auto rows = c_.query(
      std::string("SELECT ") + kPatientCols + " FROM patients WHERE nhs_number = ?", {digits});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<PatientRecord>();
  auto p = patient_from(rows->front());
  if (!p) return std::move(p).error();
  return std::optional<PatientRecord>(std::move(*p));
}

Result<std::vector<SiteId>> SqlTx::patient_sites(PatientId id) {
  auto rows = c_.query(
      "SELECT site_id FROM patients WHERE id = ? UNION SELECT site_id FROM episodes WHERE "
      "patient_id = ?",
      {id.value, id.value});
  if (!rows) return std::move(rows).error();
  std::vector<SiteId> out;
  for (const auto& r : *rows) out.push_back(SiteId{r.i64(0)});
  return out;
}

Result<EpisodeRecord> SqlTx::insert_episode(PatientId patient, const domain::ReferralDetails& r,
                                            domain::PathwayState state, const std::string& at) {
  auto rows = c_.query(
      "INSERT INTO episodes (patient_id, site_id, state, referring_clinician, referral_date, "
      "indication, levels, reason, version, created_at, updated_at, state_changed_at) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING " +
          std::string(kEpisodeReturning),
      {patient.value, r.site.value, std::string(domain::state_name(state)), r.referring_clinician,
       r.referral_date.iso(), std::string(domain::indication_name(r.indication)),
       domain::format_levels(r.levels), r.reason, at, at, at});
  if (!rows) return std::move(rows).error();
  return episode_from(rows->front());
}

Result<std::optional<EpisodeRecord>> SqlTx::find_episode(EpisodeId id) {
  auto rows = c_.query(
      std::string("SELECT ") + kEpisodeCols + " FROM episodes e WHERE e.id = ?", {id.value});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<EpisodeRecord>();
  auto e = episode_from(rows->front());
  if (!e) return std::move(e).error();
  return std::optional<EpisodeRecord>(std::move(*e));
}

Result<std::vector<EpisodeRecord>> SqlTx::patient_episodes(PatientId id) {
  auto rows = c_.query(std::string("SELECT ") + kEpisodeCols +
                           " FROM episodes e WHERE e.patient_id = ? ORDER BY e.referral_date "
                           "DESC, e.id DESC",
                       {id.value});
  if (!rows) return std::move(rows).error();
  std::vector<EpisodeRecord> out;
  for (const auto& r : *rows) {
    auto e = episode_from(r);
    if (!e) return std::move(e).error();
    out.push_back(std::move(*e));
  }
  return out;
}

Result<EpisodeRecord> SqlTx::update_referral(EpisodeId id, std::int64_t expected_version,
                                             const domain::ReferralDetails& r,
                                             const std::string& at) {
  auto rows = c_.query(
      "UPDATE episodes SET site_id = ?, referring_clinician = ?, referral_date = ?, "
      "indication = ?, levels = ?, reason = ?, version = version + 1, updated_at = ? WHERE "
      "id = ? AND version = ? RETURNING " +
          std::string(kEpisodeReturning),
      {r.site.value, r.referring_clinician, r.referral_date.iso(),
       std::string(domain::indication_name(r.indication)), domain::format_levels(r.levels),
       r.reason, at, id.value, expected_version});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) {
    auto current = find_episode(id);
    if (!current) return std::move(current).error();
    if (!current->has_value()) return Error::not_found("No such episode");
    return Error::conflict(
        "Someone else changed this referral after you opened it. Your changes were not saved.");
  }
  return episode_from(rows->front());
}

std::string worklist_sql(const WorklistQuery& q) {
  // One site per statement: each is an index range read in (referral_date, id) order
  // (episodes_by_site_state, episodes_open_by_site, episodes_by_site_waiting), never a sort.
  std::string sql = std::string("SELECT ") + kEpisodeCols +
                    ", p.family_name, p.given_name, p.nhs_number, p.date_of_birth, s.name FROM "
                    "episodes e JOIN patients p ON p.id = e.patient_id JOIN sites s ON s.id = "
                    "e.site_id WHERE e.site_id = ?";
  if (q.state) {
    sql += " AND e.state = ?";
  } else if (q.open_only) {
    // Word for word the predicate of the partial index episodes_open_by_site (migration 0007).
    sql += " AND e.state NOT IN ('closed', 'declined', 'withdrawn', 'not_suitable', 'deceased')";
  }
  if (q.after) sql += " AND (e.referral_date, e.id) > (?, ?)";
  return sql + " ORDER BY e.referral_date, e.id LIMIT ?";
}

Result<std::vector<WorklistRow>> SqlTx::worklist(const WorklistQuery& q) {
  std::vector<WorklistRow> out;
  const std::string sql = worklist_sql(q);
  for (const SiteId site : q.sites) {
    auto rows = worklist_site(sql, q, site);
    if (!rows) return std::move(rows).error();
    for (auto& row : *rows) out.push_back(std::move(row));
  }
  // Each site's rows are in order already; merge them and keep the first page.
  std::stable_sort(out.begin(), out.end(), [](const WorklistRow& a, const WorklistRow& b) {
    const auto& x = a.episode;
    const auto& y = b.episode;
    if (x.referral.referral_date.iso() != y.referral.referral_date.iso()) {
      return x.referral.referral_date.iso() < y.referral.referral_date.iso();
    }
    return x.id.value < y.id.value;
  });
  if (out.size() > static_cast<std::size_t>(q.limit)) out.resize(static_cast<std::size_t>(q.limit));
  return out;
}

Result<std::vector<WorklistRow>> SqlTx::worklist_site(const std::string& sql,
                                                      const WorklistQuery& q, SiteId site) {
  Params params;
  params.emplace_back(site.value);
  if (q.state) params.emplace_back(std::string(domain::state_name(*q.state)));
  if (q.after) {
    params.emplace_back(q.after->first);
    params.emplace_back(q.after->second);
  }
  params.emplace_back(std::int64_t{q.limit});
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<WorklistRow> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    auto e = episode_from(r);
    if (!e) return std::move(e).error();
    auto dob = domain::Date::parse(r.str(kEpisodeColCount + 3), "dob", "date of birth");
    if (!dob) return corrupt("patient of episode " + r.str(0));
    out.push_back(WorklistRow{std::move(*e), r.str(kEpisodeColCount), r.str(kEpisodeColCount + 1),
                              r.str(kEpisodeColCount + 2), *dob, r.str(kEpisodeColCount + 4)});
  }
  return out;
}

Result<domain::AuditEntry> SqlTx::append_audit(domain::AuditEntry e) {
  // Updating the single head row first takes its row lock, which orders concurrent appends
  // (PostgreSQL); SQLite already serialises writers.
  auto head = c_.query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash", {});
  if (!head) return std::move(head).error();
  if (head->empty()) return Error::internal("The audit trail head is missing");
  e.seq = head->front().i64(0);
  e.prev_hash = head->front().str(1);
  e.hash = domain::chain_hash(e);
  auto insert = [&] {
    return c_.exec(std::string("INSERT INTO audit_log (") + kAuditCols +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {e.seq, e.at, e.user_id, e.username, e.action, e.record_type, e.record_id,
                    e.patient_id, e.site_id, e.detail, e.prev_hash, e.hash});
  };
  auto ins = records_access(e.action) ? recording_access(insert) : insert();
  if (!ins) return std::move(ins).error();
  auto upd = c_.exec("UPDATE audit_head SET hash = ? WHERE id = 1", {e.hash});
  if (!upd) return std::move(upd).error();
  return e;
}

Status SqlTx::link_shown(std::int64_t seq, const std::vector<ShownRecord>& shown) {
  for (const auto& s : shown) {
    auto r = recording_access([&] {
      return c_.exec(
          "INSERT INTO audit_shown (seq, episode_id, patient_id) VALUES (?, ?, ?) ON CONFLICT "
          "(seq, episode_id) DO NOTHING",
          {seq, s.episode.value, s.patient.value});
    });
    if (!r) return std::move(r).error();
  }
  return {};
}

std::string audit_for_record_sql(const AuditQuery& q) {
  std::string sql = std::string("SELECT ") + kAuditCols +
                    " FROM audit_log WHERE ((record_type = ? AND record_id = ?)";
  if (q.with_lists && (q.record_type == "patient" || q.record_type == "episode")) {
    sql += std::string(" OR seq IN (SELECT seq FROM audit_shown WHERE ") +
           (q.record_type == "patient" ? "patient_id" : "episode_id") + " = ?)";
  }
  sql += ")";
  // Word for word the predicate of the partial index audit_changes_by_record (migration 0007):
  // the history of changes never reads the record's access entries.
  if (q.changes_only) sql += " AND action IN ('create', 'update', 'transition')";
  if (q.before_seq > 0) sql += " AND seq < ?";
  return sql + " ORDER BY seq DESC LIMIT ?";
}

Result<std::vector<domain::AuditEntry>> SqlTx::audit_for_record(const AuditQuery& q) {
  const std::string sql = audit_for_record_sql(q);
  Params params{q.record_type, q.record_id};
  if (q.with_lists && (q.record_type == "patient" || q.record_type == "episode")) {
    params.emplace_back(q.record_id);
  }
  if (q.before_seq > 0) params.emplace_back(q.before_seq);
  params.emplace_back(std::int64_t{q.limit});
  auto rows = c_.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<domain::AuditEntry> out;
  for (const auto& r : *rows) out.push_back(audit_from(r));
  return out;
}

Result<std::vector<domain::AuditEntry>> SqlTx::audit_range(std::int64_t after_seq, int limit) {
  auto rows = c_.query(std::string("SELECT ") + kAuditCols +
                           " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                       {after_seq, std::int64_t{limit}});
  if (!rows) return std::move(rows).error();
  std::vector<domain::AuditEntry> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(audit_from(r));
  return out;
}

Result<std::pair<std::int64_t, std::string>> SqlTx::audit_head() {
  auto rows = c_.query("SELECT seq, hash FROM audit_head WHERE id = 1", {});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return Error::internal("The audit trail head is missing");
  return std::make_pair(rows->front().i64(0), rows->front().str(1));
}

}  // namespace vertebro::store
