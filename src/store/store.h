#pragma once
// The Store: vertebro's only door to its database. Backends (sqlite/, later postgres/) speak
// SQL; everything above sees these operations. Errors: kBusy when the database is busy or a
// transaction could not be serialised (the app's transaction runner retries it), kUnavailable
// when the database cannot save (disk full, I/O error, a commit that failed), kConflict
// for a stale version, kDuplicate for a second record with the same natural key, kNotFound,
// kInternal for everything else. Messages never contain patient identifiers.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/audit.h"
#include "domain/audit_checkpoint.h"
#include "domain/cement.h"
#include "domain/device_notice.h"
#include "domain/operator.h"
#include "store/records.h"

namespace vertebro::store {

namespace sql {
class Connection;
}

// One transaction's view of the database. Obtained only inside Store::transact; not
// thread-safe; must not outlive the call.
class Tx {
 public:
  virtual ~Tx() = default;

  // Key-value settings of the installation ("demo" = "1" in a demonstration database).
  virtual Result<std::optional<std::string>> get_meta(const std::string& key) = 0;
  virtual Status set_meta(const std::string& key, const std::string& value) = 0;

  virtual Result<SiteId> insert_site(const std::string& code, const std::string& name) = 0;
  virtual Result<std::vector<domain::Site>> list_sites() = 0;

  // Inserts the user and their site memberships. kDuplicate if the username is taken.
  virtual Result<UserId> insert_user(const domain::User& user, const std::string& password_hash,
                                     const std::string& at) = 0;
  virtual Result<std::optional<UserRecord>> find_user_by_name(const std::string& username) = 0;
  virtual Result<std::optional<domain::User>> find_user(UserId id) = 0;
  virtual Result<std::vector<domain::User>> list_users() = 0;
  virtual Status set_user_disabled(UserId id, bool disabled) = 0;
  virtual Status set_user_password(UserId id, const std::string& password_hash) = 0;

  // Failed sign-in counting, keyed by the lower-cased user name as typed (known or not).
  virtual Result<ThrottleRecord> get_throttle(const std::string& key) = 0;
  virtual Status put_throttle(const std::string& key, const ThrottleRecord& r) = 0;
  virtual Status clear_throttle(const std::string& key) = 0;
  // The account name's counter, created with no failures when absent, and locked until the
  // transaction ends: concurrent sign-ins for one name read and count it one after another, on
  // every backend (SQLite serialises writers; PostgreSQL holds the row lock).
  virtual Result<ThrottleRecord> lock_throttle(const std::string& key) = 0;

  // Counters of limited actions ("duplicate_elsewhere:12"). lock_rate_counter returns the
  // counter (count 0 and no window when absent) and holds it locked until the transaction ends,
  // like lock_throttle, so that a limit holds across several vertebro instances.
  virtual Result<RateCounter> lock_rate_counter(const std::string& key) = 0;
  virtual Status put_rate_counter(const std::string& key, const RateCounter& c) = 0;

  virtual Status insert_session(const SessionRecord& s) = 0;
  virtual Result<std::optional<SessionRecord>> find_session(const std::string& token_hash) = 0;
  virtual Status touch_session(const std::string& token_hash, const std::string& at) = 0;
  virtual Status delete_session(const std::string& token_hash) = 0;
  virtual Status delete_user_sessions(UserId user) = 0;
  // Removes sessions last seen before `idle_cutoff` or created before `absolute_cutoff`.
  virtual Result<std::int64_t> purge_sessions(const std::string& idle_cutoff,
                                              const std::string& absolute_cutoff) = 0;

  // kDuplicate (related_id = existing patient id) if the NHS number is registered.
  virtual Result<PatientRecord> insert_patient(SiteId site, const domain::PatientDetails& d,
                                               const std::string& at) = 0;
  virtual Result<std::optional<PatientRecord>> find_patient(PatientId id) = 0;
  virtual Result<std::optional<PatientRecord>> find_patient_by_nhs(const std::string& digits) = 0;
  // Sites of the patient's registration and of every episode.
  virtual Result<std::vector<SiteId>> patient_sites(PatientId id) = 0;

