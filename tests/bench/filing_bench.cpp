// Benchmark of the filing step (issue 5). Prints figures, asserts nothing.
//   filing_bench [pages=500] [runs=3]
// A batch of 300-dpi grey A4 JPEG pages (text-like texture) is imported into a journal
// session in a temporary folder and filed as documents of 10 pages each to a temporary
// archive as PDFs on 2 threads. Printed, as the median over `runs`:
// 1. pages per second for untouched pages (JPEG passed through; target >= 20) and the PDF
//    size overhead over the sum of the page images (target < 1 %);
// 2. the same with every page in black-and-white mode (1-bit CCITT G4) and rotated by 90°
//    (decoded and encoded again), for information, on the first 100 pages (they are slow);
//    Each scenario is run twice: rendered in this process (the renderer alone) and rendered as
//    docdesk and docdesk-cli do it (issue 18): untouched JPEGs in this process (no decoding),
//    everything else decoded in a pool of two docdesk-worker processes, pixels sent back
//    through a pipe;
// 3. when `img2pdf` is installed, the same documents made by it from the same JPEGs (two at a
//    time), as a reference. It writes without fsync; docdesk flushes every file.
#include "app/common/WorkerPool.h"
#include "core/journal/Session.h"
#include "core/pipeline/Filing.h"
#include "platform/ChildProcess.h"
#include "platform/DurableFiles.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>

using namespace docdesk;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPagesPerDocument = 10;

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// A 300-dpi A4 page: light paper with some texture and lines of rendered words.
cv::Mat basePage(unsigned seed) {
    // Paper texture: fine noise, smoothed like a scanner's optics do.
    cv::Mat page(3508, 2480, CV_8UC1);
    std::mt19937 rng(seed);
    cv::theRNG().state = seed;
    cv::randn(page, 238, 2);
    cv::GaussianBlur(page, page, cv::Size(0, 0), 1.0);
    std::uniform_int_distribution<int> words(6, 12), length(2, 9), letter('a', 'z');
    for (int y = 420; y < 3300; y += 62) {
        std::string line;
        for (int w = words(rng); w > 0; --w) {
            for (int k = length(rng); k > 0; --k)
                line += char(letter(rng));
            line += ' ';
        }
        cv::putText(page, line, {220, y}, cv::FONT_HERSHEY_SIMPLEX, 1.25, cv::Scalar(35), 3, cv::LINE_AA);
    }
    return page;
}

// A JPEG (quality 85) whose JFIF header says 300 dpi.
std::vector<std::byte> encode300(const cv::Mat& page) {
    std::vector<uchar> buf;
    cv::imencode(".jpg", page, buf, {cv::IMWRITE_JPEG_QUALITY, 85});
    if (buf.size() > 18 && std::memcmp(buf.data() + 6, "JFIF", 4) == 0) {
        buf[13] = 1;
        buf[14] = 300 >> 8;
        buf[15] = 300 & 0xFF;
        buf[16] = 300 >> 8;
        buf[17] = 300 & 0xFF;
    }
    std::vector<std::byte> out(buf.size());
    std::memcpy(out.data(), buf.data(), buf.size());
    return out;
}

// `count` distinct page images (the batch reuses them; each import is a separate original).
std::vector<std::vector<std::byte>> makeVariants(int count) {
    std::vector<cv::Mat> bases;
    for (unsigned s = 0; s < 5; ++s)
        bases.push_back(basePage(s + 1));
    std::vector<std::vector<std::byte>> out(static_cast<size_t>(count));
    std::atomic<int> next{0};
    auto work = [&] {
        for (int i; (i = next++) < count;) {
            cv::Mat page = bases[size_t(i) % bases.size()].clone();
            cv::putText(page, "Page " + std::to_string(i + 1) + " of the batch", {220, 250},
                        cv::FONT_HERSHEY_SIMPLEX, 2.0, cv::Scalar(20), 5, cv::LINE_AA);
            cv::rectangle(page, cv::Rect(1700 + (i % 7) * 60, 160, 300, 120), cv::Scalar(60), cv::FILLED);
            out[size_t(i)] = encode300(page);
        }
    };
    { std::jthread a(work), b(work); } // joined
    return out;
}

long peakRssKilobytes() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stol(line.substr(6));
    return 0;
}

