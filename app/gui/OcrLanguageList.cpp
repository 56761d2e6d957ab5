#include "app/gui/OcrLanguageList.h"

#include "core/common/Error.h"
#include "core/ocr/PageText.h"

#include <algorithm>
#include <map>
#include <wx/intl.h>

namespace docdesk::gui {

wxString ocrLanguageLabel(const std::string& code) {
    // The languages docdesk maps from the desktop's locale (ocr::defaultLanguages), and Latin
    // script neighbours users commonly install.
    static const std::map<std::string, const char*> names{
        {"ces", wxTRANSLATE("Czech")},     {"dan", wxTRANSLATE("Danish")},
        {"deu", wxTRANSLATE("German")},    {"eng", wxTRANSLATE("English")},
        {"fin", wxTRANSLATE("Finnish")},   {"fra", wxTRANSLATE("French")},
        {"hun", wxTRANSLATE("Hungarian")}, {"ita", wxTRANSLATE("Italian")},
        {"nld", wxTRANSLATE("Dutch")},     {"nor", wxTRANSLATE("Norwegian")},
        {"pol", wxTRANSLATE("Polish")},    {"por", wxTRANSLATE("Portuguese")},
        {"rus", wxTRANSLATE("Russian")},   {"spa", wxTRANSLATE("Spanish")},
        {"swe", wxTRANSLATE("Swedish")},   {"tur", wxTRANSLATE("Turkish")},
    };
    const auto it = names.find(code);
    const wxString c = wxString::FromUTF8(code);
    return it == names.end() ? c : wxString::Format("%s (%s)", wxGetTranslation(it->second), c);
}

OcrLanguageList::OcrLanguageList(wxWindow* parent, std::vector<std::string> installed,
                                 const std::string& chosen)
    : wxCheckListBox(parent, wxID_ANY, wxDefaultPosition, wxSize(-1, 90)), installed_(std::move(installed)),
      firstOrder_(ocr::languageCodes(chosen)) {
    codes_ = installed_;
    for (const auto& code : firstOrder_)
        if (std::find(codes_.begin(), codes_.end(), code) == codes_.end())
            codes_.push_back(code);
    for (const auto& code : codes_) {
        const bool missing = std::find(installed_.begin(), installed_.end(), code) == installed_.end();
        Append(missing ? wxString::Format(_("%s: not installed (Debian package tesseract-ocr-%s)"),
                                          ocrLanguageLabel(code), wxString::FromUTF8(code))
                       : ocrLanguageLabel(code));
    }
    choose(chosen);
}

void OcrLanguageList::choose(const std::string& languages) {
    const auto codes = ocr::languageCodes(languages);
    for (size_t i = 0; i < codes_.size(); ++i)
        Check(unsigned(i), std::find(codes.begin(), codes.end(), codes_[i]) != codes.end());
}

std::string OcrLanguageList::chosen() const {
    std::vector<std::string> ticked;
    for (size_t i = 0; i < codes_.size(); ++i)
        if (IsChecked(unsigned(i)))
            ticked.push_back(codes_[i]);
    std::stable_sort(ticked.begin(), ticked.end(), [this](const std::string& a, const std::string& b) {
        const auto rank = [this](const std::string& code) {
            return std::find(firstOrder_.begin(), firstOrder_.end(), code) - firstOrder_.begin();
        };
        return rank(a) < rank(b);
    });
    std::string out;
    for (const auto& code : ticked)
        out += (out.empty() ? "" : "+") + code;
    return out;
}

wxString OcrLanguageList::problem() const {
    const std::string languages = chosen();
    if (languages.empty())
        return installed_.empty() ? wxString() : _("Tick at least one language for text recognition.");
    try {
        ocr::requireLanguages(languages, installed_);
    } catch (const docdesk::Error& e) {
        return wxString::FromUTF8(e.what());
    }
    return {};
}

} // namespace docdesk::gui
