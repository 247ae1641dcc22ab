#pragma once
// Tx implemented in portable SQL over a sql::Connection. SQLite 3.40 and PostgreSQL 15 both
// accept every statement here (RETURNING, ON CONFLICT, LIMIT); dialect-specific SQL lives in
// the backend folders and their migrations.

#include "store/sql_connection.h"
#include "store/store.h"

namespace vertebro::store {

// The worklist's statement for one site (parameters: site, then the state when q.state, then
// the cursor's date and id when q.after, then the limit). Public so that a test can read its
// query plan.
std::string worklist_sql(const WorklistQuery& q);

// The statement of Tx::audit_for_record (parameters: record type, record id, the record id
// again when q.with_lists applies, then q.before_seq when set, then the limit).
std::string audit_for_record_sql(const AuditQuery& q);

// Room the database keeps back so that accesses can still be recorded when it cannot grow
// (SQLite: the storage_reserve table of migration 0008; hazard H-093). Reading a record writes
// its audit entry, so on a full disk no record could be shown without it; saves never draw on
// it, so they stop first (503) while clinicians can still look records up. A statement that
// records an access and fails for want of room marks its transaction (SqlTx::wants_reserve);
// the backend then frees part of the reserve and runs the transaction again.
class StorageReserve {
 public:
  virtual ~StorageReserve() = default;
  // Whether the statement that has just failed did so because the database could not grow.
  virtual bool found_no_room() const = 0;
};

class SqlTx final : public Tx {
 public:
  // `reserve` may be nullptr: the backend keeps none.
  explicit SqlTx(sql::Connection& c, StorageReserve* reserve = nullptr)
      : c_(c), reserve_(reserve) {}

  // Whether a statement recording an access failed because the database could not grow.
  bool wants_reserve() const { return wants_reserve_; }

  Result<std::optional<std::string>> get_meta(const std::string& key) override;
  Status set_meta(const std::string& key, const std::string& value) override;

  Result<SiteId> insert_site(const std::string& code, const std::string& name) override;
  Result<std::vector<domain::Site>> list_sites() override;

  Result<UserId> insert_user(const domain::User& user, const std::string& password_hash,
                             const std::string& at) override;
  Result<std::optional<UserRecord>> find_user_by_name(const std::string& username) override;
  Result<std::optional<domain::User>> find_user(UserId id) override;
  Result<std::vector<domain::User>> list_users() override;
  Status set_user_disabled(UserId id, bool disabled) override;
  Status set_user_password(UserId id, const std::string& password_hash) override;

  Result<ThrottleRecord> get_throttle(const std::string& key) override;
  Status put_throttle(const std::string& key, const ThrottleRecord& r) override;
  Status clear_throttle(const std::string& key) override;
  Result<ThrottleRecord> lock_throttle(const std::string& key) override;
  Result<RateCounter> lock_rate_counter(const std::string& key) override;
  Status put_rate_counter(const std::string& key, const RateCounter& c) override;

  Status insert_session(const SessionRecord& s) override;
  Result<std::optional<SessionRecord>> find_session(const std::string& token_hash) override;
  Status touch_session(const std::string& token_hash, const std::string& at) override;
  Status delete_session(const std::string& token_hash) override;
  Status delete_user_sessions(UserId user) override;
  Result<std::int64_t> purge_sessions(const std::string& idle_cutoff,
                                      const std::string& absolute_cutoff) override;

  Result<PatientRecord> insert_patient(SiteId site, const domain::PatientDetails& d,
                                       const std::string& at) override;
  Result<std::optional<PatientRecord>> find_patient(PatientId id) override;
  Result<std::optional<PatientRecord>> find_patient_by_nhs(const std::string& digits) override;
  Result<std::vector<SiteId>> patient_sites(PatientId id) override;

