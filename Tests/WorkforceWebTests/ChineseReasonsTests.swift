import Foundation
import HTTPTypes
import TestSupport
import Testing
import Workforce

@testable import WorkforceWeb

/// The pages say the domain's refusal reasons in Chinese (issue 15); the JSON API and the command
/// line keep the domain's English.
@Suite struct ChineseReasonsTableTests {
    @Test func aTextNoPatternKnowsIsKeptAsItIs() {
        for text in ["the moon is made of cheese", "is not a date; but 2013-06-01", ""] {
            #expect(ChineseReasons.translate(text) == text)
        }
    }

    @Test func numbersDatesAndCodesInAReasonCarryOverIntoTheChinese() {
        #expect(ChineseReasons.translate("check character should be 7, found X") == "校验位应为 7，实为 X")
        #expect(ChineseReasons.translate("is after today (2013-06-01)") == "晚于今天（2013年6月1日）")
        #expect(
            ChineseReasons.translate("works in no department this event is for (union, party)")
                == "不在此培训面向的部门（\(Department.union.chineseName)、\(Department.party.chineseName)）任职")
        #expect(
            ChineseReasons.translate("this person is already registered for the 2013 junior exam")
                == "此人已报名 2013 年\(CertificateLevel.junior.chineseName)考试")
    }

    @Test func aReasonKeepsItsFieldsAndRemediesAsThePagesNameThem() {
        let later: Reason = "is not after \(field: "starts") 2013-06-01T09:00"
        #expect(Words.reason(later) == "不晚于开始时间 2013年6月1日 09:00")
        let unknown = Reason(
            parsing: "no enterprise has this USCC; add it with {remedy:add_or_import_enterprise} first")
        #expect(Words.reason(unknown) == "没有企业使用此统一社会信用代码；请先添加或导入企业")
        let error = WorkforceError.invalid(field: "capacity", value: "0", reason: "must be at least 1")
        #expect(Words.message(error) == "名额 '0': 至少为 1")
    }

    @Test func theFileReasonsACoordinatorMeetsAreInChinese() {
        #expect(ChineseReasons.translate("the file is empty; expected a header row") == "文件为空；第一行应为表头")
        #expect(
            ChineseReasons.translate("is 25 MB; at most 20 MB are read (split the file)")
                == "大小为 25 MB；最多读取 20 MB（请拆分文件）")
        let missing = ChineseReasons.translate(
            "missing columns: id_number (身份证号 / 公民身份号码), hired_on (入职日期); the header row has: 姓名, 部门")
        #expect(missing == "缺少列：身份证号（身份证号 / 公民身份号码）；入职日期（入职日期）。表头行为：姓名, 部门")
        #expect(
            ChineseReasons.translate(
                "line 3 is neither UTF-8 nor GB18030 text; save the file as CSV UTF-8 and try again")
                == "第 3 行既不是 UTF-8 也不是 GB18030 文本；请将文件另存为“CSV UTF-8”后重试")
    }
}

@Suite(.database) struct ChineseReasonsTests {
    static let users: [(name: String, role: AccessRole, scope: String?)] = [
        ("sz-coordinator", .enterpriseCoordinator, FixtureWorld.shenzhen)
    ]

    @Test func aRosterWithTypicalBadRowsShowsEachReasonInChinese() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            let person9 = FixtureWorld.person(9)
            let badCheck = String(person9.dropLast()) + (person9.hasSuffix("1") ? "2" : "1")
            let csv =
                FixtureWorld.staff([.init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01")])
                + "\(FixtureWorld.shenzhen),\(badCheck),王芳,union,2012-01-01,\n"
                + "\(FixtureWorld.shenzhen),\(FixtureWorld.person(2)),李娜,union,2012-13-45,\n"
                + "\(FixtureWorld.shenzhen),\(FixtureWorld.person(3)),赵强,kitchen,2012-01-01,\n"
                + "\(FixtureWorld.shenzhen),\(FixtureWorld.person(4)),陈静,union,2999-01-01,\n"
            let refused = try await pages.upload("/staff/import", as: "sz-coordinator", file: csv)
            #expect(refused.status == .unprocessableContent)
            let reasons = refused.matches(
                #"<tr><td class="n">\d+</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>"#)
            #expect(reasons.count == 4, "\(reasons)")
            let expected = ["校验位应为", "不是日期", "未知部门", "晚于今天"]
            for (reason, fragment) in zip(reasons, expected) {
                #expect(reason.contains(fragment), "\(reason)")
                // No English word left: codes and values aside, the reason is Chinese.
                #expect(reason.range(of: "[A-Za-z]{4,}", options: .regularExpression) == nil, "\(reason)")
            }
            #expect(!refused.text.contains(badCheck))
            #expect(try world.count("person") == 0)
        }
    }

    @Test func aRosterWithoutItsIDNumberColumnIsRefusedInChineseBesideTheFileField() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            let csv = "enterprise_uscc,name,department,hired_on\n\(FixtureWorld.shenzhen),张伟,union,2012-01-01\n"
            let refused = try await pages.upload("/staff/import", as: "sz-coordinator", file: csv)
            #expect(refused.status == .unprocessableContent)
            let error = refused.matches(#"<span class="field-error">([^<]*)</span>"#).first ?? ""
            #expect(error.hasPrefix("缺少列：身份证号（"), "\(error)")
            #expect(!error.contains("missing"), "\(error)")
            #expect(try world.count("person") == 0)
        }
    }

    @Test func theJSONAPIKeepsTheDomainsEnglish() {
        let error = WorkforceError.invalid(field: "capacity", value: "0", reason: "must be at least 1")
        #expect(APIWords.message(error).contains("must be at least 1"))
    }
}
