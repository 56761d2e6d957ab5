#define BOOST_TEST_MODULE proposed_edits
// What analysis proposes for a page (core/pipeline/ProposedEdits): which pages are cut, split
// and deskewed, and that the user's edits win.
#include "core/pipeline/ProposedEdits.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
using namespace docdesk::pipeline;
using nlohmann::json;

namespace {

json box(double x0, double y0, double x1, double y1) {
    return {{"corners", {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}}, {"score", 0.9}};
}

// A 1000 x 1000 page with these documents found and this skew.
json analysis(std::vector<json> documents, double skew = 0) {
    return {{"width", 1000}, {"height", 1000}, {"documents", documents}, {"skew_degrees", skew}};
}

PageRecord fromSource(std::string source, std::string mediaType = "image/png") {
    PageRecord p;
    p.source = std::move(source);
    p.mediaType = std::move(mediaType);
    return p;
}

} // namespace

BOOST_AUTO_TEST_CASE(capture_kind_follows_the_source) {
    BOOST_TEST((captureKindOf(fromSource("camera:/dev/video0", "image/jpeg")) == CaptureKind::Photo));
    BOOST_TEST((captureKindOf(fromSource("/home/u/IMG_2041.jpg", "image/jpeg")) == CaptureKind::Photo));
    BOOST_TEST((captureKindOf(fromSource("/home/u/scan.pdf", "application/pdf")) == CaptureKind::PdfPage));
    BOOST_TEST((captureKindOf(fromSource("sane:test:0 (Flatbed)")) == CaptureKind::FlatbedScan));
    BOOST_TEST((captureKindOf(fromSource("sane:epson2:libusb:001:004")) == CaptureKind::FlatbedScan));
    BOOST_TEST(
        (captureKindOf(fromSource("sane:test:0 (Automatic Document Feeder)")) == CaptureKind::FeederScan));
    BOOST_TEST((captureKindOf(fromSource("sane:fujitsu:fi-7160 (ADF Duplex)")) == CaptureKind::FeederScan));
}

BOOST_AUTO_TEST_CASE(one_document_is_cut_out_and_several_become_one_page_each) {
    const rules::PageEditRules defaults;
    const auto one = proposeEdits({}, analysis({box(100, 100, 400, 900)}), CaptureKind::Photo, defaults);
    BOOST_REQUIRE(one.size() == 1u);
    BOOST_REQUIRE(one[0].crop.has_value());
    BOOST_TEST((*one[0].crop)[2].x == 400);
    const auto three =
        proposeEdits({}, analysis({box(50, 50, 300, 900), box(350, 50, 600, 800), box(650, 50, 950, 700)}),
                     CaptureKind::FlatbedScan, defaults);
    BOOST_REQUIRE(three.size() == 3u);
    BOOST_TEST((*three[1].crop)[0].x == 350);
    // Without splitting, cutting out one would lose the others: the page stays whole.
    rules::PageEditRules noSplit;
    noSplit.splitReceipts = false;
    const auto whole = proposeEdits({}, analysis({box(50, 50, 300, 900), box(350, 50, 600, 800)}),
                                    CaptureKind::Photo, noSplit);
    BOOST_REQUIRE(whole.size() == 1u);
    BOOST_TEST(!whole[0].crop.has_value());
}

