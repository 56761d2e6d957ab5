#include "app/common/PageEdits.h"

#include "core/common/Translate.h"
#include "core/model/PageTransforms.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace docdesk::app {
namespace {

std::vector<std::int64_t> orderOf(const journal::Session& session) {
    std::vector<std::int64_t> ids;
    for (const auto& p : session.pages())
        ids.push_back(p.id);
    return ids;
}

// Writes new transforms for some pages; the JSON before is kept for revert().
class TransformsEdit : public PageEdit {
  public:
    using Change = std::function<void(PageTransforms&)>;
    TransformsEdit(std::string name, std::vector<std::int64_t> ids, Change change)
        : name_(std::move(name)), ids_(std::move(ids)), change_(std::move(change)) {}

    std::string name() const override { return name_; }
    std::vector<std::int64_t> touchedPages() const override {
        std::vector<std::int64_t> out;
        for (const auto& [id, json] : before_)
            out.push_back(id);
        return out;
    }

    bool apply(journal::Session& session) override {
        before_.clear();
        std::map<std::int64_t, const PageRecord*> byId;
        const auto pages = session.pages();
        for (const auto& p : pages)
            byId[p.id] = &p;
        std::vector<std::pair<std::int64_t, std::string>> after;
        for (const auto id : ids_) {
            const auto it = byId.find(id);
            if (it == byId.end() || it->second->isPassThrough())
                continue;
            PageTransforms t = PageTransforms::parse(it->second->transformsJson);
            change_(t);
            const std::string json = t.toJson();
            if (json != PageTransforms::parse(it->second->transformsJson).toJson()) {
                after.emplace_back(id, json);
                before_[id] = it->second->transformsJson;
            }
        }
        std::vector<std::int64_t> written;
        try {
            for (const auto& [id, json] : after) {
                session.setTransforms(id, json);
                written.push_back(id);
            }
        } catch (...) {
            for (const auto id : written)
                session.setTransforms(id, before_[id]);
            throw;
        }
        return !after.empty();
    }

    void revert(journal::Session& session) override {
        for (const auto& [id, json] : before_)
            session.setTransforms(id, json);
    }

  private:
    std::string name_;
    std::vector<std::int64_t> ids_;
    Change change_;
    std::map<std::int64_t, std::string> before_;
};

// Puts `moved` (ids with the indices they had, ascending) back at those indices.
void restoreIndices(journal::Session& session, const std::vector<std::pair<int, std::int64_t>>& moved) {
    // Inserting in ascending order of the old index rebuilds the old order exactly, because
    // every page before an index is then back in place.
    for (const auto& [index, id] : moved)
        session.movePage(id, index);
}

class DeleteEdit : public PageEdit {
  public:
    explicit DeleteEdit(std::vector<std::int64_t> ids) : ids_(std::move(ids)) {}
    std::string name() const override { return tr("Delete"); }
    std::vector<std::int64_t> touchedPages() const override { return {}; }

    bool apply(journal::Session& session) override {
        removed_.clear();
        const auto order = orderOf(session);
        const std::set<std::int64_t> wanted(ids_.begin(), ids_.end());
        for (size_t i = 0; i < order.size(); ++i)
            if (wanted.count(order[i]))
                removed_.emplace_back(static_cast<int>(i), order[i]);
        std::vector<std::int64_t> done;
        try {
            for (const auto& [index, id] : removed_) {
                session.removePage(id);
                done.push_back(id);
            }
        } catch (...) {
            for (const auto id : done)
                session.restorePage(id);
            throw;
        }
        return !removed_.empty();
    }

    void revert(journal::Session& session) override {
        for (const auto& [index, id] : removed_)
            session.restorePage(id);
        // A hidden page keeps its position value, so it usually comes back in place by itself;
        // only when positions were renumbered meanwhile are the pages moved.
        const auto order = orderOf(session);
        bool inPlace = true;
        for (const auto& [index, id] : removed_)
            if (static_cast<size_t>(index) >= order.size() || order[static_cast<size_t>(index)] != id)
                inPlace = false;
        if (!inPlace)
            restoreIndices(session, removed_);
    }

