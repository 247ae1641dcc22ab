// SqlTx, operators part: profiles with their sites, competence sign-offs (never deleted,
// revoked once: the schema's triggers hold both) and the training log. Same rules as
// sql_tx.cpp: portable SQL, `?` placeholders, and expected refusals found without a failing
// statement, because a failed statement aborts the whole transaction on PostgreSQL.

#include "store/sql_tx.h"

namespace vertebro::store {

using domain::LearningCurveSignal;
using domain::OperatorCase;
using domain::OperatorCaseCounts;
using domain::OperatorId;
using domain::OperatorRecord;
using domain::SignOffRecord;
using domain::TrainingEntryRecord;
using sql::Params;
using sql::Row;

namespace {

constexpr const char* kOperatorCols =
    "o.id, o.user_id, u.username, u.display_name, o.professional_role, o.registration_number, "
    "o.active, o.version, o.created_at, o.updated_at";

constexpr const char* kSignOffCols =
    "s.id, s.operator_id, s.scope, s.signed_on, s.review_date, s.signed_by, su.display_name, "
    "s.created_at, s.revoked_on, s.revoked_by, COALESCE(ru.display_name, ''), s.revoke_reason, "
    "s.revoked_at";

constexpr const char* kTrainingCols =
    "t.id, t.operator_id, t.kind, t.entry_date, t.description, t.evidence, t.added_by, "
    "t.added_at, t.checked_by, COALESCE(cu.display_name, ''), t.checked_at";

OperatorRecord operator_from(const Row& r) {
  OperatorRecord o;
  o.id = OperatorId{r.i64(0)};
  o.user = UserId{r.i64(1)};
  o.username = r.str(2);
  o.display_name = r.str(3);
  o.professional_role = r.str(4);
  o.registration_number = r.str(5);
  o.active = r.i64(6) != 0;
  o.version = r.i64(7);
  o.created_at = r.str(8);
  o.updated_at = r.str(9);
  return o;
}

SignOffRecord sign_off_from(const Row& r) {
  SignOffRecord s;
  s.id = r.i64(0);
  s.operator_id = OperatorId{r.i64(1)};
  s.scope = r.str(2);
  s.signed_on = r.str(3);
  s.review_date = r.str(4);
  s.signed_by = UserId{r.i64(5)};
  s.signed_by_name = r.str(6);
  s.created_at = r.str(7);
  s.revoked_on = r.str(8);
  s.revoked_by = UserId{r.i64(9)};
  s.revoked_by_name = r.str(10);
  s.revoke_reason = r.str(11);
  s.revoked_at = r.str(12);
  return s;
}

TrainingEntryRecord training_from(const Row& r) {
  TrainingEntryRecord t;
  t.id = r.i64(0);
  t.operator_id = OperatorId{r.i64(1)};
  t.kind = r.str(2);
  t.entry_date = r.str(3);
  t.description = r.str(4);
  t.evidence = r.str(5);
  t.added_by = UserId{r.i64(6)};
  t.added_at = r.str(7);
  t.checked_by = UserId{r.i64(8)};
  t.checked_by_name = r.str(9);
  t.checked_at = r.str(10);
  return t;
}

}  // namespace

Result<std::vector<OperatorRecord>> SqlTx::operators_where(const std::string& where,
                                                           const Params& params) {
  auto rows = c_.query(std::string("SELECT ") + kOperatorCols +
                           " FROM operators o JOIN users u ON u.id = o.user_id " + where +
                           " ORDER BY u.display_name, o.id",
                       params);
  if (!rows) return std::move(rows).error();
  std::vector<OperatorRecord> out;
  for (const auto& r : *rows) out.push_back(operator_from(r));
  for (auto& o : out) {
    auto sites = c_.query("SELECT site_id FROM operator_sites WHERE operator_id = ? ORDER BY site_id",
                          {o.id.value});
    if (!sites) return std::move(sites).error();
    for (const auto& s : *sites) o.sites.push_back(SiteId{s.i64(0)});
  }
  return out;
}

Status SqlTx::put_operator_sites(OperatorId id, const std::vector<SiteId>& sites) {
  if (auto d = c_.exec("DELETE FROM operator_sites WHERE operator_id = ?", {id.value}); !d) {
    return std::move(d).error();
  }
  for (const auto& s : sites) {
    auto r = c_.exec("INSERT INTO operator_sites (operator_id, site_id) VALUES (?, ?)",
                     {id.value, s.value});
    if (!r) return std::move(r).error();
  }
  return {};
}

Result<OperatorRecord> SqlTx::insert_operator(const OperatorRecord& r, const std::string& at) {
  auto taken = any_row("SELECT 1 FROM operators WHERE user_id = ?", {r.user.value});
  if (!taken) return std::move(taken).error();
  if (*taken) {
    return Error{Errc::kDuplicate, "This user already has an operator profile", {}, 0, 0};
  }
  auto rows = c_.query(
      "INSERT INTO operators (user_id, professional_role, registration_number, active, version, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
      {r.user.value, r.professional_role, r.registration_number, std::int64_t{r.active ? 1 : 0},
       at, at});
  if (!rows) return std::move(rows).error();
  const OperatorId id{rows->front().i64(0)};
  if (auto s = put_operator_sites(id, r.sites); !s) return std::move(s).error();
  auto found = find_operator(id);
  if (!found) return std::move(found).error();
  if (!*found) return Error::internal("The new operator profile could not be read back");
  return std::move(**found);
}

Result<std::optional<OperatorRecord>> SqlTx::find_operator(OperatorId id) {
  auto list = operators_where("WHERE o.id = ?", {id.value});
  if (!list) return std::move(list).error();
  if (list->empty()) return std::optional<OperatorRecord>();
  return std::optional<OperatorRecord>(std::move(list->front()));
}

Result<std::optional<OperatorRecord>> SqlTx::find_operator_by_user(UserId user) {
  auto list = operators_where("WHERE o.user_id = ?", {user.value});
  if (!list) return std::move(list).error();
  if (list->empty()) return std::optional<OperatorRecord>();
  return std::optional<OperatorRecord>(std::move(list->front()));
}

Result<std::vector<OperatorRecord>> SqlTx::list_operators() { return operators_where("", {}); }

Result<OperatorRecord> SqlTx::update_operator(const OperatorRecord& r,
                                              std::int64_t expected_version,
                                              const std::string& at) {
  auto n = c_.exec(
      "UPDATE operators SET professional_role = ?, registration_number = ?, active = ?, "
      "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
      {r.professional_role, r.registration_number, std::int64_t{r.active ? 1 : 0}, at,
       r.id.value, expected_version});
  if (!n) return std::move(n).error();
  if (*n == 0) {
    auto exists = any_row("SELECT 1 FROM operators WHERE id = ?", {r.id.value});
    if (!exists) return std::move(exists).error();
    if (!*exists) return Error::not_found("No such operator");
    return Error::conflict(
        "Someone else changed this operator profile after you opened it. Your changes were not "
        "saved.");
  }
  if (auto s = put_operator_sites(r.id, r.sites); !s) return std::move(s).error();
  auto found = find_operator(r.id);
  if (!found) return std::move(found).error();
  if (!*found) return Error::not_found("No such operator");
  return std::move(**found);
}

Result<SignOffRecord> SqlTx::insert_sign_off(const SignOffRecord& r) {
  auto rows = c_.query(
      "INSERT INTO competence_sign_offs (operator_id, scope, signed_on, review_date, signed_by, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {r.operator_id.value, r.scope, r.signed_on, r.review_date, r.signed_by.value, r.created_at});
  if (!rows) return std::move(rows).error();
  const std::int64_t id = rows->front().i64(0);
  auto all = operator_sign_offs(r.operator_id);
  if (!all) return std::move(all).error();
  for (auto& s : *all) {
    if (s.id == id) return std::move(s);
  }
  return Error::internal("The new sign-off could not be read back");
}

Result<std::vector<SignOffRecord>> SqlTx::operator_sign_offs(OperatorId id) {
  auto rows = c_.query(std::string("SELECT ") + kSignOffCols +
                           " FROM competence_sign_offs s JOIN users su ON su.id = s.signed_by "
                           "LEFT JOIN users ru ON ru.id = s.revoked_by WHERE s.operator_id = ? "
                           "ORDER BY s.id",
                       {id.value});
  if (!rows) return std::move(rows).error();
  std::vector<SignOffRecord> out;
  for (const auto& r : *rows) out.push_back(sign_off_from(r));
  return out;
}

Status SqlTx::revoke_sign_off(OperatorId op, std::int64_t id, const std::string& revoked_on,
                              UserId by, const std::string& reason, const std::string& at) {
  auto rows = c_.query(
      "SELECT revoked_on FROM competence_sign_offs WHERE id = ? AND operator_id = ?",
      {id, op.value});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return Error::not_found("No such sign-off");
  if (!rows->front().str(0).empty()) {
    return Error::conflict("This sign-off has already been revoked. Nothing was changed.");
  }
  auto n = c_.exec(
      "UPDATE competence_sign_offs SET revoked_on = ?, revoked_by = ?, revoke_reason = ?, "
      "revoked_at = ? WHERE id = ? AND operator_id = ? AND revoked_on = ''",
      {revoked_on, by.value, reason, at, id, op.value});
  if (!n) return std::move(n).error();
  if (*n == 0) return Error::conflict("This sign-off has already been revoked. Nothing was changed.");
  return {};
}

Result<TrainingEntryRecord> SqlTx::insert_training_entry(const TrainingEntryRecord& r) {
  auto rows = c_.query(
      "INSERT INTO training_entries (operator_id, kind, entry_date, description, evidence, "
      "added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {r.operator_id.value, r.kind, r.entry_date, r.description, r.evidence, r.added_by.value,
       r.added_at});
  if (!rows) return std::move(rows).error();
  TrainingEntryRecord out = r;
  out.id = rows->front().i64(0);
  out.checked_by = UserId{};
  out.checked_by_name.clear();
  out.checked_at.clear();
  return out;
}

Result<std::vector<TrainingEntryRecord>> SqlTx::operator_training(OperatorId id) {
  auto rows = c_.query(std::string("SELECT ") + kTrainingCols +
                           " FROM training_entries t LEFT JOIN users cu ON cu.id = t.checked_by "
                           "WHERE t.operator_id = ? ORDER BY t.entry_date, t.id",
                       {id.value});
  if (!rows) return std::move(rows).error();
  std::vector<TrainingEntryRecord> out;
  for (const auto& r : *rows) out.push_back(training_from(r));
  return out;
}

Status SqlTx::check_training_entry(OperatorId op, std::int64_t id, UserId by,
                                   const std::string& at) {
  auto n = c_.exec(
      "UPDATE training_entries SET checked_by = ?, checked_at = ? WHERE id = ? AND "
      "operator_id = ? AND checked_at = ''",
      {by.value, at, id, op.value});
  if (!n) return std::move(n).error();
  if (*n > 0) return {};
  auto exists = any_row("SELECT 1 FROM training_entries WHERE id = ? AND operator_id = ?",
                        {id, op.value});
  if (!exists) return std::move(exists).error();
  if (!*exists) return Error::not_found("No such training log entry");
  return Error::conflict("This entry has already been checked. Nothing was changed.");
}

Status SqlTx::put_procedure_operators(EpisodeId episode,
                                      const std::vector<ProcedureOperatorRow>& rows) {
  auto d = c_.exec("DELETE FROM procedure_operators WHERE episode_id = ?", {episode.value});
  if (!d) return std::move(d).error();
  for (const auto& r : rows) {
    auto i = c_.exec(
        "INSERT INTO procedure_operators (episode_id, role, operator_id, supervised, "
        "procedure_date, leakage, symptomatic_leakage) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {episode.value, r.role, r.operator_id.value, std::int64_t{r.supervised ? 1 : 0},
         r.procedure_date, std::int64_t{r.leakage ? 1 : 0},
         std::int64_t{r.symptomatic_leakage ? 1 : 0}});
    if (!i) return std::move(i).error();
  }
  return {};
}

