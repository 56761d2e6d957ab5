#pragma once
// The OCR languages to choose from, as used by Preferences and the Rules dialog: every Tesseract
// language installed (listed once, when the dialog is built, and handed to the checks below so
// that the tessdata folder is not listed again on the window's thread), each named in the
// user's language with its code, ticked when chosen. A chosen language that is not installed
// (a rules file from another computer) is listed too, ticked, with the Debian package to install.
#include <string>
#include <vector>
#include <wx/checklst.h>

namespace docdesk::gui {

class OcrLanguageList : public wxCheckListBox {
  public:
    // `installed`: ocr::installedLanguages(); `chosen`: codes joined by '+' ("deu+eng").
    OcrLanguageList(wxWindow* parent, std::vector<std::string> installed, const std::string& chosen);

    // The ticked codes joined by '+': the order of the choice the list was made with is kept
    // (Tesseract tries the first language first), languages ticked since come after it.
    std::string chosen() const;
    // Ticks exactly the languages of `languages` ("deu+eng").
    void choose(const std::string& languages);
    const std::vector<std::string>& installed() const { return installed_; }
    // The reason the ticked languages cannot be used (nothing ticked, one not installed,
    // Tesseract missing), translated; empty when they can.
    wxString problem() const;

  private:
    std::vector<std::string> installed_;
    std::vector<std::string> codes_;      // one per row
    std::vector<std::string> firstOrder_; // the choice the list was made with
};

// A language's name in the user's language with its code, "German (deu)"; the code alone for a
// language docdesk has no name for.
wxString ocrLanguageLabel(const std::string& code);

} // namespace docdesk::gui