  private:
    std::vector<std::int64_t> ids_;
    std::vector<std::pair<int, std::int64_t>> removed_; // old index, id; ascending
};

class MoveEdit : public PageEdit {
  public:
    // insertBefore >= 0: an index of the order; otherwise `step` places earlier or later.
    MoveEdit(std::vector<std::int64_t> ids, int insertBefore, int step)
        : ids_(std::move(ids)), insertBefore_(insertBefore), step_(step) {}
    std::string name() const override { return tr("Move"); }
    std::vector<std::int64_t> touchedPages() const override { return {}; }

    bool apply(journal::Session& session) override {
        moved_.clear();
        const auto order = orderOf(session);
        const std::set<std::int64_t> wanted(ids_.begin(), ids_.end());
        std::vector<std::int64_t> others;
        for (size_t i = 0; i < order.size(); ++i) {
            if (wanted.count(order[i]))
                moved_.emplace_back(static_cast<int>(i), order[i]);
            else
                others.push_back(order[i]);
        }
        if (moved_.empty())
            return false;
        // Where the block starts among the other pages.
        int target = 0;
        if (step_ == 0) {
            const int before = std::clamp(insertBefore_, 0, static_cast<int>(order.size()));
            target =
                before - static_cast<int>(std::count_if(moved_.begin(), moved_.end(),
                                                        [&](const auto& m) { return m.first < before; }));
        } else {
            target = moved_.front().first + step_;
        }
        target = std::clamp(target, 0, static_cast<int>(others.size()));
        std::vector<std::int64_t> wantedOrder = others;
        for (size_t k = 0; k < moved_.size(); ++k)
            wantedOrder.insert(wantedOrder.begin() + target + static_cast<long>(k), moved_[k].second);
        if (wantedOrder == order) {
            moved_.clear();
            return false;
        }
        target_ = target;
        try {
            place(session);
        } catch (...) {
            try {
                revert(session);
            } catch (...) {
            }
            throw;
        }
        return true;
    }

    void revert(journal::Session& session) override {
        if (moved_.size() > 1)
            for (const auto& [index, id] : moved_)
                session.movePage(id,
                                 std::numeric_limits<int>::max()); // to the end: the rest is in the old order
        restoreIndices(session, moved_);
    }

  private:
    void place(journal::Session& session) {
        if (moved_.size() == 1) {
            session.movePage(moved_.front().second, target_);
            return;
        }
        // Movers first go to the end in their order; then each is put after the previous one.
        for (const auto& [index, id] : moved_)
            session.movePage(id, std::numeric_limits<int>::max());
        for (size_t k = 0; k < moved_.size(); ++k)
            session.movePage(moved_[k].second, target_ + static_cast<int>(k));
    }

    std::vector<std::int64_t> ids_;
    int insertBefore_;
    int step_;
    int target_ = 0;
    std::vector<std::pair<int, std::int64_t>> moved_; // old index, id; ascending
};

} // namespace

std::unique_ptr<PageEdit> rotatePages(std::vector<std::int64_t> pageIds, int degrees) {
    return std::make_unique<TransformsEdit>(tr("Rotate"), std::move(pageIds), [degrees](PageTransforms& t) {
        t.rotation = ((t.rotation + degrees) % 360 + 360) % 360;
    });
}

std::unique_ptr<PageEdit> deletePages(std::vector<std::int64_t> pageIds) {
    return std::make_unique<DeleteEdit>(std::move(pageIds));
}

std::unique_ptr<PageEdit> movePages(std::vector<std::int64_t> pageIds, int insertBefore) {
    return std::make_unique<MoveEdit>(std::move(pageIds), std::max(0, insertBefore), 0);
}

std::unique_ptr<PageEdit> shiftPages(std::vector<std::int64_t> pageIds, int step) {
    return std::make_unique<MoveEdit>(std::move(pageIds), 0, step < 0 ? -1 : 1);
}

