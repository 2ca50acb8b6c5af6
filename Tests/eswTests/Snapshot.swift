import Foundation
import Testing

/// Expected outputs kept as files under `Tests/eswTests/Snapshots/<folder>/`, one per case.
///
/// A case's output must equal its file byte for byte. With `ESW_RECORD_SNAPSHOTS=1` the files
/// that differ or are missing are rewritten, and files no case claims are deleted; the test still
/// records an issue naming them, so that a recording run is never mistaken for a passing one.
/// Review the change with `git diff Tests/eswTests/Snapshots`, then run again without the variable.
struct SnapshotFolder {
    let folder: URL

    static var isRecording: Bool { ProcessInfo.processInfo.environment["ESW_RECORD_SNAPSHOTS"] == "1" }

    init(_ name: String, filePath: String = #filePath) {
        folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("Snapshots").appendingPathComponent(name)
    }

    /// Compares every `(file name, output)` pair with its file, then looks for files no case
    /// claims, and records one issue per problem (or per rewritten file when recording).
    func verify(_ outputs: [(name: String, output: String)], sourceLocation: SourceLocation = #_sourceLocation) {
        var problems: [String] = []
        for (name, output) in outputs {
            let file = folder.appendingPathComponent(name)
            // Bytes, not Strings: a String read from a file loses a byte-order mark the CSV has.
            let expectedData = try? Data(contentsOf: file)
            guard expectedData != Data(output.utf8) else { continue }
            let expected = expectedData.map { String(decoding: $0, as: UTF8.self) }
            if SnapshotFolder.isRecording {
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    try Data(output.utf8).write(to: file)
                    problems.append(
                        "recorded \(relative(name)); review it with git diff, then run again "
                            + "without ESW_RECORD_SNAPSHOTS")
                } catch {
                    problems.append("cannot record \(relative(name)): \(error)")
                }
            } else if let expected {
                problems.append(
                    "\(relative(name)) differs from the output:\n" + SnapshotFolder.firstDifference(expected, output))
            } else {
                problems.append(
                    "no snapshot \(relative(name)); record it with "
                        + "ESW_RECORD_SNAPSHOTS=1 scripts/test --filter Snapshot")
            }
        }
        let claimed = Set(outputs.map(\.name))
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for stale in present.filter({ !claimed.contains($0) && !$0.hasPrefix(".") }).sorted() {
            if SnapshotFolder.isRecording {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(stale))
                problems.append("removed \(relative(stale)), which no case produces any more")
            } else {
                problems.append(
                    "\(relative(stale)) belongs to no case; delete it, or re-record with ESW_RECORD_SNAPSHOTS=1")
            }
        }
        for problem in problems { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
    }

    private func relative(_ name: String) -> String { "Snapshots/\(folder.lastPathComponent)/\(name)" }

    /// The first differing lines (up to five) of two texts, numbered, with ID numbers masked.
    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let count = max(old.count, new.count)
        guard let first = (0..<count).first(where: { $0 >= old.count || $0 >= new.count || old[$0] != new[$0] }) else {
            return "  (no line differs)"
        }
        var lines: [String] = []
        for index in first..<min(first + 5, count) {
            let was = index < old.count ? String(old[index]) : "(no line)"
            let now = index < new.count ? String(new[index]) : "(no line)"
            if was == now { continue }
            lines.append("  line \(index + 1):\n  - \(visible(was))\n  + \(visible(now))")
        }
        return lines.joined(separator: "\n")
    }

    /// A line as a failure message shows it: ID numbers masked, a byte-order mark and a carriage
    /// return spelled out (they are differences too).
    static func visible(_ line: String) -> String {
        maskingIDNumbers(line).replacingOccurrences(of: "\u{FEFF}", with: "<BOM>")
            .replacingOccurrences(of: "\r", with: "\\r")
    }

    /// Failure messages never show an ID number: 18-character ones keep their first 6 and last 4
    /// characters, as the reports mask them.
    static func maskingIDNumbers(_ text: String) -> String {
        text.replacingOccurrences(
            of: #"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])"#,
            with: "$1********$2", options: .regularExpression)
    }
}
