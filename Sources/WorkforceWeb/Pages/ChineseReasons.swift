import Foundation
import Workforce

/// The domain's refusal reasons in Chinese, for the pages (issue 15: all interface text in
/// Simplified Chinese). The domain writes its reasons in English for the command line and the
/// JSON API; the pages translate each text segment of a ``Reason`` (its fields and remedies the
/// pages name already, ``Words``) and a ``SpreadsheetError``'s reason by pattern, so that a
/// reason with numbers, dates, codes or quoted values still translates. A text no pattern knows
/// stays as the domain wrote it: nothing is lost.
///
/// In a template, `$1` is the group as written (an ISO date as 2013年6月1日), `%1` the group
/// translated again, `&1` a code named in Chinese (a department, level, subject, education or
/// column; a list of them separated by ", ").
enum ChineseReasons {
    /// A pattern over a whole text and its Chinese. A compiled NSRegularExpression is immutable
    /// and may be used from any thread.
    struct Rule: @unchecked Sendable {
        let pattern: NSRegularExpression
        let template: String

        /// `pattern` matches the whole text unless `searching`, when it may match anywhere in it.
        init(_ pattern: String, _ template: String, searching: Bool = false) {
            // The table is fixed text: a pattern that does not compile is a programming error.
            self.pattern = try! NSRegularExpression(pattern: searching ? pattern : "^" + pattern + "$")
            self.template = template
        }
    }

    /// A segment of a reason (or a whole file's reason) in Chinese; unchanged when no rule knows it.
    static func translate(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        for rule in rules {
            guard let match = rule.pattern.firstMatch(in: text, range: range) else { continue }
            return fill(rule.template, match: match, in: text)
        }
        return text
    }

    /// The reason with each text segment in Chinese; its fields and remedies as they are.
    static func translated(_ reason: Reason) -> Reason {
        Reason(
            segments: reason.segments.map { segment -> Reason.Segment in
                if case .text(let text) = segment { .text(translate(text)) } else { segment }
            })
    }

    /// The error with its reason in Chinese, the field and value it names as they are.
    static func translated(_ error: WorkforceError) -> WorkforceError {
        switch error {
        case .invalid(let field, let value, let reason):
            .invalid(field: field, value: value, reason: translated(reason))
        case .notFound(let reason): .notFound(translated(reason))
        case .conflict(let reason): .conflict(translated(reason))
        case .refused(let reason): .refused(translated(reason))
        }
    }

    private static func fill(_ template: String, match: NSTextCheckingResult, in text: String) -> String {
        var result = ""
        var characters = template.makeIterator()
        while let character = characters.next() {
            guard "$%&".contains(character) else {
                result.append(character)
                continue
            }
            guard let digit = characters.next() else {
                result.append(character)
                break
            }
            guard let index = digit.wholeNumberValue, index < match.numberOfRanges else {
                result.append(character)
                result.append(digit)
                continue
            }
            let group = Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            switch character {
            case "$": result += chineseDates(group)
            case "%": result += group.isEmpty ? "" : translate(group)
            default: result += codes(group)
            }
        }
        return result
    }

    private static let isoDate = Rule(
        #"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2})?)?\b"#, "", searching: true)

    /// `2013-06-01` as 2013年6月1日, `2013-06-01T09:00` as 2013年6月1日 09:00.
    static func chineseDates(_ text: String) -> String {
        var result = text
        for match in isoDate.pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            func part(_ index: Int) -> String? {
                Range(match.range(at: index), in: text).map { String(text[$0]) }
            }
            guard let year = part(1), let month = part(2).flatMap(Int.init), let day = part(3).flatMap(Int.init),
                let whole = Range(match.range, in: result)
            else { continue }
            result.replaceSubrange(whole, with: "\(year)年\(month)月\(day)日" + (part(4).map { " " + $0 } ?? ""))
        }
        return result
    }

    /// Codes named in Chinese: "union, party" as 工会、党组织; a code no vocabulary knows as it is.
    static func codes(_ text: String) -> String {
        text.components(separatedBy: ", ").map { code in
            Department.chineseName(ofCode: code) ?? CertificateLevel.chineseName(ofCode: code)
                ?? ExamSubject.chineseName(ofCode: code) ?? education[code] ?? Words.labels[code] ?? code
        }.joined(separator: "、")
    }

    private static let education = [
        "secondary": "高中/中专", "associate": "大专", "bachelor": "本科", "master": "硕士", "doctorate": "博士",
    ]