Result<OperatorCaseCounts> SqlTx::operator_case_counts(OperatorId id) {
  auto rows = c_.query(
      "SELECT role, supervised, COUNT(*) FROM procedure_operators WHERE operator_id = ? "
      "GROUP BY role, supervised",
      {id.value});
  if (!rows) return std::move(rows).error();
  OperatorCaseCounts out;
  for (const auto& r : *rows) {
    const std::int64_t n = r.i64(2);
    if (r.str(0) == "supervisor") {
      out.supervising += n;
    } else if (r.i64(1) != 0) {
      out.supervised += n;
    } else {
      out.independent += n;
    }
  }
  return out;
}

Result<std::vector<OperatorCase>> SqlTx::operator_cases(OperatorId id) {
  auto rows = c_.query(
      "SELECT episode_id, procedure_date, supervised, leakage, symptomatic_leakage "
      "FROM procedure_operators WHERE operator_id = ? AND role = 'primary' "
      "ORDER BY procedure_date, episode_id",
      {id.value});
  if (!rows) return std::move(rows).error();
  std::vector<OperatorCase> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    out.push_back({EpisodeId{r.i64(0)}, r.str(1), r.i64(2) != 0, r.i64(3) != 0, r.i64(4) != 0});
  }
  return out;
}

Result<std::int64_t> SqlTx::insert_learning_curve_signal(const LearningCurveSignal& s) {
  auto rows = c_.query(
      "INSERT INTO learning_curve_signals (operator_id, outcome, episode_id, case_number, "
      "procedure_date, score, design, signalled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (operator_id, outcome, episode_id, design) DO NOTHING RETURNING id",
      {s.operator_id.value, s.outcome, s.episode.value, s.case_number, s.procedure_date, s.score,
       s.design, s.signalled_at});
  if (!rows) return std::move(rows).error();
  return rows->empty() ? std::int64_t{0} : rows->front().i64(0);
}