  virtual Result<EpisodeRecord> insert_episode(PatientId patient, const domain::ReferralDetails& r,
                                               domain::PathwayState state,
                                               const std::string& at) = 0;
  virtual Result<std::optional<EpisodeRecord>> find_episode(EpisodeId id) = 0;
  virtual Result<std::vector<EpisodeRecord>> patient_episodes(PatientId id) = 0;
  // Replaces the referral when the stored version equals `expected_version`; returns the
  // record with its new version. kConflict when stale, kNotFound when absent.
  virtual Result<EpisodeRecord> update_referral(EpisodeId id, std::int64_t expected_version,
                                                const domain::ReferralDetails& r,
                                                const std::string& at) = 0;
  virtual Result<std::vector<WorklistRow>> worklist(const WorklistQuery& q) = 0;

  // Clinical forms (records.h, EpisodeFormRecord). std::nullopt when none is saved yet.
  virtual Result<std::optional<EpisodeFormRecord>> find_episode_form(EpisodeId episode,
                                                                     const std::string& kind) = 0;
  // expected_version 0 inserts (kConflict if a form of that kind exists); otherwise replaces
  // the form when its stored version equals expected_version (kConflict when stale, kNotFound
  // when absent). Returns the stored record with its new version.
  virtual Result<EpisodeFormRecord> put_episode_form(EpisodeId episode, const std::string& kind,
                                                     std::int64_t expected_version,
                                                     const std::string& data, UserId by,
                                                     const std::string& at) = 0;
  // Follow-up visits (records.h, FollowUpVisitRecord; sql_tx_follow_ups.cpp). std::nullopt when
  // none is recorded at that time point.
  virtual Result<std::optional<FollowUpVisitRecord>> find_follow_up_visit(
      EpisodeId episode, const std::string& time_point) = 0;
  // Every recorded visit of the episode, by visit date then time point.
  virtual Result<std::vector<FollowUpVisitRecord>> episode_follow_up_visits(EpisodeId episode) = 0;
  // Inserts the visit (expected_version 0; kConflict when that time point has one) or replaces
  // it when its stored version equals expected_version (kConflict when stale, kNotFound when
  // absent). Returns the stored record with its new version.
  virtual Result<FollowUpVisitRecord> put_follow_up_visit(const FollowUpVisitRecord& visit,
                                                          std::int64_t expected_version) = 0;
  // Complications and adverse events (records.h, ComplicationRecord; sql_tx_follow_ups.cpp).
  // Every complication of the episode, by event date then id.
  virtual Result<std::vector<ComplicationRecord>> episode_complications(EpisodeId episode) = 0;
  virtual Result<std::optional<ComplicationRecord>> find_complication(std::int64_t id) = 0;
  // Inserts `c` with version 1 (fills id, version); kNotFound when the episode is absent.
  virtual Result<ComplicationRecord> insert_complication(const ComplicationRecord& c) = 0;
  // Replaces kind, event_date, device_involved and data when the stored version equals
  // expected_version (kConflict when stale, kNotFound when absent); returns the new record.
  virtual Result<ComplicationRecord> update_complication(const ComplicationRecord& c,
                                                         std::int64_t expected_version) = 0;
  // Every complication a device was involved in, across episodes, by event date then id.
  virtual Result<std::vector<ComplicationRecord>> device_complications() = 0;
  // Yellow Card reports (records.h, YellowCardRecord; sql_tx_yellow_card.cpp), newest first.
  virtual Result<std::vector<YellowCardRecord>> yellow_card_reports() = 0;
  // The reports of one episode's complications, by complication.
  virtual Result<std::vector<YellowCardRecord>> episode_yellow_card_reports(EpisodeId episode) = 0;
  virtual Result<std::optional<YellowCardRecord>> find_yellow_card_report(std::int64_t id) = 0;
  // Inserts `r` with version 1 (fills id, version); kConflict when its complication has a
  // report already, kNotFound when the complication is absent.
  virtual Result<YellowCardRecord> insert_yellow_card_report(const YellowCardRecord& r) = 0;
  // Replaces status, regulator_reference and data when the stored version equals
  // expected_version (kConflict when stale, kNotFound when absent); returns the new record.
  virtual Result<YellowCardRecord> update_yellow_card_report(const YellowCardRecord& r,
                                                             std::int64_t expected_version) = 0;
  // Patients' one-time questionnaire links (records.h, FollowUpLinkRecord;
  // sql_tx_yellow_card.cpp). Inserts `l` (fills id); kConflict when the token hash is taken.
  virtual Result<FollowUpLinkRecord> insert_follow_up_link(const FollowUpLinkRecord& l) = 0;
  virtual Result<std::optional<FollowUpLinkRecord>> find_follow_up_link(
      const std::string& token_hash) = 0;
  // Every link of the episode, newest first.
  virtual Result<std::vector<FollowUpLinkRecord>> episode_follow_up_links(EpisodeId episode) = 0;
  // Sets used_at when the link is still open (neither used nor cancelled); false otherwise.
  virtual Result<bool> use_follow_up_link(std::int64_t id, const std::string& at) = 0;
  // Cancels the links of the episode's time point that are neither used nor cancelled (expired
  // ones too).
  virtual Status cancel_follow_up_links(EpisodeId episode, const std::string& time_point,
                                        const std::string& at) = 0;
  // Moves the episode to `state` when its version equals expected_version; bumps the version
  // and sets updated_at and state_changed_at. kConflict when stale, kNotFound when absent.
  virtual Result<EpisodeRecord> set_episode_state(EpisodeId id, std::int64_t expected_version,
                                                  domain::PathwayState state,
                                                  const std::string& at) = 0;
  // Fills and returns the new transition's id.
  virtual Result<std::int64_t> insert_transition(const TransitionRecord& t) = 0;
  // Every transition of an episode, oldest first.
  virtual Result<std::vector<TransitionRecord>> episode_transitions(EpisodeId episode) = 0;

