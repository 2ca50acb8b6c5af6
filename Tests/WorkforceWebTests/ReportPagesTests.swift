import CalendarDates
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// A download as it was sent: its bytes, not text.
struct Download: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let data: Data

    /// The name of `filename*` (RFC 5987), decoded.
    var chineseName: String? {
        guard let disposition = headers[.contentDisposition], let range = disposition.range(of: "filename*=UTF-8''")
        else { return nil }
        return String(disposition[range.upperBound...]).removingPercentEncoding
    }
}

extension PageClient {
    func download(_ uri: String, as user: String) async throws -> Download {
        var headers = HTTPFields()
        headers[PageClient.sessionHeader] = tokens[user]!.textForClient
        return try await client.execute(uri: uri, method: .get, headers: headers, body: nil) { response in
            Download(status: response.status, headers: response.headers, data: Data(response.body.readableBytesView))
        }
    }
}

@Suite(.database) struct ReportPagesTests {
    static let users = PilotPagesTests.users
    static let beijingToday = CalendarDate.today(in: TimeZone(identifier: "Asia/Shanghai")!)

    /// Two tracked staff of the Shenzhen enterprise (one certified in 2013), one of Beijing's, and
    /// the applications of PilotPagesTests.
    static func world(_ owner: Connection, _ world: FixtureWorld) throws -> (shenzhen: Int, beijing: Int) {
        _ = try world.importStaff(
            FixtureWorld.staff([
                .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                .init(.shenzhen, 2, "李娜", "party", hired: "2012-01-01"),
                .init(.beijing, 3, "王芳", "union", hired: "2012-01-01"),
            ]))
        _ = try world.importCertificates(FixtureWorld.certificates([(1, "junior", "C-1", "2013-01-15", nil)]))
        let (_, shenzhen, beijing) = try PilotPagesTests.applications(owner)
        return (shenzhen, beijing)
    }

    @Test func theProvinceReportDownloadsAsTheCommandLinesRendererWritesIt() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            _ = try Self.world(owner, world)
            let report = try Reports(db: owner).province(region: "440000", asOf: FixtureWorld.day("2013-12-31"))
            #expect(report.total.tracked == 2 && report.total.certified == 1)
            let name = "\(report.regionName)企业社会工作人才持证情况报告-2013-12-31"

