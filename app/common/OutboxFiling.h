#pragma once
// Filing for a gateway profile, as `docdesk-cli file --profile` and the window's File action do
// it: documents are rendered into a staging folder beside the outbox (the same file system, so
// the move is a rename), recorded in the session as filed for "outbox:PROFILE", then each is
// moved into the outbox as an item of the profile. Nothing is sent: the items wait there until
// the user presses Upload.
//
// The move is made so that a kill at any point neither loses nor doubles a document: each file
// goes into the outbox under a name made of the session and the filing record, and the record
// keeps pointing into staging until its files are in the outbox. Whatever a killed run left
// in staging is moved by the next filing of the session (settleOutboxFilings).
#include "core/gateway/Outbox.h"
#include "core/journal/Session.h"
#include "core/pipeline/Filing.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace docdesk::app {

// The staging folder for session `sessionId` below the data folder (created).
std::filesystem::path outboxStagingFolder(const std::string& sessionId);

// What became of one filing record that was waiting in staging.
struct OutboxMove {
    std::filesystem::path location; // its (first) file in the outbox, when it got there
    std::string error;              // translated, when it could not be moved (its files stay)
    bool forgotten = false;         // its files were nowhere: the record is dropped, to be filed again
};

// Moves every document of `session` recorded as filed for an outbox whose files are still
// outside the outbox (records with target "outbox:PROFILE") into the outbox of that profile,
// records where each went, and removes the emptied folders below `staging`. The plan's folder
// below `staging` becomes each item's remote folder. Files below `staging` that no record
// names (half-written or unrecorded documents of a killed filing, filed again anyway) are
// removed. Call it only while nothing else files the session. Returns the outcome per record id.
std::map<std::int64_t, OutboxMove> settleOutboxFilings(gateway::Outbox& outbox, journal::Session& session,
                                                       const std::filesystem::path& staging);

// What settleSessionOutbox did.
struct OutboxSettlement {
    size_t moved = 0;                // documents that reached the outbox now
    size_t forgotten = 0;            // documents whose files were gone: to be filed again
    std::vector<std::string> errors; // translated, of documents whose files stay in staging
};

// settleOutboxFilings for `session` with this user's outbox and the session's staging folder,
// for a program that starts on a session (the window): what a filing killed before its end
// left in staging goes into the outbox. Opens nothing when the session has no such filing.
OutboxSettlement settleSessionOutbox(journal::Session& session);

// Moves the documents just filed into `staging` (`filed`, then `passThrough`; `ids` their
// records, 0 for none) like settleOutboxFilings and points them at their outbox items; one that
// could not be moved is marked Failed with the reason (its files stay in staging for the next
// run). Call settleOutboxFilings once before filing, for what earlier runs left.
void moveIntoOutbox(gateway::Outbox& outbox, journal::Session& session, const std::filesystem::path& staging,
                    const std::vector<std::int64_t>& ids, std::vector<pipeline::FiledDocument>& filed,
                    std::vector<pipeline::FiledDocument>& passThrough);

} // namespace docdesk::app