  // std::nullopt when the site has never recorded its surgery access.
  virtual Result<std::optional<SiteSurgeryRecord>> find_site_surgery(SiteId site) = 0;
  virtual Status put_site_surgery(const SiteSurgeryRecord& r) = 0;

  // MDT meetings. kNotFound for a meeting or case that does not exist.
  virtual Result<MeetingRecord> insert_meeting(SiteId site, const std::string& meeting_date,
                                               const std::string& title,
                                               const std::string& at) = 0;
  virtual Result<std::optional<MeetingRecord>> find_meeting(std::int64_t id) = 0;
  // Meetings at these sites, newest meeting date first, at most `limit`.
  virtual Result<std::vector<MeetingRecord>> list_meetings(const std::vector<SiteId>& sites,
                                                           int limit) = 0;
  virtual Result<AttendeeRecord> insert_attendee(std::int64_t meeting, const std::string& name,
                                                 const std::string& professional_role) = 0;
  // kNotFound when the attendee is not at that meeting.
  virtual Status delete_attendee(std::int64_t meeting, std::int64_t attendee) = 0;
  // In the order they were added.
  virtual Result<std::vector<AttendeeRecord>> meeting_attendees(std::int64_t meeting) = 0;
  // kDuplicate when the episode is already on that meeting's list.
  virtual Status add_mdt_case(std::int64_t meeting, EpisodeId episode, const std::string& at) = 0;
  // Records (or replaces) the decision when the listing is still at expected_version (0 for
  // the first decision); the listing's version goes up by one. kNotFound when the episode is
  // not on the list; kConflict when someone recorded a decision since.
  virtual Status set_mdt_decision(std::int64_t meeting, EpisodeId episode,
                                  std::int64_t expected_version, const std::string& decision,
                                  const std::string& rationale, UserId by,
                                  const std::string& at) = 0;
  // Takes the episode off the meeting's list while no decision is recorded about it.
  // kNotFound when it is not on the list; kConflict once a decision is recorded.
  virtual Status remove_mdt_case(std::int64_t meeting, EpisodeId episode) = 0;
  // In the order they were added.
  virtual Result<std::vector<MdtCaseRecord>> meeting_cases(std::int64_t meeting) = 0;
  // Every meeting list the episode is on, by meeting date then meeting id.
  virtual Result<std::vector<MdtCaseRecord>> episode_mdt_cases(EpisodeId episode) = 0;

