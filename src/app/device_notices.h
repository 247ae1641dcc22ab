#pragma once
// The register of device safety notices: MHRA Medical Device Alerts and field safety notices
// about the cements the unit uses, what each asks the unit to do, and the device safety
// officer's acknowledgement (docs/traceability.md, "MHRA notices"). Migration 0010 seeds the two
// notices NICE cites for vertebroplasty, MDA/2003/021 (subject unconfirmed) and MDA/2007/088.
// Every signed-in user may read the register; the device safety officer or an administrator
// (Permission::kManageDevices) adds and corrects notices; only the device safety officer
// acknowledges one, once. Every change is on the audit trail (record type "device_notice").

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "app/context.h"
#include "domain/device_notice.h"

namespace vertebro::app {

// A notice as typed or sent.
struct NoticeInput {
  std::string reference;
  std::string title;
  std::string issued;  // "YYYY-MM-DD" or "YYYY"
  std::string summary;
  std::string actions_required;
  std::string source;
  bool subject_confirmed = false;
  bool all_cements = false;
  std::vector<std::string> products;  // product ids, as digits
  std::vector<std::string> lots;      // lot ids, as digits
};

struct AcknowledgementInput {
  std::string acknowledged_on;  // ISO date, not in the future
  std::string acknowledgement;  // what the unit did
};

// A notice with the names of what it concerns.
struct NoticeView {
  domain::DeviceNotice notice;
  std::vector<std::pair<std::int64_t, std::string>> products;  // id, name
  std::vector<std::pair<std::int64_t, std::string>> lots;      // id, "product, lot L"
  bool may_manage = false;
  bool may_acknowledge = false;
};

// A notice's content (reference, title, issued, summary, actions_required, source,
// subject_confirmed, all_cements, products and lots by id): what the audit trail records of each
// change; the API adds id, version, who changed it last and the acknowledgement.
nlohmann::json notice_content_json(const domain::DeviceNotice& n);

// The whole register, by reference.
Result<std::vector<domain::DeviceNotice>> list_device_notices(const Context& ctx,
                                                              const Actor& actor);

// Errors: kNotFound.
Result<NoticeView> view_device_notice(const Context& ctx, const Actor& actor, std::int64_t id);

// Adds a notice. Errors: kForbidden; kInvalid naming reference, title, issued, summary,
// actions_required, source, products, lots; kDuplicate (related_id = the other) when the
// reference is already in the register.
Result<domain::DeviceNotice> create_device_notice(const Context& ctx, const Actor& actor,
                                                  const NoticeInput& input);

// Corrects a notice whose version is still `expected_version`; its acknowledgement, if any,
// stays. Errors: as create_device_notice, and kNotFound, kConflict (a newer version).
Result<domain::DeviceNotice> update_device_notice(const Context& ctx, const Actor& actor,
                                                  std::int64_t id, std::int64_t expected_version,
                                                  const NoticeInput& input);

// The device safety officer's acknowledgement, once. Errors: kForbidden (any other role),
// kNotFound, kConflict (already acknowledged), kInvalid naming acknowledged_on,
// acknowledgement.
Result<domain::DeviceNotice> acknowledge_device_notice(const Context& ctx, const Actor& actor,
                                                       std::int64_t id,
                                                       const AcknowledgementInput& input);

}  // namespace vertebro::app
