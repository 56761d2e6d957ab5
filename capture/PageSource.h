#pragma once
// The one capture interface. Every source of pages — files (opened, dropped, named on the
// command line), the hot folder, webcams and document cameras, SANE scanners, and later TWAIN,
// WIA and eSCL (AirScan) scanners — implements PageSource: enumerate devices, describe what a
// device can do, and acquire pages. acquire() hands each page to a PageSink the moment it is
// complete (never a finished batch), so the normal sink, the JournalPageSink below, stores it
// in the session before the next sheet, file or frame is read: a crash or a kill in the middle
// of a feeder batch or a hot folder loses at most the page in flight. One sink for every
// source is also where the analysis of stored pages will be started from, whatever they came
// from. makePageSource() (capture/PageSources.h) makes every kind of source, for the window and
// the CLI alike (NAPS2's ScanDriverFactory).
//
// What a "device" is differs by kind, the rest of the interface does not: for files, each file
// below the paths the user chose (devices() walks the folders, so a caller can show the count
// before the first file is read); for the hot folder, its folder; for the camera, the video
// devices of the machine (a video file may be named too). What one kind needs and the scanner
// does not — which file to reuse, settle time and filing before done/, the camera's live
// switches — travels in the request as its own typed part (AcquireSettings::files, hotFolder,
// camera), as NAPS2's ScanOptions carries TwainOptions and WiaOptions, rather than as strings
// every source would have to parse. Their per-file reports (a file that could not be read, where
// the hot folder moved it) are results of that kind, so they come back through the callbacks of
// that part; pages come through the sink.
//
// An original is what the sink stores, and it may hold several pages: a scanned sheet or a
// camera frame is one page, a PDF or TIFF file its page count, any other file one pass-through
// entry copied in pieces (AcquiredPage::pieces), so a file of several GB never sits in memory.
// A source may propose an edit with it (the camera: the document's corners as the crop); the
// sink records it with the page, non-destructively.
//
// Scanners: drivers run in the worker process docdesk-scan-worker (as NAPS2 runs them in its
// worker "for added stability"), so a crashing or hanging driver costs the worker, never the
// application. The worker speaks JSON lines (capture/scanner/ScanProtocol.h); its client
// (capture/scanner/ScanWorkerSource) implements this interface. Each request names a driver,
// and the worker picks the implementation of its small ScanDriver interface for it
// (app/scanworker/ScanDriver.h) — the counterpart of NAPS2's IScanDriver. Today that is SANE.
// The plan for the others, none of which can be built or tested on Linux:
//   - TWAIN (Windows, macOS): a TwainDriver in the worker. TWAIN needs a message loop and
//     32/64-bit matching data sources, which is one more reason it lives in a process of its
//     own; pages arrive through native transfer, one DAT_IMAGENATIVEXFER per sheet.
//   - WIA 2.0 (Windows): a WiaDriver in the worker; item properties map to
//     DeviceCapabilities, the feeder item's "no more pages" to the normal end of a batch.
//   - eSCL / AirScan (network scanners, every OS): an EsclDriver in the worker speaking HTTP
//     (ScannerCapabilities, ScanJobs, NextDocument until 404 = feeder empty); device discovery
//     through mDNS (_uscan._tcp).
// makeScannerSource() in capture/scanner/ScannerSources.h picks the scanner driver (NAPS2's
// ScanBridgeFactory) for makePageSource(), so the GUI and the CLI never see which driver
// scanned a page.
//
// Threading: calls are synchronous and may take long; run them off the UI thread. One call at
// a time per PageSource object. Cancellation (the stop token) is a result, not an error: pages
// delivered until then stay delivered. Device failures (paper jam, cover open, feeder empty,
// scanner busy or gone, driver crashed or hung) throw DeviceError after the pages scanned
// before the failure were delivered; a file that cannot be read is a per-file result, not a
// failure of the source.
#include "capture/camera/CameraCapture.h"
#include "capture/files/FileImporter.h"
#include "capture/hotfolder/HotFolder.h"
#include "core/common/Error.h"
#include "core/journal/Session.h"
#include "core/ports/DurableFiles.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::capture {

// A device as the driver names it.
struct DeviceInfo {
    std::string name;   // what acquire() takes, e.g. "test:0", "epson2:libusb:001:004"
    std::string vendor; // e.g. "Canon"
    std::string model;  // e.g. "CanoScan LiDE 300"
    std::string type;   // e.g. "flatbed scanner", "sheetfed scanner"
};

// Where the paper is taken from.
enum class PaperSource {
    Default, // whatever the device is set to
    Flatbed, // one page from the glass
    Feeder,  // the automatic document feeder (ADF), one side: a batch until it is empty
    Duplex,  // the feeder, both sides of each sheet
};