std::unique_ptr<PageEdit> cropPage(std::int64_t pageId, std::optional<Quad> corners) {
    return std::make_unique<TransformsEdit>(tr("Crop"), std::vector<std::int64_t>{pageId},
                                            [corners](PageTransforms& t) { t.crop = corners; });
}

std::unique_ptr<PageEdit> removeCrops(std::vector<std::int64_t> pageIds) {
    return std::make_unique<TransformsEdit>(tr("Remove Crop"), std::move(pageIds),
                                            [](PageTransforms& t) { t.crop.reset(); });
}

std::unique_ptr<PageEdit> setPageMode(std::vector<std::int64_t> pageIds, PageMode mode) {
    return std::make_unique<TransformsEdit>(tr("Page Mode"), std::move(pageIds),
                                            [mode](PageTransforms& t) { t.mode = mode; });
}

bool PageEditStack::perform(journal::Session& session, std::unique_ptr<PageEdit> edit) {
    if (!edit->apply(session))
        return false;
    lastTouched_ = edit->touchedPages();
    done_.push_back(std::move(edit));
    if (done_.size() > limit_)
        done_.pop_front();
    undone_.clear();
    return true;
}

bool PageEditStack::undo(journal::Session& session) {
    if (done_.empty())
        return false;
    done_.back()->revert(session);
    lastTouched_ = done_.back()->touchedPages();
    undone_.push_back(std::move(done_.back()));
    done_.pop_back();
    return true;
}

bool PageEditStack::redo(journal::Session& session) {
    if (undone_.empty())
        return false;
    undone_.back()->apply(session);
    lastTouched_ = undone_.back()->touchedPages();
    done_.push_back(std::move(undone_.back()));
    undone_.pop_back();
    return true;
}

void PageEditStack::clear() {
    done_.clear();
    undone_.clear();
}

PageEditQueue::PageEditQueue(journal::Session& session, Callback onDone)
    : session_(session), onDone_(std::move(onDone)), thread_([this] { run(); }) {}

PageEditQueue::~PageEditQueue() {
    {
        std::lock_guard g(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void PageEditQueue::perform(std::unique_ptr<PageEdit> edit) {
    push({Kind::Perform, std::move(edit)});
}
void PageEditQueue::undo() {
    push({Kind::Undo, nullptr});
}
void PageEditQueue::redo() {
    push({Kind::Redo, nullptr});
}
void PageEditQueue::refresh() {
    push({Kind::Refresh, nullptr});
}

bool PageEditQueue::busy() const {
    std::lock_guard g(mutex_);
    return running_ || !queue_.empty();
}

void PageEditQueue::push(Request request) {
    {
        std::lock_guard g(mutex_);
        queue_.push_back(std::move(request));
    }
    wake_.notify_one();
}

void PageEditQueue::run() {
    for (;;) {
        Request request;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return; // stopping, and every request is done
            request = std::move(queue_.front());
            queue_.pop_front();
            running_ = true;
        }
        Outcome out;
        try {
            switch (request.kind) {
            case Kind::Perform: {
                const std::string name = request.edit->name();
                if (stack_.perform(session_, std::move(request.edit)))
                    out.done = name;
                break;
            }
            case Kind::Undo: {
                const std::string name = stack_.undoName();
                if (stack_.undo(session_))
                    out.done = trf("Undo {}", name);
                break;
            }
            case Kind::Redo: {
                const std::string name = stack_.redoName();
                if (stack_.redo(session_))
                    out.done = trf("Redo {}", name);
                break;
            }
            case Kind::Refresh:
                break;
            }
        } catch (const std::exception& e) {
            out.error = e.what();
        }
        if (!out.done.empty())
            out.touched = stack_.lastTouched();
        try {
            out.pages = session_.pages();
        } catch (const std::exception& e) {
            if (out.error.empty())
                out.error = e.what();
        }
        out.undoName = stack_.undoName();
        out.redoName = stack_.redoName();
        onDone_(std::move(out));
        std::lock_guard g(mutex_);
        running_ = false;
    }
}

} // namespace docdesk::app
