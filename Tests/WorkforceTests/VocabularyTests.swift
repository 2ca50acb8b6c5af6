import CalendarDates
import Testing
import Workforce
import WorkforceOutput

/// Every enum reads its code or its Chinese name, and a text table shows the Chinese names.
@Suite struct VocabularyTests {
    @Test func everyTermReadsFromItsCodeItsChineseNameAndItsAliases() {
        func check<Term: Vocabulary & Equatable>(_ type: Term.Type) {
            for term in Term.allCases {
                #expect(Term(text: term.rawValue) == term)
                #expect(Term(text: " \(term.chineseName) ") == term)
                #expect(Term(text: term.rawValue.uppercased()) == term)
            }
            #expect(Term(text: "no such term") == nil)
        }
        check(Department.self)
        check(CertificateLevel.self)
        check(EventKind.self)
        check(ExamSubject.self)
        check(ApplicationStatus.self)
        check(EnrollmentStatus.self)
        check(ServiceKind.self)
        check(FundingSource.self)
        check(CertificateStatus.State.self)
        check(TrainingGap.Reason.self)
        #expect(ApplicationStatus(text: "已总结") == .summarized)
        #expect(Department(text: "youth-league") == .youthLeague)
        #expect(CertificateLevel(text: "中级") == .intermediate)
        #expect(FundingSource(text: "政府购买") == .governmentPurchase)
    }

    @Test func aTableShowsChineseNamesAndCSVKeepsTheCodes() {
        let listing = Listing(headers: ["department", "hours"], rows: [["union", "3"], ["all", "5"]]) { .null }
            .terms([0: Department.self])
        let table = listing.rendered(as: .table)
        #expect(table.contains("工会") && table.contains("全部") && !table.contains("union"))
        #expect(listing.rendered(as: .table, language: .en).contains("union"))
        #expect(listing.rendered(as: .csv).contains("union") && !listing.rendered(as: .csv).contains("工会"))
        #expect(
            Language.zh.cell("practice 2013 58.00✓; comprehensive,", ExamSubject.self)
                == "社会工作实务 2013 58.00✓; 社会工作综合能力,")
    }

    @Test func theOneDateReaderTakesEveryFormAndNoImpossibleDay() {
        for text in ["2013-06-01", "2013/6/1", "2013年6月1日", " 2013.06.01 ", "20130601", "\u{3000}2013/06/01"] {
            #expect(CalendarDate(text: text)?.iso == "2013-06-01", "\(text)")
        }
        for text in ["2013-02-30", "6/1/2013", "2013年6月", "", "2013-6-1-1"] {
            #expect(CalendarDate(text: text) == nil, "\(text)")
        }
        #expect(LocalDateTime(text: "2013/6/1 09:30")?.description == "2013-06-01 09:30")
        #expect(LocalDateTime(text: "2013年6月1日 9:05")?.description == "2013-06-01 09:05")
    }
}
