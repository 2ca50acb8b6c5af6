import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

@Suite struct TextLimitsTests {
    /// The agreed lengths; the database's CHECK constraints use the same numbers.
    @Test func eachKindOfTextHasTheAgreedMaximumInCharactersAfterNormalizing() {
        let agreed: [(TextLimits.Kind, Int)] = [
            (.personName, 100), (.enterpriseName, 200), (.organizationName, 200), (.programName, 200),
            (.regionName, 100), (.eventTitle, 200), (.eventLocation, 200), (.postTitle, 200),
            (.programDocument, 200), (.certificateNumber, 100), (.contractNumber, 100),
            (.applicationPlan, 20_000), (.transitionNote, 2_000), (.correctionReason, 500), (.cell, 1_000),
        ]
        #expect(agreed.count == TextLimits.Kind.allCases.count)
        for (kind, maximum) in agreed {
            #expect(kind.maximumLength == maximum)
            // Counted in characters (not bytes) after trimming: a full-width space around is free.
            let spaced = { (count: Int) in "\u{3000} " + String(repeating: "名", count: count) + " " }
            #expect(TextLimits.check(spaced(maximum), as: kind).normalized?.unicodeScalars.count == maximum)
            #expect(
                TextLimits.check(spaced(maximum + 1), as: kind).reason
                    == "is \(maximum + 1) characters long; at most \(maximum) are allowed")
        }
        // "é" typed as e and a combining accent is one character once normalized (NFC).
        let decomposed = String(repeating: "e\u{301}", count: 100)
        #expect(TextLimits.check(decomposed, as: .personName).normalized == String(repeating: "é", count: 100))
        // Hangul typed as jamo is composed; ideographic tone marks are put in canonical order.
        #expect(TextLimits.check("\u{1100}\u{1161}", as: .personName).normalized == "\u{AC00}")
        #expect(
            TextLimits.check("张\u{302E}\u{302A}", as: .personName).normalized?.unicodeScalars.map(\.value)
                == [0x5F20, 0x302A, 0x302E])
    }

    @Test func namesKeepTheMiddleDotsOfMinorityNamesAndRefuseInvisibleAndControlCharacters() {
        for name in ["阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽‧买买提", "O'Brien-李", "张伟"] {
            #expect(TextLimits.check(" \(name)\t", as: .personName) == .valid(normalized: name))
        }
        let refused: [(String, String)] = [
            ("张\u{0}伟", "control character (U+0000)"), ("张\t伟", "control character (U+0009)"),
            ("张\n伟", "control character (U+000A)"), ("张\u{7F}伟", "control character (U+007F)"),
            ("张\u{85}伟", "control character (U+0085)"), ("张\u{1B}[31m伟", "control character (U+001B)"),
            ("张\u{202E}伟", "(U+202E)"), ("张\u{2066}伟", "(U+2066)"), ("张\u{200F}伟", "(U+200F)"),
            ("张\u{61C}伟", "(U+061C)"), ("张\u{200B}伟", "(U+200B)"), ("张\u{200D}伟", "(U+200D)"),
            ("张\u{2060}伟", "(U+2060)"), ("张\u{FEFF}伟", "(U+FEFF)"),
        ]
        for (name, words) in refused {
            let reason = TextLimits.check(name, as: .personName).reason ?? ""
            #expect(reason.contains(words + " at character 2"), "\(reason)")
            #expect(!reason.contains("张"))
        }
        #expect(TextLimits.check(" \u{3000}", as: .enterpriseName).reason == "is empty")
    }

    @Test func plansAndNotesMayHoldLineBreaksButNotControlOrDirectionCharacters() {
        #expect(TextLimits.check("一、建立制度\n二、\t培训", as: .applicationPlan).normalized == "一、建立制度\n二、\t培训")
        #expect(TextLimits.check("计划\u{200B}", as: .applicationPlan).normalized == "计划\u{200B}")
        #expect(TextLimits.check("计划\u{7}", as: .applicationPlan).reason?.contains("U+0007") == true)
        #expect(TextLimits.check("计划\u{202E}", as: .transitionNote).reason?.contains("U+202E") == true)
    }
}

@Suite(.database) struct SingleRecordTextTests {
    /// The single-record commands refuse what the importers refuse, naming the field, never
    /// quoting the text, and store names normalized.
    @Test func singleRecordCommandsCheckTheirTextLikeTheImports() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let uscc = Fixtures.uscc(region: "440305", serial: 20)
            let bidi = #expect(throws: WorkforceError.self) {
                try world.enterprises.add(uscc: uscc, name: "测试\u{202E}公司", regionCode: "440305", employees: nil)
            }
            #expect(
                bidi
                    == .invalid(
                        field: "name", value: "",
                        reason: Reason(TextLimits.check("测试\u{202E}公司", as: .enterpriseName).reason!)))
            let added = try world.enterprises.add(
                uscc: uscc, name: " 测试公司\u{3000}", regionCode: "440305", employees: nil)
            #expect(added.name == "测试公司")
            let longTitle = #expect(throws: WorkforceError.self) {
                try Events(db: db).create(
                    EventDraft(
                        kind: .seminar, title: String(repeating: "题", count: 201),
                        startsAt: LocalDateTime(text: "2026-01-10T09:00")!,
                        endsAt: LocalDateTime(text: "2026-01-10T12:00")!,
                        hours: 3, capacity: 10, enterpriseUSCC: uscc))
            }
            #expect(longTitle?.description == "title: is 201 characters long; at most 200 are allowed")
            let org = #expect(throws: WorkforceError.self) {
                try ServiceOrganizations(db: db).add(
                    uscc: "52440300MJ000123XJ", name: "机构\u{200B}", region: "440300", founded: nil)
            }
            #expect(
                org?.description.hasPrefix("name: holds an invisible or direction-changing character (U+200B)") == true)
            let plan = #expect(throws: WorkforceError.self) {
                try PilotApplications(db: db).apply(
                    programID: 1, applicant: .enterprise(uscc: uscc), plan: String(repeating: "计", count: 20_001),
                    on: RosterWorld.today, late: false)
            }
            #expect(plan?.description == "plan: is 20001 characters long; at most 20000 are allowed")
            #expect(try world.count("service_org") == 0)
        }
    }
}