  Result<EpisodeRecord> insert_episode(PatientId patient, const domain::ReferralDetails& r,
                                       domain::PathwayState state, const std::string& at) override;
  Result<std::optional<EpisodeRecord>> find_episode(EpisodeId id) override;
  Result<std::vector<EpisodeRecord>> patient_episodes(PatientId id) override;
  Result<EpisodeRecord> update_referral(EpisodeId id, std::int64_t expected_version,
                                        const domain::ReferralDetails& r,
                                        const std::string& at) override;
  Result<std::vector<WorklistRow>> worklist(const WorklistQuery& q) override;

  // Pathway (sql_tx_pathway.cpp): forms, state moves, transitions, surgery access, MDT.
  Result<std::optional<EpisodeFormRecord>> find_episode_form(EpisodeId episode,
                                                             const std::string& kind) override;
  Result<EpisodeFormRecord> put_episode_form(EpisodeId episode, const std::string& kind,
                                             std::int64_t expected_version,
                                             const std::string& data, UserId by,
                                             const std::string& at) override;
  Result<EpisodeRecord> set_episode_state(EpisodeId id, std::int64_t expected_version,
                                          domain::PathwayState state,
                                          const std::string& at) override;
  Result<std::int64_t> insert_transition(const TransitionRecord& t) override;
  Result<std::vector<TransitionRecord>> episode_transitions(EpisodeId episode) override;

  Result<std::optional<SiteSurgeryRecord>> find_site_surgery(SiteId site) override;
  Status put_site_surgery(const SiteSurgeryRecord& r) override;

  Result<MeetingRecord> insert_meeting(SiteId site, const std::string& meeting_date,
                                       const std::string& title, const std::string& at) override;
  Result<std::optional<MeetingRecord>> find_meeting(std::int64_t id) override;
  Result<std::vector<MeetingRecord>> list_meetings(const std::vector<SiteId>& sites,
                                                   int limit) override;
  Result<AttendeeRecord> insert_attendee(std::int64_t meeting, const std::string& name,
                                         const std::string& professional_role) override;
  Status delete_attendee(std::int64_t meeting, std::int64_t attendee) override;
  Result<std::vector<AttendeeRecord>> meeting_attendees(std::int64_t meeting) override;
  Status add_mdt_case(std::int64_t meeting, EpisodeId episode, const std::string& at) override;
  Status set_mdt_decision(std::int64_t meeting, EpisodeId episode, std::int64_t expected_version,
                          const std::string& decision, const std::string& rationale, UserId by,
                          const std::string& at) override;
  Status remove_mdt_case(std::int64_t meeting, EpisodeId episode) override;
  Result<std::vector<MdtCaseRecord>> meeting_cases(std::int64_t meeting) override;
  Result<std::vector<MdtCaseRecord>> episode_mdt_cases(EpisodeId episode) override;

  // Operators (sql_tx_operators.cpp).
  Result<domain::OperatorRecord> insert_operator(const domain::OperatorRecord& r,
                                                 const std::string& at) override;
  Result<std::optional<domain::OperatorRecord>> find_operator(domain::OperatorId id) override;
  Result<std::optional<domain::OperatorRecord>> find_operator_by_user(UserId user) override;
  Result<std::vector<domain::OperatorRecord>> list_operators() override;
  Result<domain::OperatorRecord> update_operator(const domain::OperatorRecord& r,
                                                 std::int64_t expected_version,
                                                 const std::string& at) override;
  Result<domain::SignOffRecord> insert_sign_off(const domain::SignOffRecord& r) override;
  Result<std::vector<domain::SignOffRecord>> operator_sign_offs(domain::OperatorId id) override;
  Status revoke_sign_off(domain::OperatorId op, std::int64_t id, const std::string& revoked_on,
                         UserId by, const std::string& reason, const std::string& at) override;
  Result<domain::TrainingEntryRecord> insert_training_entry(
      const domain::TrainingEntryRecord& r) override;
  Result<std::vector<domain::TrainingEntryRecord>> operator_training(
      domain::OperatorId id) override;
  Status check_training_entry(domain::OperatorId op, std::int64_t id, UserId by,
                              const std::string& at) override;

