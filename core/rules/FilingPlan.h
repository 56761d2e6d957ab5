#pragma once
// The filing plan: the pages of a batch grouped into documents, each with the reason it starts,
// its fields, warnings and target name, plus the pages left out (separator sheets, blanks).
// Pure functions over values: the same pages and rules always give the same plan. The GUI shows
// the plan and lets the user merge and split documents and type fields before filing.
#include "core/model/BarcodeHit.h"
#include "core/ocr/PageText.h"
#include "core/rules/FilingRules.h"
#include "core/rules/NameTemplate.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::rules {

// Why a document starts. The keys ("first page", "separator", ...) are stable: the CLI's JSON
// prints them; describe() gives the translated text for people.
enum class StartReason {
    FirstPage,
    Separator,
    Asn,
    Tag,
    BarcodeChange,
    BlankPage,
    EveryNPages,
    NewFile,
    UserSplit,
    Receipt // another document cut from the same page
};

struct DocumentStart {
    StartReason reason = StartReason::FirstPage;
    std::string value; // the separator, ASN, tag or changed barcode text; else empty
    bool operator==(const DocumentStart&) const = default;
};

const char* reasonKey(StartReason reason);
std::string describe(const DocumentStart& start); // translated, e.g. "separator sheet PATCHT"

// One page as the plan sees it: where it comes from and what analysis found on it.
struct PlanPage {
    std::string source;    // file name or device, as shown to the user
    int page = 1;          // 1-based within its source
    std::int64_t file = 0; // identifies the source file (journal originalId or input index)
    int width = 0;         // page pixels, for barcode zones
    int height = 0;
    std::vector<BarcodeHit> barcodes;
    bool blank = false;
    bool analysed = true; // false: analysis failed, barcodes unknown (a warning on its document)
    // A page that is a document of its own by default: NewFile for an image file that holds one
    // page (a photo, a single scan), Receipt for one of several documents cut from one page.
    // Image files are grouped again when the batch is separated by barcodes or page counts (a
    // feeder batch delivered as files); see FilingPlanner::plan.
    std::optional<StartReason> ownDocument;
    // Its OCR text, when the rules need it (text fields, receipt data); else null.
    std::shared_ptr<const ocr::PageText> text = nullptr;
};

enum class DropReason { Separator, Blank };
const char* reasonKey(DropReason reason); // "separator", "blank"

enum class FieldOrigin { Barcode, User };

struct FieldValue {
    std::string value;
    FieldOrigin origin = FieldOrigin::Barcode;
    std::optional<std::size_t> page; // index of the page whose barcode gave it
    bool operator==(const FieldValue&) const = default;
};

struct PlannedDocument {
    // What the document is made of (changed by the separation rules and by the user):
    std::vector<std::size_t> pages;        // indices into the plan's pages, in order, never empty
    std::vector<std::size_t> introducedBy; // dropped separator sheets just before it: their other
                                           // barcodes (e.g. a vendor code on the sheet) count as its
    DocumentStart startsBecause;
    std::map<std::string, std::string> userFields; // typed by the user; override extracted ones;
                                                   // an empty value removes the field

    // Derived from the above by the planner:
    std::map<std::string, FieldValue> fields;
    std::vector<std::string> warnings; // translated
    std::string folder;                // relative, "/"-separated, sanitised; may be empty
    std::string fileName;              // sanitised, without extension, unique within the plan

    // folder/fileName + extension, e.g. "ACME/2024/00123_0001.pdf".
    std::string relativePath(std::string_view extension = ".pdf") const;
    std::map<std::string, std::string> fieldValues() const;
};

struct DroppedPage {
    std::size_t page = 0; // index into the plan's pages
    DropReason reason = DropReason::Separator;
    std::string value; // the separator's text
};

struct FilingPlan {
    std::vector<PlannedDocument> documents;
    std::vector<DroppedPage> dropped; // in page order
};

// Builds and edits plans under one set of rules. Every operation returns a complete plan whose
// fields, warnings and names are recomputed, so counters and collisions stay consistent.
class FilingPlanner {
  public:
    explicit FilingPlanner(FilingRules rules, NamingContext naming = {});

    const FilingRules& rules() const { return rules_; }

    // The plan for `pages` (in capture order). `userFields` maps document indices to fields the
    // user typed (see PlannedDocument::userFields); std::out_of_range for an index with no document.
    FilingPlan plan(const std::vector<PlanPage>& pages,
                    const std::map<std::size_t, std::map<std::string, std::string>>& userFields = {}) const;
    // How many documents at the start of `plan` (plan(pages)) stay exactly as they are, pages,
    // fields and names, in the plan of `pages` followed by any other pages: the plan is made
    // in one pass, so all but the last (which may grow), except while files are documents of
    // their own only because no page so far separates otherwise (a separator sheet, ASN or tag
    // label on a later page makes them one).
    std::size_t settledDocuments(const std::vector<PlanPage>& pages, const FilingPlan& plan) const;

    // Documents `first` and `first + 1` become one (the first one's start reason and user fields
    // win). std::out_of_range for a bad index.
    FilingPlan merge(FilingPlan plan, const std::vector<PlanPage>& pages, std::size_t first) const;
    // Document `document` is cut before its page at position `at` (1 .. size-1); the second part
    // starts because of the user. std::out_of_range for a bad index or position.
    FilingPlan split(FilingPlan plan, const std::vector<PlanPage>& pages, std::size_t document,
                     std::size_t at) const;
    // Replaces the user's fields of one document. std::out_of_range for a bad index.
    FilingPlan withUserFields(FilingPlan plan, const std::vector<PlanPage>& pages, std::size_t document,
                              std::map<std::string, std::string> fields) const;

    // Recomputes fields, warnings and names of every document from its pages and user fields.
    void refresh(FilingPlan& plan, const std::vector<PlanPage>& pages) const;

  private:
    // The fields (from barcodes, page text and the user) and warnings of one document.
    void refreshFields(PlannedDocument& document, const std::vector<PlanPage>& pages) const;
    // Folder and file name of every document, made unique within the plan.
    void refreshNames(FilingPlan& plan, const std::vector<PlanPage>& pages) const;

    FilingRules rules_;
    NamingContext naming_;
};

} // namespace docdesk::rules