struct Scenario {
    const char* name;
    const char* transforms;
    int maxPages; // the informational scenarios are slow (decoding); a part of the batch tells enough
};

struct RunFigures {
    double pagesPerSecond = 0;
    std::uint64_t pdfBytes = 0;
    int failed = 0;
};

RunFigures fileOnce(const std::vector<PageRecord>& pages, const std::vector<pipeline::DocumentToFile>& docs,
                    const fs::path& archiveRoot, const pipeline::PageRenderFunction& renderer) {
    output::LocalArchive archive(archiveRoot, platform::durableFiles());
    pipeline::FilingOptions options; // PDF, 2 threads, quality 85
    options.renderer = renderer;
    const auto start = Clock::now();
    const auto results = pipeline::fileDocuments(pages, docs, archive, options, std::stop_token{});
    const double s = seconds(Clock::now() - start);
    RunFigures f;
    f.pagesPerSecond = double(pages.size()) / s;
    for (const auto& r : results) {
        if (r.ok())
            f.pdfBytes += r.bytes;
        else
            ++f.failed;
    }
    if (f.failed)
        std::cerr << "  " << f.failed << " documents failed, first: "
                  << std::find_if(results.begin(), results.end(), [](auto& r) { return !r.ok(); })->error
                  << "\n";
    return f;
}

bool haveTool(const std::string& name) {
    try {
        platform::ChildOptions o;
        o.discardStdout = true;
        o.discardStderr = true;
        platform::ChildProcess p({name, "--version"}, o);
        return p.wait().success();
    } catch (const std::exception&) {
        return false;
    }
}

