#include "tests/support/TestSupport.h"

#include "core/imaging/PdfPlugin.h"
#include "platform/ChildProcess.h"
#include "platform/SharedLibrary.h"

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace docdesk::test {
namespace fs = std::filesystem;

namespace {
// Every test program reads and writes PDFs through the plugin docdesk-pdf.so built beside the
// programs, as they do (app::usePdfPlugin; core/imaging/PdfPlugin.h).
fs::path& pdfPluginFile() {
    static fs::path file = fs::path(DOCDESK_TEST_PLUGIN_DIR) / "docdesk-pdf.so";
    return file;
}
const imaging::pdf::PdfPluginApi* loadBuiltPdfPlugin(std::string& error) {
    return platform::loadPluginApi<imaging::pdf::PdfPluginApi>({pdfPluginFile()}, "docdesk_pdf_plugin",
                                                               error);
}
[[maybe_unused]] const bool pdfPluginWired = (imaging::pdf::setPdfPluginLoader(loadBuiltPdfPlugin), true);
} // namespace

PdfPluginFrom::PdfPluginFrom(const fs::path& file) : before_(pdfPluginFile()) {
    pdfPluginFile() = file;
    imaging::pdf::setPdfPluginLoader(loadBuiltPdfPlugin); // loads again, from `file`
}

PdfPluginFrom::~PdfPluginFrom() {
    pdfPluginFile() = before_;
    imaging::pdf::setPdfPluginLoader(loadBuiltPdfPlugin);
}

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "docdesk-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    if (std::getenv("DOCDESK_KEEP_TEST_FILES"))
        return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::vector<std::byte> readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + file.string());
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(data.size());
    if (!data.empty()) // memcpy from an empty vector's null data() is undefined
        std::memcpy(out.data(), data.data(), data.size());
    return out;
}

void writeFile(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + file.string());
}

void writeTestImage(const fs::path& file, int width, int height, unsigned char b, unsigned char g,
                    unsigned char r, bool noise, unsigned seed) {
    cv::Mat img(height, width, CV_8UC3, cv::Scalar(b, g, r));
    cv::rectangle(img, cv::Rect(width / 8, height / 8, width / 4, height / 4),
                  cv::Scalar(255 - b, 255 - g, 255 - r), cv::FILLED);
    if (noise) {
        std::mt19937 rng(seed);
        for (int y = height / 2; y < height; ++y)
            for (int x = 0; x < width; ++x)
                img.at<cv::Vec3b>(y, x) =
                    cv::Vec3b(static_cast<unsigned char>(rng()), static_cast<unsigned char>(rng()),
                              static_cast<unsigned char>(rng()));
    }
    if (!cv::imwrite(file.string(), img))
        throw std::runtime_error("cannot write " + file.string());
}

std::string minimalPdf(int pages) {
    std::ostringstream pdf;
    std::vector<size_t> offsets;
    pdf << "%PDF-1.4\n";
    auto object = [&](const std::string& body) {
        offsets.push_back(static_cast<size_t>(pdf.tellp()));
        pdf << offsets.size() << " 0 obj\n" << body << "\nendobj\n";
    };
    object("<< /Type /Catalog /Pages 2 0 R >>");
    std::string kids;
    for (int i = 0; i < pages; ++i)
        kids += std::to_string(3 + i) + " 0 R ";
    object("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>");
    for (int i = 0; i < pages; ++i)
        object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
    const size_t xref = static_cast<size_t>(pdf.tellp());
    pdf << "xref\n0 " << offsets.size() + 1 << "\n0000000000 65535 f \n";
    for (size_t off : offsets) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
        pdf << line;
    }
    pdf << "trailer\n<< /Size " << offsets.size() + 1 << " /Root 1 0 R >>\nstartxref\n"
        << xref << "\n%%EOF\n";
    return pdf.str();
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
        cv::putText(page, "Invoice " + std::to_string(seed) + " item " + std::to_string(line),
                    {50, 90 + 30 * line}, cv::FONT_HERSHEY_SIMPLEX, 0.7, cv::Scalar(40, 40, 40), 2);
    return page;
}

// The page drawn onto the frame at `quad` (perspective).
void lay(cv::Mat& frame, const cv::Mat& page, const Quad& quad) {
    const std::vector<cv::Point2f> from{
        {0, 0}, {float(page.cols), 0}, {float(page.cols), float(page.rows)}, {0, float(page.rows)}};
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
    return {PointF{cx - 190, cy - 270}, PointF{cx + 200, cy - 260}, PointF{cx + 215, cy + 275},
            PointF{cx - 205, cy + 265}};
}

