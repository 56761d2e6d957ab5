#include "app/common/LocalData.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/ports/Keyring.h"
#include "core/vault/VaultFile.h"

#include <algorithm>
#include <fstream>
#include <set>

namespace docdesk::app {
namespace fs = std::filesystem;

namespace {

struct Size {
    std::uint64_t bytes = 0;
    std::uint64_t files = 0;
};

// Size of a file or a folder's contents; symbolic links counted as themselves, never followed.
Size sizeOf(const fs::path& p, const std::stop_token& stop) {
    Size s;
    std::error_code ec;
    const auto st = fs::symlink_status(p, ec);
    if (ec)
        return s;
    if (fs::is_regular_file(st)) {
        s.bytes = fs::file_size(p, ec);
        s.files = ec ? 0 : 1;
        return s;
    }
    if (!fs::is_directory(st))
        return s;
    for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (stop.stop_requested())
            break;
        std::error_code e2;
        if (it->is_regular_file(e2) && !it->is_symlink(e2)) {
            s.bytes += it->file_size(e2);
            ++s.files;
        }
    }
    return s;
}

// An item of one file or folder (`path`), with its size.
LocalDataItem sizedItem(LocalDataKind kind, std::string name, std::string lostWhenDeleted,
                        const fs::path& path, const std::stop_token& stop) {
    LocalDataItem item;
    item.kind = kind;
    item.name = std::move(name);
    item.lostWhenDeleted = std::move(lostWhenDeleted);
    item.path = path;
    item.paths = {path};
    const Size s = sizeOf(path, stop);
    item.bytes = s.bytes;
    item.files = s.files;
    return item;
}

bool present(const fs::path& p) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(p, ec));
}

fs::path resolvedParent(const fs::path& p) {
    std::error_code ec;
    const fs::path abs = fs::absolute(p, ec).lexically_normal();
    const fs::path parent = fs::weakly_canonical(abs.parent_path(), ec);
    return ec ? abs : parent / abs.filename();
}

bool strictlyBelow(const fs::path& p, const fs::path& root) {
    std::error_code ec;
    const fs::path r = fs::weakly_canonical(fs::absolute(root, ec).lexically_normal(), ec);
    const fs::path rel = p.lexically_relative(r);
    return !rel.empty() && rel != "." && *rel.begin() != "..";
}

std::vector<fs::path> roots(const platform::AppDirs& dirs) {
    return {dirs.config, dirs.data, dirs.cache, dirs.state};
}

} // namespace

bool isInsideLocalData(const platform::AppDirs& dirs, const fs::path& path) {
    if (path.empty() || path.filename().empty() || path.filename() == "." || path.filename() == "..")
        return false;
    const fs::path p = resolvedParent(path);
    const auto all = roots(dirs);
    return std::any_of(all.begin(), all.end(),
                       [&](const fs::path& r) { return !r.empty() && strictlyBelow(p, r); });
}

std::string formatSize(std::uint64_t bytes) {
    if (bytes < 1000)
        return trnf("{} byte", "{} bytes", static_cast<unsigned long>(bytes), bytes);
    const char* units[] = {"KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes) / 1000.0;
    size_t u = 0;
    while (v >= 999.95 && u + 1 < std::size(units)) {
        v /= 1000.0;
        ++u;
    }
    return fmt::format("{:.1f} {}", v, units[u]);
}

std::vector<LocalDataItem> listCrashReports(const platform::AppDirs& dirs) {
    std::vector<LocalDataItem> out;
    const fs::path folder = dirs.state / "crash-reports";
    std::error_code ec;
    std::vector<fs::path> files;
    for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        if (it->is_regular_file(ec))
            files.push_back(it->path());
    // Names carry the UTC time after the program name; sort by that, then by name.
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        auto key = [](const fs::path& p) {
            const std::string n = p.filename().string();
            const auto dash = n.find("-20");
            return dash == std::string::npos ? n : n.substr(dash + 1);
        };
        return std::pair(key(a), a.filename()) < std::pair(key(b), b.filename());
    });
    for (const auto& f : files) {
        out.push_back(
            sizedItem(LocalDataKind::CrashReport, trf("Crash report {}", f.filename().string()),
                      tr("The report of this crash (program, version, time, signal and where in the "
                         "program it happened)."),
                      f, {}));
    }
    return out;
}

