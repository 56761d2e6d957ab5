#define BOOST_TEST_MODULE camera
// Auto-capture from a camera: the steadiness rule on its own, then the whole capture on a
// generated video (OpenCV reads files and cameras through the same interface): a desk, a page
// slid in and held still, taken away, a second page laid down and held. Exactly two pages
// must be stored, each with its document corners as the crop.
#include "capture/PageSources.h"
#include "capture/camera/DocumentSteadiness.h"
#include "core/common/Error.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace docdesk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

Quad quadAt(double x, double y, double w = 300, double h = 420) {
    return {PointF{x, y}, PointF{x + w, y}, PointF{x + w, y + h}, PointF{x, y + h}};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_page_is_taken_once_when_held_still) {
    capture::DocumentSteadiness s;
    const double diagonal = 1000;
    auto t = capture::DocumentSteadiness::Clock::time_point{};
    int captures = 0;
    // Sliding in: never still.
    for (int i = 0; i < 10; ++i, t += 100ms)
        captures += s.update(t, quadAt(100 + 30 * i, 100), diagonal);
    BOOST_TEST(captures == 0);
    // Held still (with a pixel of jitter) for two seconds: one capture.
    for (int i = 0; i < 20; ++i, t += 100ms)
        captures += s.update(t, quadAt(400 + (i % 2), 100), diagonal);
    BOOST_TEST(captures == 1);
    // A hand passing over it for two frames: not a new page.
    captures += s.update(t += 100ms, std::nullopt, diagonal);
    captures += s.update(t += 100ms, std::nullopt, diagonal);
    for (int i = 0; i < 15; ++i, t += 100ms)
        captures += s.update(t, quadAt(400, 100), diagonal);
    BOOST_TEST(captures == 1);
    // Taken away, the next page laid at the same place: captured again.
    for (int i = 0; i < 5; ++i, t += 100ms)
        captures += s.update(t, std::nullopt, diagonal);
    for (int i = 0; i < 15; ++i, t += 100ms)
        captures += s.update(t, quadAt(402, 101), diagonal);
    BOOST_TEST(captures == 2);
    // Pushed to another place without lifting it: a new capture there.
    for (int i = 0; i < 15; ++i, t += 100ms)
        captures += s.update(t, quadAt(100, 300), diagonal);
    BOOST_TEST(captures == 3);
    // "Take it again".
    s.forgetLastCapture();
    for (int i = 0; i < 15; ++i, t += 100ms)
        captures += s.update(t, quadAt(100, 300), diagonal);
    BOOST_TEST(captures == 4);
}

BOOST_AUTO_TEST_CASE(two_pages_under_a_document_camera_give_two_cropped_pages) {
    test::TempDir dir;
    const fs::path video = dir / "desk.avi";
    const auto truths = test::writeDeskVideo(video);
    fs::copy_file(video, test::artifactsDir() / "camera-desk.avi", fs::copy_options::overwrite_existing);
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    // As the window and `docdesk-cli camera` run it: the factory's source, into the session's sink.
    capture::AcquireSettings settings;
    settings.device = video.string();
    std::vector<PageRecord> pages;
    capture::JournalPageSink sink(
        *session, {[&](const capture::AcquiredPage&, const PageRecord& p) { pages.push_back(p); }, {}, {}});
    const int captured =
        capture::makePageSource(capture::SourceKind::Camera)->acquire(settings, {}, sink).pages;
    BOOST_TEST(captured == 2);
    BOOST_TEST(pages.size() == 2u);
    BOOST_REQUIRE(session->pages().size() == 2u);
    BOOST_REQUIRE(truths.size() == 2u);
    for (size_t i = 0; i < 2; ++i) {
        const auto page = session->pages()[i];
        BOOST_TEST(page.mediaType == "image/jpeg");
        const auto crop = nlohmann::json::parse(page.transformsJson)["crop"];
        BOOST_REQUIRE(crop.size() == 4u);
        for (size_t k = 0; k < 4; ++k) {
            const double dx = crop[k][0].get<double>() - truths[i][k].x,
                         dy = crop[k][1].get<double>() - truths[i][k].y;
            BOOST_TEST(std::hypot(dx, dy) < 12.0,
                       "page " << i << " corner " << k << " off by " << std::hypot(dx, dy));
        }
        const cv::Mat stored = cv::imread(page.originalFile.string());
        BOOST_TEST(stored.cols == 1280);
    }
    BOOST_TEST(session->verify().empty());
}

BOOST_AUTO_TEST_CASE(a_camera_that_cannot_be_opened_is_a_clear_error) {
    test::TempDir dir;
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    capture::AcquireSettings settings;
    settings.device = (dir / "no-such-video.avi").string();
    capture::JournalPageSink sink(*session);
    BOOST_CHECK_THROW(capture::makePageSource(capture::SourceKind::Camera)->acquire(settings, {}, sink),
                      Error);
}
