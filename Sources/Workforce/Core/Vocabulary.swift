public import CalendarDates
import Foundation

/// A closed set of codes that people read and write in Chinese: departments, event kinds,
/// certificate levels, exam subjects, application states and the like.
///
/// The code (`rawValue`) is what the database, JSON and CSV carry; the Chinese name is what a
/// table on a terminal, a page and a person show. Input accepts either, in any letter case, with
/// `-` for `_`, and the other names people write for a term (``aliases``), so that a command-line
/// option and a spreadsheet cell read the same words.
///
/// ```swift
/// ApplicationStatus(text: "已总结") == .summarized   // and "summarized", "Summarized"
/// ```
public protocol Vocabulary: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// The name a Chinese reader expects (工会, 已总结).
    var chineseName: String { get }
    /// Other names people write, lower-cased, beyond the code and ``chineseName``.
    static var aliases: [String: Self] { get }
    /// Reads a code, a Chinese name or an alias; nil for anything else.
    init?(text: String)
}

extension Vocabulary {
    public static var aliases: [String: Self] { [:] }

    public init?(text: String) {
        self.init(term: text)
    }

    /// The shared reading of ``init(text:)``, for types that add forms of their own.
    public init?(term text: String) {
        let value = text.trimmingSpaces.lowercased()
        // Aliases first: a type read once per spreadsheet row (Department) keeps every form there,
        // so that a roster of a million rows costs one lookup a row.
        let term =
            Self.aliases[value] ?? Self(rawValue: value)
            ?? (value.contains("-") ? Self(rawValue: value.replacingOccurrences(of: "-", with: "_")) : nil)
            ?? Self.allCases.first(where: { $0.chineseName == value })
        guard let term else { return nil }
        self = term
    }

    /// Every term as "code (中文)", for a message that says what is accepted.
    public static var acceptedValues: String {
        allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")
    }

    /// The Chinese name of a code, or nil when the text is not one of this vocabulary's codes.
    public static func chineseName(ofCode code: String) -> String? {
        Self(rawValue: code)?.chineseName
    }
}

/// The six kinds of department whose staff do enterprise social work (民函〔2013〕132号).
public enum Department: String, Vocabulary, Codable {
    case party, union, youthLeague = "youth_league", womensFederation = "womens_federation"
    case humanResources = "human_resources", socialOrg = "social_org"

    public var chineseName: String {
        switch self {
        case .party: "党组织"
        case .union: "工会"
        case .youthLeague: "共青团"
        case .womensFederation: "妇联"
        case .humanResources: "人力资源部门"
        case .socialOrg: "社会组织"
        }
    }

    public static let aliases: [String: Department] = {
        var table: [String: Department] = [:]
        for department in allCases {
            table[department.rawValue] = department
            table[department.chineseName] = department
        }
        for (alias, department) in [
            ("党委", Department.party), ("党支部", .party), ("党总支", .party), ("团委", .youthLeague),
            ("共青团委", .youthLeague), ("妇女联合会", .womensFederation), ("妇委会", .womensFederation),
            ("人力资源部", .humanResources), ("人力资源", .humanResources), ("人事部门", .humanResources),
            ("社工机构", .socialOrg), ("社会工作服务机构", .socialOrg), ("hr", .humanResources),
            ("womens-federation", .womensFederation), ("youth-league", .youthLeague),
        ] { table[alias] = department }
        return table
    }()

}

/// Social worker professional level certificates, in rank order.
public enum CertificateLevel: String, Vocabulary, Comparable, Codable {
    case junior, intermediate, senior

    public var chineseName: String {
        switch self {
        case .junior: "助理社会工作师"
        case .intermediate: "社会工作师"
        case .senior: "高级社会工作师"
        }
    }

    public static let aliases: [String: CertificateLevel] = [
        "初级": .junior, "助理社工师": .junior, "中级": .intermediate, "社工师": .intermediate, "高级": .senior,
        "高级社工师": .senior,
    ]

    public static func < (lhs: CertificateLevel, rhs: CertificateLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Education levels the exam's eligibility rules distinguish (domain.md §1.6).
public enum EducationLevel: String, CaseIterable, Sendable {
    case secondary, associate, bachelor, master, doctorate

    public init?(spreadsheetValue text: String) {
        let value = text.trimmingSpaces.lowercased()
        if let level = EducationLevel(rawValue: value) {
            self = level
            return
        }
        switch value {
        case "高中", "中专", "中职", "高中/中专", "高中或中专", "技校": self = .secondary
        case "大专", "专科", "大学专科": self = .associate
        case "本科", "大学本科", "学士": self = .bachelor
        case "硕士", "研究生", "硕士研究生": self = .master
        case "博士", "博士研究生": self = .doctorate
        default: return nil
        }
    }
}

/// Reads yes/no answers as spreadsheets carry them.
func spreadsheetBool(_ text: String) -> Bool? {
    switch text.trimmingSpaces.lowercased() {
    case "yes", "y", "true", "1", "是", "对", "社会工作": return true
    case "no", "n", "false", "0", "否", "不是": return false
    default: return nil
    }
}

/// Whether text is a plain decimal with at most `places` decimals ("12345.67", "6"): what the
/// database stores exactly, so that nothing is rounded on the way in.
func isPlainDecimal(_ text: String, places: Int = 2) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    return (1...2).contains(parts.count) && !parts[0].isEmpty && parts[0].allSatisfy(\.isASCIIDigitCharacter)
        && (parts.count == 1 || ((1...places).contains(parts[1].count) && parts[1].allSatisfy(\.isASCIIDigitCharacter)))
}