  // Operators (sql_tx_operators.cpp; HTG3-1.2-TRAINING). Profiles carry their user's name and
  // their sites. insert_operator: kDuplicate when the user already has a profile.
  virtual Result<domain::OperatorRecord> insert_operator(const domain::OperatorRecord& r,
                                                         const std::string& at) = 0;
  virtual Result<std::optional<domain::OperatorRecord>> find_operator(domain::OperatorId id) = 0;
  virtual Result<std::optional<domain::OperatorRecord>> find_operator_by_user(UserId user) = 0;
  // Every profile, by the user's display name.
  virtual Result<std::vector<domain::OperatorRecord>> list_operators() = 0;
  // Replaces role, registration number, sites and status when the stored version equals
  // expected_version; returns the record with its new version. kConflict when stale,
  // kNotFound when absent.
  virtual Result<domain::OperatorRecord> update_operator(const domain::OperatorRecord& r,
                                                         std::int64_t expected_version,
                                                         const std::string& at) = 0;
  // Fills id and created_at. Sign-offs are never deleted (the schema refuses it).
  virtual Result<domain::SignOffRecord> insert_sign_off(const domain::SignOffRecord& r) = 0;
  // An operator's sign-offs, oldest first.
  virtual Result<std::vector<domain::SignOffRecord>> operator_sign_offs(domain::OperatorId id) = 0;
  // Revokes sign-off `id` of operator `op` once. kNotFound when absent; kConflict when it is
  // already revoked.
  virtual Status revoke_sign_off(domain::OperatorId op, std::int64_t id,
                                 const std::string& revoked_on, UserId by,
                                 const std::string& reason, const std::string& at) = 0;
  // Fills id. Entries are never deleted (the schema refuses it).
  virtual Result<domain::TrainingEntryRecord> insert_training_entry(
      const domain::TrainingEntryRecord& r) = 0;
  // An operator's training log by entry date, then id.
  virtual Result<std::vector<domain::TrainingEntryRecord>> operator_training(
      domain::OperatorId id) = 0;
  // Marks entry `id` of operator `op` checked. kNotFound when absent; kConflict when it is
  // already checked.
  virtual Status check_training_entry(domain::OperatorId op, std::int64_t id, UserId by,
                                      const std::string& at) = 0;

