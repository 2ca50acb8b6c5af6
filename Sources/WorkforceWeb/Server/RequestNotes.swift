import Foundation

/// What a request's handler learned that the access log line needs: the signed-in user's name.
/// A reference, so that the log middleware, which ran before the handler, sees it afterwards.
public final class RequestNotes: @unchecked Sendable {
    // @unchecked: every access to `user` holds `lock`.
    private let lock = NSLock()
    private var user: String?
    private var touched = false

    public init() {}

    /// The esw user the request acted as, once a handler knows it.
    public var userName: String? {
        get { lock.withLock { user } }
        set { lock.withLock { user = newValue } }
    }

    /// True the first time it is asked, false after: the request's session is marked as used
    /// once, by its first transaction.
    func firstTouch() -> Bool {
        lock.withLock {
            defer { touched = true }
            return !touched
        }
    }
}
