public import CalendarDates
import Foundation

/// The six kinds of department whose staff do enterprise social work (民函〔2013〕132号).
public enum Department: String, CaseIterable, Sendable, Codable {
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

    static let aliases: [String: Department] = {
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

    /// Reads an English key or a Chinese name, as spreadsheets carry them.
    public init?(spreadsheetValue text: String) {
        guard let department = Department.aliases[text.trimmingSpaces.lowercased()] else { return nil }
        self = department
    }

    public static var acceptedValues: String {
        allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")
    }
}

/// Social worker professional level certificates, in rank order.
public enum CertificateLevel: String, CaseIterable, Sendable, Comparable, Codable {
    case junior, intermediate, senior

    public var chineseName: String {
        switch self {
        case .junior: "助理社会工作师"
        case .intermediate: "社会工作师"
        case .senior: "高级社会工作师"
        }
    }

    public init?(spreadsheetValue text: String) {
        let value = text.trimmingSpaces.lowercased()
        switch value {
        case "junior", "助理社会工作师", "初级", "助理社工师": self = .junior
        case "intermediate", "社会工作师", "中级", "社工师": self = .intermediate
        case "senior", "高级社会工作师", "高级", "高级社工师": self = .senior
        default: return nil
        }
    }

    public static func < (lhs: CertificateLevel, rhs: CertificateLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public static var acceptedValues: String {
        allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")
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

extension CalendarDate {
    /// The common case, YYYY-MM-DD, read straight from the bytes.
    static func parseISO(_ bytes: String.UTF8View) -> CalendarDate? {
        guard bytes.count == 10 else { return nil }
        var digits: [Int] = []
        digits.reserveCapacity(8)
        for (offset, byte) in bytes.enumerated() {
            if offset == 4 || offset == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard byte >= 48, byte <= 57 else { return nil }
                digits.append(Int(byte) - 48)
            }
        }
        return CalendarDate(
            year: digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3],
            month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    }

    /// Reads the date forms Chinese spreadsheets use: 2013-06-01, 2013/6/1, 2013.6.1,
    /// 2013年6月1日 and 20130601.
    public init?(spreadsheetValue text: String) {
        if let iso = CalendarDate.parseISO(text.utf8) {
            self = iso
            return
        }
        var value = text.trimmingSpaces
        if value.hasSuffix("日") { value.removeLast() }
        let separators: Set<Character> = ["-", "/", ".", "年", "月"]
        if value.count == 8, value.allSatisfy(\.isASCIIDigitCharacter) {
            let digits = Array(value)
            value = String(digits[0..<4]) + "-" + String(digits[4..<6]) + "-" + String(digits[6..<8])
        }
        let parts = value.split(omittingEmptySubsequences: false) { separators.contains($0) }
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigitCharacter) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }
}

/// Whether text is a plain decimal with at most `places` decimals ("12345.67", "6"): what the
/// database stores exactly, so that nothing is rounded on the way in.
func isPlainDecimal(_ text: String, places: Int = 2) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    return (1...2).contains(parts.count) && !parts[0].isEmpty && parts[0].allSatisfy(\.isASCIIDigitCharacter)
        && (parts.count == 1 || ((1...places).contains(parts[1].count) && parts[1].allSatisfy(\.isASCIIDigitCharacter)))
}
