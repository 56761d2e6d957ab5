#include "app/common/PrerenderedPages.h"

namespace docdesk::app {

PrerenderedPages::PrerenderedPages(std::uint64_t budgetBytes) : budget_(budgetBytes) {}

bool PrerenderedPages::sameRender(const Entry& e, const output::PageSource& source,
                                  const output::RenderOptions& options) {
    return e.source.kind == source.kind && e.source.transforms == source.transforms && e.options == options;
}

bool PrerenderedPages::keep(const output::PageSource& source, const output::RenderOptions& options,
                            output::EncodedPage page) {
    const std::lock_guard lock(mutex_);
    const std::uint64_t size = page.bytes.size();
    if (size == 0 || bytes_ + size > budget_)
        return false;
    const Key key{source.file.string(), source.pageIndex};
    const auto [first, last] = pages_.equal_range(key);
    for (auto it = first; it != last; ++it)
        if (sameRender(it->second, source, options))
            return false;
    pages_.emplace(key, Entry{source, options, std::move(page)});
    bytes_ += size;
    return true;
}

std::optional<output::EncodedPage> PrerenderedPages::take(const output::PageSource& source,
                                                          const output::RenderOptions& options) {
    const std::lock_guard lock(mutex_);
    const auto [first, last] = pages_.equal_range(Key{source.file.string(), source.pageIndex});
    for (auto it = first; it != last; ++it) {
        if (!sameRender(it->second, source, options))
            continue;
        output::EncodedPage page = std::move(it->second.page);
        bytes_ -= page.bytes.size();
        pages_.erase(it);
        return page;
    }
    return std::nullopt;
}

size_t PrerenderedPages::size() const {
    const std::lock_guard lock(mutex_);
    return pages_.size();
}

std::uint64_t PrerenderedPages::bytes() const {
    const std::lock_guard lock(mutex_);
    return bytes_;
}

} // namespace docdesk::app