// A receipt as printed: paper, a shop name, item lines with prices, a total.
cv::Mat receiptPaper(int width, int height, unsigned seed, cv::Scalar colour = cv::Scalar(242, 246, 248)) {
    std::mt19937 random(seed);
    cv::Mat paper(height, width, CV_8UC3, colour);
    const int margin = width / 12;
    cv::putText(paper, "SHOP " + std::to_string(seed), {margin, height / 14}, cv::FONT_HERSHEY_SIMPLEX,
                width / 300.0, cv::Scalar(30, 30, 30), 2);
    const int line = std::max(18, height / 40);
    for (int y = height / 8; y < height - 3 * line; y += line) {
        const int words = int(random() % 3) + 1;
        int x = margin;
        for (int w = 0; w < words; ++w) {
            const int length = int(random() % unsigned(width / 5)) + width / 12;
            cv::rectangle(paper, {x, y, length, line / 3}, cv::Scalar(50, 50, 50), cv::FILLED);
            x += length + width / 25;
        }
        cv::rectangle(paper, {width - margin - width / 7, y, width / 7, line / 3}, cv::Scalar(50, 50, 50),
                      cv::FILLED);
    }
    cv::putText(paper, "TOTAL 24.23", {margin, height - line}, cv::FONT_HERSHEY_SIMPLEX, width / 320.0,
                cv::Scalar(20, 20, 20), 2);
    return paper;
}

// `paper` laid onto `background` with its corners at `corners` (clockwise from top-left).
void layOnto(cv::Mat& background, const cv::Mat& paper, const std::vector<cv::Point2f>& corners) {
    const cv::Point2f src[4] = {{0, 0},
                                {float(paper.cols - 1), 0},
                                {float(paper.cols - 1), float(paper.rows - 1)},
                                {0, float(paper.rows - 1)}};
    const cv::Mat m = cv::getPerspectiveTransform(src, corners.data());
    cv::Mat warped, mask;
    // The paper's own edge pixels beyond it, not black: a black border blends into the sheet's
    // outermost pixels and draws a dark dashed outline no real paper has.
    cv::warpPerspective(paper, warped, m, background.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::warpPerspective(cv::Mat(paper.size(), CV_8UC1, cv::Scalar(255)), mask, m, background.size());
    warped.copyTo(background, mask);
}

// Corners of a `w` x `h` rectangle centred at (cx, cy), turned by `degrees`, the far edge
// narrowed by `keystone` (a phone held slightly tilted).
std::vector<cv::Point2f> placed(float cx, float cy, float w, float h, float degrees, float keystone = 0) {
    const float a = degrees * float(CV_PI) / 180;
    std::vector<cv::Point2f> out;
    const float top = w / 2 * (1 - keystone);
    for (const cv::Point2f p : {cv::Point2f(-top, -h / 2), cv::Point2f(top, -h / 2),
                                cv::Point2f(w / 2, h / 2), cv::Point2f(-w / 2, h / 2)})
        out.push_back(
            {cx + p.x * std::cos(a) - p.y * std::sin(a), cy + p.x * std::sin(a) + p.y * std::cos(a)});
    return out;
}

cv::Mat plainSurface(int width, int height, cv::Scalar low, cv::Scalar high) {
    cv::Mat d(height, width, CV_8UC3);
    cv::randu(d, low, high);
    cv::GaussianBlur(d, d, {5, 5}, 0);
    return d;
}
} // namespace

std::vector<Quad> writeDeskVideo(const fs::path& file) {
    std::mt19937 rng(5);
    const cv::Mat background = desk(rng);
    const cv::Mat first = pageImage(1), second = pageImage(2);
    cv::VideoWriter writer(file.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(kW, kH));
    if (!writer.isOpened())
        throw std::runtime_error("cannot write " + file.string());
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
    return {firstRest, secondRest};
}

fs::path cliPath() {
    return DOCDESK_TEST_CLI;
}

CliRun runCliAt(const fs::path& program, const fs::path& home, std::vector<std::string> args,
                const std::string& language) {
    args.insert(args.begin(), program.string());
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    opts.environment["LANG"] = "C.UTF-8";
    opts.environment["LANGUAGE"] = language;
    platform::ChildProcess p(args, opts);
    CliRun r;
    r.out = p.readAll();
    r.status = p.wait();
    return r;
}

namespace {

void linkOrCopy(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::create_hard_link(from, to, ec);
    if (ec)
        fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

} // namespace

void poisonFileAsNamed(const fs::path& file) {
    const std::string name = file.stem().string();
    std::ofstream out(file, std::ios::binary | std::ios::app);
    for (size_t at = name.find("fault-"); at != std::string::npos; at = name.find("fault-", at + 1)) {
        size_t end = at; // "fault-WHAT-OP" ends before its third dash
        for (int dashes = 0; end < name.size() && !(name[end] == '-' && ++dashes == 3);)
            ++end;
        out << "\n" << name.substr(at, end - at) << "\n";
    }
    if (!out.flush())
        throw std::runtime_error("cannot write " + file.string());
}

fs::path programWithFaultInjectingWorker(const fs::path& program, const fs::path& folder) {
    fs::create_directories(folder);
    const fs::path placed = folder / program.filename();
    linkOrCopy(program, placed);
    linkOrCopy(DOCDESK_TEST_FAULT_INJECTING_WORKER, folder / "docdesk-worker");
    return placed;
}

CliRun runCli(const fs::path& home, std::vector<std::string> args, const std::string& language) {
    return runCliAt(cliPath(), home, std::move(args), language);
}

std::vector<nlohmann::json> jsonLines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(nlohmann::json::parse(line));
    return out;
}

