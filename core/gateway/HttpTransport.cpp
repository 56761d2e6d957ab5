#include "core/gateway/HttpTransport.h"

#include "core/common/Translate.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <curl/curl.h>
#include <memory>
#include <mutex>
#include <sodium.h>

namespace docdesk::gateway {
namespace {

void initCurlOnce() {
    // curl_global_init is not thread-safe; the uploader runs several transfers in parallel.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

constexpr long kUploadBufferBytes = 1024 * 1024;

struct TransferState {
    const HttpRequest* request = nullptr;
    HttpResponse* response = nullptr;
    std::FILE* bodyFile = nullptr;
    std::uint64_t fileStart = 0;  // where the sent range of bodyFile begins
    std::uint64_t fileLength = 0; // and how long it is
    std::uint64_t fileRemaining = 0;
    std::size_t bodyOffset = 0;
    std::stop_token stop;
    const TransferProgress* progress = nullptr;
    const DebugLogSink* debugLog = nullptr;
};

size_t readBody(char* buffer, size_t size, size_t count, void* user) {
    auto& s = *static_cast<TransferState*>(user);
    const size_t want = size * count;
    if (s.bodyFile) {
        const size_t got =
            std::fread(buffer, 1, size_t(std::min<std::uint64_t>(want, s.fileRemaining)), s.bodyFile);
        if (got == 0 && std::ferror(s.bodyFile))
            return CURL_READFUNC_ABORT;
        s.fileRemaining -= got;
        return got;
    }
    const auto& body = s.request->body;
    const size_t n = std::min(want, body.size() - s.bodyOffset);
    std::memcpy(buffer, body.data() + s.bodyOffset, n);
    s.bodyOffset += n;
    return n;
}

// Lets curl rewind the body when it has to send it again (e.g. after 100-continue was refused
// on a reused connection); without it such a retry would fail.
int seekBody(void* user, curl_off_t offset, int origin) {
    auto& s = *static_cast<TransferState*>(user);
    if (origin != SEEK_SET)
        return CURL_SEEKFUNC_CANTSEEK;
    if (s.bodyFile) {
        if (offset < 0 || std::uint64_t(offset) > s.fileLength ||
            ::fseeko(s.bodyFile, off_t(s.fileStart + std::uint64_t(offset)), SEEK_SET) != 0)
            return CURL_SEEKFUNC_FAIL;
        s.fileRemaining = s.fileLength - std::uint64_t(offset);
        return CURL_SEEKFUNC_OK;
    }
    if (offset < 0 || size_t(offset) > s.request->body.size())
        return CURL_SEEKFUNC_FAIL;
    s.bodyOffset = size_t(offset);
    return CURL_SEEKFUNC_OK;
}

size_t writeBody(char* data, size_t size, size_t count, void* user) {
    auto& s = *static_cast<TransferState*>(user);
    const size_t n = size * count;
    if (s.request->responseSink)
        s.request->responseSink(std::span<const char>(data, n));
    else if (s.response->body.size() + n <= 16 * 1024 * 1024) // answers we parse are small
        s.response->body.append(data, n);
    return n;
}

size_t readHeader(char* data, size_t size, size_t count, void* user) {
    auto& s = *static_cast<TransferState*>(user);
    const size_t n = size * count;
    const std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
        s.response->headers.clear(); // a new response (after 100 Continue)
        return n;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos)
        s.response->headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t ulTotal, curl_off_t ulNow) {
    auto& s = *static_cast<TransferState*>(user);
    if (s.stop.stop_requested())
        return 1; // aborts the transfer with CURLE_ABORTED_BY_CALLBACK
    if (s.progress && *s.progress)
        (*s.progress)(std::uint64_t(ulNow), std::uint64_t(ulTotal));
    return 0;
}

int onDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    auto& s = *static_cast<TransferState*>(user);
    if (!s.debugLog || !*s.debugLog)
        return 0;
    // Only headers and curl's own notes: bodies hold documents and are never logged.
    if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT)
        return 0;
    const char* prefix = type == CURLINFO_HEADER_OUT ? "> " : type == CURLINFO_HEADER_IN ? "< " : "* ";
    std::string_view text(data, size);
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (!line.empty()) {
            std::string shown = redactHeaderLine(line);
            // curl's own notes quote HTTP/2 headers as "h2h3 [name: value]": redact those too.
            if (type == CURLINFO_TEXT) {
                const auto open = line.find('[');
                const auto close = line.rfind(']');
                if (open != std::string_view::npos && close != std::string_view::npos && close > open)
                    shown = std::string(line.substr(0, open + 1)) +
                            redactHeaderLine(line.substr(open + 1, close - open - 1)) +
                            std::string(line.substr(close));
            }
            (*s.debugLog)(prefix + shown);
        }
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return 0;
}