  // The cement catalogue and the lot register (sql_tx_cement.cpp; HTG3-1.2-CEMENT).
  // insert_cement_product fills id and stores its codes; kDuplicate (related_id = the other
  // product) when one of its GTINs or HIBC codes already belongs to a product.
  virtual Result<domain::CementProduct> insert_cement_product(const domain::CementProduct& p) = 0;
  virtual Result<std::optional<domain::CementProduct>> find_cement_product(
      domain::CementProductId id) = 0;
  // Every product, by name.
  virtual Result<std::vector<domain::CementProduct>> list_cement_products() = 0;
  // The product a GTIN ("gs1") or HIBC product code ("hibc") belongs to.
  virtual Result<std::optional<domain::CementProductId>> find_cement_product_by_code(
      const std::string& scheme, const std::string& code) = 0;
  // Adds a GTIN ("gs1") or HIBC product code ("hibc") to a product: a new pack size or label.
  // kDuplicate (related_id = its product) when the code already belongs to one.
  virtual Status insert_cement_product_code(domain::CementProductId product,
                                            const std::string& scheme,
                                            const std::string& code) = 0;
  // Saves `v` (with its steps) as the product's next version, 1 for the first: fills id and
  // version. Versions are never changed afterwards (the schema refuses it).
  virtual Result<domain::IfuVersion> insert_ifu_version(domain::IfuVersion v) = 0;
  // A product's versions with their steps, newest first.
  virtual Result<std::vector<domain::IfuVersion>> product_ifu_versions(
      domain::CementProductId product) = 0;
  // Fills id. kDuplicate (related_id = the lot registered) when that code's lot is registered.
  virtual Result<domain::CementLot> insert_cement_lot(const domain::CementLot& lot) = 0;
  virtual Result<std::optional<domain::CementLot>> find_cement_lot(domain::CementLotId id) = 0;
  // Lots, newest first: every lot, or one product's.
  virtual Result<std::vector<domain::CementLot>> list_cement_lots(
      std::optional<domain::CementProductId> product) = 0;
  // The registered lot of a product code, if any.
  virtual Result<std::optional<domain::CementLot>> find_cement_lot_by_code(
      const std::string& scheme, const std::string& code, const std::string& lot) = 0;
  // The operator profiles a recorded procedure names (role "primary" or "supervisor"),
  // replacing the episode's earlier rows; visiting operators have none (HTG3-1.2-TRAINING).
  virtual Status put_procedure_operators(EpisodeId episode,
                                         const std::vector<ProcedureOperatorRow>& rows) = 0;
  virtual Result<domain::OperatorCaseCounts> operator_case_counts(domain::OperatorId id) = 0;
  // The operator's procedures as primary operator, by procedure date then episode (their
  // learning curve's cases).
  virtual Result<std::vector<domain::OperatorCase>> operator_cases(domain::OperatorId id) = 0;
  // The audit reports' derived rows (records.h, ReportEpisodeRow; sql_tx_reports.cpp). Up to
  // `limit` episodes whose rows must be worked out again (marked by the database's own
  // triggers), lowest id first.
  virtual Result<std::vector<EpisodeId>> report_stale_episodes(int limit) = 0;
  // Marks every episode with a recorded procedure (when the outcome definitions changed).
  virtual Status mark_all_report_stale() = 0;
  // Replaces the episode's rows and clears its mark.
  virtual Status put_report_episode(const ReportEpisodeRow& row,
                                    const std::vector<ReportVisitRow>& visits,
                                    const std::vector<ReportCheckRow>& checks) = 0;
  // The time and detail (JSON text) of each blocked gate attempt of the episode (audit entries
  // "gate_blocked"), oldest first.
  virtual Result<std::vector<std::pair<std::string, std::string>>> episode_gate_blocks(
      EpisodeId episode) = 0;
  // Removes the episode's rows (no recorded procedure) and clears its mark.
  virtual Status drop_report_episode(EpisodeId episode) = 0;
  // What a report counts of the procedures `f` selects (records.h, ReportPass), in one pass
  // over them and one over their visits at `time_point`, with windows closed for procedures on
  // or before `due_cutoff` (ISO). `compared_sites`: more sites whose procedures (with f's
  // other conditions) are counted in ReportPass::groups only, for the sites' funnel.
  virtual Result<ReportPass> report_pass(const ReportFilter& f,
                                         const std::vector<SiteId>& compared_sites,
                                         const std::string& time_point,
                                         const std::string& due_cutoff) = 0;
  // Up to `limit` episodes behind the shortfalls (checks "after_block", "overridden",
  // "not_met"; and the follow-ups missing at `time_point` for procedures on or before
  // `due_cutoff`), by kind, name (in byte order, alike on both backends), procedure date,
  // episode.
  virtual Result<std::vector<ReportShortfallRow>> report_shortfalls(const ReportFilter& f,
                                                                    const std::string& time_point,
                                                                    const std::string& due_cutoff,
                                                                    int limit) = 0;
  // Records a learning curve's signal unless the same (operator, outcome, episode, design) is
  // recorded already: the new id, or 0 when it was.
  virtual Result<std::int64_t> insert_learning_curve_signal(
      const domain::LearningCurveSignal& s) = 0;
  // Signals, newest first: of one operator (id 0: every operator), optionally only those not
  // yet reviewed.
  virtual Result<std::vector<domain::LearningCurveSignal>> learning_curve_signals(
      domain::OperatorId id, bool unreviewed_only) = 0;
  // Records the review of signal `id` once. kNotFound when absent; kConflict when reviewed.
  virtual Status review_learning_curve_signal(std::int64_t id, UserId by, const std::string& at,
                                              const std::string& note) = 0;
  // Replaces the episode's procedure cement packs (unit number, lot id) with `units`.
  virtual Status put_procedure_cement(
      EpisodeId episode, const std::vector<std::pair<int, domain::CementLotId>>& units) = 0;
  // Every procedure that used lot `lot`, by episode then pack (an index range).
  virtual Result<std::vector<LotUseRow>> cement_lot_uses(domain::CementLotId lot) = 0;
  // Recalls lot `id` once. kNotFound when absent; kConflict when it is already recalled.
  virtual Status recall_cement_lot(domain::CementLotId id, const std::string& recalled_on,
                                   const std::string& reason, const std::string& notice,
                                   UserId by, const std::string& at) = 0;

  // The register of device safety notices (sql_tx_notices.cpp), by reference. insert fills id
  // and version 1; kDuplicate (related_id = the other) when the reference is taken.
  virtual Result<std::vector<domain::DeviceNotice>> list_device_notices() = 0;
  virtual Result<std::optional<domain::DeviceNotice>> find_device_notice(std::int64_t id) = 0;
  virtual Result<domain::DeviceNotice> insert_device_notice(const domain::DeviceNotice& n,
                                                            UserId by, const std::string& at) = 0;
  // Replaces the notice's text and the products and lots it names, when its version is still
  // `expected_version` (kConflict otherwise; kNotFound when absent; kDuplicate when the new
  // reference is another notice's). The version goes up by one.
  virtual Status update_device_notice(const domain::DeviceNotice& n, std::int64_t expected_version,
                                      UserId by, const std::string& at) = 0;
  // Acknowledges notice `id` once (kConflict when it already is; kNotFound when absent).
  virtual Status acknowledge_device_notice(std::int64_t id, UserId by, const std::string& on,
                                           const std::string& acknowledgement,
                                           const std::string& at) = 0;

