#pragma once
#include "core/model/Geometry.h"
#include "platform/ChildProcess.h"
// Shared helpers for docdesk's tests: temporary folders, generated fixtures, and the paths of
// the programs under test (passed in by CMake).
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace docdesk::test {

// A fresh folder below the system temp dir, removed at destruction (kept when
// DOCDESK_KEEP_TEST_FILES is set, for inspecting a failure).
class TempDir {
  public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

std::vector<std::byte> readFile(const std::filesystem::path& file);
void writeFile(const std::filesystem::path& file, const std::string& bytes);

// A page image filled with `bgr` and a contrasting block, written as PNG or JPEG by extension.
// `noise` adds random pixels, which makes PNGs large (useful to catch writes in the middle).
void writeTestImage(const std::filesystem::path& file, int width, int height, unsigned char b,
                    unsigned char g, unsigned char r, bool noise = false, unsigned seed = 1);

// A minimal valid PDF with `pages` empty A4 pages, written by hand (no PDF library needed).
std::string minimalPdf(int pages);

// While it lives, PDFs are read and written through the plugin at `file` (a missing or foreign
// file: as when docdesk-pdf.so is lost); the built plugin again afterwards.
class PdfPluginFrom {
  public:
    explicit PdfPluginFrom(const std::filesystem::path& file);
    ~PdfPluginFrom();
    PdfPluginFrom(const PdfPluginFrom&) = delete;
    PdfPluginFrom& operator=(const PdfPluginFrom&) = delete;

  private:
    std::filesystem::path before_;
};
// A 1280x720 MJPEG video of a desk under a document camera, 10 frames a second: empty desk, a
// page slid in and held still for 1.5 s, taken away, a second page laid down and held. Returns
// the corners of each page where it is held (clockwise from top-left, frame pixels).
std::vector<Quad> writeDeskVideo(const std::filesystem::path& file);

// A 200-dpi A4 grey JPEG page of a batch: lines of text naming page `number` and, when `code`
// is given, a barcode at the top right ("QRCode", "Code128", or another ZXing format name).
void writeBatchPage(const std::filesystem::path& file, int number, const std::string& code = {},
                    const std::string& format = "QRCode");
// A phone photo (1600 x 1200 JPEG) of one receipt of 400 x 1000 (height / width 2.5) with a
// shop name, item lines and a total, slightly turned and tilted on a dark desk; the paper in
// colour (b, g, r).
void writeReceiptPhoto(const std::filesystem::path& file, unsigned char b = 242, unsigned char g = 246,
                       unsigned char r = 248);
// A 150-dpi flatbed scan (1240 x 1754) of three receipts, 300 x 750, 330 x 900 and 280 x 620,
// slightly turned, on a grey card (or a white lid).
void writeThreeReceiptScan(const std::filesystem::path& file, bool whiteLid = false);
// Pages of a PDF as pdfinfo counts them; -1 when it cannot be read.
int pdfPageCount(const std::filesystem::path& pdf);

// The connect() calls in an `strace -e trace=connect` log that leave the machine (AF_INET or
// AF_INET6); `total` is set to the number of connect() calls of any kind.
std::vector<std::string> networkConnectsInTrace(const std::filesystem::path& straceLog, size_t& total);

// Paths of the programs under test (from the build).
std::filesystem::path cliPath();

// docdesk-cli run with its own XDG_DATA_HOME below `home`, in the C locale (or `language`);
// stdout captured, stderr discarded.
struct CliRun {
    std::string out;
    platform::ExitStatus status;
};
CliRun runCli(const std::filesystem::path& home, std::vector<std::string> args,
              const std::string& language = "");
// The same with another build of the CLI (see programWithFaultInjectingWorker).
CliRun runCliAt(const std::filesystem::path& program, const std::filesystem::path& home,
                std::vector<std::string> args, const std::string& language = "");
// `program` (docdesk-cli or docdesk) placed in `folder` (hard-linked, or copied when that
// fails) with tests/support/fault_injecting_worker beside it as its docdesk-worker: run from
// there, the program decodes through that worker, which crashes or hangs on files named so.
// Returns the program's path in `folder`.
// Appends each "fault-WHAT-OP" in the file's name (e.g. "x-fault-abort-thumbnail.png") to its
// bytes, after the image's end where decoders do not look: the fault-injecting worker then
// misbehaves on it wherever it is copied (the session stores originals under names of its own).
void poisonFileAsNamed(const std::filesystem::path& file);
std::filesystem::path programWithFaultInjectingWorker(const std::filesystem::path& program,
                                                      const std::filesystem::path& folder);
// Each line of `text` parsed as JSON (JSON Lines).
std::vector<nlohmann::json> jsonLines(const std::string& text);
// Pages in the newest session below `home` (read-only, through the CLI): 0 when there is none.
size_t sessionPageCount(const std::filesystem::path& home);
std::filesystem::path guiPath();
std::filesystem::path artifactsDir(); // screenshots and logs of test runs

} // namespace docdesk::test
