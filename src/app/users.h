#pragma once
// User administration (command line now; pages later) and the site list.

#include <string>
#include <vector>

#include "app/context.h"
#include "domain/user.h"

namespace vertebro::app {

struct NewUser {
  std::string username;      // 1-64 characters: letters, digits, '.', '-', '_'
  std::string display_name;  // 1-100 characters
  std::string role;          // a role name ("operator", ...)
  std::string profession;    // optional, up to 100 characters
  std::string password;      // at least 12 characters
  std::vector<std::string> site_codes;  // at least one existing site code
};

// Creates a user. Errors: kForbidden, kInvalid (fields), kDuplicate (user name taken).
Result<UserId> add_user(const Context& ctx, const Actor& actor, const NewUser& input);

// Disables a user and ends all their sessions at once. kNotFound if no such user.
Status disable_user(const Context& ctx, const Actor& actor, const std::string& username);

Result<std::vector<domain::Site>> list_sites(const Context& ctx);

// Whether this is a demonstration database (the banner shows on every page).
Result<bool> is_demo_database(const Context& ctx);

}  // namespace vertebro::app

namespace vertebro::app {
// Adds a site. Errors: kForbidden, kInvalid (code 1-16 letters/digits, name 1-200 characters),
// kDuplicate (code taken).
Result<SiteId> add_site(const Context& ctx, const Actor& actor, const std::string& code,
                        const std::string& name);
}  // namespace vertebro::app