  // Appends one entry to the hash chain: fills seq, prev_hash and hash. Serialised with every
  // other append, so the chain has no gaps or forks.
  virtual Result<domain::AuditEntry> append_audit(domain::AuditEntry e) = 0;
  // Links the list entry `seq` to every episode and patient it showed, so that their access logs
  // find it (AuditQuery::with_lists). Links are append-only, like the entries.
  virtual Status link_shown(std::int64_t seq, const std::vector<ShownRecord>& shown) = 0;
  // Entries about one record, newest first.
  virtual Result<std::vector<domain::AuditEntry>> audit_for_record(const AuditQuery& q) = 0;
  // Entries with seq > after_seq in ascending order, at most `limit`.
  virtual Result<std::vector<domain::AuditEntry>> audit_range(std::int64_t after_seq,
                                                              int limit) = 0;
  // The recorded head of the chain: {last seq, its hash}; {0, genesis} when empty.
  virtual Result<std::pair<std::int64_t, std::string>> audit_head() = 0;

  // Signed checkpoints of the chain (domain/audit_checkpoint.h), append-only. Stores one;
  // returns false when that key has already signed that entry (nothing stored).
  virtual Result<bool> insert_audit_checkpoint(const domain::AuditCheckpoint& c) = 0;
  // Checkpoints with after_seq < seq <= up_to_seq, by seq then key id.
  virtual Result<std::vector<domain::AuditCheckpoint>> audit_checkpoints(
      std::int64_t after_seq, std::int64_t up_to_seq) = 0;
  // The checkpoint of the highest entry (any key), or nullopt when there is none.
  virtual Result<std::optional<domain::AuditCheckpoint>> last_audit_checkpoint() = 0;
};

enum class TxMode { kRead, kWrite };

class Store {
 public:
  virtual ~Store() = default;

  // Runs `body` in one transaction: commits when it returns ok, rolls back otherwise (and on
  // exceptions, which propagate). One attempt only: kBusy is returned, not retried. kRead
  // transactions use a reader connection and may run concurrently; kWrite ones are serialised.
  virtual Status transact(TxMode mode, const std::function<Status(Tx&)>& body) = 0;

  // The schema version the database is at after migration.
  virtual int schema_version() const = 0;
  // "sqlite" or "postgresql".
  virtual std::string backend() const = 0;

  // Write transactions asked for and commits made so far. With group commit (SQLite) one
  // commit can carry several write transactions, so commits <= writes; without it they are
  // equal. For tests and the bench.
  struct WriteCounts {
    std::int64_t writes = 0;
    std::int64_t commits = 0;
  };
  virtual WriteCounts write_counts() const { return {}; }
};

// Wraps one database connection: returns a connection that forwards to `inner` (which
// outlives it), changing what it likes on the way. The seam for fault injection
// (store/faults.h); called once per connection, before any statement, migrations included.
using ConnectionWrapper = std::function<std::unique_ptr<sql::Connection>(sql::Connection& inner)>;

struct OpenOptions {
  int readers = 4;          // reader connections (SQLite)
  bool migrate = true;      // apply pending migrations
  // SQLite: before migrating an existing database, take a checked online backup beside it
  // ("FILE.before-schema-N.<UTC time>.sqlite") and refuse to migrate without one.
  bool backup_before_migrating = true;
  ConnectionWrapper wrap_connection;  // empty: every statement goes straight to the driver
  // Write transactions that wait for the writer at the same time are run one after another
  // inside one database transaction, each in a savepoint of its own (its failure undoes only
  // it), and committed together: one flush to disk for all (store/write_groups.h; SQLite and
  // PostgreSQL). Off: one commit each (the bench's baseline).
  bool group_commit = true;
  // SQLite: the write-ahead log is folded into the database file every 200 ms on a connection
  // and thread of the store's own, rather than inside whichever commit takes it past 1,000
  // pages (that request and those queued behind it would wait for the copy and its fsync).
  bool fold_wal_in_background = true;
};

// Opens (creating if needed) the database named by `target`: a file path for SQLite.
// Errors: kSchemaTooNew when the database is newer than this binary; kInternal when it cannot
// be opened or migrated.
Result<std::unique_ptr<Store>> open_store(const std::string& target, const OpenOptions& options);

// The highest migration this binary carries.
int latest_schema_version();

}  // namespace vertebro::store