            let csv = try await pages.download("/reports/region?year=2013&format=csv", as: "gd-bureau")
            let table = report.csvRows(language: .zh)
            #expect(csv.status == .ok)
            #expect(csv.data == Data(CSVWriter.document(headers: table.headers, rows: table.rows).utf8))
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.cacheControl] == "no-store")
            #expect(
                csv.headers[.contentDisposition]?.hasPrefix(
                    #"attachment; filename="region-report-440000-2013-12-31.csv"; filename*=UTF-8''%E5%B9%BF%E4%B8%9C"#)
                    == true)
            #expect(csv.chineseName == name + ".csv")

            let json = try await pages.download(
                "/reports/region?as_of=2013%E5%B9%B412%E6%9C%8831%E6%97%A5&format=json", as: "gd-bureau")
            #expect(json.status == .ok && json.headers[.contentType] == "application/json; charset=utf-8")
            #expect(json.data == Data((report.json.serialized(pretty: true) + "\n").utf8))
            #expect(json.chineseName == name + ".json")

            let html = try await pages.download(
                "/reports/region?region=440000&year=2013&format=html&preparer=%E5%BC%A0%E4%B8%89", as: "gd-bureau")
            let printed = report.html(header: ReportHeader(preparer: "张三", generatedOn: Self.beijingToday))
            #expect(html.status == .ok && html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(decoding: html.data, as: UTF8.self) == printed)
            #expect(html.chineseName == name + ".html")
            #expect(html.headers[.contentDisposition]?.hasPrefix("attachment;") == true)

            // The page offers the form with the bureau's province; the region coordinator gets its city's.
            let page = try await pages.get("/reports", as: "gd-bureau")
            #expect(page.text.contains(#"action="/reports/region""#) && page.text.contains(#"value="440000""#))
            #expect(!page.text.contains("field-error"))
            let city = try await pages.download("/reports/region?year=2013&format=json", as: "sz-region")
            #expect(city.status == .ok && city.chineseName?.hasPrefix("广东省深圳市") == true)
            // A region outside the scope is not found; inside it, it is the region's report.
            #expect(try await pages.get("/reports/region?region=110000&year=2013", as: "gd-bureau").status == .notFound)
            #expect(try await pages.get("/reports/region?region=440000&year=2013", as: "sz-region").status == .notFound)
        }
    }

    @Test func badParametersAnswer400NamingTheField() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            let (shenzhen, _) = try Self.world(owner, world)
            for year in ["abc", "1900", "3000"] {
                let page = try await pages.get("/reports/region?year=\(year)&format=csv", as: "gd-bureau")
                #expect(page.status == .badRequest, "\(year)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.text.contains(#"<span class="field-error">年份（year）无效"#), "\(year)")
                // The form comes back with what was given.
                #expect(page.text.contains(#"name="year" value="\#(year)""#))
            }
            let format = try await pages.get("/reports/region?year=2013&format=pdf", as: "gd-bureau")
            #expect(format.status == .badRequest && format.text.contains("格式（format）无效"))
            let region = try await pages.get("/reports/region?region=440399&year=2013", as: "gd-bureau")
            #expect(region.status == .badRequest && region.text.contains("地区代码（region）无效"))
            let date = try await pages.get("/reports/pilot/\(shenzhen)?from=someday", as: "gd-bureau")
            #expect(date.status == .badRequest && date.text.contains("起始日期（from）无效"))
            let order = try await pages.get(
                "/reports/pilot/\(shenzhen)?from=2014-01-01&to=2013-01-01", as: "gd-bureau")
            #expect(order.status == .badRequest && order.text.contains("截止日期（to）无效：不能早于起始日期（from）。"))
        }
    }

    @Test func theEvidencePackIsAWholeZIPThatVerifies() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            let (shenzhen, beijing) = try Self.world(owner, world)
            let zip = try await pages.download("/reports/evidence/\(shenzhen)", as: "gd-bureau")
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            #expect(zip.data.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
            #expect(zip.headers[.contentDisposition]?.contains(#"filename="evidence-\#(shenzhen).zip""#) == true)
            #expect(zip.chineseName == "证据包-\(shenzhen)-\(FixtureWorld.Enterprise.shenzhen.name).zip")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID()).zip").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try zip.data.write(to: URL(fileURLWithPath: path))
            let verified = try EvidencePack.verify(path: path)
            #expect(verified.problems.isEmpty)
            let files = verified.header.filter { $0.hasPrefix("file: ") }
            for name in ["试点工作报告.html", "试点工作报告.json", "持证情况.csv", "考试情况.csv", "岗位开发.csv", "服务开展.csv", "资金投入.csv"] {
                #expect(files.contains { $0.hasPrefix("file: \(name) = ") }, "\(name)")
            }
            #expect(verified.header.contains("id_numbers: masked"))
            #expect(try await pages.get("/reports/evidence/\(beijing)", as: "gd-bureau").status == .notFound)

            let pilot = try await pages.download("/reports/pilot/\(shenzhen)?format=json", as: "gd-bureau")
            #expect(pilot.status == .ok && pilot.chineseName?.hasPrefix("试点工作报告-\(shenzhen)-") == true)
            let form = try await pages.download("/reports/application-form/\(shenzhen)", as: "gd-bureau")
            #expect(form.status == .ok && form.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(decoding: form.data, as: UTF8.self).contains("企业社会工作试点申报表"))
            // The application's page holds the form's blanks; filled in, they are on the printed form.
            let application = try await pages.get("/pilots/applications/\(shenzhen)", as: "gd-bureau")
            let formAction = #"<form class="stacked" method="get" action="/reports/application-form/\#(shenzhen)">"#
            #expect(application.text.contains(formAction))
            for field in ["contact", "address", "industry", "preparer", "reviewer", "phone", "as_of"] {
                #expect(application.text.contains(#"name="\#(field)""#), "\(field)")
            }
            let encoded = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            let filled = try await pages.download(
                "/reports/application-form/\(shenzhen)?contact=\(encoded("王主任"))&address=\(encoded("深圳市南山区科技园"))",
                as: "gd-bureau")
            let filledText = String(decoding: filled.data, as: UTF8.self)
            #expect(filled.status == .ok && filledText.contains("王主任") && filledText.contains("深圳市南山区科技园"))
        }
    }

    @Test func anEnterpriseUserReadsOnlyItsOwnPilotsReports() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            let (shenzhen, beijing) = try Self.world(owner, world)
            let page = try await pages.get("/reports", as: "sz-coordinator")
            #expect(page.status == .ok)
            #expect(!page.text.contains("/reports/region"))
            #expect(page.matches(#"href="/reports/evidence/(\d+)""#) == [String(shenzhen)])
            #expect(page.text.contains(#"<a href="/reports" aria-current="page">报告</a>"#))
            for query in ["year=2013", "year=abc"] {
                #expect(try await pages.get("/reports/region?\(query)", as: "sz-coordinator").status == .forbidden)
            }
            let own = try await pages.download("/reports/pilot/\(shenzhen)?format=csv", as: "sz-coordinator")
            #expect(own.status == .ok && own.headers[.contentType] == "text/csv; charset=utf-8")
            // The ID numbers in the report are masked (first 6 and last 4).
            #expect(!String(decoding: own.data, as: UTF8.self).contains(FixtureWorld.person(1)))
            for path in [
                "/reports/pilot/\(beijing)", "/reports/application-form/\(beijing)", "/reports/evidence/\(beijing)",
            ] {
                #expect(try await pages.get(path, as: "sz-coordinator").status == .notFound, "\(path)")
            }
        }
    }
}
