import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite(.database) struct RegionCommandTests {
    @Test func checkRegionPrintsTheFullNameAndRefusesACodeInNoList() throws {
        try TestDatabase.withSchema { _, url in
            let database = ["--database-url", url]
            let known = try esw(["check", "region", "440305", "110105", "110103"] + database)
            #expect(known.status == 0)
            #expect(
                known.stdout
                    == "440305\tvalid\t440305\t广东省深圳市南山区\n" + "110105\tvalid\t110105\t北京市朝阳区\n"
                    + "110103\tvalid\t110103\t北京市崇文区 (out of use since 2010)\n")
            let unknown = try esw(["check", "region", "-"] + database, stdin: "440399\n4403\n")
            #expect(unknown.status == 3)
            #expect(
                unknown.stdout
                    == "440399\tinvalid\tis not a GB/T 2260 division: no code list since 1981 has it\n"
                    + "4403\tinvalid\tregion code must be 6 digits, found '4403'\n")
        }
    }

    @Test func everyRegionOptionRefusesAnUnknownCodeInsteadOfAnsweringNothing() throws {
        try TestDatabase.withSchema { _, url in
            let database = ["--database-url", url]
            let commands: [[String]] = [
                ["ratio", "--region", "440399"],
                ["ratio", "--trend", "--region", "440399", "--from", "2013-01-01", "--to", "2013-12-31"],
                ["report", "region", "--region", "440399", "--format", "json"],
                ["report", "province", "--region", "440399", "--format", "json"],
                ["enterprise", "list", "--region", "440399"],
                [
                    "enterprise", "add", "--uscc", Fixtures.uscc(region: "440305", serial: 9), "--name", "某",
                    "--region", "440399",
                ],
                ["event", "list", "--region", "440399"],
                ["post", "list", "--region", "440399"],
                ["training", "hours", "--region", "440399"],
                ["exam", "funnel", "--region", "440399", "--year", "2013"],
                ["pilot", "list", "--province", "440399"],
                ["user", "add", "--name", "shenzhen99", "--role", "region_coordinator", "--scope", "440399"],
            ]
            for command in commands {
                let run = try esw(command + database)
                #expect(run.status == 3, "\(command)")
                #expect(run.stdout.isEmpty, "\(command)")
                #expect(run.stderr.contains("'440399': is not a GB/T 2260 division"), "\(command): \(run.stderr)")
            }
        }
    }

    @Test func aCityBureauRunsTheReportOfItsCity() throws {
        try TestDatabase.withSchema { _, url in
            let database = ["--database-url", url]
            let shenzhen = try addShenzhenEnterprise(database)
            let region = try esw(
                ["report", "region", "--region", "440300", "--as-of", "2014-06-30", "--format", "csv"]
                    + database)
            #expect(region.status == 0)
            #expect(region.stdout.contains("region,440300,广东省深圳市,0,0,"))
            #expect(region.stdout.contains("county,440305,南山区,0,0,"))
            let province = try esw(
                ["report", "province", "--region", "440300", "--as-of", "2014-06-30", "--format", "csv"] + database)
            #expect(province.status == 0)
            #expect(province.stdout == region.stdout)
            let ratio = try esw(["ratio", "--region", "440305", "--as-of", "2014-06-30", "--format", "csv"] + database)
            #expect(ratio.stdout.contains("region,440305,广东省深圳市南山区,"))
        }
    }
}