  Result<domain::CementProduct> insert_cement_product(const domain::CementProduct& p) override;
  Result<std::optional<domain::CementProduct>> find_cement_product(
      domain::CementProductId id) override;
  Result<std::vector<domain::CementProduct>> list_cement_products() override;
  Result<std::optional<domain::CementProductId>> find_cement_product_by_code(
      const std::string& scheme, const std::string& code) override;
  Status insert_cement_product_code(domain::CementProductId product, const std::string& scheme,
                                    const std::string& code) override;
  Result<domain::IfuVersion> insert_ifu_version(domain::IfuVersion v) override;
  Result<std::vector<domain::IfuVersion>> product_ifu_versions(
      domain::CementProductId product) override;
  Result<domain::CementLot> insert_cement_lot(const domain::CementLot& lot) override;
  Result<std::optional<domain::CementLot>> find_cement_lot(domain::CementLotId id) override;
  Result<std::vector<domain::CementLot>> list_cement_lots(
      std::optional<domain::CementProductId> product) override;
  Result<std::optional<domain::CementLot>> find_cement_lot_by_code(
      const std::string& scheme, const std::string& code, const std::string& lot) override;
  Status put_procedure_operators(EpisodeId episode,
                                 const std::vector<ProcedureOperatorRow>& rows) override;
  Result<domain::OperatorCaseCounts> operator_case_counts(domain::OperatorId id) override;
  Result<std::vector<domain::OperatorCase>> operator_cases(domain::OperatorId id) override;
  Result<std::vector<EpisodeId>> report_stale_episodes(int limit) override;
  Status mark_all_report_stale() override;
  Status put_report_episode(const ReportEpisodeRow& row,
                            const std::vector<ReportVisitRow>& visits,
                            const std::vector<ReportCheckRow>& checks) override;
  Result<std::vector<std::pair<std::string, std::string>>> episode_gate_blocks(
      EpisodeId episode) override;
  Result<std::vector<ReportShortfallRow>> report_shortfalls(const ReportFilter& f,
                                                            const std::string& time_point,
                                                            const std::string& due_cutoff,
                                                            int limit) override;
  Status drop_report_episode(EpisodeId episode) override;
  Result<ReportPass> report_pass(const ReportFilter& f, const std::vector<SiteId>& compared_sites,
                                 const std::string& time_point,
                                 const std::string& due_cutoff) override;
  Result<std::optional<FollowUpVisitRecord>> find_follow_up_visit(
      EpisodeId episode, const std::string& time_point) override;
  Result<std::vector<FollowUpVisitRecord>> episode_follow_up_visits(EpisodeId episode) override;
  Result<FollowUpVisitRecord> put_follow_up_visit(const FollowUpVisitRecord& visit,
                                                  std::int64_t expected_version) override;
  Result<std::vector<ComplicationRecord>> episode_complications(EpisodeId episode) override;
  Result<std::optional<ComplicationRecord>> find_complication(std::int64_t id) override;
  Result<ComplicationRecord> insert_complication(const ComplicationRecord& c) override;
  Result<ComplicationRecord> update_complication(const ComplicationRecord& c,
                                                 std::int64_t expected_version) override;
  Result<std::vector<ComplicationRecord>> device_complications() override;
  Result<FollowUpLinkRecord> insert_follow_up_link(const FollowUpLinkRecord& l) override;
  Result<std::optional<FollowUpLinkRecord>> find_follow_up_link(
      const std::string& token_hash) override;
  Result<std::vector<FollowUpLinkRecord>> episode_follow_up_links(EpisodeId episode) override;
  Result<bool> use_follow_up_link(std::int64_t id, const std::string& at) override;
  Status cancel_follow_up_links(EpisodeId episode, const std::string& time_point,
                                const std::string& at) override;
  Result<std::vector<YellowCardRecord>> yellow_card_reports() override;
  Result<std::vector<YellowCardRecord>> episode_yellow_card_reports(EpisodeId episode) override;
  Result<std::optional<YellowCardRecord>> find_yellow_card_report(std::int64_t id) override;
  Result<YellowCardRecord> insert_yellow_card_report(const YellowCardRecord& r) override;
  Result<YellowCardRecord> update_yellow_card_report(const YellowCardRecord& r,
                                                     std::int64_t expected_version) override;
  Result<std::int64_t> insert_learning_curve_signal(const domain::LearningCurveSignal& s) override;
  Result<std::vector<domain::LearningCurveSignal>> learning_curve_signals(
      domain::OperatorId id, bool unreviewed_only) override;
  Status review_learning_curve_signal(std::int64_t id, UserId by, const std::string& at,
                                      const std::string& note) override;
  Status put_procedure_cement(
      EpisodeId episode, const std::vector<std::pair<int, domain::CementLotId>>& units) override;
  Result<std::vector<LotUseRow>> cement_lot_uses(domain::CementLotId lot) override;
  Status recall_cement_lot(domain::CementLotId id, const std::string& recalled_on,
                           const std::string& reason, const std::string& notice, UserId by,
                           const std::string& at) override;

