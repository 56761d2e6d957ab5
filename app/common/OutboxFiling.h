#pragma once
// Filing for a gateway profile, as `docdesk-cli file --profile` and the window's File action do
// it: documents are rendered into a staging folder beside the outbox (the same file system, so
// the move is a rename), then each is moved into the outbox as an item of the profile. Nothing
// is sent: the items wait there until the user presses Upload.
#include "core/gateway/Outbox.h"
#include "core/journal/Session.h"
#include "core/pipeline/Filing.h"
#include "core/rules/FilingPlan.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace docdesk::app {

// A fresh staging folder for session `sessionId` below the data folder (created).
std::filesystem::path outboxStagingFolder(const std::string& sessionId);

// Moves the documents of `plan` filed into `staging` (`filed`, one per plan document, then the
// pass-through entries) into the outbox of `profile`, and removes the staging folder. The
// plan's folder below `staging` becomes each item's remote folder. A moved document's paths
// then point into the outbox; one that cannot be moved is marked Failed with the reason (its
// files stay in staging).
void moveIntoOutbox(gateway::Outbox& outbox, const std::string& profile, const std::filesystem::path& staging,
                    const rules::FilingPlan& plan, std::vector<pipeline::FiledDocument>& filed,
                    std::vector<pipeline::FiledDocument>& passThroughFiled);

// Points the session's records (`ids`: one per document of `filed`, then of `passThrough`;
// 0 for none) of the documents moved into the outbox at their outbox items, target `target`.
void recordOutboxItems(journal::Session& session, const std::string& target, const std::vector<std::int64_t>& ids,
                       const std::vector<pipeline::FiledDocument>& filed,
                       const std::vector<pipeline::FiledDocument>& passThrough);

} // namespace docdesk::app
