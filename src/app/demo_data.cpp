#include "app/demo_data.h"

#include <nlohmann/json.hpp>

#include <array>
#include <random>

#include "app/audit_trail.h"
#include "app/demo_pathway.h"
#include "base/crypto.h"
#include "base/log.h"
#include "store/store.h"

namespace vertebro::app {

namespace {

constexpr std::array kFamily = {"Ashworth", "Bennett", "Chowdhury", "Davies",  "Evans",
                                "Fletcher", "Griffiths", "Hughes",  "Iqbal",   "Jones",
                                "Khan",     "Lewis",    "Morgan",   "Nwosu",   "O'Brien",
                                "Patel",    "Quinn",    "Roberts",  "Singh",   "Thomas",
                                "Usman",    "Vaughan",  "Walker",   "Xu",      "Young"};
constexpr std::array kGivenFemale = {"Margaret", "Joan", "Patricia", "Aisha", "Dorothy",
                                     "Sunita",   "Eileen", "Grace",  "Brenda", "Irene"};
constexpr std::array kGivenMale = {"Arthur", "Derek", "Rajesh", "Kenneth", "Dennis",
                                   "Tariq",  "Brian", "Colin",  "Frank",   "Stanley"};
constexpr std::array kClinicians = {"Dr A Okafor (GP)", "Dr H Lim (Orthogeriatrics)",
                                    "Dr S Mensah (Oncology)", "Dr P Byrne (Rheumatology)",
                                    "Ms K Ward (Fracture liaison)"};

struct DemoUser {
  const char* username;
  const char* display_name;
  domain::Role role;
  const char* profession;
  std::vector<int> sites;  // indexes into the two demo sites
};

// The index-th valid NHS number in the test range, walking 999 000 000 upward.
class TestNumbers {
 public:
  explicit TestNumbers(std::int64_t start) : next_(start) {}
  std::int64_t position() const { return next_; }
  bool exhausted() const { return next_ >= 1000000; }
  std::string next() {
    while (!exhausted()) {
      const std::string nine = std::to_string(999000000 + next_++);
      const int check = domain::NhsNumber::check_digit(nine);
      if (check >= 0) return nine + static_cast<char>('0' + check);
    }
    return {};
  }