enum class ColourMode {
    Default,
    Color,
    Gray,
    Lineart, // black and white, 1 bit per pixel
};

// How a page's pixels are written. Lineart is always PNG (1 bit).
enum class PageEncoding { Png, Jpeg };

struct ValueRange {
    double min = 0;
    double max = 0;
    double step = 0; // 0 = continuous
};

struct PageSize {
    double widthMm = 0;
    double heightMm = 0;
};

// One choice a device offers, with the device's own name for it (shown to the user as is).
template <typename Kind> struct DeviceChoice {
    Kind kind{};
    std::string name;
};

// What a device can do, read from the device itself.
struct DeviceCapabilities {
    std::vector<DeviceChoice<PaperSource>> sources; // empty: one fixed source (a flatbed)
    std::vector<DeviceChoice<ColourMode>> modes;
    std::vector<int> resolutions;              // the discrete values offered, or
    std::optional<ValueRange> resolutionRange; // a range
    std::optional<PageSize> maxPageSize;       // the largest scan area
    std::optional<ValueRange> brightness;      // in the device's own unit
    std::optional<ValueRange> contrast;
};

struct AcquireSettings {
    std::string device; // DeviceInfo::name; empty = the first device found
    PaperSource source = PaperSource::Default;
    ColourMode mode = ColourMode::Default;
    int resolution = 0;               // dots per inch; 0 = the device's current value
    std::optional<PageSize> pageSize; // from the top-left corner; none = the device's current area
    std::optional<int> brightness;    // -100..100, 0 = the device's middle value
    std::optional<int> contrast;      // -100..100
    PageEncoding encoding = PageEncoding::Png;
    int maxPages = 0; // stop after this many pages (a feeder batch, camera captures); 0 = no limit
    // The parts of the request only one kind of source reads (see the top of this file).
    FileSettings files;          // files: how pages are counted, reuse, each file's outcome
    HotFolderSettings hotFolder; // the hot folder: settle time, once, filing before done/
    CameraSettings camera;       // the camera: frame size, time limit, live switches and view
};

// An original as it comes from the source: its bytes and where it came from.
struct AcquiredPage {
    int number = 0;               // 1-based within this acquisition
    std::vector<std::byte> bytes; // the encoded image (PNG or JPEG), or a file's bytes
    // Instead of `bytes`: the bytes handed over in pieces (a file of any size, copied in chunks).
    ports::DurableFiles::ByteSource pieces;
    std::string mediaType; // "image/png", "image/jpeg", "application/pdf", ...
    std::string source;    // device and paper source, e.g. "sane:test:0 (Flatbed)", or the file
    int width = 0;         // pixels; 0 when not known (files)
    int height = 0;
    double dpi = 0;
    int pageCount = 1; // pages in these bytes: a PDF or multi-page TIFF file has several
    // An edit the source proposes for its pages (PageTransforms JSON, e.g. the crop the camera
    // saw); empty for none.
    std::string transformsJson;
};

struct AcquireProgress {
    int page = 0;         // 1-based page being read
    double fraction = -1; // of that page read so far, 0..1; negative when unknown
};

// Receives pages in order, each as soon as it is complete. page() returns only once the page
// is safe (stored); throwing from it stops the acquisition (the device is cancelled) and the
// exception propagates out of acquire().
class PageSink {
  public:
    virtual ~PageSink() = default;
    // Returns the pages the original became (empty for a sink that keeps no records).
    virtual std::vector<PageRecord> page(AcquiredPage&& page) = 0;
    // The pages kept already for an original with these exact bytes (SHA-256, hex): how the hot
    // folder and `file` take a file once, also across a crash. Empty when the sink keeps none.
    virtual std::vector<PageRecord> pagesWithOriginalHash(const std::string&) const { return {}; }
    // False when no original kept is this many bytes long: then none has a file's bytes, and
    // the file need not be hashed to ask pagesWithOriginalHash. True when unsure.
    virtual bool mayHoldOriginalOfSize(std::uint64_t) const { return true; }
    // Rate-limited by the source (a few per second at most).
    virtual void progress(const AcquireProgress&) {}
    // A remark about the settings as soon as it is known (translated), e.g. that the device has
    // no brightness setting or scans a smaller area. Also listed in AcquireSummary::warnings.
    virtual void notice(const std::string&) {}
};

enum class AcquireEnd {
    Completed,   // the flatbed page, the one page asked for, or maxPages reached
    FeederEmpty, // the feeder ran out of paper after at least one page: a normal end
    Cancelled,   // the stop token was triggered (or the scan was cancelled at the device)
};

