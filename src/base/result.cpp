#include "base/result.h"

namespace vertebro {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::kInvalid: return "invalid";
    case Errc::kNotFound: return "not_found";
    case Errc::kConflict: return "conflict";
    case Errc::kWrongState: return "wrong_state";
    case Errc::kDuplicate: return "duplicate";
    case Errc::kUnauthenticated: return "unauthenticated";
    case Errc::kForbidden: return "forbidden";
    case Errc::kRateLimited: return "rate_limited";
    case Errc::kBusy: return "busy";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kSchemaTooNew: return "schema_too_new";
    case Errc::kInternal: return "internal";
  }
  return "internal";
}

Error Error::invalid(std::vector<FieldError> f, std::string msg) {
  return Error{Errc::kInvalid, std::move(msg), std::move(f), 0, 0};
}
Error Error::not_found(std::string what) {
  return Error{Errc::kNotFound, std::move(what), {}, 0, 0};
}
Error Error::conflict(std::string msg) {
  return Error{Errc::kConflict, std::move(msg), {}, 0, 0};
}

Error Error::wrong_state(std::string msg) {
  return Error{Errc::kWrongState, std::move(msg), {}, 0, 0};
}
Error Error::forbidden(std::string msg) {
  return Error{Errc::kForbidden, std::move(msg), {}, 0, 0};
}
Error Error::internal(std::string msg) {
  return Error{Errc::kInternal, std::move(msg), {}, 0, 0};
}

}  // namespace vertebro