namespace {

// What docdesk keeps under a name it knows, with what deleting it loses.
struct KnownItem {
    LocalDataKind kind;
    const fs::path* root;
    std::vector<const char*> names; // first is the item's path, the rest its companions
    const char* name;
    const char* lost;
};

std::vector<KnownItem> knownItems(const platform::AppDirs& dirs) {
    return {
        {LocalDataKind::Profiles,
         &dirs.config,
         {"profiles.vault", "profiles.vault.lock"},
         DD_N("Gateway profiles (profile vault)"),
         DD_N("Every gateway profile: addresses, user names and remembered passwords.")},
        {LocalDataKind::ProfileBackup,
         &dirs.config,
         {"profiles.vault.bak"},
         DD_N("Backup of the profile vault"),
         DD_N("The previous version of the profile vault, kept for repairs.")},
        {LocalDataKind::OperatorKey,
         &dirs.config,
         {"operator.pub"},
         DD_N("Trusted operator key"),
         DD_N("The key that profile bundles from your operator are checked with; bundles cannot be "
              "imported until it is installed again.")},
        {LocalDataKind::Settings,
         &dirs.config,
         {"docdesk.conf"},
         DD_N("Settings"),
         DD_N("Your preferences and the choices docdesk remembers (language, folders, scanner settings).")},
        {LocalDataKind::Sessions,
         &dirs.data,
         {"sessions"},
         DD_N("Capture sessions"),
         DD_N("Every captured page with its original file, edits and analysis results. Documents "
              "already filed to your archive folder are not affected.")},
        {LocalDataKind::Outbox,
         &dirs.data,
         {"outbox"},
         DD_N("Outbox documents"),
         DD_N("The documents waiting to be uploaded to a gateway; they will not be sent.")},
        {LocalDataKind::OutboxDatabase,
         &dirs.data,
         {"outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm", "outbox.lock"},
         DD_N("Outbox list and delivery ledger"),
         DD_N("The list of documents waiting for Upload and the ledger of every delivery made.")},
        {LocalDataKind::FilingStaging,
         &dirs.data,
         {"outbox-staging"},
         DD_N("Documents being filed"),
         DD_N("Documents left half-way while being filed into the outbox.")},
        {LocalDataKind::RunningWatches,
         &dirs.data,
         {"watches"},
         DD_N("Running hot-folder watches"),
         DD_N("The notes by which the window shows that a watch which uploads is running.")},
    };
}

// The known items that are present, added to `out`; their paths go into `covered`. False when
// stopped on the way.
bool addKnownItems(const platform::AppDirs& dirs, std::stop_token stop, std::vector<LocalDataItem>& out,
                   std::set<fs::path>& covered) {
    for (const auto& k : knownItems(dirs)) {
        if (stop.stop_requested())
            return false;
        LocalDataItem item;
        item.kind = k.kind;
        item.name = tr(k.name);
        item.lostWhenDeleted = tr(k.lost);
        item.path = *k.root / k.names.front();
        for (const char* n : k.names) {
            const fs::path p = *k.root / n;
            covered.insert(p);
            if (!present(p))
                continue;
            item.paths.push_back(p);
            const Size s = sizeOf(p, stop);
            item.bytes += s.bytes;
            item.files += s.files;
        }
        if (!item.paths.empty())
            out.push_back(std::move(item));
    }
    return true;
}

// A file or folder docdesk does not know by name.
LocalDataItem otherItem(const fs::path& p, std::stop_token stop) {
    return sizedItem(LocalDataKind::Other, trf("Other: {}", p.filename().string()),
                     tr("A file docdesk does not know by name; it may have been put there by hand "
                        "or by an older or newer version."),
                     p, stop);
}

LocalDataItem cacheItem(const platform::AppDirs& dirs, std::stop_token stop) {
    LocalDataItem item;
    item.kind = LocalDataKind::Cache;
    item.name = tr("Caches");
    item.lostWhenDeleted = tr("Nothing that cannot be made again; docdesk re-creates what it needs.");
    item.path = dirs.cache;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dirs.cache, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        item.paths.push_back(it->path());
    const Size s = sizeOf(dirs.cache, stop);
    item.bytes = s.bytes;
    item.files = s.files;
    return item;
}

} // namespace

