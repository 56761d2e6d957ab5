#include "core/gateway/RetryPolicy.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace docdesk::gateway {

std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int retry,
                                       std::optional<std::chrono::seconds> retryAfter, std::mt19937& random) {
    const int shift = std::clamp(retry - 1, 0, 20);
    const auto exponential =
        std::min<std::chrono::milliseconds>(policy.initialDelay * (1LL << shift), policy.maxDelay);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    auto delay = std::chrono::milliseconds(std::int64_t(double(exponential.count()) * jitter(random)));
    if (retryAfter)
        delay = std::max<std::chrono::milliseconds>(delay, std::min(*retryAfter, policy.maxRetryAfter));
    return delay;
}

bool waitUnlessStopped(std::chrono::milliseconds delay, std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, stop, delay, [] { return false; });
    return !stop.stop_requested();
}

} // namespace docdesk::gateway