bool retryableCurlCode(CURLcode code) {
    switch (code) {
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_READ_ERROR:
        return false;
    default:
        return true;
    }
}

std::string curlFailureMessage(CURLcode code, const char* detail, const std::string& url) {
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        return trf(
            "The gateway {} could not prove its identity (certificate not trusted or issued for another "
            "name): {}. Check the profile's URL and CA bundle.",
            url, detail);
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return trf("The gateway {} presented a different key than the one pinned in the profile. Nothing was "
                   "sent. Ask the operator whether the server's key changed.",
                   url);
    case CURLE_OPERATION_TIMEDOUT:
        return trf("The gateway {} stopped responding: {}.", url, detail);
    case CURLE_COULDNT_CONNECT:
        return trf("Cannot connect to the gateway {}: {}.", url, detail);
    default:
        return trf("The transfer to {} failed: {}.", url, detail[0] ? detail : curl_easy_strerror(code));
    }
}

// Owners of what curl is handed for one transfer, released when perform returns.
struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using OpenFile = std::unique_ptr<std::FILE, FileClose>;

struct HeaderListFree {
    void operator()(curl_slist* list) const {
        for (curl_slist* item = list; item != nullptr; item = item->next)
            sodium_memzero(item->data, std::strlen(item->data)); // curl's copy of a token line
        curl_slist_free_all(list);
    }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListFree>;

struct MimeFree {
    void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
using MimeBody = std::unique_ptr<curl_mime, MimeFree>;

// Checks the body's source before anything is sent and opens a body file (its range set in
// `state`). Returns the open file (null for other bodies) and the body's size in `bodySize`.
OpenFile openBody(const HttpRequest& request, TransferState& state, curl_off_t& bodySize) {
    bodySize = curl_off_t(request.body.size());
    if (!request.form.empty()) {
        // curl reads a file part only while sending; an unreadable file is said clearly before.
        for (const auto& part : request.form) {
            if (part.file.empty())
                continue;
            std::FILE* f = std::fopen(part.file.c_str(), "rb");
            if (!f)
                throw Error(trf("Cannot read {}: {}", part.file.string(), std::strerror(errno)));
            std::fclose(f);
        }
        return nullptr;
    }
    if (request.bodyFile.empty())
        return nullptr;
    OpenFile file(std::fopen(request.bodyFile.c_str(), "rb"));
    if (!file)
        throw Error(trf("Cannot read {}: {}", request.bodyFile.string(), std::strerror(errno)));
    std::error_code ec;
    const std::uint64_t fileSize = std::filesystem::file_size(request.bodyFile, ec);
    if (ec)
        throw Error(trf("Cannot read {}: {}", request.bodyFile.string(), ec.message()));
    if (request.bodyOffset > fileSize)
        throw Error(trf("Cannot read {}: it is shorter than expected.", request.bodyFile.string()));
    state.bodyFile = file.get();
    state.fileStart = request.bodyOffset;
    state.fileLength = request.bodyLength == 0 ? fileSize - request.bodyOffset
                                               : std::min(request.bodyLength, fileSize - request.bodyOffset);
    state.fileRemaining = state.fileLength;
    if (state.fileStart > 0 && ::fseeko(state.bodyFile, off_t(state.fileStart), SEEK_SET) != 0)
        throw Error(trf("Cannot read {}: {}", request.bodyFile.string(), std::strerror(errno)));
    bodySize = curl_off_t(state.fileLength);
    return file;
}

// Where to connect and how: https or http only, no redirects, TLS verified (with the profile's
// CA certificates and pin), the proxy, the time limits and the User-Agent.
void setConnectionOptions(CURL* curl, const GatewayConnection& connection, const std::string& url) {
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    // A profile from an operator bundle carries the CA certificates themselves (PEM text);
    // one made on the station names a file.
    if (connection.caBundle.starts_with("-----BEGIN")) {
        curl_blob blob{const_cast<char*>(connection.caBundle.data()), connection.caBundle.size(),
                       CURL_BLOB_COPY};
        curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
    } else if (!connection.caBundle.empty()) {
        curl_easy_setopt(curl, CURLOPT_CAINFO, connection.caBundle.c_str());
    }
    if (!connection.pinnedPublicKey.empty())
        curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, connection.pinnedPublicKey.c_str());
    if (!connection.proxy.empty())
        curl_easy_setopt(curl, CURLOPT_PROXY, connection.proxy.c_str());
    // Otherwise curl takes http_proxy/https_proxy/no_proxy from the environment by itself.
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(connection.connectTimeout.count()));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, connection.lowSpeedBytes);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(connection.lowSpeedTime.count()));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "docdesk/" DOCDESK_VERSION);
}

