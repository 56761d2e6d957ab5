#pragma once
// Brings files into a session: each file's exact bytes become one stored original and its
// pages (one per image, one per PDF or TIFF page). Files that are not images or PDFs (Office
// documents, e-mails, archives, text) become one pass-through entry each, kept byte for byte. Folders are
// walked recursively in name order.
#include "core/journal/Session.h"

#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::capture {

struct ImportOutcome {
    std::filesystem::path file;
    std::vector<PageRecord> pages; // empty when the file failed
    std::string error;             // translated message when the file failed
    bool ok() const { return error.empty(); }
};

// Expands folders into the files below them (sorted, hidden files skipped).
std::vector<std::filesystem::path> expandInputs(const std::vector<std::filesystem::path>& inputs);

// Counts the pages of an image or PDF file (the probe that decides how many pages it adds).
// The application counts in a worker process (app::countPagesInWorker): the parsers of
// TIFF and PDF see untrusted bytes. Throws UnreadableFileError with the reason.
using PageCounter = std::function<int(const std::filesystem::path& file)>;

// Counts in this process: only for tests of the importer itself.
int countPagesInThisProcess(const std::filesystem::path& file);

// Imports one file, its pages counted by `countPages`. Never throws for a bad file: the
// outcome carries the error. JournalError (the session cannot be written) does propagate.
ImportOutcome importFile(journal::Session& session, const std::filesystem::path& file,
                         const PageCounter& countPages);

// Imports files one after another, reporting each outcome as soon as it is stored.
// Stops between files when `stop` is requested.
void importFiles(journal::Session& session, const std::vector<std::filesystem::path>& files,
                 const PageCounter& countPages, std::stop_token stop,
                 const std::function<void(const ImportOutcome&, size_t done, size_t total)>& onEach);

} // namespace docdesk::capture
