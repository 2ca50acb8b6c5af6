/// Remembers a pure function's answers.
final class Memo<Key: Hashable, Value> {
    private var answers: [Key: Value] = [:]
    private let compute: (Key) -> Value

    init(_ compute: @escaping (Key) -> Value) {
        self.compute = compute
    }

    subscript(key: Key) -> Value {
        if let known = answers[key] { return known }
        let value = compute(key)
        answers[key] = value
        return value
    }
}