Result<std::vector<LearningCurveSignal>> SqlTx::learning_curve_signals(OperatorId id,
                                                                       bool unreviewed_only) {
  std::string sql =
      "SELECT s.id, s.operator_id, ou.display_name, s.outcome, s.episode_id, s.case_number, "
      "s.procedure_date, s.score, s.design, s.signalled_at, s.reviewed_by, "
      "COALESCE(ru.display_name, ''), s.reviewed_at, s.review_note "
      "FROM learning_curve_signals s JOIN operators o ON o.id = s.operator_id "
      "JOIN users ou ON ou.id = o.user_id LEFT JOIN users ru ON ru.id = s.reviewed_by "
      "WHERE (? = 0 OR s.operator_id = ?)";
  if (unreviewed_only) sql += " AND s.reviewed_at = ''";
  sql += " ORDER BY s.id DESC";
  auto rows = c_.query(sql, {id.value, id.value});
  if (!rows) return std::move(rows).error();
  std::vector<LearningCurveSignal> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    LearningCurveSignal s;
    s.id = r.i64(0);
    s.operator_id = OperatorId{r.i64(1)};
    s.operator_name = r.str(2);
    s.outcome = r.str(3);
    s.episode = EpisodeId{r.i64(4)};
    s.case_number = r.i64(5);
    s.procedure_date = r.str(6);
    s.score = r.str(7);
    s.design = r.str(8);
    s.signalled_at = r.str(9);
    s.reviewed_by = UserId{r.i64(10)};
    s.reviewed_by_name = r.str(11);
    s.reviewed_at = r.str(12);
    s.review_note = r.str(13);
    out.push_back(std::move(s));
  }
  return out;
}

Status SqlTx::review_learning_curve_signal(std::int64_t id, UserId by, const std::string& at,
                                           const std::string& note) {
  auto n = c_.exec(
      "UPDATE learning_curve_signals SET reviewed_by = ?, reviewed_at = ?, review_note = ? "
      "WHERE id = ? AND reviewed_at = ''",
      {by.value, at, note, id});
  if (!n) return std::move(n).error();
  if (*n > 0) return {};
  auto exists = any_row("SELECT 1 FROM learning_curve_signals WHERE id = ?", {id});
  if (!exists) return std::move(exists).error();
  if (!*exists) return Error::not_found("No such learning curve signal");
  return Error::conflict("This signal has already been reviewed. Nothing was changed.");
}

}  // namespace vertebro::store