    private static let saveAsUTF8 = "请将文件另存为“CSV UTF-8”后重试"

    static let rules: [Rule] = identityRules + dateRules + rosterRules + trainingRules + examRules + fileRules

    /// ID numbers, USCCs, region codes and text limits (Codes, TextLimits, sql/0001).
    static let identityRules: [Rule] = [
        Rule(#"must be 18 characters, found (\d+)"#, "应为 18 位，实为 $1 位"),
        Rule(#"characters 1-17 must be digits"#, "第 1-17 位必须是数字"),
        Rule(#"check character must be a digit or upper-case X, found '(.*)'"#, "校验位必须是数字或大写 X，实为 '$1'"),
        Rule(
            #"address code (\d+) does not start with a known province-level prefix"#,
            "地址码 $1 的前两位不是已知的省级行政区划代码"),
        Rule(#"birth date (\S+) is not a real date"#, "出生日期 $1 不是真实存在的日期"),
        Rule(#"check character should be (\S+), found (\S+)"#, "校验位应为 $1，实为 $2"),
        Rule(#"birth date (\S+) is in the future"#, "出生日期 $1 晚于今天"),
        Rule(#"region code must be 6 digits, found '(.*)'"#, "行政区划代码应为 6 位数字，实为 '$1'"),
        Rule(#"province code '(.*)' is not one of the 31 province-level divisions"#, "省级代码 '$1' 不是 31 个省级行政区之一"),
        Rule(
            #"character (\d+) \('(.)'\) is not in the USCC character set "#
                + #"\(digits and upper-case letters except I, O, Z, S, V\)"#,
            "第 $1 位（'$2'）不是统一社会信用代码可用的字符（数字及除 I、O、Z、S、V 外的大写字母）"),
        Rule(
            #"characters 3-8 \(registration region code\) must be digits, found '(.*)'"#,
            "第 3-8 位（登记管理机关行政区划码）必须是数字，实为 '$1'"),
        Rule(
            #"organization code check character \(position 17\) should be (\S+), found (\S+)"#,
            "组织机构代码校验位（第 17 位）应为 $1，实为 $2"),
        Rule(#"is not a province-level code \(it should end in 0000\)"#, "不是省级行政区划代码（应以 0000 结尾）"),
        Rule(#"is not a GB/T 2260 division"#, "不是 GB/T 2260 行政区划代码"),
        Rule(#"is not a GB/T 2260 division: no code list since 1981 has it"#, "不是 GB/T 2260 行政区划代码：1981 年以来的代码表均无此代码"),
        Rule(#"is not a GB/T 2260 division: its province is not in the code table"#, "不是 GB/T 2260 行政区划代码：其省份不在代码表中"),
        Rule(
            #"is not a GB/T 2260 division: no prefecture-level division has its first four digits"#,
            "不是 GB/T 2260 行政区划代码：没有地级行政区的代码以其前四位开头"),
        Rule(#"is outside your scope"#, "不在您的范围内"),
        Rule(#"is on record for an enterprise outside your scope"#, "已登记为您范围以外的企业"),
        Rule(#"is empty"#, "为空"),
        Rule(
            #"holds a control character \((U\+[0-9A-F]+)\) at character (\d+); remove it"#,
            "第 $2 个字符是控制字符（$1）；请删除"),
        Rule(
            #"holds an invisible or direction-changing character \((U\+[0-9A-F]+)\) at character (\d+), "#
                + #"which no (?:name|text) holds; retype it"#,
            "第 $2 个字符是不可见或改变文字方向的字符（$1），正常文字中不会出现；请重新输入"),
        Rule(#"is (\d+) characters long; at most (\d+) are allowed"#, "长 $1 个字符；最多允许 $2 个"),
        Rule(#"is (\d+) characters long; at most (\d+) are read from a cell"#, "长 $1 个字符；每个单元格最多读取 $2 个"),
    ]

    /// Dates of records (RecordDates, the imports' date columns, sql/0013).
    static let dateRules: [Rule] = [
        Rule(#"is not a date; write it as .+"#, "不是日期；请写作 2013-06-01、2013/6/1 或 2013年6月1日"),
        Rule(#"is after today \((.+)\)"#, "晚于今天（$1）"),
        Rule(
            #"is before 1949-10-01; no record here is older than the People's Republic"#,
            "早于 1949年10月1日；本系统没有早于新中国成立的记录"),
        Rule(#"is before the person's birth date \(from the ID number\)"#, "早于本人出生日期（据身份证号）"),
        Rule(#"is before the holder's 18th birthday \(from the ID number\)"#, "早于持证人年满 18 周岁之日（据身份证号）"),
        Rule(#"is more than a year after today"#, "晚于今天一年以上"),
        Rule(#"is before 2008, the year of the first national social worker exam"#, "早于 2008 年，即首次全国社会工作者职业水平考试之年"),
        Rule(#"is not after the hiring date (\S+)"#, "不晚于入职日期 $1"),
        Rule(#"is not after the hiring date (\S+) in (\S+)"#, "不晚于在&2部门的入职日期 $1"),
        Rule(#"is not after the issue date (\S+)"#, "不晚于发证日期 $1"),
        Rule(#"is before the certificate was issued \((.+)\)"#, "早于发证日期（$1）"),
        Rule(#" (\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?)"#, " $1"),
    ]

    /// The roster and certificate imports (Staff, Certificates, Enterprises).
    static let rosterRules: [Rule] = [
        Rule(#"is not the enterprise this roster is uploaded to"#, "不是本次上传的花名册所属的企业"),
        Rule(
            #"unknown department; use one of .+"#,
            "未知部门；请填写" + Department.allCases.map(\.chineseName).joined(separator: "、") + "之一"),
        Rule(#"unknown education; use .+"#, "未知学历；请填写高中/中专、大专、本科、硕士或博士"),
        Rule(
            #"unknown level; use one of .+"#,
            "未知等级；请填写" + CertificateLevel.allCases.map(\.chineseName).joined(separator: "、") + "之一"),
        Rule(#"write yes or no \(是/否\)"#, "请填写“是”或“否”"),
        Rule(#"is empty; a certificate needs its issue date"#, "为空；证书须有发证日期"),
        Rule(#"is not an exam session id"#, "不是考试场次编号"),
        Rule(#"no enterprise has this USCC; add it with "#, "没有企业使用此统一社会信用代码；请"),
        Rule(#"no service organization has this USCC; add it with "#, "没有社会工作服务机构使用此统一社会信用代码；请"),
        Rule(#" first"#, ""),
        Rule(
            #"line (\d+) already has an open employment for this person, enterprise and department"#,
            "与第 $1 行重复：此人在该企业该部门已有一段未结束的任职"),
        Rule(#"already employed in (\S+) there since (.+); record the leaving first \("#, "已在该企业&1部门任职（自%2起）；请"),
        Rule(#"an unknown date"#, "日期不详"),
        Rule(#"(\d{4}-\d{2}-\d{2})"#, "$1"),
        Rule(#"\)"#, "）"),
        Rule(#"line (\d+) gives the same ID number a different name"#, "与第 $1 行的身份证号相同而姓名不同"),
        Rule(#"this ID number is on record under a different name"#, "此身份证号在记录中的姓名与此不同"),
        Rule(
            #"this ID number is on record under a different name; if the record is wrong, correct it with "#,
            "此身份证号在记录中的姓名与此不同；如记录有误，请"),
        Rule(#" \(its history is kept\), then import again"#, "（保留更正历史），然后重新导入"),
        Rule(#"no person has this ID number; import the roster first"#, "没有此身份证号的人员；请先导入花名册"),
        Rule(
            #"no person has this ID number; import the roster first, or add a 姓名 \(name\) column"#,
            "没有此身份证号的人员；请先导入花名册，或添加“姓名”列"),
        Rule(#"no person of your scope has this ID number(; import the roster first)?"#, "您的范围内没有此身份证号的人员%1"),
        Rule(#"no person on record has this ID number(; import the roster first)?"#, "记录中没有此身份证号的人员%1"),
        Rule(#"; import the roster first"#, "；请先导入花名册"),
        Rule(#"is not staff of your scope; import the roster first"#, "不是您范围内的在职人员；请先导入花名册"),
        Rule(#"is on record for another person"#, "已登记在另一人名下"),
        Rule(
            #"the file has more than (\d+) rows; split it into files of at most (\d+) rows"#,
            "文件超过每次上传 $1 行的上限，未导入任何一行；请拆分为每个不超过 $2 行的文件后分别上传。"),
    ]

    /// Training events, the enrollment file and attendance (Events, Enrollments, Attendance, sql/0003).
    static let trainingRules: [Rule] = [
        Rule(
            #"write it as a date \(.+\) or a date and time \(2013-06-01T17:00\)"#,
            "请写作日期（2013-06-01、2013/6/1 或 2013年6月1日）或日期和时间（2013-06-01T17:00）"),
        Rule(#"is not after "#, "不晚于"),
        Rule(#"; nothing was changed"#, "；未作任何更改"),
        Rule(#"must be more than 0 and at most the event's span \((.+) hours\)"#, "必须大于 0，且不超过培训的时长（$1 小时）"),
        Rule(#"must be at least 1"#, "至少为 1"),
        Rule(#"quotas must be positive and together at most the capacity (\d+)"#, "各部门预留名额须为正数，合计不超过名额 $1"),
        Rule(#"is not in the event's "#, "不属于此培训的"),
        Rule(#"give "#, "请填写"),
        Rule(#" or "#, "或"),
        Rule(#", not both"#, "，不能同时填写"),
        Rule(#"is below the seats already taken; nothing was changed"#, "少于已占用的名额；未作任何更改"),
        Rule(#"is more than the event's span; nothing was changed"#, "超过培训的时长；未作任何更改"),
        Rule(#"must be between 0 and the event's (.+) hours"#, "必须在 0 到培训的 $1 学时之间"),
        Rule(#"must be a number between 0 and the event's (.+) hours"#, "必须是 0 到培训的 $1 学时之间的数"),
        Rule(#"write yes or no \(是/否, 出席/缺席\)"#, "请填写“是/否”或“出席/缺席”"),
        Rule(#"is not an event id; give "#, "不是培训编号；请填写"),
        Rule(#" or an event_id column"#, "或添加 event_id 列"),
        Rule(#"no training event has this id"#, "没有此编号的培训"),
        Rule(#"no training event has id (\d+)"#, "没有编号为 $1 的培训"),
        Rule(#"the event was cancelled"#, "该培训已取消"),
        Rule(#"enrollment closed when the event started at (.+)"#, "报名已于培训开始时（$1）截止"),
        Rule(#"is not tracked staff of any enterprise on (\S+)"#, "$1 不是任何企业的在册人员"),
        Rule(#"is not on the staff of the enterprise that organizes this event"#, "不是主办此培训的企业的员工"),
        Rule(#"works for no enterprise in region (\d+), which organizes this event"#, "不在主办此培训的地区（$1）的任何企业任职"),
        Rule(#"works in no department this event is for \((.+)\)"#, "不在此培训面向的部门（&1）任职"),
        Rule(#"this person holds no enrollment in the event to cancel"#, "此人没有报名该培训，无可取消"),
        Rule(#"the event has no quota for (\S+)"#, "该培训没有为&1预留名额"),
        Rule(
            #"attendance is recorded, and hours credited, only once the event has started \(Beijing time\)"#,
            "培训开始后（北京时间）才能登记出勤、计入学时"),
    ]

    /// Exam registration and the scores import (ExamRegistrations, ExamScores, sql/0004, sql/0005).
    static let examRules: [Rule] = [
        Rule(#"is not a subject of the (\S+) exam"#, "不是&1考试的科目"),
        Rule(#"'(.*)' is not a subject of the (\S+) exam"#, "'$1' 不是&2考试的科目"),
        Rule(#"is not an exam session; see "#, "不是考试场次；请"),
        Rule(#"no exam session of this year and level; see "#, "没有该年度该等级的考试场次；请"),
        Rule(
            #"name the session by exam year and level \(2013 助理社会工作师\) or by its id; see "#,
            "请以考试年度和等级（如 2013 助理社会工作师）或场次编号指明考试场次；请"),
        Rule(#"is already registered for the (\d+) (\S+) exam"#, "已报名 $1 年&2考试"),
        Rule(#"line (\d+) registers the same person for this session"#, "与第 $1 行重复：同一人报名同一考试场次"),
        Rule(#"this person (.+)"#, "此人%1"),
        Rule(#"has no active employment in a tracked department on (\S+)"#, "$1 在所统计的部门没有在职记录"),
        Rule(#"no registration window is set for (.+) in session (\d+); see "#, "未设置$1在考试场次 $2 的报名时间；请"),
        Rule(
            #"registration for session (\d+) in (.+) is open from (\S+) to (\S+), not on (\S+)"#,
            "考试场次 $1 在$2的报名时间为 $3 至 $4，$5 不在其中"),
        Rule(
            #"meets no eligibility rule for the (\S+) exam "#
                + #"\(education (\S+)( in social work)?, (\d+) years of social work by (\S+)\)"#,
            "不符合&1考试的任何报考条件（学历：&2%3；截至 $5 从事社会工作 $4 年）"),
        Rule(#" in social work"#, "，社会工作专业"),
        Rule(
            #"unknown subject; use comprehensive \(综合能力\), practice \(实务\) or regulations \(法规与政策\)"#,
            "未知科目；请填写综合能力、实务或法规与政策"),
        Rule(#"must be a number from 0 to 100"#, "必须是 0 到 100 之间的数"),
        Rule(#"must be between 0 and 100"#, "必须在 0 到 100 之间"),
        Rule(#"no exam session has this id"#, "没有此编号的考试场次"),
        Rule(#"has no registration for the (\d+) (\S+) exam"#, "没有报名 $1 年&2考试"),
        Rule(#"is not registered for (\S+) in the (\d+) (\S+) exam"#, "没有报名 $2 年&3考试的&1科目"),
        Rule(
            #"line (\d+) gives another score for the same person, session and subject"#,
            "与第 $1 行重复：同一人、同一考试场次、同一科目有另一个成绩"),
        Rule(
            #"has more than one decimal; the exam gives scores to one decimal \(59\.5\), "#
                + #"and rounding could cross the pass line"#,
            "小数超过一位；考试成绩只保留一位小数（如 59.5），四舍五入可能越过及格线"),
        Rule(#"the holder has no registration for this session"#, "持证人没有报名此考试场次"),
    ]

    /// A file that cannot be read at all (SpreadsheetError, GB18030Plausibility, Import's header).
    static let fileRules: [Rule] = [
        Rule(#"cannot open the file \(does it exist, and may you read it\?\)"#, "无法打开文件（文件是否存在，是否有权读取？）"),
        Rule(#"cannot open the file"#, "无法打开文件"),
        Rule(#"is a directory; give a CSV file"#, "是文件夹；请上传 CSV 文件"),
        Rule(#"is not a regular file \(a device or a pipe\); give a CSV file"#, "不是普通文件；请上传 CSV 文件"),
        Rule(#"is (\d+) MB; at most (\d+) MB are read \(split the file\)"#, "大小为 $1 MB；最多读取 $2 MB（请拆分文件）"),
        Rule(#"line (\d+): a quoted field is never closed"#, "第 $1 行：引号内的内容没有结束引号"),
        Rule(#"this system's iconv cannot read GB18030"#, "本系统无法读取 GB18030 编码（iconv 不支持）"),
        Rule(
            #"byte (\d+) is neither UTF-8 nor GB18030; save the file as CSV UTF-8 and try again"#,
            "第 $1 个字节既不是 UTF-8 也不是 GB18030 编码；" + saveAsUTF8),
        Rule(#"iconv failed \(errno (\d+)\)"#, "编码转换失败（iconv errno $1）"),
        Rule(#"the file ends inside a GB18030 character"#, "文件在一个 GB18030 字符的中间结束"),
        Rule(
            #"line (\d+) holds a byte-order mark \(U\+FEFF\) after the start of the file "#
                + #"\(were two files joined\?\); remove it and try again"#,
            "第 $1 行含有字节顺序标记（U+FEFF），它只应出现在文件开头（是否合并了两个文件？）；请删除后重试"),
        Rule(
            #"line (\d+) is not UTF-8 text, but other lines are: the file mixes encodings; "#
                + #"save the file as CSV UTF-8 and try again"#,
            "第 $1 行不是 UTF-8 文本，而其他行是：文件混用了多种编码；" + saveAsUTF8),
        Rule(
            #"line (\d+) is neither UTF-8 nor GB18030 text; save the file as CSV UTF-8 and try again"#,
            "第 $1 行既不是 UTF-8 也不是 GB18030 文本；" + saveAsUTF8),
        Rule(#"the file is empty; expected a header row"#, "文件为空；第一行应为表头"),
        Rule(#"columns '(.*)' and '(.*)' both give (\S+); keep one"#, "“$1”和“$2”两列都是&3；请只保留一列"),
        Rule(#"missing columns?: (.+); the header row has: (.*)"#, "缺少列：%1。表头行为：$2"),
        Rule(#"(\w+) \(([^()]*)\)((?:, .+)?)"#, "&1（$2）%3"),
        Rule(#", (.+)"#, "；%1"),
    ]
}
