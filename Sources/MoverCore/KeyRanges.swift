import Synchronization

/// The ranges of the key space a backfill lists, which idle listers cut in two while the run
/// goes on (parallel listing by work stealing).
///
/// A run starts with one range. A lister with nothing to list takes the range most worth cutting
/// (the one cut least often, among those whose first page was full) and looks for a point inside
/// what is still unlisted (``KeyBisection``, confirmed by a one-key listing); the range then ends
/// at that point and a new one starts after it. The cuts follow the keys wherever they are dense,
/// with no sampling up front, and a listing of one page is never cut.
///
/// Every range covers the keys after its `startAfter` up to and including its `through`, so
/// neighbouring ranges share a bound and every key is in exactly one range. A range's own
/// lister cuts each page at the range's current end, under the same lock as the cut, so a key a
/// lister has already handed on is never in the new range.
package final class KeyRanges: Sendable {
    package typealias ID = Int

    struct Entry {
        let id: ID
        var startAfter: String?
        var through: String?
        /// The last key handed on.
        var position: String?
        var pages = 0
        var owned: Bool
        /// The lister reached its end.
        var listed = false
        /// The run has taken every object of it.
        var consumed = false
        var splitting = false
        var unsplittable = false
        var cuts = 0
        let tracker: ResumeTracker
    }

    struct State {
        /// In key order.
        var entries: [Entry]
        var nextID = 1
        var version = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var cancelledWaiters: Set<Int> = []
    }

    private let state: Mutex<State>
    /// The run's own start: resume points never go below it.
    private let startAfter: String?

    /// One range of every key after `startAfter` (nil: all of them).
    package init(startAfter: String?) {
        self.startAfter = startAfter
        state = Mutex(State(entries: [Entry(id: 0, startAfter: startAfter, owned: false, tracker: ResumeTracker(startAfter: startAfter))]))
    }

    /// What one lister lists: keys after `startAfter` up to `through` (nil: no end).
    package struct Claim: Sendable {
        package let id: ID
        package let startAfter: String?
        package let tracker: ResumeTracker
    }

    /// A range nobody lists yet.
    package func claim() -> Claim? {
        state.withLock { state in
            guard let index = state.entries.firstIndex(where: { !$0.owned && !$0.listed }) else { return nil }
            state.entries[index].owned = true
            let entry = state.entries[index]
            return Claim(id: entry.id, startAfter: entry.startAfter, tracker: entry.tracker)
        }
    }

    /// Takes a listed page into range `id`: returns its objects up to the range's end, and
    /// whether the range's listing has ended (the page was its last, or went past its end).
    package func accept(_ page: SourcePage, into id: ID) -> (objects: [SourceObject], ended: Bool) {
        let result = state.withLock { state -> (objects: [SourceObject], ended: Bool) in
            guard let index = state.entries.firstIndex(where: { $0.id == id }) else { return ([], true) }
            var objects = page.objects
            var ended = page.nextToken == nil
            if let through = state.entries[index].through,
               let past = objects.firstIndex(where: { through.utf8.lexicographicallyPrecedes($0.key.utf8) }) {
                objects.removeSubrange(past...)
                ended = true
            }
            if let last = objects.last { state.entries[index].position = last.key }
            state.entries[index].pages += 1
            state.entries[index].listed = ended
            state.version += 1
            return (objects, ended)
        }
        wakeWaiters()
        return result
    }

    /// The run has taken every object of range `id`.
    package func consumed(_ id: ID) {
        state.withLock { state in
            if let index = state.entries.firstIndex(where: { $0.id == id }) { state.entries[index].consumed = true }
        }
    }

    /// A range being listed to cut, with the unlisted part's bounds; marked as being cut until
    /// ``cut(_:at:)`` or ``cannotCut(_:)``.
    package struct Victim: Sendable {
        package let id: ID
        /// Keys after this one are still unlisted (nil: from the beginning).
        package let lower: String?
        package let through: String?
    }

    /// The range most worth cutting: one whose first page was full, cut least often so far.
    package func victim() -> Victim? {
        state.withLock { state in
            let candidates = state.entries.indices.filter {
                let entry = state.entries[$0]
                return entry.owned && !entry.listed && entry.pages > 0 && !entry.splitting && !entry.unsplittable
            }
            guard let index = candidates.min(by: { state.entries[$0].cuts < state.entries[$1].cuts }) else { return nil }
            state.entries[index].splitting = true
            let entry = state.entries[index]
            return Victim(id: entry.id, lower: entry.position ?? entry.startAfter, through: entry.through)
        }
    }

    /// Cuts range `id` after `point`: it ends there, and a new range, claimed by the caller,
    /// starts after it. Nil when the range has since listed past the point or ended.
    package func cut(_ id: ID, at point: String) -> Claim? {
        let claim = state.withLock { state -> Claim? in
            guard let index = state.entries.firstIndex(where: { $0.id == id }) else { return nil }
            state.entries[index].splitting = false
            state.version += 1
            let entry = state.entries[index]
            let lower = entry.position ?? entry.startAfter
            guard !entry.listed, lower.map({ $0.utf8.lexicographicallyPrecedes(point.utf8) }) ?? true,
                  entry.through.map({ point.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true else { return nil }
            let new = Entry(id: state.nextID, startAfter: point, through: entry.through, owned: true,
                            cuts: entry.cuts + 1, tracker: ResumeTracker())
            state.nextID += 1
            state.entries[index].through = point
            state.entries[index].cuts += 1
            state.entries.insert(new, at: index + 1)
            return Claim(id: new.id, startAfter: point, tracker: new.tracker)
        }
        wakeWaiters()
        return claim
    }

    /// No point was found in range `id`: it is not tried again.
    package func cannotCut(_ id: ID) {
        state.withLock { state in
            guard let index = state.entries.firstIndex(where: { $0.id == id }) else { return }
            state.entries[index].splitting = false
            state.entries[index].unsplittable = true
            state.version += 1
        }
        wakeWaiters()
    }

    /// Every range's listing has ended.
    package var allListed: Bool { state.withLock { $0.entries.allSatisfy(\.listed) } }

    /// The run has taken every object of every range.
    package var allConsumed: Bool { state.withLock { $0.entries.allSatisfy(\.consumed) } }

    /// How many ranges there are (for tests and logs).
    package var count: Int { state.withLock { $0.entries.count } }

    /// The state's version now, for ``waitForChange(after:)``.
    package var version: Int { state.withLock { $0.version } }

    /// Returns once anything changed after `version` (a page, a cut), or the task is cancelled.
    package func waitForChange(after version: Int) async {
        let waiter = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.cancelledWaiters.remove(waiter) != nil || state.version != version { return true }
                    state.waiters[waiter] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                guard let continuation = state.waiters.removeValue(forKey: waiter) else {
                    state.cancelledWaiters.insert(waiter)
                    return nil as CheckedContinuation<Void, Never>?
                }
                return continuation
            }
            continuation?.resume()
        }
        // A cancellation that came after the wait ended leaves no mark behind.
        state.withLock { _ = $0.cancelledWaiters.remove(waiter) }
    }

    private func wakeWaiters() {
        let waiters = state.withLock { state in
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Every key up to the returned one is done: the ranges before the first unfinished one are
    /// complete, and that range is done up to its own resume point. Always a listed key or the
    /// run's own start, never a cut point.
    package var resumePoint: String? {
        state.withLock { state in
            var point = startAfter
            for entry in state.entries {
                let done = entry.consumed && entry.tracker.allDone
                point = entry.tracker.resumePoint ?? point
                if !done { break }
            }
            return point
        }
    }
}
