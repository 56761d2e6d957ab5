#pragma once
// Pages rendered for the filing before it asks for them (issue 16): `docdesk-cli file` has
// each page encoded by the worker that has just analysed it, from the pixels it decoded for the
// analysis, instead of the filing decoding every black-and-white or re-encoded page a second
// time. The results wait here until the filing's renderer takes them; a page is found only
// for exactly the edits and options it was rendered with, so whatever changed meanwhile is
// rendered afresh. Memory is bounded: beyond the budget a page is not kept (it is then
// rendered at filing time, as without this).
#include "core/export/PageRenderer.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace docdesk::app {

class PrerenderedPages {
  public:
    explicit PrerenderedPages(std::uint64_t budgetBytes = std::uint64_t(256) << 20);
    PrerenderedPages(const PrerenderedPages&) = delete;
    PrerenderedPages& operator=(const PrerenderedPages&) = delete;

    // Any thread. Keeps `page` as the render of `source` with `options`; false when it does
    // not fit into the budget (or the same render is kept already).
    bool keep(const output::PageSource& source, const output::RenderOptions& options,
              output::EncodedPage page);
    // Any thread. The page kept for exactly `source` and `options`, handed over (it is kept no
    // longer); empty when there is none.
    std::optional<output::EncodedPage> take(const output::PageSource& source,
                                            const output::RenderOptions& options);
    // Pages kept now and the bytes they hold.
    size_t size() const;
    std::uint64_t bytes() const;

  private:
    struct Entry {
        output::PageSource source;
        output::RenderOptions options;
        output::EncodedPage page;
    };
    using Key = std::pair<std::string, int>; // file, page index
    static bool sameRender(const Entry& e, const output::PageSource& source,
                           const output::RenderOptions& options);

    const std::uint64_t budget_;
    mutable std::mutex mutex_;
    std::multimap<Key, Entry> pages_;
    std::uint64_t bytes_ = 0;
};

} // namespace docdesk::app
