#pragma once
// A plugin of docdesk's own that core uses (docdesk-imgcodecs.so, docdesk-pdf.so), loaded on its
// first use only: the heavy libraries behind it are not loaded at every process start. Loading
// a shared library is an OS service outside core, so the programs set the loader once at
// start-up (app::initialise, with platform::loadPluginApi); core asks the slot for the API.
// Thread-safe; the loader runs at most once until another one is set.
#include <mutex>
#include <string>

namespace docdesk {

template <class Api> class PluginSlot {
  public:
    // Returns the plugin's API table, or nullptr with `error` set.
    using Loader = const Api* (*)(std::string& error);
    // Called once with the table just loaded, before anyone uses it (hands the plugin what it
    // needs of core, e.g. docdesk's own image codecs).
    using OnLoad = void (*)(const Api& api);

    explicit PluginSlot(OnLoad onLoad = nullptr) : onLoad_(onLoad) {}

    void setLoader(Loader loader) {
        const std::lock_guard lock(mutex_);
        loader_ = loader;
        tried_ = false;
        loaded_ = nullptr;
        error_ = loader != nullptr ? "" : "no plugin loader set";
    }

    // The plugin, loaded on the first call; nullptr with `error` set when it cannot be.
    const Api* get(std::string& error) {
        const std::lock_guard lock(mutex_);
        if (!tried_ && loader_ != nullptr) {
            tried_ = true;
            loaded_ = loader_(error_);
            if (loaded_ != nullptr && onLoad_ != nullptr)
                onLoad_(*loaded_);
        }
        if (loaded_ == nullptr)
            error = error_.empty() ? std::string("the plugin could not be loaded") : error_;
        return loaded_;
    }

  private:
    std::mutex mutex_;
    OnLoad onLoad_;
    Loader loader_ = nullptr;
    const Api* loaded_ = nullptr;
    bool tried_ = false;
    std::string error_ = "no plugin loader set";
};

} // namespace docdesk