struct AcquireSummary {
    int pages = 0;
    AcquireEnd end = AcquireEnd::Completed;
    std::vector<std::string> warnings; // translated; e.g. a setting the device does not have
};

// What went wrong at a device (the same for every driver).
enum class DeviceFault {
    NotFound, // no scanner, or not the one named (unplugged, switched off)
    Busy,     // in use by another program
    Jammed,   // paper jam in the feeder
    CoverOpen,
    FeederEmpty,  // no paper in the feeder when the scan started
    IoError,      // communication failed (cable, power, network)
    AccessDenied, // permissions
    OutOfMemory,
    InvalidSettings, // the device refused the settings
    Unsupported,
    DriverCrashed, // the worker process died
    DriverHung,    // no answer within the time limit; the worker was stopped
    DriverMissing, // docdesk-scan-worker could not be started
    Other,
};

// Stable names for the JSON interface ("jammed", "cover_open", "crashed", ...).
constexpr std::string_view faultCode(DeviceFault fault) {
    switch (fault) {
    case DeviceFault::NotFound:
        return "not_found";
    case DeviceFault::Busy:
        return "device_busy";
    case DeviceFault::Jammed:
        return "jammed";
    case DeviceFault::CoverOpen:
        return "cover_open";
    case DeviceFault::FeederEmpty:
        return "no_docs";
    case DeviceFault::IoError:
        return "io_error";
    case DeviceFault::AccessDenied:
        return "access_denied";
    case DeviceFault::OutOfMemory:
        return "no_mem";
    case DeviceFault::InvalidSettings:
        return "invalid_settings";
    case DeviceFault::Unsupported:
        return "unsupported";
    case DeviceFault::DriverCrashed:
        return "crashed";
    case DeviceFault::DriverHung:
        return "hung";
    case DeviceFault::DriverMissing:
        return "worker_missing";
    case DeviceFault::Other:
        break;
    }
    return "error";
}

// A device failure. The message (translated) says what happened and what the user can do.
// Pages delivered before it stay delivered; pagesDelivered() says how many.
class DeviceError : public Error {
  public:
    DeviceError(DeviceFault fault, const std::string& message, int pagesDelivered = 0)
        : Error(message), fault_(fault), pagesDelivered_(pagesDelivered) {}
    DeviceFault fault() const { return fault_; }
    int pagesDelivered() const { return pagesDelivered_; }

  private:
    DeviceFault fault_;
    int pagesDelivered_;
};

class PageSource {
  public:
    virtual ~PageSource() = default;
    // Short name of the source kind ("sane", "files", "hotfolder", "camera", later "twain", ...).
    virtual std::string_view kind() const = 0;
    // The devices this source can reach now. DeviceError when the search fails or takes too long.
    virtual std::vector<DeviceInfo> devices(std::stop_token stop) = 0;
    // What `device` offers. DeviceError when it cannot be opened.
    virtual DeviceCapabilities capabilities(const std::string& device, std::stop_token stop) = 0;
    // Acquires pages into `sink` until the source is done, stopped, or fails (DeviceError).
    virtual AcquireSummary acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) = 0;
};

// The usual sink, for every source: each original becomes one stored original with its pages
// in the session journal (written durably before page() returns).
class JournalPageSink final : public PageSink {
  public:
    struct Callbacks {
        std::function<void(const AcquiredPage&, const PageRecord&)> stored; // after each page is durable
        std::function<void(const AcquireProgress&)> progress;
        std::function<void(const std::string&)> notice;
    };

    explicit JournalPageSink(journal::Session& session, Callbacks callbacks = {})
        : session_(session), callbacks_(std::move(callbacks)) {}

    std::vector<PageRecord> page(AcquiredPage&& page) override;
    std::vector<PageRecord> pagesWithOriginalHash(const std::string& sha256) const override {
        return session_.pagesWithOriginalHash(sha256);
    }
    bool mayHoldOriginalOfSize(std::uint64_t bytes) const override {
        return session_.holdsOriginalOfSize(bytes);
    }
    void progress(const AcquireProgress& p) override {
        if (callbacks_.progress)
            callbacks_.progress(p);
    }
    void notice(const std::string& message) override {
        if (callbacks_.notice)
            callbacks_.notice(message);
    }
    // How many pages were stored so far (a count, not the records: a watch may run for weeks).
    size_t storedPages() const { return storedPages_; }

  private:
    journal::Session& session_;
    Callbacks callbacks_;
    size_t storedPages_ = 0;
};

} // namespace docdesk::capture
