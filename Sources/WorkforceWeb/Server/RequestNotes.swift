import Foundation
public import Workforce

/// What a request's handler learned that the access log line needs: the signed-in user's name.
/// A reference, so that the log middleware, which ran before the handler, sees it afterwards.
public final class RequestNotes: @unchecked Sendable {
    // @unchecked: every access to the stored properties holds `lock`.
    private let lock = NSLock()
    private var user: String?
    private var touched = false
    private var signedIn: SignedInUser?

    public init() {}

    /// The esw user the request acted as, once a handler knows it.
    public var userName: String? {
        get { lock.withLock { user } }
        set { lock.withLock { user = newValue } }
    }

    /// The acting user as the request's latest transaction began (nil for none), which
    /// ``RequestScope/transaction(_:)`` reads with its settings.
    public var actor: SignedInUser? {
        get { lock.withLock { signedIn } }
        set { lock.withLock { signedIn = newValue } }
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
