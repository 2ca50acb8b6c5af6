public import CalendarDates
public import Workforce

extension Listing {
    /// Pilot programs and their deadlines (a table for people; no CSV or JSON shape is documented,
    /// so both follow the table's columns).
    public static func pilotPrograms(_ programs: [PilotProgram]) -> Listing {
        let headers = ["id", "name", "document", "apply by", "confirm by", "months", "summary by"]
        let rows = programs.map {
            [
                String($0.id), $0.name, $0.document ?? "", $0.applyBy.iso, $0.confirmBy.iso, String($0.pilotMonths),
                $0.summaryBy.iso,
            ]
        }
        return Listing(headers: headers, rows: rows, rightAligned: [0, 5]) {
            .array(
                programs.map { program in
                    .object([
                        ("id", .int(program.id)), ("name", .string(program.name)),
                        ("document", .optional(program.document)),
                        ("apply_by", .string(program.applyBy.iso)), ("confirm_by", .string(program.confirmBy.iso)),
                        ("pilot_months", .int(program.pilotMonths)), ("summary_by", .string(program.summaryBy.iso)),
                    ])
                })
        }
    }

    /// Pilot applications and their states.
    public static func pilotApplications(_ applications: [PilotApplication]) -> Listing {
        let headers = ["id", "program", "applicant", "province", "status", "submitted_on", "late"]
        let rows = applications.map {
            [
                String($0.id), String($0.programID), $0.applicant, $0.province, $0.status.rawValue, $0.submittedOn.iso,
                $0.late ? "yes" : "",
            ]
        }
        return Listing(headers: headers, rows: rows, rightAligned: [0, 1]) {
            .array(
                applications.map { application in
                    .object([
                        ("id", .int(application.id)), ("program", .int(application.programID)),
                        ("applicant", .string(application.applicant)),
                        ("province", .string(application.province)), ("status", .string(application.status.rawValue)),
                        ("submitted_on", .string(application.submittedOn.iso)), ("late", .bool(application.late)),
                    ])
                })
        }
        .terms([4: ApplicationStatus.self])
    }

    /// An application's dated, attributed history of states.
    public static func applicationHistory(
        _ history: [(from: String?, to: String, on: CalendarDate, actor: String, note: String?)]
    ) -> Listing {
        let rows = history.map { [$0.on.iso, $0.from ?? "", $0.to, $0.actor, $0.note ?? ""] }
        return Listing(headers: ["date", "from", "to", "by", "note"], rows: rows) {
            .array(
                history.map { entry in
                    .object([
                        ("date", .string(entry.on.iso)), ("from", .optional(entry.from)), ("to", .string(entry.to)),
                        ("by", .string(entry.actor)), ("note", .optional(entry.note)),
                    ])
                })
        }
        .terms([1: ApplicationStatus.self, 2: ApplicationStatus.self])
    }

    /// Posts developed; ID numbers masked (first 6 and last 4) unless `includeIDNumbers`.
    public static func posts(_ posts: [PostRecord], includeIDNumbers: Bool) -> Listing {
        let headers = [
            "id", "created_on", "enterprise_uscc", "enterprise", "department", "title", "filled_by",
            "filled_by_id_number",
        ]
        let rows = posts.map { post in
            [
                String(post.id), post.createdOn.iso, post.enterpriseUSCC, post.enterpriseName, post.department.rawValue,
                post.title, post.filledByName ?? "",
                post.filledByIDNumber.map { shownIDNumber($0, whole: includeIDNumbers) } ?? "",
            ]
        }
        return Listing(records: RecordTable(headers: headers, rows: rows), numeric: [0]).terms([4: Department.self])
    }

    /// Service organizations with the number of services each provided.
    public static func serviceOrganizations(_ organizations: [ServiceOrganizationRecord]) -> Listing {
        let rows = organizations.map {
            [$0.uscc, $0.name, $0.regionCode, $0.foundedOn?.iso ?? "", String($0.services)]
        }
        return Listing(
            records: RecordTable(headers: ["uscc", "name", "region_code", "founded_on", "services"], rows: rows),
            numeric: [4])
    }

    /// Services delivered; JSON numbers for the id, beneficiaries, volunteers and hours.
    public static func services(_ services: [ServiceRecord]) -> Listing {
        let headers = [
            "id", "served_on", "enterprise_uscc", "enterprise", "kind", "beneficiaries", "provider", "volunteers",
            "hours",
        ]
        let rows = services.map { service in
            [
                String(service.id), service.servedOn.iso, service.enterpriseUSCC, service.enterpriseName,
                service.kind.rawValue, String(service.beneficiaries), service.provider ?? "",
                service.volunteers.map(String.init) ?? "", service.hours ?? "",
            ]
        }
        return Listing(records: RecordTable(headers: headers, rows: rows), numeric: [0, 5, 7, 8])
            .terms([4: ServiceKind.self])
    }

    /// Money received; amounts stay exact strings in JSON.
    public static func funding(_ funding: [FundingRecord]) -> Listing {
        let headers = [
            "id", "received_on", "recipient_code", "recipient", "source", "amount", "provider_org", "contract_no",
        ]
        let rows = funding.map { entry in
            [
                String(entry.id), entry.receivedOn.iso, entry.recipientCode, entry.recipientName, entry.source.rawValue,
                entry.amount, entry.providerOrganization ?? "", entry.contractNo ?? "",
            ]
        }
        return Listing(records: RecordTable(headers: headers, rows: rows), numeric: [0]).terms([4: FundingSource.self])
    }
}
