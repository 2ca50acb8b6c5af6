import CalendarDates
import Foundation
import PostgresClient

extension Services {
    static let serviceColumns = [
        ImportColumn("enterprise_uscc", aliases: ["统一社会信用代码", "企业", "enterprise", "uscc"]),
        ImportColumn("kind", aliases: ["服务类别", "类别", "服务类型"]),
        ImportColumn("served_on", aliases: ["服务日期", "日期", "date"]),
        ImportColumn("beneficiaries", aliases: ["服务人次", "受益人数", "受益人次"]),
        ImportColumn("provider", aliases: ["服务提供者", "提供方", "服务机构"], required: false),
        ImportColumn("volunteers", aliases: ["志愿者", "志愿者人数"], required: false),
        ImportColumn("hours", aliases: ["服务时长", "时长", "小时"], required: false),
    ]

    /// Records the services of a spreadsheet, all or nothing (or the good rows with
    /// `skipInvalid`). A row identical to a service on record (same enterprise, kind, date,
    /// provider, beneficiaries, volunteers and hours) is left unchanged, so a file can be
    /// imported again safely; a file holding n identical rows holds n services, the n-th matching
    /// the n-th identical one on record (duplicate_no, sql/0027).
    public func importFile(path: String, options: ImportOptions) throws -> ImportSummary {
        let today = options.today
        let definition = ImportDefinition(
            action: "service import",
            columns: Services.serviceColumns,
            stagingColumns: [
                "enterprise_uscc text COLLATE \"C\"", "kind service_kind", "served_on date", "beneficiaries integer",
                "provider_id_number text COLLATE \"C\"", "provider_uscc text COLLATE \"C\"", "volunteers integer",
                "hours numeric",
            ],
            validate: { row in
                let enterprise = row.code("enterprise_uscc", Codes.checkUSCC)
                let kind = ServiceKind(text: row.value("kind"))
                if kind == nil {
                    let kinds = ServiceKind.allCases.map { "\($0.rawValue) (\($0.chineseName))" }
                        .joined(separator: ", ")
                    row.reject("kind", "unknown kind; use one of \(kinds)")
                }
                let date = ImportPipeline.optionalDate(&row, "served_on", today: today)
                if date == nil && row.value("served_on").isEmpty { row.reject("served_on", "is empty") }
                let beneficiaries = Int(row.value("beneficiaries"))
                if beneficiaries == nil || beneficiaries! < 0 {
                    row.reject("beneficiaries", "must be a whole number, 0 or more")
                }
                var providerID: String?, providerUSCC: String?
                let provider = row.value("provider")
                if !provider.isEmpty {
                    switch ServiceProvider(provider, today: today) {
                    case .person(let id): providerID = id
                    case .organization(let uscc): providerUSCC = uscc
                    case .invalid: row.reject("provider", Reason(ServiceProvider.invalidReason))
                    }
                }
                let volunteersText = row.value("volunteers")
                let volunteers = Int(volunteersText)
                if !volunteersText.isEmpty && (volunteers == nil || volunteers! < 0) {
                    row.reject("volunteers", "must be a whole number, 0 or more")
                }
                let hoursText = row.value("hours")
                if !hoursText.isEmpty && !isPlainDecimal(hoursText) {
                    row.reject("hours", "must be a number of hours with at most two decimals, e.g. 1.5")
                }
                guard row.errors.isEmpty, let enterprise, let kind, let date, let beneficiaries else { return nil }
                return [
                    enterprise, kind.rawValue, date.iso, String(beneficiaries), providerID, providerUSCC,
                    volunteersText.isEmpty ? nil : volunteersText, hoursText.isEmpty ? nil : hoursText,
                ]
            },
            crossChecks: [
                """
                SELECT s.line, 'enterprise_uscc', s.enterprise_uscc, unknown_enterprise_reason(
                           'no enterprise has this USCC; add it with {remedy:add_or_import_enterprise} first')
                FROM import_staging s WHERE NOT EXISTS (SELECT 1 FROM enterprise e WHERE e.uscc = s.enterprise_uscc)
                """,
                """
                SELECT s.line, 'provider', s.provider_id_number,
                       CASE WHEN (SELECT esw_has_scope()) THEN 'no person of your scope has this ID number'
                            ELSE 'no person on record has this ID number' END
                FROM import_staging s
                WHERE s.provider_id_number IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.provider_id_number)
                """,
                """
                SELECT s.line, 'provider', s.provider_uscc,
                       'no service organization has this USCC; add it with {remedy:add_service_organization}'
                FROM import_staging s
                WHERE s.provider_uscc IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM service_org o WHERE o.uscc = s.provider_uscc)
                """,
            ],
            merge: { db in
                // Read before written: ImportPipeline.materialize says why.
                try ImportPipeline.materialize(
                    db, "import_matched",
                    as: """
                        SELECT source.*, EXISTS (
                                   SELECT 1 FROM service_record r
                                   WHERE r.enterprise_id = source.enterprise_id AND r.kind = source.kind
                                     AND r.served_on = source.served_on
                                     AND r.beneficiaries = source.beneficiaries
                                     AND r.provider_person_id IS NOT DISTINCT FROM source.person_id
                                     AND r.provider_org_id IS NOT DISTINCT FROM source.org_id
                                     AND r.volunteers IS NOT DISTINCT FROM source.volunteers
                                     AND r.hours IS NOT DISTINCT FROM source.hours
                                     AND r.duplicate_no = source.duplicate_no) AS recorded
                        FROM (SELECT e.id AS enterprise_id, s.kind, s.served_on, s.beneficiaries,
                                     p.id AS person_id, o.id AS org_id, s.volunteers, s.hours,
                                     row_number() OVER (
                                         PARTITION BY e.id, s.kind, s.served_on, s.beneficiaries, p.id, o.id,
                                                      s.volunteers, s.hours
                                         ORDER BY s.line) - 1 AS duplicate_no
                              FROM import_staging s
                              JOIN enterprise e ON e.uscc = s.enterprise_uscc
                              LEFT JOIN person p ON p.id_number = s.provider_id_number
                              LEFT JOIN service_org o ON o.uscc = s.provider_uscc) source
                        """)
                // An identical service recorded since the checks ran (another import): retried.
                let row = try ImportPipeline.concurrentChange(ifViolating: "service_record_once", of: "service_record")
                {
                    try db.query(
                        """
                        WITH inserted AS (
                            INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries,
                                                        provider_person_id, provider_org_id, volunteers, hours,
                                                        duplicate_no)
                            SELECT enterprise_id, kind, served_on, beneficiaries, person_id, org_id, volunteers, hours,
                                   duplicate_no
                            FROM import_matched WHERE NOT recorded
                            RETURNING 1
                        )
                        SELECT (SELECT count(*) FROM import_matched), (SELECT count(*) FROM inserted), 0::bigint
                        """
                    ).single()
                }
                return try ImportPipeline.mergeCounts(row)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }
}
