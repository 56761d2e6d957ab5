#define BOOST_TEST_MODULE outbox_take
// Outbox::takeOnce, the step that moves a filed document from staging into the outbox: done
// again after a kill at any point, it neither loses nor doubles the document.
#include "core/common/Sha256.h"
#include "core/gateway/Outbox.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
using namespace docdesk::gateway;
namespace fs = std::filesystem;

namespace {

NewOutboxItem itemNamed(const std::string& name) {
    NewOutboxItem item;
    item.profile = "gw";
    item.fileName = name;
    item.title = name;
    return item;
}

} // namespace

BOOST_AUTO_TEST_CASE(taking_the_same_document_again_finds_its_item_or_its_delivery) {
    test::TempDir home;
    const fs::path staging = home / "staging";
    fs::create_directories(staging);
    test::writeFile(staging / "a.pdf", "document a");
    Outbox outbox(home / "data");

    const auto first = outbox.takeOnce(staging / "a.pdf", itemNamed("a.pdf"), "s-1-0.pdf");
    BOOST_TEST(int(first.outcome) == int(TakeOutcome::Queued));
    BOOST_REQUIRE(first.item);
    BOOST_TEST(!fs::exists(staging / "a.pdf"));
    BOOST_TEST(first.item->file == outbox.folder() / "s-1-0.pdf");
    BOOST_TEST(first.item->sha256 == sha256HexOfFile(first.item->file));

    const auto again = outbox.takeOnce(staging / "a.pdf", itemNamed("a.pdf"), "s-1-0.pdf");
    BOOST_TEST(int(again.outcome) == int(TakeOutcome::AlreadyQueued));
    BOOST_TEST(again.item->id == first.item->id);
    BOOST_TEST(outbox.items().size() == 1u);

    Delivery delivered;
    delivered.location = "http://127.0.0.1/dav/a.pdf";
    delivered.bytes = first.item->bytes;
    outbox.recordDelivery(first.item->id, delivered);
    test::writeFile(staging / "a.pdf", "document a"); // even if its bytes turned up again
    const auto afterDelivery = outbox.takeOnce(staging / "a.pdf", itemNamed("a.pdf"), "s-1-0.pdf");
    BOOST_TEST(int(afterDelivery.outcome) == int(TakeOutcome::AlreadyDelivered));
    BOOST_TEST(outbox.items().empty());
}

BOOST_AUTO_TEST_CASE(a_file_moved_before_a_kill_but_not_recorded_is_queued_as_it_is) {
    test::TempDir home;
    Outbox outbox(home / "data");
    test::writeFile(outbox.folder() / "s-2-0.pdf", "document b"); // moved, then killed
    test::writeFile(outbox.folder() / "s-2-0.pdf.part", "docu");  // and a copy that was cut off
    const auto taken = outbox.takeOnce(home / "staging" / "b.pdf", itemNamed("b.pdf"), "s-2-0.pdf");
    BOOST_TEST(int(taken.outcome) == int(TakeOutcome::Queued));
    BOOST_REQUIRE(taken.item);
    BOOST_TEST(taken.item->bytes == 10u);
    BOOST_TEST(!fs::exists(outbox.folder() / "s-2-0.pdf.part"));

    const auto nothing = outbox.takeOnce(home / "staging" / "c.pdf", itemNamed("c.pdf"), "s-3-0.pdf");
    BOOST_TEST(int(nothing.outcome) == int(TakeOutcome::Missing));
    BOOST_TEST(outbox.items().size() == 1u);
}