BOOST_AUTO_TEST_CASE(full_pages_feeder_pages_small_finds_and_crop_off_are_not_cut) {
    const rules::PageEditRules defaults;
    const auto cropOf = [&](const json& a, CaptureKind kind, const rules::PageEditRules& r) {
        const auto t = proposeEdits({}, a, kind, r);
        return t.size() == 1 && t[0].crop.has_value();
    };
    BOOST_TEST(
        !cropOf(analysis({box(10, 10, 990, 990), box(100, 100, 400, 400)}), CaptureKind::Photo, defaults));
    BOOST_TEST(!cropOf(analysis({box(100, 100, 400, 900)}), CaptureKind::FeederScan, defaults));
    BOOST_TEST(!cropOf(analysis({box(100, 100, 400, 900)}), CaptureKind::PdfPage, defaults));
    BOOST_TEST(!cropOf(analysis({box(100, 100, 150, 150)}), CaptureKind::Photo, defaults)); // a barcode
    rules::PageEditRules off;
    off.crop = rules::AutoCrop::Off;
    BOOST_TEST(!cropOf(analysis({box(100, 100, 400, 900)}), CaptureKind::Photo, off));
    // A text block inside the document taken is not a second document.
    BOOST_TEST(proposeEdits({}, analysis({box(100, 100, 500, 900), box(150, 200, 450, 400)}),
                            CaptureKind::Photo, defaults)
                   .size() == 1u);
    // A failed analysis proposes nothing.
    BOOST_TEST(proposeEdits({}, json{{"error", "analysis failed"}}, CaptureKind::Photo, defaults)
                   .front()
                   .isIdentity());
}

BOOST_AUTO_TEST_CASE(pages_not_cut_are_deskewed_and_the_users_edits_win) {
    const rules::PageEditRules defaults;
    BOOST_TEST(proposeEdits({}, analysis({}, 1.4), CaptureKind::FeederScan, defaults).front().deskewDegrees ==
               1.4);
    BOOST_TEST(proposeEdits({}, analysis({}, 0.1), CaptureKind::FeederScan, defaults).front().isIdentity());
    rules::PageEditRules noDeskew;
    noDeskew.deskew = false;
    BOOST_TEST(proposeEdits({}, analysis({}, 1.4), CaptureKind::FlatbedScan, noDeskew).front().isIdentity());
    // A page the user cropped gets nothing; a rotation is kept on every piece.
    PageTransforms cropped;
    cropped.crop = Quad{{{0, 0}, {10, 0}, {10, 10}, {0, 10}}};
    const auto kept =
        proposeEdits(cropped, analysis({box(100, 100, 400, 900)}, 2), CaptureKind::Photo, defaults);
    BOOST_REQUIRE(kept.size() == 1u);
    BOOST_TEST((kept[0] == cropped));
    PageTransforms turned;
    turned.rotation = 90;
    for (const auto& t : proposeEdits(turned, analysis({box(50, 50, 300, 900), box(350, 50, 600, 800)}),
                                      CaptureKind::Photo, defaults))
        BOOST_TEST(t.rotation == 90);
}

BOOST_AUTO_TEST_CASE(the_rules_page_mode_goes_to_pages_left_as_captured) {
    rules::PageEditRules grey;
    grey.mode = PageMode::Gray;
    // Every piece of a split page gets it, and a page analysis could not read too.
    const auto pieces = proposeEdits({}, analysis({box(50, 50, 300, 900), box(350, 50, 600, 800)}),
                                     CaptureKind::FlatbedScan, grey);
    BOOST_REQUIRE(pieces.size() == 2u);
    for (const auto& t : pieces)
        BOOST_TEST((t.mode == PageMode::Gray));
    BOOST_TEST(
        (proposeEdits({}, json::object(), CaptureKind::FeederScan, grey).at(0).mode == PageMode::Gray));
    // A mode the user chose wins.
    PageTransforms chosen;
    chosen.mode = PageMode::BlackWhite;
    BOOST_TEST(
        (proposeEdits(chosen, analysis({}), CaptureKind::Photo, grey).at(0).mode == PageMode::BlackWhite));
    // Shadow removal is for photos: a scanner lights the page evenly.
    rules::PageEditRules shadow;
    shadow.mode = PageMode::ShadowRemoval;
    BOOST_TEST(
        (proposeEdits({}, analysis({}), CaptureKind::Photo, shadow).at(0).mode == PageMode::ShadowRemoval));
    BOOST_TEST(
        (proposeEdits({}, analysis({}), CaptureKind::FlatbedScan, shadow).at(0).mode == PageMode::Original));
    BOOST_TEST(
        (proposeEdits({}, analysis({}), CaptureKind::PdfPage, shadow).at(0).mode == PageMode::Original));
}
