import Foundation
import Workforce

/// Which language a CSV is written in: English (headers and codes that scripts read) or Chinese
/// (headers and values for people who open it in Excel).
public enum CSVLanguage: String, Sendable, CaseIterable {
    case en, zh
}

/// Certified staff by certificate level (the highest level each person holds): how many, and
/// their share of the tracked staff, in one or more columns (a date each).
enum LevelTable {
    static func json(_ levels: LevelCounts) -> JSON {
        .object([
            ("junior", .int(levels.junior)), ("intermediate", .int(levels.intermediate)),
            ("senior", .int(levels.senior)),
        ])
    }

    static func share(_ count: Int, of tracked: Int) -> String {
        tracked == 0 ? "—" : ReportText.percentage(Double(count) / Double(tracked))
    }

    /// Rows 助理社会工作师, 社会工作师, 高级社会工作师 and 合计; per column, people and share.
    static func table(columns: [(heading: String, levels: LevelCounts, tracked: Int)]) -> [String: Any] {
        let headers = ["证书级别"] + columns.flatMap { ["\($0.heading)持证人数", "\($0.heading)占在册人员比例"] }
        let rows = CertificateLevel.allCases.map { level in
            [level.chineseName]
                + columns.flatMap { column -> [String] in
                    let count = column.levels.count(level)
                    return [String(count), share(count, of: column.tracked)]
                }
        }
        let total = ["合计"] + columns.flatMap { [String($0.levels.total), share($0.levels.total, of: $0.tracked)] }
        return Templates.table(
            headers: headers, rows: rows + [total], numeric: Set(1...(2 * columns.count)), names: [0])
    }

    static func table(_ levels: LevelCounts, tracked: Int) -> [String: Any] {
        table(columns: [("", levels, tracked)])
    }
}

extension LevelCounts {
    func count(_ level: CertificateLevel) -> Int {
        switch level {
        case .junior: junior
        case .intermediate: intermediate
        case .senior: senior
        }
    }

    var total: Int { junior + intermediate + senior }
}
