import Foundation

/// Runs `body` for each of `items` on up to `width` threads and returns the results in order.
///
/// For many short `esw` runs: they mostly wait on the process and the database, so a few at a
/// time finish sooner than one after another even on two cores.
public func inParallel<Item: Sendable, Result: Sendable>(
    _ items: [Item], width: Int = 4, _ body: @escaping @Sendable (Item) -> Result
) -> [Result] {
    let results = ResultSlots<Result>(count: items.count)
    let slots = DispatchSemaphore(value: width)
    let group = DispatchGroup()
    for (index, item) in items.enumerated() {
        slots.wait()
        DispatchQueue.global().async(group: group) {
            results.set(index, body(item))
            slots.signal()
        }
    }
    group.wait()
    return results.values
}

/// Results written from several threads, read once all are written.
public final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }

    public var values: [Value] { lock.withLock { slots.map { $0! } } }
}