 private:
  std::int64_t next_;
};

}  // namespace

Result<DemoSummary> load_demo_data(const Context& ctx, const DemoOptions& options) {
  if (options.patients < 0 || options.patients > kMaxDemoPatients) {
    return Error::invalid({{"patients", "Number of patients must be 0 to " +
                                            std::to_string(kMaxDemoPatients) +
                                            " (the 999 test range holds no more)"}});
  }
  if (options.episodes != 0 && (options.episodes < options.patients ||
                                options.episodes > kMaxDemoEpisodesPerPatient * options.patients)) {
    return Error::invalid({{"episodes", "Number of episodes must be 0 (about 1.1 a patient) or " +
                                            std::to_string(options.patients) + " to " +
                                            std::to_string(kMaxDemoEpisodesPerPatient *
                                                           options.patients) +
                                            " (1 to " +
                                            std::to_string(kMaxDemoEpisodesPerPatient) +
                                            " a patient)"}});
  }
  const Actor system = system_actor("demo-data");
  DemoSummary summary;
  std::vector<SiteId> sites;
  std::int64_t existing_patients = 0;
  std::int64_t next_prefix = 1;

  auto setup = ctx.write([&](store::Tx& tx) -> Status {
    auto demo = tx.get_meta("demo");
    if (!demo) return std::move(demo).error();
    auto users = tx.list_users();
    if (!users) return std::move(users).error();
    if (!demo->has_value() && !users->empty()) {
      return Error::invalid({{"db", "This database holds real users; demonstration data goes "
                                    "only into a new or demonstration database"}});
    }
    if (auto c = tx.get_meta("demo_patients"); !c) {
      return std::move(c).error();
    } else if (c->has_value()) {
      existing_patients = std::stoll(**c);
    }
    if (auto c = tx.get_meta("demo_next_prefix"); !c) {
      return std::move(c).error();
    } else if (c->has_value()) {
      next_prefix = std::stoll(**c);
    }
    if (!demo->has_value()) {
      if (auto m = tx.set_meta("demo", "1"); !m) return m;
      for (const auto& [code, name] :
           {std::pair{"RVB01", "Northgate General Hospital"},
            std::pair{"RVB02", "Southmoor Community Hospital"}}) {
        auto id = tx.insert_site(code, name);
        if (!id) return std::move(id).error();
      }
      summary.created_users = true;
    }
    auto all = tx.list_sites();
    if (!all) return std::move(all).error();
    for (const auto& code : {"RVB01", "RVB02"}) {
      for (const auto& s : *all) {
        if (s.code == code) sites.push_back(s.id);
      }
    }
    if (sites.size() != 2) return Error::internal("The demonstration sites are missing");
    return {};
  });
  if (!setup) return std::move(setup).error();

  if (summary.created_users) {
    const std::vector<DemoUser> users = {
        {"admin", "Alex Admin", domain::Role::kAdministrator, "", {0, 1}},
        {"coordinator", "Chris Coordinator", domain::Role::kCoordinator, "MDT coordinator", {0, 1}},
        {"radiologist", "Dr Rana Radiologist", domain::Role::kOperator,
         "Interventional radiologist", {0}},
        {"surgeon", "Mr Sam Surgeon", domain::Role::kOperator, "Spinal surgeon", {0, 1}},
        {"trainee", "Dr Tom Trainee", domain::Role::kOperator,
         "Interventional radiology registrar", {0}},
        {"nurse", "Nia Nurse", domain::Role::kNurse, "Clinical nurse specialist", {1}},
        {"governance", "Gita Governance", domain::Role::kGovernance, "Audit lead", {0, 1}},
        {"safety", "Sol Safety", domain::Role::kSafety, "Medical device safety officer", {0, 1}},
        {"trainer", "Tess Trainer", domain::Role::kTrainer, "Training lead", {0, 1}},
        {"researcher", "Rob Researcher", domain::Role::kResearcher, "Researcher", {0, 1}},
    };
    // One salted hash shared by the demonstration users keeps set-up quick. The unit began the
    // day before the demonstration pathway's first step (demo_pathway.h), so the audit trail
    // stays in time order.
    const std::string hash = crypto::hash_password("vertebro-demo");
    const auto began = std::chrono::floor<std::chrono::days>(ctx.clock().now()) +
                       std::chrono::days(kDemoPathwayFirstDay - 1) + std::chrono::hours(8);
    FixedClock set_up_clock(began);
    const Context set_up(ctx.store(), set_up_clock, ctx.settings());
    auto s = set_up.write([&](store::Tx& tx) -> Status {
      for (const auto& u : users) {
        domain::User user;
        user.username = u.username;
        user.display_name = u.display_name;
        user.role = u.role;
        user.profession = u.profession;
        for (int i : u.sites) user.sites.push_back(sites[static_cast<std::size_t>(i)]);
        auto id = tx.insert_user(user, hash, set_up.now_text());
        if (!id) return std::move(id).error();
        if (auto a = audit(tx, set_up, system, "create", {"user", id->value, 0, 0},
                           nlohmann::json{{"username", u.username}}.dump());
            !a) {
          return a;
        }
      }
      return {};
    });
    if (!s) return std::move(s).error();
  }

  std::mt19937_64 rng(options.seed + static_cast<std::uint64_t>(existing_patients));
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  TestNumbers numbers(next_prefix);
  const auto today = domain::Date::today(ctx.clock());
  const bool per_record_audit = options.patients <= 1000;
  // The random patients wait for assessment or are being assessed: later states need real
  // forms, MDT decisions and transitions, which the demonstration pathway provides. Their
  // records carry the dates of their referrals; their audit entries, the time they were made.
  const std::array states = {domain::PathwayState::kReferral, domain::PathwayState::kReferral,
                             domain::PathwayState::kAssessment};
  const std::array indications = {domain::Indication::kOsteoporotic,
                                  domain::Indication::kOsteoporotic,
                                  domain::Indication::kOsteoporotic,
                                  domain::Indication::kMetastasis, domain::Indication::kMyeloma,
                                  domain::Indication::kHaemangioma, domain::Indication::kOther};
  std::int64_t done = 0;
  std::int64_t episodes_left = options.episodes;  // when asked for a number
  // How many episodes the next patient has: with a number asked for, the episodes left shared
  // evenly among the patients left (the early ones take the remainder); else one in ten twice.
  auto episodes_for_next = [&](std::int64_t patients_left) -> int {
    if (options.episodes == 0) return pick(10) == 0 ? 2 : 1;
    const std::int64_t each = episodes_left / patients_left;
    return static_cast<int>(each + (episodes_left % patients_left != 0 ? 1 : 0));
  };
  if (summary.created_users && options.patients >= kDemoPathwayPatients) {
    // The historical cohort too, when the patients asked for leave room for it.
    const bool cohort = options.patients >= kDemoPathwayPatients + kDemoCohortPatients;
    if (auto p = load_demo_pathway(ctx, sites, [&] { return numbers.next(); }, cohort); !p) {
      return std::move(p).error();
    }
    done = kDemoPathwayPatients + (cohort ? kDemoCohortPatients : 0);
    summary.patients += done;
    summary.episodes += done;  // one episode each
    episodes_left -= done;
    auto m = ctx.write([&](store::Tx& tx) -> Status {
      if (auto n = tx.set_meta("demo_next_prefix", std::to_string(numbers.position())); !n) return n;
      return tx.set_meta("demo_patients", std::to_string(existing_patients + done));
    });
    if (!m) return std::move(m).error();
  }
  constexpr std::int64_t kBatch = 10000;
  while (done < options.patients) {
    const std::int64_t n = std::min(kBatch, options.patients - done);
    std::int64_t batch_episodes = 0;
    const std::int64_t episodes_left_before = episodes_left;
    auto s = ctx.write([&](store::Tx& tx) -> Status {
      batch_episodes = 0;
      episodes_left = episodes_left_before;  // the write may be run again
      for (std::int64_t i = 0; i < n; ++i) {
        const bool female = rng() % 3 != 0;  // osteoporotic fractures are commoner in women
        domain::PatientInput in;
        in.nhs_number = numbers.next();
        if (in.nhs_number.empty()) {
          return Error::invalid({{"patients", "The 999 test range has no more NHS numbers"}});
        }
        in.family_name = kFamily[pick(kFamily.size())];
        in.given_name = female ? kGivenFemale[pick(kGivenFemale.size())]
                               : kGivenMale[pick(kGivenMale.size())];
        const auto dob = today.days() - std::chrono::days(365 * 55 + static_cast<int>(pick(365 * 35)));
        in.date_of_birth = domain::Date::from_days(dob).iso();
        in.sex = female ? "female" : "male";
        auto details = domain::validate_patient(in, today);
        if (!details) return Error::internal("Demonstration patient failed validation");
        const SiteId site = sites[pick(sites.size())];
        // Referred within the last 90 days, registered that morning; the episodes wait from
        // then (an assessment began a few days later), so the worklist shows real waits.
        const int referred_ago = 1 + static_cast<int>(pick(90));
        const auto referred = today.days() - std::chrono::days(referred_ago);
        auto at = [&](int days_later, int minute) {
          return format_timestamp(TimePoint(referred + std::chrono::days(days_later)) +
                                  std::chrono::hours(9) + std::chrono::minutes(minute));
        };
        const int minute = static_cast<int>(pick(240));
        auto p = tx.insert_patient(site, *details, at(0, minute));
        if (!p) return std::move(p).error();
        if (per_record_audit) {
          if (auto a = audit(tx, ctx, system, "create", {"patient", p->id.value, p->id.value, site.value});
              !a) {
            return a;
          }
        }
        const int episodes = episodes_for_next(options.patients - done - i);
        episodes_left -= episodes;
        for (int k = 0; k < episodes; ++k) {
          domain::ReferralDetails r{
              site,
              kClinicians[pick(kClinicians.size())],
              domain::Date::from_days(referred),
              indications[pick(indications.size())],
              {domain::VertebralLevel::from_index(9 + static_cast<int>(pick(14)))},
              "Severe back pain after a low-trauma fall; not settling with analgesia."};
          const auto state = states[pick(states.size())];
          const int waited = state == domain::PathwayState::kAssessment
                                 ? static_cast<int>(pick(static_cast<std::size_t>(
                                       std::min(referred_ago, 7))))
                                 : 0;
          auto e = tx.insert_episode(p->id, r, state, at(waited, minute + 5 + k));
          if (!e) return std::move(e).error();
          ++batch_episodes;
          if (per_record_audit) {
            if (auto a = audit(tx, ctx, system, "create",
                               {"episode", e->id.value, p->id.value, site.value});
                !a) {
              return a;
            }
          }
        }
      }
      if (!per_record_audit) {
        if (auto a = audit(tx, ctx, system, "generate", {"demo_batch", 0, 0, 0},
                           nlohmann::json{{"patients", n}, {"episodes", batch_episodes}}.dump());
            !a) {
          return a;
        }
      }
      if (auto m = tx.set_meta("demo_next_prefix", std::to_string(numbers.position())); !m) return m;
      return tx.set_meta("demo_patients", std::to_string(existing_patients + done + n));
    });
    if (!s) return std::move(s).error();
    done += n;
    summary.patients += n;
    summary.episodes += batch_episodes;
    if (!per_record_audit) log::info("demo data: {} of {} patients", done, options.patients);
  }
  return summary;
}

}  // namespace vertebro::app