size_t sessionPageCount(const fs::path& home) {
    const auto j = nlohmann::json::parse(runCli(home, {"session", "show", "--json"}).out, nullptr, false);
    return j.is_object() ? j["pages"].size() : 0;
}
fs::path guiPath() {
    return DOCDESK_TEST_GUI;
}
fs::path artifactsDir() {
    fs::path dir = DOCDESK_TEST_ARTIFACTS;
    fs::create_directories(dir);
    return dir;
}

void writeBatchPage(const std::filesystem::path& file, int number, const std::string& code,
                    const std::string& format) {
    cv::Mat page(2339, 1654, CV_8UC1, cv::Scalar(245));
    for (int y = 500; y < 2100; y += 60)
        cv::putText(page, "Page " + std::to_string(number) + " of the batch, some words here", {150, y},
                    cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(30), 2);
    if (!code.empty()) {
        const auto zxFormat = ZXing::BarcodeFormatFromString(format);
        const bool linear = zxFormat != ZXing::BarcodeFormat::QRCode;
        const auto bits = ZXing::MultiFormatWriter(zxFormat).setMargin(10).encode(code, linear ? 700 : 260,
                                                                                  linear ? 200 : 260);
        cv::Mat symbol(bits.height(), bits.width(), CV_8UC1);
        for (int y = 0; y < bits.height(); ++y)
            for (int x = 0; x < bits.width(); ++x)
                symbol.at<uchar>(y, x) = bits.get(x, y) ? 0 : 255;
        symbol.copyTo(page(cv::Rect(cv::Point(page.cols - symbol.cols - 100, 120), symbol.size())));
    }
    cv::imwrite(file.string(), page, {cv::IMWRITE_JPEG_QUALITY, 80});
}

int pdfPageCount(const std::filesystem::path& pdf) {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"pdfinfo", pdf.string()}, opts);
    std::istringstream in(p.readAll());
    p.wait();
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("Pages:"))
            return std::stoi(line.substr(6));
    return -1;
}

std::vector<std::string> networkConnectsInTrace(const std::filesystem::path& straceLog, size_t& total) {
    std::ifstream in(straceLog);
    std::vector<std::string> network;
    total = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.find("connect(") == std::string::npos)
            continue;
        ++total;
        if (line.find("AF_INET") != std::string::npos) // also matches AF_INET6
            network.push_back(line);
    }
    return network;
}

void writeReceiptPhoto(const std::filesystem::path& file, unsigned char b, unsigned char g, unsigned char r) {
    cv::Mat photo = plainSurface(1600, 1200, cv::Scalar(40, 35, 30), cv::Scalar(80, 70, 60));
    layOnto(photo, receiptPaper(400, 1000, 7, cv::Scalar(b, g, r)), placed(800, 600, 400, 1000, 7, 0.02f));
    cv::imwrite(file.string(), photo, {cv::IMWRITE_JPEG_QUALITY, 88});
}

void writeThreeReceiptScan(const std::filesystem::path& file, bool whiteLid) {
    cv::Mat scan = whiteLid ? plainSurface(1240, 1754, cv::Scalar(244, 244, 244), cv::Scalar(252, 252, 252))
                            : plainSurface(1240, 1754, cv::Scalar(120, 120, 120), cv::Scalar(140, 140, 140));
    const std::vector<std::vector<cv::Point2f>> where = {
        placed(230, 600, 300, 750, -3), placed(640, 700, 330, 900, 2), placed(1020, 1100, 280, 620, 4)};
    for (unsigned k = 0; k < 3; ++k) {
        const cv::Size size = k == 0 ? cv::Size(300, 750) : k == 1 ? cv::Size(330, 900) : cv::Size(280, 620);
        layOnto(scan, receiptPaper(size.width, size.height, k + 1), where[k]);
        if (whiteLid) { // white paper on a white lid shows only by the lamp's thin shadow along its edges
            std::vector<cv::Point> outline;
            for (const auto& p : where[k])
                outline.emplace_back(int(std::lround(p.x)), int(std::lround(p.y)));
            cv::polylines(scan, outline, true, cv::Scalar(200, 200, 200), 1, cv::LINE_AA);
        }
    }
    cv::imwrite(file.string(), scan);
}

} // namespace docdesk::test
