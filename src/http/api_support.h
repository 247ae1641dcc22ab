#pragma once
// Internal to http/: what every JSON API file shares. Errors are
// {"error": {"code", "message", "fields": [{"field", "message"}]}} (docs/api.md).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/web.h"

namespace vertebro::http {

void send(Response& res, int status, const Json& body);
Json error_body(const std::string& code, const std::string& message,
                const std::vector<FieldError>& fields = {});
void send_error(Response& res, int status, const std::string& code, const std::string& message,
                const std::vector<FieldError>& fields = {});
// The status and body for an Error; internal errors are logged and never shown.
void send_error(Response& res, const Error& e);
// Parses a JSON object body (nested at most 32 deep); on failure answers 400, returns nullopt.
std::optional<Json> json_body(const Request& req, Response& res);
// A string member, or "" if absent; a member of another type is a field error.
std::string member(const Json& j, const std::string& key, std::vector<FieldError>& errors);
// An `Unknown field "k"` error for each member k of `j` not in `known`, as every JSON write
// refuses a misspelt key (app::InputReader::only).
void only_fields(const Json& j, std::initializer_list<std::string_view> known,
                 std::vector<FieldError>& errors);
// The token of an "Authorization: Bearer" header, or "".
std::string bearer(const Request& req);
// Authenticates an API request (bearer token, or session cookie plus X-CSRF-Token for changes);
// answers 401/403 and returns nullopt on failure.
std::optional<app::Actor> api_actor(Web& web, const Request& req, Response& res);
// A version as a strong ETag: "3" in quotes.
std::string etag(std::int64_t version);
// The version named by If-Match ("3", W/"3" or 3); otherwise answers 428 (absent) or 400
// (malformed, or below `lowest`: 0 for forms, where "0" is the first save, 1 for records).
std::optional<std::int64_t> if_match(const Request& req, Response& res, std::int64_t lowest);
// The answer to a failed change made with If-Match: a stale version (kConflict) is 412, as
// everywhere in the API; anything else as send_error() answers it (kWrongState is 409).
void send_change_error(Response& res, const Error& e);

}  // namespace vertebro::http
