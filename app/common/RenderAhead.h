#pragma once
// Renders the pages of a whole filing ahead, several at a time, in the order they will be asked
// for. pipeline::fileDocuments renders the pages of one document in parallel, but a batch of
// single-page documents (every file of `docdesk-cli file` is one) was rendered one page after
// the other: black-and-white and re-encoded pages, each a decode and an encode in a worker,
// kept one core busy while the other waited (issue 16).
#include "core/pipeline/Filing.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <variant>
#include <vector>

namespace docdesk::app {

// One page as fileDocuments will ask the renderer for it.
struct PageToRender {
    output::PageSource source;
    output::RenderOptions options;
    bool raster = false;
};

class RenderAhead {
  public:
    // Starts `threads` threads that render `pages` in order with `render`, at most `window`
    // pages ahead of the last one asked for (memory stays bounded however long the batch is).
    RenderAhead(pipeline::PageRenderFunction render, std::vector<PageToRender> pages, unsigned threads,
                size_t window, std::stop_token stop);
    RenderAhead(const RenderAhead&) = delete;
    RenderAhead& operator=(const RenderAhead&) = delete;
    ~RenderAhead(); // stops rendering ahead and waits for the pages being rendered

    // The renderer to give fileDocuments: a page among those still ahead comes from there (the
    // pages before it, skipped by the filing, are dropped); any other page is rendered on the
    // caller's thread. Valid while this object lives.
    pipeline::PageRenderFunction renderer();

  private:
    using Rendered = std::variant<output::EncodedPage, output::PageRaster>;
    struct Slot {
        PageToRender page;
        std::optional<Rendered> result;
        std::exception_ptr error;
        bool claimed = false; // taken by a caller, or dropped
        bool started = false;
        bool done = false;
    };

    void work(std::stop_token stop);
    Rendered take(const output::PageSource& source, const output::RenderOptions& options, bool raster);
    void dropFarBehind(size_t taken);

    pipeline::PageRenderFunction render_;
    std::vector<Slot> slots_;
    size_t window_;
    std::mutex mutex_;
    std::condition_variable_any changed_;
    size_t next_ = 0;   // the next slot a thread renders
    size_t cursor_ = 0; // slots before this were taken or skipped
    std::vector<std::jthread> threads_;
};

// The pages of `documents` (pages by id in `pages`) as fileDocuments asks for them with `options`;
// a page whose edits cannot be read is left out (fileDocuments reports it).
std::vector<PageToRender> pagesToRender(std::span<const PageRecord> pages,
                                        std::span<const pipeline::DocumentToFile> documents,
                                        const pipeline::FilingOptions& options);

} // namespace docdesk::app