// img2pdf on the same documents, two processes at a time.
double img2pdfOnce(const std::vector<PageRecord>& pages, const fs::path& out, std::uint64_t& bytes) {
    fs::create_directories(out);
    const size_t docs = pages.size() / kPagesPerDocument;
    std::atomic<size_t> next{0};
    const auto start = Clock::now();
    auto work = [&] {
        for (size_t d; (d = next++) < docs;) {
            std::vector<std::string> argv{"img2pdf"};
            for (size_t k = 0; k < kPagesPerDocument; ++k)
                argv.push_back(pages[d * kPagesPerDocument + k].originalFile.string());
            argv.push_back("-o");
            argv.push_back((out / ("doc-" + std::to_string(d) + ".pdf")).string());
            platform::ChildProcess p(argv);
            p.wait();
        }
    };
    { std::jthread a(work), b(work); }
    const double s = seconds(Clock::now() - start);
    bytes = 0;
    for (const auto& e : fs::directory_iterator(out))
        bytes += e.file_size();
    return double(docs * kPagesPerDocument) / s;
}

} // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
    const int pageCount = std::max(kPagesPerDocument, argc > 1 ? std::atoi(argv[1]) : 500) /
                          kPagesPerDocument * kPagesPerDocument;
    const int runs = std::max(1, argc > 2 ? std::atoi(argv[2]) : 3);
    const fs::path root = fs::temp_directory_path() / ("docdesk-filing-bench-" + std::to_string(::getpid()));
    fs::create_directories(root);
    std::printf(
        "filing_bench: %d pages (300-dpi grey A4 JPEG), documents of %d pages, PDF, 2 threads, %d runs\n",
        pageCount, kPagesPerDocument, runs);

    auto t0 = Clock::now();
    const auto variants = makeVariants(std::min(pageCount, 50));
    std::printf("generated %zu distinct page images in %.1f s\n", variants.size(),
                seconds(Clock::now() - t0));

    t0 = Clock::now();
    std::vector<PageRecord> pages;
    std::uint64_t imageBytes = 0;
    {
        auto session = journal::Session::create(root / "sessions", platform::durableFiles(), "bench");
        for (int i = 0; i < pageCount; ++i) {
            const auto& bytes = variants[size_t(i) % variants.size()];
            session->addOriginal(bytes, "page-" + std::to_string(i + 1) + ".jpg", "image/jpeg", 1);
            imageBytes += bytes.size();
        }
        pages = session->pages();
    }
    std::printf("imported into a journal session in %.1f s (%.1f MB of page images, %.0f KB per page)\n",
                seconds(Clock::now() - t0), double(imageBytes) / 1e6, double(imageBytes) / 1e3 / pageCount);

    std::vector<pipeline::DocumentToFile> docs;
    for (int d = 0; d < pageCount / kPagesPerDocument; ++d) {
        pipeline::DocumentToFile doc;
        for (int k = 0; k < kPagesPerDocument; ++k)
            doc.pageIds.push_back(pages[size_t(d * kPagesPerDocument + k)].id);
        doc.folder = "batch";
        doc.fileName = "Document " + std::to_string(d + 1);
        doc.title = doc.fileName;
        doc.fields = {{"batch", "bench"}, {"document", std::to_string(d + 1)}};
        docs.push_back(std::move(doc));
    }

    const Scenario scenarios[] = {{"untouched (JPEG passthrough)", "{}", pageCount},
                                  {"black-and-white (CCITT G4)", R"({"mode":"bw"})", 100},
                                  {"rotated 90 (decode + JPEG q85)", R"({"rotation":90})", 100}};
    app::WorkerPool workers(2, {}, DOCDESK_BENCH_WORKER);
    const std::pair<const char*, pipeline::PageRenderFunction> renderers[] = {
        {"in this process", {}}, {"in docdesk-worker", app::renderPagesInWorker(workers)}};
    int scenarioIndex = 0;
    for (const Scenario& sc : scenarios)
        for (const auto& [where, renderer] : renderers) {
            const size_t used = size_t(std::min(pageCount, sc.maxPages));
            std::vector<PageRecord> edited(pages.begin(), pages.begin() + std::ptrdiff_t(used));
            for (auto& p : edited)
                p.transformsJson = sc.transforms;
            const std::vector<pipeline::DocumentToFile> usedDocs(
                docs.begin(), docs.begin() + std::ptrdiff_t(used / kPagesPerDocument));
            std::uint64_t usedImageBytes = 0;
            for (size_t i = 0; i < used; ++i)
                usedImageBytes += variants[i % variants.size()].size();
            std::vector<double> rates, sizes;
            for (int r = 0; r < runs; ++r) {
                const fs::path archive =
                    root / ("archive-" + std::to_string(scenarioIndex) + "-" + std::to_string(r));
                const RunFigures f = fileOnce(edited, usedDocs, archive, renderer);
                rates.push_back(f.pagesPerSecond);
                sizes.push_back(double(f.pdfBytes));
                fs::remove_all(archive);
            }
            const double pdf = median(sizes);
            std::printf("%-32s %-18s %4zu pages %7.1f pages/s (min %.1f, max %.1f)   PDFs %.1f MB = %+.3f %% "
                        "vs the page images\n",
                        sc.name, where, used, median(rates), *std::min_element(rates.begin(), rates.end()),
                        *std::max_element(rates.begin(), rates.end()), pdf / 1e6,
                        (pdf - double(usedImageBytes)) / double(usedImageBytes) * 100);
            ++scenarioIndex;
        }
    std::printf("(for the untouched pages the percentage is the PDF overhead; for the others the PDFs hold\n"
                " re-encoded or 1-bit images, so it is their size relative to the original JPEGs)\n");

    if (haveTool("img2pdf")) {
        std::vector<double> rates;
        std::uint64_t bytes = 0;
        for (int r = 0; r < runs; ++r) {
            rates.push_back(img2pdfOnce(pages, root / ("img2pdf-" + std::to_string(r)), bytes));
            fs::remove_all(root / ("img2pdf-" + std::to_string(r)));
        }
        std::printf("%-32s %4d pages %7.1f pages/s (min %.1f, max %.1f)   PDFs %.1f MB = %+.3f %% vs the "
                    "page images\n",
                    "reference: img2pdf (2 at a time)", pageCount, median(rates),
                    *std::min_element(rates.begin(), rates.end()),
                    *std::max_element(rates.begin(), rates.end()), double(bytes) / 1e6,
                    (double(bytes) - double(imageBytes)) / double(imageBytes) * 100);
    } else {
        std::printf("reference: img2pdf not installed (apt-get install img2pdf), skipped\n");
    }
    std::printf("peak memory of this process: %.0f MB\n", double(peakRssKilobytes()) / 1024);
    std::error_code ec;
    fs::remove_all(root, ec);
    return 0;
}
