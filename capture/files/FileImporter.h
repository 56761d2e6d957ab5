#pragma once
// Brings files into a session: each file's exact bytes become one stored original and its
// pages (one per image, one per PDF or TIFF page). Files that are not images or PDFs (Office
// documents, e-mails, archives, text) become one pass-through entry each, kept byte for byte. Folders are
// walked recursively in name order. Each file goes to a PageSink as one original (the files
// source, capture/files/FileSource.h, and the hot folder deliver through it).
#include "core/journal/Session.h"

#include <filesystem>
#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::capture {

class PageSink;

struct ImportOutcome {
    std::filesystem::path file;
    std::vector<PageRecord> pages; // empty when the file failed
    std::string error;             // translated message when the file failed
    bool ok() const { return error.empty(); }
};

// Expands folders into the files below them (sorted, hidden files skipped).
std::vector<std::filesystem::path> expandInputs(const std::vector<std::filesystem::path>& inputs);

// Counts the pages of an image or PDF file (the probe that decides how many pages it adds),
// given its path and the bytes the importer read from it. The application counts in a worker
// process (app::countPagesInWorker): the parsers of TIFF and PDF see untrusted bytes (a plain
// JPEG, one page by its markers, is counted from `bytes` by docdesk's own header parser in the
// application). Throws UnreadableFileError with the reason.
using PageCounter = std::function<int(const std::filesystem::path& file, std::span<const std::byte> bytes)>;

// Counts `bytes` in this process: only for tests of the importer itself.
int countPagesInThisProcess(const std::filesystem::path& file, std::span<const std::byte> bytes);

// Imports one file into `sink`, its pages counted by `countPages`. Never throws for a bad file:
// the outcome carries the error. What the sink throws (JournalError: the session cannot be
// written) does propagate.
ImportOutcome importFile(PageSink& sink, const std::filesystem::path& file, const PageCounter& countPages);

// The pages `sink` holds already for a file with the same bytes; empty when none, or when the
// file cannot be read (importing it says why).
std::vector<PageRecord> pagesHeldFor(const PageSink& sink, const std::filesystem::path& file);

// The files source's part of a request (AcquireSettings::files).
struct FileSettings {
    PageCounter countPages; // required
    // A file whose exact bytes the sink holds already (an earlier run that was interrupted) is
    // not stored again: its earlier pages stand for it, so what was filed of it is recognised.
    bool reuseStored = false;
    // Each file's outcome as soon as it is stored (or failed), with how far the import is.
    std::function<void(const ImportOutcome&, size_t done, size_t total)> onFile;
};

} // namespace docdesk::capture
