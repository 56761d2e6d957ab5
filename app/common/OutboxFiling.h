#pragma once
// Filing for a gateway profile, as `docdesk-cli file --profile` and the window's File action do
// it: documents are rendered into a staging folder beside the outbox (the same file system, so
// the move is a rename), then each is moved into the outbox as an item of the profile. Nothing
// is sent: the items wait there until the user presses Upload.
#include "core/gateway/Outbox.h"
#include "core/pipeline/Filing.h"

#include <filesystem>
#include <map>
#include <string>

namespace docdesk::app {

// A fresh staging folder for session `sessionId` below the data folder (created).
std::filesystem::path outboxStagingFolder(const std::string& sessionId);

// Moves the files of a document filed into `staging` into the outbox of `profile`; the plan's
// folder below `staging` becomes the item's remote folder. On success `document`'s paths point
// into the outbox; on failure it is marked Failed with the reason (its files stay in staging).
void moveIntoOutbox(gateway::Outbox& outbox, const std::string& profile, const std::filesystem::path& staging,
                    pipeline::FiledDocument& document, const std::string& title,
                    const std::map<std::string, std::string>& fields);

} // namespace docdesk::app