std::vector<LocalDataItem> listLocalData(const platform::AppDirs& dirs, std::stop_token stop) {
    std::vector<LocalDataItem> out;
    std::set<fs::path> covered;
    if (!addKnownItems(dirs, stop, out, covered))
        return out;
    // Whatever else lies in the config and data folders (so the list is complete).
    for (const fs::path* root : {&dirs.config, &dirs.data}) {
        std::error_code ec;
        std::vector<fs::path> others;
        for (auto it = fs::directory_iterator(*root, ec); !ec && it != fs::directory_iterator();
             it.increment(ec))
            if (!covered.count(it->path()))
                others.push_back(it->path());
        std::sort(others.begin(), others.end());
        for (const auto& p : others)
            out.push_back(otherItem(p, stop));
    }
    if (present(dirs.cache))
        out.push_back(cacheItem(dirs, stop));
    auto reports = listCrashReports(dirs);
    out.insert(out.end(), std::make_move_iterator(reports.begin()), std::make_move_iterator(reports.end()));
    // Anything else in the state folder besides the reports.
    std::error_code ec;
    for (auto it = fs::directory_iterator(dirs.state, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        if (it->path().filename() != "crash-reports")
            out.push_back(otherItem(it->path(), stop));
    return out;
}

bool forgetVaultKey(const fs::path& vaultFile, ports::Keyring& keyring) {
    // decodeHeader checks the whole file's length too; a vault is a few kilobytes.
    std::ifstream in(vaultFile, std::ios::binary);
    std::vector<unsigned char> bytes(1 << 20);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(in.gcount()));
    if (bytes.size() < vault::kVaultHeaderSize)
        return false;
    try {
        const vault::VaultHeader header = vault::decodeHeader(bytes);
        if (header.keySource != vault::KeySource::Keyring || !keyring.available())
            return false;
        return keyring.remove(vault::keyringAttributesOf(header));
    } catch (const std::exception&) {
        return false; // not a vault docdesk can read, or the keyring refused: nothing to do
    }
}

void deleteLocalData(const platform::AppDirs& dirs, const LocalDataItem& item, const fs::path& keep,
                     ports::Keyring* keyring) {
    const std::vector<fs::path>& paths = item.paths;
    for (const auto& p : paths)
        if (!isInsideLocalData(dirs, p))
            throw Error(trf("{} is not one of docdesk's files, so it was not deleted.", p.string()));
    if (keyring && item.kind == LocalDataKind::Profiles)
        forgetVaultKey(item.path, *keyring);
    const fs::path kept = keep.empty() ? fs::path() : resolvedParent(keep);
    for (const auto& p : paths) {
        std::error_code ec;
        const fs::path resolved = resolvedParent(p);
        if (!kept.empty() && (resolved == kept || strictlyBelow(kept, resolved))) {
            // Remove everything around the kept folder, walking down towards it.
            fs::path dir = resolved;
            while (dir != kept) {
                const fs::path next = dir / *kept.lexically_relative(dir).begin();
                for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
                     it.increment(ec))
                    if (it->path() != next) {
                        std::error_code e2;
                        fs::remove_all(it->path(), e2);
                        if (e2)
                            throw Error(
                                trf("{} could not be deleted: {}.", it->path().string(), e2.message()));
                    }
                dir = next;
            }
            continue;
        }
        fs::remove_all(p, ec); // does not follow symbolic links
        if (ec)
            throw Error(trf("{} could not be deleted: {}.", p.string(), ec.message()));
    }
}

void deleteAllLocalData(const platform::AppDirs& dirs, ports::Keyring* keyring) {
    for (const auto& root : roots(dirs)) {
        // Only a folder named like docdesk's own is removed whole, whatever the environment says.
        if (root.filename() != "docdesk")
            throw Error(trf("{} does not look like docdesk's folder, so it was not deleted.", root.string()));
    }
    if (keyring)
        forgetVaultKey(dirs.config / "profiles.vault", *keyring);
    for (const auto& root : roots(dirs)) {
        std::error_code ec;
        fs::remove_all(root, ec);
        if (ec)
            throw Error(trf("{} could not be deleted: {}.", root.string(), ec.message()));
    }
}

} // namespace docdesk::app