// Basic authentication with the connection's user. The password goes to curl from guarded
// memory as a NUL-terminated copy (`passwordText`, which the caller keeps until the transfer
// is over and which is wiped then; curl keeps its own copy only for this handle's transfer).
void setCredentials(CURL* curl, const GatewayConnection& connection, vault::Secret& passwordText) {
    if (connection.user.empty())
        return;
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, connection.user.c_str());
    const auto view = connection.password ? connection.password->view() : std::string_view();
    passwordText = vault::Secret::ofSize(view.size() + 1);
    std::memcpy(passwordText.data(), view.data(), view.size());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, reinterpret_cast<const char*>(passwordText.data()));
}

// The request's header lines, plus "Authorization: Token ..." built in guarded memory when
// the request asks for it (curl's copy is wiped when the list is freed).
HeaderList headerLinesFor(const HttpRequest& request, const GatewayConnection& connection) {
    HeaderList headers;
    auto append = [&headers](const char* line) {
        // curl_slist_append returns the list's head (a new one for an empty list), or null with
        // the list unchanged when memory runs out (the line is then left out).
        if (curl_slist* head = curl_slist_append(headers.get(), line)) {
            (void)headers.release();
            headers.reset(head);
        }
    };
    for (const auto& h : request.headers)
        append(h.c_str());
    if (request.tokenAuthorization && connection.password) {
        constexpr std::string_view prefix = "Authorization: Token ";
        const auto token = connection.password->view();
        vault::Secret line = vault::Secret::ofSize(prefix.size() + token.size() + 1);
        std::memcpy(line.data(), prefix.data(), prefix.size());
        std::memcpy(line.data() + prefix.size(), token.data(), token.size());
        append(reinterpret_cast<const char*>(line.data()));
    }
    return headers;
}

// The multipart body: file parts are read by curl in pieces while sending
// (curl_mime_filedata), so a 1 GB document never sits in memory.
MimeBody formBodyFor(CURL* curl, const HttpRequest& request) {
    MimeBody mime(curl_mime_init(curl));
    for (const auto& p : request.form) {
        curl_mimepart* part = curl_mime_addpart(mime.get());
        curl_mime_name(part, p.name.c_str());
        if (!p.file.empty()) {
            curl_mime_filedata(part, p.file.c_str());
            if (!p.fileName.empty())
                curl_mime_filename(part, p.fileName.c_str());
            curl_mime_type(part, p.contentType.empty() ? "application/octet-stream" : p.contentType.c_str());
        } else {
            curl_mime_data(part, p.value.data(), p.value.size());
            if (!p.contentType.empty())
                curl_mime_type(part, p.contentType.c_str());
        }
    }
    return mime;
}

// The method and how the body goes out: a form, nothing (GET, HEAD), or read in pieces from
// `state` (a small body or a file range). Returns the form body curl reads from, if any.
MimeBody setMethodAndBody(CURL* curl, const HttpRequest& request, TransferState& state, curl_off_t bodySize) {
    const bool isForm = !request.form.empty();
    const bool hasBody =
        !isForm && (!request.bodyFile.empty() || !request.body.empty() || request.method == "PUT");
    MimeBody mime;
    if (isForm) {
        mime = formBodyFor(curl, request);
        curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime.get());
        if (request.method != "POST")
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (hasBody) {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, bodySize);
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (hasBody) {
        // Large pieces per read: fewer callbacks and larger TLS records per byte sent, which
        // is what an upload on a busy machine spends its CPU on (curl's default is 64 KiB).
        if (state.bodyFile)
            curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, readBody);
        curl_easy_setopt(curl, CURLOPT_READDATA, &state);
        curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seekBody);
        curl_easy_setopt(curl, CURLOPT_SEEKDATA, &state);
    }
    // curl silently sends a request again when a reused connection turns out to be closed
    // before any answer. For a POST or MOVE that may already have taken effect (a document
    // created), that hidden repeat would bypass the connector's own look-before-retry, so
    // these go on a fresh connection and a lost answer surfaces as a TransportError.
    if (request.method == "POST" || request.method == "MOVE" || isForm)
        curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
    return mime;
}