  Result<std::vector<domain::DeviceNotice>> list_device_notices() override;
  Result<std::optional<domain::DeviceNotice>> find_device_notice(std::int64_t id) override;
  Result<domain::DeviceNotice> insert_device_notice(const domain::DeviceNotice& n, UserId by,
                                                    const std::string& at) override;
  Status update_device_notice(const domain::DeviceNotice& n, std::int64_t expected_version,
                              UserId by, const std::string& at) override;
  Status acknowledge_device_notice(std::int64_t id, UserId by, const std::string& on,
                                   const std::string& acknowledgement,
                                   const std::string& at) override;

  Result<domain::AuditEntry> append_audit(domain::AuditEntry e) override;
  Status link_shown(std::int64_t seq, const std::vector<ShownRecord>& shown) override;
  Result<std::vector<domain::AuditEntry>> audit_for_record(const AuditQuery& q) override;
  Result<std::vector<domain::AuditEntry>> audit_range(std::int64_t after_seq, int limit) override;
  Result<std::pair<std::int64_t, std::string>> audit_head() override;

  // Signed checkpoints (sql_tx_checkpoints.cpp).
  Result<bool> insert_audit_checkpoint(const domain::AuditCheckpoint& c) override;
  Result<std::vector<domain::AuditCheckpoint>> audit_checkpoints(std::int64_t after_seq,
                                                                 std::int64_t up_to_seq) override;
  Result<std::optional<domain::AuditCheckpoint>> last_audit_checkpoint() override;

 private:
  Result<std::vector<SiteId>> user_sites(UserId id);
  // One site's page of worklist_sql(q), in waiting order.
  Result<std::vector<WorklistRow>> worklist_site(const std::string& sql, const WorklistQuery& q,
                                                 SiteId site);
  // Whether `sql` (a SELECT with the given parameters) returns any row.
  Result<bool> any_row(std::string_view sql, const sql::Params& params);
  // After a change to a meeting's case touched no row: kNotFound when the episode is not on
  // the meeting's list, else kConflict with `conflict`.
  Status case_missing_or_conflict(std::int64_t meeting, EpisodeId episode,
                                  const std::string& conflict);
  // The profiles a query over `operators o JOIN users u` returns, with their sites.
  Result<std::vector<domain::OperatorRecord>> operators_where(const std::string& where,
                                                               const sql::Params& params);
  Status put_operator_sites(domain::OperatorId id, const std::vector<SiteId>& sites);
  Result<std::vector<domain::CementProduct>> cement_products_where(const std::string& where,
                                                                   const sql::Params& params);
  Result<std::vector<domain::DeviceNotice>> device_notices_where(const std::string& where,
                                                                const sql::Params& params);
  Status put_notice_links(const domain::DeviceNotice& n);
  Result<std::vector<domain::CementLot>> cement_lots_where(const std::string& where,
                                                           const sql::Params& params);
  // Runs `statement`, which records an access (a read's audit entry, a sign-in's session),
  // noting when it failed because the database could not grow.
  template <class Statement>
  auto recording_access(Statement statement) -> decltype(statement());
  sql::Connection& c_;
  StorageReserve* reserve_;
  bool wants_reserve_ = false;
};

}  // namespace vertebro::store
