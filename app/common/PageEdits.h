#pragma once
// The user's edits of pages (rotate, delete, move, crop) as commands over a Session, with
// undo and redo. Each edit states its intent when made and records what it changed when it is
// applied (the transforms before, the positions before), so undo restores exactly the state
// the edit found, also for several pages at once. wx-free: the window runs the stack on a
// thread of its own (PageEditQueue), because every session write is flushed to disk.
#include "core/journal/Session.h"
#include "core/model/Geometry.h"
#include "core/model/PageTransforms.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace docdesk::app {

class PageEdit {
  public:
    virtual ~PageEdit() = default;
    // The action as a menu names it ("Rotate", "Delete", ...), translated.
    virtual std::string name() const = 0;
    // Applies the edit to the session's current state; false when it changed nothing (then
    // it is not kept for undo). Throws when the session cannot be written; what was changed
    // by then is put back first.
    virtual bool apply(journal::Session& session) = 0;
    // Puts back what apply() changed. Called only on the state apply() left.
    virtual void revert(journal::Session& session) = 0;
    // The pages whose image changed (their thumbnails are made again).
    virtual std::vector<std::int64_t> touchedPages() const = 0;
};

// Turns pages by `degrees` clockwise (90 right, -90 left); pass-through entries are skipped.
std::unique_ptr<PageEdit> rotatePages(std::vector<std::int64_t> pageIds, int degrees);
// Hides pages (the originals stay); undo brings them back at their places.
std::unique_ptr<PageEdit> deletePages(std::vector<std::int64_t> pageIds);
// Moves pages so that they stand together, in their current order, before the page now at
// index `insertBefore` of the session order (the page count: at the end).
std::unique_ptr<PageEdit> movePages(std::vector<std::int64_t> pageIds, int insertBefore);
// Moves pages one place earlier (-1) or later (+1) as a block.
std::unique_ptr<PageEdit> shiftPages(std::vector<std::int64_t> pageIds, int step);
// Sets (or, with nullopt, removes) the crop quad of a page, in pixels of the decoded original.
std::unique_ptr<PageEdit> cropPage(std::int64_t pageId, std::optional<Quad> corners);
// Removes the crop of pages, whether the user or the analysis set it: they are filed whole.
std::unique_ptr<PageEdit> removeCrops(std::vector<std::int64_t> pageIds);
// Files pages in `mode` (as captured, colour, grey, black and white); their other edits stay.
std::unique_ptr<PageEdit> setPageMode(std::vector<std::int64_t> pageIds, PageMode mode);

// Undo and redo over one session. Not thread-safe: one thread uses it.
class PageEditStack {
  public:
    explicit PageEditStack(size_t limit = 500) : limit_(limit) {}

    // Applies `edit` and keeps it for undo (forgetting what could be redone). Returns false
    // when the edit changed nothing. Throws like PageEdit::apply (the stack is unchanged then).
    bool perform(journal::Session& session, std::unique_ptr<PageEdit> edit);
    // Undoes the last edit / redoes the last undone one; false when there is none. The edit
    // that throws stays where it was.
    bool undo(journal::Session& session);
    bool redo(journal::Session& session);
    bool canUndo() const { return !done_.empty(); }
    bool canRedo() const { return !undone_.empty(); }
    // The name of what Undo / Redo would do; empty when nothing.
    std::string undoName() const { return done_.empty() ? std::string() : done_.back()->name(); }
    std::string redoName() const { return undone_.empty() ? std::string() : undone_.back()->name(); }
    // The pages whose image the last perform, undo or redo changed.
    const std::vector<std::int64_t>& lastTouched() const { return lastTouched_; }
    void clear();

  private:
    size_t limit_;
    std::vector<std::int64_t> lastTouched_;
    std::deque<std::unique_ptr<PageEdit>> done_;
    std::vector<std::unique_ptr<PageEdit>> undone_;
};

// Runs a PageEditStack on a thread of its own, one request after another, and reports each
// outcome with the session's pages as they are afterwards. The callback runs on that thread.
class PageEditQueue {
  public:
    struct Outcome {
        std::vector<PageRecord> pages;     // the session's pages after the request
        std::vector<std::int64_t> touched; // pages whose image changed
        std::string undoName, redoName;    // for the Edit menu; empty: nothing
        std::string done;                  // e.g. "Undo Rotate"; empty when nothing happened
        std::string error;                 // why the request failed (the session is as before)
    };
    using Callback = std::function<void(Outcome)>;

    PageEditQueue(journal::Session& session, Callback onDone);
    // Finishes the queued requests (they are the user's edits), then joins.
    ~PageEditQueue();
    PageEditQueue(const PageEditQueue&) = delete;
    PageEditQueue& operator=(const PageEditQueue&) = delete;

    void perform(std::unique_ptr<PageEdit> edit);
    void undo();
    void redo();
    // Only reports the session's pages (e.g. after the plan stored analysis results).
    void refresh();
    // True while requests are queued or running.
    bool busy() const;

  private:
    enum class Kind { Perform, Undo, Redo, Refresh };
    struct Request {
        Kind kind;
        std::unique_ptr<PageEdit> edit;
    };
    void push(Request request);
    void run();

    journal::Session& session_;
    Callback onDone_;
    PageEditStack stack_; // used on the queue's thread only
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Request> queue_;
    bool running_ = false;
    bool stopping_ = false;
    std::thread thread_; // last: started after everything it uses
};

} // namespace docdesk::app