// The answer's body and headers, the progress (which also notices a stop request) and, when
// the connection has a debug log, curl's trace, all go through `state`.
void setCallbacks(CURL* curl, TransferState& state, bool debugLog) {
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, readHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &state);
    if (debugLog) {
        curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
        curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, onDebug);
        curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &state);
    }
}

} // namespace

struct HttpTransport::Handle {
    CURL* curl = nullptr;
    Handle() {
        initCurlOnce();
        curl = curl_easy_init();
        if (!curl)
            throw Error(tr("The network library could not be initialised."));
    }
    ~Handle() { curl_easy_cleanup(curl); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
};

std::string HttpResponse::header(const std::string& lowerName) const {
    const auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

GatewayConnection connectionFor(const vault::Profile& profile,
                                std::shared_ptr<const vault::Secret> password) {
    GatewayConnection c;
    c.baseUrl = profile.url;
    c.user = profile.user;
    c.password = std::move(password);
    c.caBundle = profile.caBundle;
    c.pinnedPublicKey = profile.pinnedPublicKey;
    c.proxy = profile.proxy;
    return c;
}

HttpTransport::HttpTransport(GatewayConnection connection)
    : connection_(std::move(connection)), handle_(std::make_unique<Handle>()) {}

HttpTransport::~HttpTransport() = default;

void HttpTransport::setPassword(std::shared_ptr<const vault::Secret> password) {
    connection_.password = std::move(password);
}

HttpResponse HttpTransport::perform(const HttpRequest& request, std::stop_token stop,
                                    const TransferProgress& progress) {
    if (stop.stop_requested())
        throw TransferCancelled(tr("Upload cancelled."));
    CURL* curl = handle_->curl;
    // Reset keeps the connection cache, so consecutive requests reuse one TLS session.
    curl_easy_reset(curl);

    HttpResponse response;
    TransferState state;
    state.request = &request;
    state.response = &response;
    state.stop = stop;
    state.progress = &progress;
    state.debugLog = &connection_.debugLog;

    curl_off_t bodySize = 0;
    const OpenFile bodyFile = openBody(request, state, bodySize);
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    setConnectionOptions(curl, connection_, request.url);
    vault::Secret passwordText;
    setCredentials(curl, connection_, passwordText);
    const HeaderList headers = headerLinesFor(request, connection_);
    const MimeBody form = setMethodAndBody(curl, request, state, bodySize);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    setCallbacks(curl, state, bool(connection_.debugLog));

    const CURLcode code = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (code == CURLE_ABORTED_BY_CALLBACK)
        throw TransferCancelled(tr("Upload cancelled."));
    if (code != CURLE_OK)
        throw TransportError(curlFailureMessage(code, errorBuffer, request.url), retryableCurlCode(code));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    if (const auto ra = response.headers.find("retry-after"); ra != response.headers.end())
        response.retryAfter = parseRetryAfter(ra->second);
    return response;
}

std::string redactHeaderLine(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return std::string(line);
    const auto name = lower(trim(line.substr(0, colon)));
    static const char* const secretHeaders[] = {"authorization", "proxy-authorization", "cookie",
                                                "set-cookie",    "x-auth-token",        "x-api-key",
                                                "x-csrftoken",   "x-requesttoken"};
    for (const char* s : secretHeaders)
        if (name == s)
            return std::string(line.substr(0, colon)) + ": [redacted]";
    if (name.find("token") != std::string::npos)
        return std::string(line.substr(0, colon)) + ": [redacted]";
    return std::string(line);
}

std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value) {
    const auto text = trim(value);
    if (text.empty())
        return std::nullopt;
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (text.size() > 9)
            return std::chrono::seconds(999'999'999);
        return std::chrono::seconds(std::stol(text));
    }
    const time_t when = curl_getdate(text.c_str(), nullptr);
    if (when < 0)
        return std::nullopt;
    const time_t now = std::time(nullptr);
    return std::chrono::seconds(when > now ? when - now : 0);
}

std::string encodePathSegment(std::string_view segment) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : segment) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace docdesk::gateway
