// The OS keyring on Linux: the Secret Service API (org.freedesktop.secrets) through libsecret.
#include "platform/Keyring.h"

#include <cstdlib>
#include <filesystem>
#include <libsecret/secret.h>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace docdesk::platform {
namespace {

constexpr const char* kSecretsBusName = "org.freedesktop.secrets";
constexpr int kProbeTimeoutMs = 2000;

struct ErrorHolder {
    GError* error = nullptr;
    ~ErrorHolder() {
        if (error)
            g_error_free(error);
    }
    [[noreturn]] void raise(const char* what) const {
        throw ports::KeyringError(std::string(what) + ": " + (error ? error->message : "unknown error"));
    }
};

// A schema naming exactly the attributes given, so entries match on all of them.
class DynamicSchema {
  public:
    explicit DynamicSchema(const ports::KeyringAttributes& attributes) {
        schema_.name = "org.docdesk.Secret";
        schema_.flags = SECRET_SCHEMA_NONE;
        std::size_t i = 0;
        for (const auto& [name, value] : attributes) {
            if (i + 1 >= G_N_ELEMENTS(schema_.attributes))
                throw ports::KeyringError("too many keyring attributes");
            schema_.attributes[i++] = {name.c_str(), SECRET_SCHEMA_ATTRIBUTE_STRING};
        }
        table_ = g_hash_table_new(g_str_hash, g_str_equal);
        for (const auto& [name, value] : attributes)
            g_hash_table_insert(table_, const_cast<char*>(name.c_str()), const_cast<char*>(value.c_str()));
    }
    DynamicSchema(const DynamicSchema&) = delete;
    DynamicSchema& operator=(const DynamicSchema&) = delete;
    ~DynamicSchema() { g_hash_table_unref(table_); }
    const SecretSchema* schema() const { return &schema_; }
    GHashTable* attributes() const { return table_; }

  private:
    SecretSchema schema_{};
    GHashTable* table_ = nullptr;
};

bool sessionBusAddressKnown() {
    const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
    if (address != nullptr && *address != '\0')
        return true;
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::error_code ec;
    return runtime != nullptr && std::filesystem::exists(std::filesystem::path(runtime) / "bus", ec);
}

// Whether the Secret Service is running or can be started on the session bus. Never blocks
// for long: without a bus address GIO would try to autolaunch one.
bool probeSecretService() {
    if (const char* off = std::getenv("DOCDESK_NO_KEYRING"); off != nullptr && *off != '\0')
        return false;
    if (!sessionBusAddressKnown())
        return false;
    ErrorHolder err;
    GDBusConnection* bus = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, &err.error);
    if (bus == nullptr)
        return false;
    const auto ask = [&](const char* method, GVariant* params) -> GVariant* {
        ErrorHolder callError;
        GVariant* reply = g_dbus_connection_call_sync(
            bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", method, params,
            nullptr, G_DBUS_CALL_FLAGS_NONE, kProbeTimeoutMs, nullptr, &callError.error);
        return reply;
    };
    bool found = false;
    if (GVariant* reply = ask("NameHasOwner", g_variant_new("(s)", kSecretsBusName))) {
        gboolean owned = FALSE;
        g_variant_get(reply, "(b)", &owned);
        g_variant_unref(reply);
        found = owned != FALSE;
    }
    if (!found) {
        if (GVariant* reply = ask("ListActivatableNames", nullptr)) {
            GVariantIter* iter = nullptr;
            const gchar* name = nullptr;
            g_variant_get(reply, "(as)", &iter);
            while (g_variant_iter_loop(iter, "&s", &name))
                if (g_strcmp0(name, kSecretsBusName) == 0)
                    found = true;
            g_variant_iter_free(iter);
            g_variant_unref(reply);
        }
    }
    g_object_unref(bus);
    return found;
}

class SecretServiceKeyring final : public ports::Keyring {
  public:
    bool available() override {
        std::lock_guard lock(mutex_);
        if (!available_)
            available_ = probeSecretService();
        return *available_;
    }

    void store(const std::string& label, const ports::KeyringAttributes& attributes,
               std::span<const unsigned char> secret) override {
        DynamicSchema schema(attributes);
        SecretValue* value = secret_value_new(reinterpret_cast<const gchar*>(secret.data()),
                                              static_cast<gssize>(secret.size()), "application/octet-stream");
        ErrorHolder err;
        const gboolean ok = secret_password_storev_binary_sync(schema.schema(), schema.attributes(),
                                                               SECRET_COLLECTION_DEFAULT, label.c_str(),
                                                               value, nullptr, &err.error);
        secret_value_unref(value); // libsecret keeps values in its secure memory and wipes them
        if (!ok)
            err.raise("storing in the Secret Service failed");
    }

    bool lookup(const ports::KeyringAttributes& attributes,
                const std::function<void(std::span<const unsigned char>)>& receive) override {
        DynamicSchema schema(attributes);
        ErrorHolder err;
        SecretValue* value =
            secret_password_lookupv_binary_sync(schema.schema(), schema.attributes(), nullptr, &err.error);
        if (err.error != nullptr)
            err.raise("reading from the Secret Service failed");
        if (value == nullptr)
            return false;
        gsize length = 0;
        const gchar* bytes = secret_value_get(value, &length);
        try {
            receive(std::span(reinterpret_cast<const unsigned char*>(bytes), length));
        } catch (...) {
            secret_value_unref(value);
            throw;
        }
        secret_value_unref(value);
        return true;
    }

    bool remove(const ports::KeyringAttributes& attributes) override {
        DynamicSchema schema(attributes);
        ErrorHolder err;
        const gboolean removed =
            secret_password_clearv_sync(schema.schema(), schema.attributes(), nullptr, &err.error);
        if (err.error != nullptr)
            err.raise("removing from the Secret Service failed");
        return removed != FALSE;
    }

  private:
    std::mutex mutex_;
    std::optional<bool> available_;
};

} // namespace

ports::Keyring& osKeyring() {
    static SecretServiceKeyring keyring;
    return keyring;
}

} // namespace docdesk::platform
