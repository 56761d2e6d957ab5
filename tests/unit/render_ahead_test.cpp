#define BOOST_TEST_MODULE render_ahead
// app::RenderAhead: the pages of a filing rendered ahead on several threads and handed out in
// the order the filing asks for them; pages the filing skips, pages it was not told about and
// pages whose rendering fails all come out as if rendered on the spot.
#include "app/common/PrerenderedPages.h"
#include "app/common/RenderAhead.h"
#include "core/common/Error.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace docdesk;
using app::PageToRender;
using app::RenderAhead;
using Rendered = std::variant<output::EncodedPage, output::PageRaster>;

namespace {

PageToRender page(int index) {
    PageToRender p;
    p.source.file = "/pages/scan.tif";
    p.source.kind = imaging::MediaKind::Tiff;
    p.source.pageIndex = index;
    return p;
}

// A renderer that answers a page with its index as width, counts its calls per page, and fails
// on page 13.
struct CountingRenderer {
    std::mutex lock;
    std::multiset<int> calls;
    std::atomic<int> total{0};

    pipeline::PageRenderFunction function() {
        return [this](const output::PageSource& source, const output::RenderOptions&, bool) -> Rendered {
            {
                const std::lock_guard guard(lock);
                calls.insert(source.pageIndex);
            }
            ++total;
            if (source.pageIndex == 13)
                throw UnreadableFileError("page 13 is damaged");
            output::EncodedPage out;
            out.width = source.pageIndex;
            return out;
        };
    }
    size_t callsOf(int index) {
        const std::lock_guard guard(lock);
        return calls.count(index);
    }
};

int widthOf(const Rendered& r) {
    return std::get<output::EncodedPage>(r).width;
}

std::vector<PageToRender> pages(int count) {
    std::vector<PageToRender> out;
    for (int i = 0; i < count; ++i)
        out.push_back(page(i));
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(pages_come_in_order_each_rendered_once) {
    CountingRenderer counting;
    RenderAhead ahead(counting.function(), pages(40), 3, 4, {});
    const auto render = ahead.renderer();
    for (int i = 0; i < 40; ++i) {
        const auto p = page(i);
        if (i == 13)
            BOOST_CHECK_THROW(render(p.source, p.options, false), UnreadableFileError);
        else
            BOOST_TEST(widthOf(render(p.source, p.options, false)) == i);
    }
    for (int i = 0; i < 40; ++i)
        BOOST_TEST(counting.callsOf(i) == 1u, "page " << i);
}

BOOST_AUTO_TEST_CASE(renders_ahead_but_only_within_the_window) {
    CountingRenderer counting;
    RenderAhead ahead(counting.function(), pages(30), 2, 5, {});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (counting.total < 5 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // time to go too far, if it did
    BOOST_TEST(counting.total == 5);                             // pages 0..4 before anything was asked for
}

BOOST_AUTO_TEST_CASE(skipped_unknown_and_failing_pages) {
    CountingRenderer counting;
    RenderAhead ahead(counting.function(), pages(20), 2, 3, {});
    const auto render = ahead.renderer();
    for (int i : {0, 1, 7, 8, 12}) { // 2..6 and 9..11 skipped (a document that failed)
        const auto p = page(i);
        BOOST_TEST(widthOf(render(p.source, p.options, false)) == i);
    }
    const auto damaged = page(13);
    BOOST_CHECK_THROW(render(damaged.source, damaged.options, false), UnreadableFileError);
    auto other = page(5); // behind the filing now: rendered on the spot
    BOOST_TEST(widthOf(render(other.source, other.options, false)) == 5);
    other.source.transforms.rotation = 90; // not among the pages at all
    BOOST_TEST(widthOf(render(other.source, other.options, false)) == 5);
    BOOST_TEST(widthOf(render(other.source, other.options, true)) == 5);
    for (int i = 14; i < 20; ++i) {
        const auto p = page(i);
        BOOST_TEST(widthOf(render(p.source, p.options, false)) == i);
        BOOST_TEST(counting.callsOf(i) == 1u, "page " << i);
    }
}

BOOST_AUTO_TEST_CASE(several_callers_at_once) {
    CountingRenderer counting;
    RenderAhead ahead(counting.function(), pages(60), 2, 6, {});
    const auto render = ahead.renderer();
    std::atomic<int> wrong{0};
    std::atomic<int> next{0};
    std::vector<std::jthread> callers;
    for (int t = 0; t < 3; ++t)
        callers.emplace_back([&] {
            for (int i = next++; i < 60; i = next++) {
                if (i == 13)
                    continue;
                const auto p = page(i);
                if (widthOf(render(p.source, p.options, false)) != i)
                    ++wrong;
            }
        });
    callers.clear();
    BOOST_TEST(wrong == 0);
}

BOOST_AUTO_TEST_CASE(ends_while_pages_are_ahead) {
    CountingRenderer counting;
    {
        RenderAhead ahead(counting.function(), pages(100), 2, 8, {});
        const auto p = page(0);
        BOOST_TEST(widthOf(ahead.renderer()(p.source, p.options, false)) == 0);
    } // nothing asked for any more: the threads stop and are joined
    BOOST_TEST(counting.total <= 10);
}

// branch pipe (issue 16): pages rendered right after their analysis wait in PrerenderedPages;
// one is handed out once, and only for exactly the edits and options it was rendered with.
BOOST_AUTO_TEST_CASE(prerendered_pages_are_taken_once_for_exactly_their_render_within_a_budget) {
    const auto encoded = [](size_t bytes, std::byte fill) {
        output::EncodedPage p;
        p.width = p.height = 10;
        p.bytes.assign(bytes, fill);
        return p;
    };
    const output::PageSource bw{"a.jpg", imaging::MediaKind::Jpeg, 0,
                                PageTransforms::parse(R"({"mode":"bw"})")};
    output::PageSource turned = bw;
    turned.transforms = PageTransforms::parse(R"({"mode":"bw","deskew":1.5})");
    output::PageSource secondPage = bw;
    secondPage.pageIndex = 1;
    const output::RenderOptions options;
    output::RenderOptions finer;
    finer.jpegQuality = 95;

    app::PrerenderedPages pages(100);
    BOOST_TEST(pages.keep(bw, options, encoded(40, std::byte{1})));
    BOOST_TEST(!pages.keep(bw, options, encoded(10, std::byte{9}))); // kept already
    BOOST_TEST(pages.keep(turned, options, encoded(40, std::byte{2})));
    BOOST_TEST(!pages.keep(secondPage, options, encoded(40, std::byte{3}))); // beyond the budget
    BOOST_TEST(pages.bytes() == 80u);
    BOOST_TEST(!pages.take(secondPage, options).has_value());
    BOOST_TEST(!pages.take(bw, finer).has_value());
    const auto taken = pages.take(turned, options);
    BOOST_REQUIRE(taken.has_value());
    BOOST_TEST((taken->bytes == encoded(40, std::byte{2}).bytes));
    BOOST_TEST(!pages.take(turned, options).has_value()); // handed out once
    BOOST_TEST(pages.size() == 1u);
    BOOST_TEST(pages.bytes() == 40u);
    BOOST_TEST(pages.keep(secondPage, options, encoded(40, std::byte{3}))); // room again
    BOOST_TEST((pages.take(bw, options)->bytes == encoded(40, std::byte{1}).bytes));
}
