#pragma once
// The SANE driver of docdesk-scan-worker: the only code that calls libsane. SANE types stay in
// SaneDriver.cpp; what leaves it is docdesk's capture types and DeviceError.
#include "app/scanworker/ScanDriver.h"

#include <atomic>

namespace docdesk::scanworker {

class SaneDriver final : public ScanDriver {
  public:
    // `network`: list network scanners too (SANE's local_only off); without it only local ones.
    explicit SaneDriver(bool network = false); // sane_init
    ~SaneDriver() override;                    // sane_exit
    SaneDriver(const SaneDriver&) = delete;
    SaneDriver& operator=(const SaneDriver&) = delete;

    std::vector<capture::DeviceInfo> devices() override;
    capture::DeviceCapabilities capabilities(const std::string& device) override;
    capture::AcquireSummary scan(const std::string& device, const capture::AcquireSettings& settings,
                                 const std::filesystem::path& outDir, ScanEvents& events) override;
    void cancelFromSignal() noexcept override;

  private:
    std::string resolveDevice(const std::string& device);
    bool network_ = false;
    std::atomic<void*> scanning_{nullptr}; // the SANE handle being read, for cancelFromSignal
    static_assert(std::atomic<void*>::is_always_lock_free);
};

} // namespace docdesk::scanworker
