// The three clinical forms (assessment, consent, procedure) as pages draw them: one
// description of each form's sections and fields draws both the form and the summary on the
// pathway page. Internal to http/.
//
// Form inputs are named by the dotted paths of the form's JSON document
// ("levels.T12.cement_ml"), so a posted form becomes the document the API takes, and the app
// layer's field errors name the inputs directly.

#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/pathway_forms.h"
#include "base/result.h"
#include "domain/user.h"
#include "domain/vertebral_level.h"
#include "http/web.h"

namespace vertebro::http::clinical_forms {

// A form's answers by input name. Checkboxes post one name several times, so a name holds a
// list.
using Values = std::map<std::string, std::vector<std::string>>;

// The posted inputs that belong to the document (not the page's own controls).
Values values_of(const Request& req);
// A stored document as the values its form posts: lists of per-level and per-treatment parts
// become parts keyed by their level or kind ("levels.T12.cement_ml", "treatments.bracing.start").
Values values_of(const Json& document);
// The JSON document a posted form stands for, without blank answers.
Json document_of(const Values& values);

bool has_levels(app::FormKind kind);
std::string form_title(app::FormKind kind);
domain::Permission form_permission(app::FormKind kind);

// The form's sections with their fields for the pathway_form template. `levels_list` is the
// levels control as typed; `operators` the procedure's operator choices (id, name).
Json sections_json(app::FormKind kind, const std::vector<domain::VertebralLevel>& levels,
                   const Values& values, const Json& errors, const std::string& levels_list,
                   const app::Choices& operators);
// Summary-list rows of a form's answers; empty answers are left out.
Json summary_rows(app::FormKind kind, const std::vector<domain::VertebralLevel>& levels,
                  const Values& values);

// The analgesic classes with their labels ("Weak opioid (for example codeine, tramadol)").
const app::Choices& analgesic_choices();

// A follow-up visit's form (app/follow_up_visits.h) and its summary; `treated` are the
// procedure's levels, offered for further height loss.
Json follow_up_sections_json(const std::vector<domain::VertebralLevel>& treated,
                             const Values& values, const Json& errors);
Json follow_up_summary_rows(const std::vector<domain::VertebralLevel>& treated,
                            const Values& values);

// A complication's form (app/complications.h) and its summary; `treated` and `packs` (number,
// "Pack 1: product, lot ...") are the procedure's.
Json complication_sections_json(const std::vector<domain::VertebralLevel>& treated,
                                const app::Choices& packs, const Values& values,
                                const Json& errors);
Json complication_summary_rows(const std::vector<domain::VertebralLevel>& treated,
                               const app::Choices& packs, const Values& values);

// A Yellow Card report's form (app/yellow_card.h) and its answers as summary rows.
Json yellow_card_sections_json(const Values& values, const Json& errors);
Json yellow_card_summary_rows(const Values& values);

// Field errors name dotted paths; a level's, a treatment's or the SINS's message says which
// one, so the error summary is clear on its own.
Error for_page(Error e);

}  // namespace vertebro::http::clinical_forms
