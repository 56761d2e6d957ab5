#define BOOST_TEST_MODULE camera
// Auto-capture from a camera: the steadiness rule on its own, then the whole capture on a
// generated video (OpenCV reads files and cameras through the same interface): a desk, a page
// slid in and held still, taken away, a second page laid down and held. Exactly two pages
// must be stored, each with its document corners as the crop.
#include "capture/camera/CameraCapture.h"
#include "capture/camera/DocumentSteadiness.h"
#include "core/common/Error.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <random>

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

namespace {

constexpr int kW = 1280, kH = 720;

cv::Mat desk(std::mt19937& rng) {
    cv::Mat bg(kH, kW, CV_8UC3, cv::Scalar(60, 70, 85));
    std::uniform_int_distribution<int> x(0, kW), y(0, kH), c(20, 140);
    for (int i = 0; i < 25; ++i) // clutter: pens, mugs, cables
        cv::rectangle(bg, cv::Rect(x(rng), y(rng), 20 + x(rng) % 90, 10 + y(rng) % 60),
                      cv::Scalar(c(rng), c(rng), c(rng)), cv::FILLED);
    return bg;
}

cv::Mat pageImage(int seed) {
    cv::Mat page(840, 600, CV_8UC3, cv::Scalar(238, 240, 242));
    for (int line = 0; line < 24; ++line)
        cv::putText(page, "Invoice " + std::to_string(seed) + " item " + std::to_string(line), {50, 90 + 30 * line},
                    cv::FONT_HERSHEY_SIMPLEX, 0.7, cv::Scalar(40, 40, 40), 2);
    return page;
}

// The page drawn onto the frame at `quad` (perspective).
void lay(cv::Mat& frame, const cv::Mat& page, const Quad& quad) {
    const std::vector<cv::Point2f> from{{0, 0}, {float(page.cols), 0}, {float(page.cols), float(page.rows)}, {0, float(page.rows)}};
    std::vector<cv::Point2f> to;
    for (const auto& p : quad)
        to.emplace_back(float(p.x), float(p.y));
    const cv::Mat h = cv::getPerspectiveTransform(from, to);
    cv::Mat warped, mask;
    cv::warpPerspective(page, warped, h, frame.size());
    cv::warpPerspective(cv::Mat(page.size(), CV_8UC1, cv::Scalar(255)), mask, h, frame.size());
    warped.copyTo(frame, mask);
}

Quad perspectiveQuad(double cx, double cy) {
    return {PointF{cx - 190, cy - 270}, PointF{cx + 200, cy - 260}, PointF{cx + 215, cy + 275}, PointF{cx - 205, cy + 265}};
}

} // namespace

BOOST_AUTO_TEST_CASE(two_pages_under_a_document_camera_give_two_cropped_pages) {
    test::TempDir dir;
    std::mt19937 rng(5);
    const cv::Mat background = desk(rng);
    const cv::Mat first = pageImage(1), second = pageImage(2);
    const fs::path video = dir / "desk.avi";
    cv::VideoWriter writer(video.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(kW, kH));
    BOOST_REQUIRE(writer.isOpened());
    std::normal_distribution<double> noise(0, 2.0);
    const auto frameWith = [&](const cv::Mat* page, const Quad& where) {
        cv::Mat frame = background.clone();
        if (page)
            lay(frame, *page, where);
        cv::Mat n(frame.size(), CV_16SC3);
        cv::randn(n, 0, 3); // sensor noise
        frame.convertTo(frame, CV_16SC3);
        frame += n;
        frame.convertTo(frame, CV_8UC3);
        writer.write(frame);
    };
    const Quad firstRest = perspectiveQuad(640, 360), secondRest = perspectiveQuad(600, 370);
    for (int i = 0; i < 8; ++i) // empty desk
        frameWith(nullptr, {});
    for (int i = 0; i < 8; ++i) // sliding in from the left
        frameWith(&first, perspectiveQuad(200 + 55 * i, 360));
    for (int i = 0; i < 15; ++i) // held still 1.5 s
        frameWith(&first, firstRest);
    for (int i = 0; i < 6; ++i) // taken away
        frameWith(nullptr, {});
    for (int i = 0; i < 15; ++i) // the second page laid down and held
        frameWith(&second, secondRest);
    for (int i = 0; i < 4; ++i)
        frameWith(nullptr, {});
    writer.release();
    fs::copy_file(video, test::artifactsDir() / "camera-desk.avi", fs::copy_options::overwrite_existing);

    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    capture::CameraOptions options;
    options.device = video.string();
    std::vector<PageRecord> pages;
    const int captured = capture::captureDocuments(*session, options, {}, [&](const PageRecord& p, const auto&) {
        pages.push_back(p);
    });
    BOOST_TEST(captured == 2);
    BOOST_REQUIRE(session->pages().size() == 2u);
    const Quad truths[] = {firstRest, secondRest};
    for (size_t i = 0; i < 2; ++i) {
        const auto page = session->pages()[i];
        BOOST_TEST(page.mediaType == "image/jpeg");
        const auto crop = nlohmann::json::parse(page.transformsJson)["crop"];
        BOOST_REQUIRE(crop.size() == 4u);
        for (size_t k = 0; k < 4; ++k) {
            const double dx = crop[k][0].get<double>() - truths[i][k].x, dy = crop[k][1].get<double>() - truths[i][k].y;
            BOOST_TEST(std::hypot(dx, dy) < 12.0, "page " << i << " corner " << k << " off by " << std::hypot(dx, dy));
        }
        const cv::Mat stored = cv::imread(page.originalFile.string());
        BOOST_TEST(stored.cols == kW);
    }
    BOOST_TEST(session->verify().empty());
}

BOOST_AUTO_TEST_CASE(a_camera_that_cannot_be_opened_is_a_clear_error) {
    test::TempDir dir;
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    capture::CameraOptions options;
    options.device = (dir / "no-such-video.avi").string();
    BOOST_CHECK_THROW(capture::captureDocuments(*session, options, {}, [](const PageRecord&, const auto&) {}), Error);
}
