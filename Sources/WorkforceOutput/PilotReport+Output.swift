import CalendarDates
import Foundation
public import Workforce

/// "+5.20 个百分点 (pp)" style text of a ratio change, in percentage points to two places.
func percentagePoints(_ change: Decimal?) -> String {
    guard let change else { return "—" }
    let points = twoPlaces(change * 100)
    return (points.hasPrefix("-") || points == "0.00" ? "" : "+") + points
}

extension PilotScope {
    /// "广东省深圳市（440305）"
    var regionLabel: String { "\(regionName)（\(regionCode)）" }

    /// The default 报送单位: the applicant unit, or a region's civil-affairs department.
    var issuer: String {
        kind == .region ? ReportHeader.civilAffairs(regionCode: applicantCode, name: applicantName) : applicantName
    }
}

extension PilotScope.Kind {
    var chineseName: String {
        switch self {
        case .region: "试点地区"
        case .enterprise: "试点企业"
        case .serviceOrg: "试点社会工作服务机构"
        }
    }
}

extension PilotReport {
    /// The change's exact decimal text (ratio units, 4 places), or nil.
    static func changeText(_ start: RatioCounts, _ end: RatioCounts) -> String? {
        ratioChange(start, end).map { NSDecimalNumber(decimal: $0).stringValue }
    }

    func startEndJSON(_ start: RatioCounts, _ end: RatioCounts) -> [(String, JSON)] {
        [
            ("start", start.json(asOf: scope.from)),
            ("end", end.json(asOf: scope.to)),
            ("change", PilotReport.changeText(start, end).map(JSON.number) ?? .null),
        ]
    }

    /// ID numbers are masked (first 6 and last 4) unless `includeIDNumbers`.
    public func json(includeIDNumbers: Bool = false) -> JSON {
        let idNumber = { (id: String?) -> JSON in
            id.map { .string(shownIDNumber($0, whole: includeIDNumbers)) } ?? .null
        }
        return .object([
            ("schema_version", .int(PilotReport.schemaVersion)), ("report", .string("pilot")),
            (
                "application",
                .object([
                    ("id", .int(scope.applicationID)), ("program", .string(scope.programName)),
                    ("document", .optional(scope.programDocument)),
                    (
                        "applicant",
                        .object([
                            ("kind", .string(scope.kind.rawValue)), ("code", .string(scope.applicantCode)),
                            ("name", .string(scope.applicantName)),
                        ])
                    ),
                    ("region_code", .string(scope.regionCode)), ("status", .string(scope.status.rawValue)),
                    ("submitted_on", .string(scope.submittedOn.iso)), ("in_pilot_on", .optional(scope.inPilotOn?.iso)),
                ])
            ),
            ("period", .object([("from", .string(scope.from.iso)), ("to", .string(scope.to.iso))])),
            ("ratio", .object(startEndJSON(totalStart, totalEnd))),
            ("levels", .object([("start", LevelTable.json(levelsStart)), ("end", LevelTable.json(levelsEnd))])),
            (
                "departments",
                .array(
                    departments.map {
                        .object([("department", .string($0.department.rawValue))] + startEndJSON($0.start, $0.end))
                    })
            ),
            (
                "enterprises",
                .array(
                    enterprises.map { line in
                        .object(
                            [
                                ("uscc", .string(line.uscc)), ("name", .string(line.name)),
                                ("region_code", .string(line.regionCode)),
                            ]
                                + startEndJSON(line.start, line.end))
                    })
            ),
            (
                "training",
                .array(
                    training.map { line in
                        .object([
                            ("kind", .string(line.kind.rawValue)), ("events", .int(line.events)),
                            ("enrolled", .int(line.enrolled)),
                            ("participants", .int(line.participants)), ("person_hours", .number(line.personHours)),
                        ])
                    })
            ),
            (
                "exam_funnel",
                .array(
                    funnel.map { line in
                        .object([
                            ("level", .string(line.level.rawValue)),
                            ("department", .optional(line.department?.rawValue)),
                            ("registered", .int(line.registered)), ("sat", .int(line.sat)),
                            ("passed", .int(line.passed)),
                            ("certified", .int(line.certified)),
                        ])
                    })
            ),
            (
                "posts",
                .object([
                    ("before_period", .int(postsBefore)), ("developed", .int(posts.count)),
                    ("filled", .int(postsFilled)),
                    (
                        "list",
                        .array(
                            posts.map { post in
                                .object([
                                    ("enterprise", .string(post.enterprise)),
                                    ("department", .string(post.department.rawValue)),
                                    ("title", .string(post.title)), ("created_on", .string(post.createdOn.iso)),
                                    (
                                        "filled_by",
                                        post.filledByName.map { name in
                                            .object([
                                                ("name", .string(name)), ("id_number", idNumber(post.filledByIDNumber)),
                                            ])
                                        } ?? .null
                                    ),
                                ])
                            })
                    ),
                ])
            ),
            ("practitioners", .object([("start", .int(practitionersStart)), ("end", .int(practitionersEnd))])),
            (
                "organizations",
                .object([
                    ("founded", .int(organizationsFounded)),
                    (
                        "list",
                        .array(
                            organizations.map { org in
                                .object([
                                    ("uscc", .string(org.uscc)), ("name", .string(org.name)),
                                    ("region_code", .string(org.regionCode)),
                                    ("founded_on", .optional(org.foundedOn?.iso)),
                                    ("founded_in_period", .bool(org.foundedInPeriod)),
                                    ("services_in_period", .int(org.servicesInPeriod)),
                                ])
                            })
                    ),
                ])
            ),
            (
                "services",
                .array(
                    services.map { line in
                        .object([
                            ("kind", .string(line.kind.rawValue)), ("count", .int(line.count)),
                            ("beneficiaries", .int(line.beneficiaries)),
                            ("volunteers", .int(line.volunteers)), ("hours", .number(line.hours)),
                        ])
                    })
            ),
            // Money is a string of yuan with two decimals, so that no reader turns it into a float.
            (
                "funding",
                .object([
                    ("total", .string(fundingTotal)),
                    (
                        "by_source",
                        .array(
                            funding.map {
                                .object([
                                    ("source", .string($0.source.rawValue)), ("count", .int($0.count)),
                                    ("amount", .string($0.amount)),
                                ])
                            })
                    ),
                ])
            ),
        ])
    }

    /// One long table, a figure a row: section, item, measure, value.
    public func csvRows(includeIDNumbers: Bool = false, language: CSVLanguage = .en)
        -> (headers: [String], rows: [[String]])
    {
        var rows: [[String]] = []
        func ratioRows(_ section: String, _ item: String, _ start: RatioCounts, _ end: RatioCounts) {
            rows += [
                [section, item, "tracked_start", String(start.tracked)],
                [section, item, "certified_start", String(start.certified)],
                [section, item, "ratio_start", start.ratio ?? ""], [section, item, "tracked_end", String(end.tracked)],
                [section, item, "certified_end", String(end.certified)], [section, item, "ratio_end", end.ratio ?? ""],
                [section, item, "ratio_change", PilotReport.changeText(start, end) ?? ""],
            ]
        }
        rows += [
            ["application", String(scope.applicationID), "applicant", scope.applicantName],
            ["application", String(scope.applicationID), "applicant_code", scope.applicantCode],
            ["application", String(scope.applicationID), "status", scope.status.rawValue],
            ["period", "", "from", scope.from.iso], ["period", "", "to", scope.to.iso],
        ]
        ratioRows("ratio", "total", totalStart, totalEnd)
        for level in CertificateLevel.allCases {
            rows += [
                ["level", level.rawValue, "certified_start", String(levelsStart.count(level))],
                ["level", level.rawValue, "certified_end", String(levelsEnd.count(level))],
            ]
        }
        for line in departments { ratioRows("department", line.department.rawValue, line.start, line.end) }
        for line in enterprises { ratioRows("enterprise", line.uscc, line.start, line.end) }
        for line in training {
            rows += [
                ["training", line.kind.rawValue, "events", String(line.events)],
                ["training", line.kind.rawValue, "enrolled", String(line.enrolled)],
                ["training", line.kind.rawValue, "participants", String(line.participants)],
                ["training", line.kind.rawValue, "person_hours", line.personHours],
            ]
        }
        for line in funnel {
            let item = line.level.rawValue + (line.department.map { "/" + $0.rawValue } ?? "")
            rows += [
                ["exam_funnel", item, "registered", String(line.registered)],
                ["exam_funnel", item, "sat", String(line.sat)],
                ["exam_funnel", item, "passed", String(line.passed)],
                ["exam_funnel", item, "certified", String(line.certified)],
            ]
        }
        rows += [
            ["posts", "", "before_period", String(postsBefore)], ["posts", "", "developed", String(posts.count)],
            ["posts", "", "filled", String(postsFilled)],
        ]
        for post in posts {
            let filler = post.filledByName.map { name in
                name + (post.filledByIDNumber.map { " " + shownIDNumber($0, whole: includeIDNumbers) } ?? "")
            }
            rows.append([
                "post", post.createdOn.iso, post.title,
                [post.enterprise, post.department.rawValue, filler ?? ""].joined(separator: " / "),
            ])
        }
        rows += [
            ["practitioners", "", "start", String(practitionersStart)],
            ["practitioners", "", "end", String(practitionersEnd)],
            ["organizations", "", "founded", String(organizationsFounded)],
        ]
        for org in organizations { rows.append(["organization", org.uscc, "founded_on", org.foundedOn?.iso ?? ""]) }
        for line in services {
            rows += [
                ["services", line.kind.rawValue, "count", String(line.count)],
                ["services", line.kind.rawValue, "beneficiaries", String(line.beneficiaries)],
                ["services", line.kind.rawValue, "volunteers", String(line.volunteers)],
                ["services", line.kind.rawValue, "hours", line.hours],
            ]
        }
        for line in funding {
            rows += [
                ["funding", line.source.rawValue, "count", String(line.count)],
                ["funding", line.source.rawValue, "amount", line.amount],
            ]
        }
        rows.append(["funding", "total", "amount", fundingTotal])
        guard language == .zh else { return (["section", "item", "measure", "value"], rows) }
        let chinese = rows.map { row in
            [PilotReport.chineseTerm(row[0]), PilotReport.chineseItem(row[1]), PilotReport.chineseTerm(row[2])]
                + [row[0] == "application" && row[2] == "status" ? PilotReport.chineseItem(row[3]) : row[3]]
        }
        return (["分类", "项目", "指标", "数值"], chinese)
    }

    /// The Chinese of a CSV section or measure name; a name without one stays as it is.
    static func chineseTerm(_ term: String) -> String {
        let terms = [
            "application": "申报", "applicant": "申报单位", "applicant_code": "代码", "status": "状态",
            "period": "报告期", "from": "起始日", "to": "截止日", "ratio": "持证比例", "total": "合计",
            "department": "部门", "enterprise": "企业", "level": "证书级别", "tracked_start": "期初在册人数",
            "certified_start": "期初持证人数", "ratio_start": "期初持证比例", "tracked_end": "期末在册人数",
            "certified_end": "期末持证人数", "ratio_end": "期末持证比例", "ratio_change": "持证比例变化",
            "training": "培训", "events": "场次", "enrolled": "报名人次", "participants": "参训人数",
            "person_hours": "人·学时", "exam_funnel": "职业水平考试", "registered": "报名", "sat": "参考",
            "passed": "通过", "certified": "取证", "posts": "岗位", "post": "岗位", "before_period": "期初已有",
            "developed": "新开发", "filled": "已配备人员", "practitioners": "社会组织从业人员", "start": "期初",
            "end": "期末", "organizations": "服务机构", "organization": "服务机构", "founded": "新成立",
            "founded_on": "成立日期", "services": "服务开展", "count": "次数", "beneficiaries": "服务人次",
            "volunteers": "志愿者人数", "hours": "服务时长", "funding": "资金投入", "amount": "金额（元）",
        ]
        return terms[term] ?? term
    }

    /// An item: a department, kind, level, source or state code (or "level/department") in Chinese.
    static func chineseItem(_ item: String) -> String {
        item.split(separator: "/").map { part -> String in
            let code = String(part)
            return Department(rawValue: code)?.chineseName ?? EventKind(rawValue: code)?.chineseName
                ?? CertificateLevel(rawValue: code)?.chineseName ?? ServiceKind(rawValue: code)?.chineseName
                ?? FundingSource(rawValue: code)?.chineseName ?? ApplicationStatus(rawValue: code)?.chineseName
                ?? chineseTerm(code)
        }.joined(separator: "/")
    }

    /// The report as a bureau reads, signs and prints it: Chinese only, never an ID number.
    public func html(header: ReportHeader = ReportHeader()) -> String {
        func value(_ counts: RatioCounts) -> Double? { counts.ratio.flatMap(Double.init) }
        func change(_ start: RatioCounts, _ end: RatioCounts) -> String { percentagePoints(ratioChange(start, end)) }
        func difference(_ start: Int, _ end: Int) -> String {
            end - start > 0 ? "+\(end - start)" : String(end - start)
        }
        let (fromText, toText) = (ReportText.date(scope.from), ReportText.date(scope.to))
        let period = ReportText.period(scope.from, scope.to)
        let ratioBars: [(label: String, values: [Double?])]
        let barsTitle: String
        if enterprises.count > 1 {
            barsTitle = "各企业持证比例（期初与期末）"
            ratioBars = enterprises.prefix(30).map { ($0.name, [value($0.start), value($0.end)]) }
        } else {
            barsTitle = "各部门持证比例（期初与期末）"
            ratioBars = departments.map { ($0.department.chineseName, [value($0.start), value($0.end)]) }
        }
        let trainingByKind = Dictionary(uniqueKeysWithValues: training.map { ($0.kind, $0) })
        let servicesByKind = Dictionary(uniqueKeysWithValues: services.map { ($0.kind, $0) })
        let fundingBySource = Dictionary(uniqueKeysWithValues: funding.map { ($0.source, $0) })
        var context: [String: Any] = [
            "applicant": Templates.fields([
                ("申报单位", "\(scope.applicantName)（\(scope.kind.chineseName)）"),
                (scope.kind == .region ? "行政区划代码" : "统一社会信用代码", scope.applicantCode),
                ("所在地区", scope.regionLabel),
                ("试点项目", [scope.programName, scope.programDocument].compactMap { $0 }.joined(separator: " ")),
                ("申报编号", "\(scope.applicationID)（\(ReportText.date(scope.submittedOn))申报）"),
                ("当前状态", scope.status.chineseName),
                ("入选试点日期", scope.inPilotOn.map(ReportText.date) ?? "—"),
                ("报告期", period),
                ("涉及企业", "\(enterprises.count) 家"),
            ]),
            "measures": Templates.table(
                headers: ["指标", "期初（\(fromText)）", "期末（\(toText)）", "变化"],
                rows: [
                    [
                        "在册人员（人）", String(totalStart.tracked), String(totalEnd.tracked),
                        difference(totalStart.tracked, totalEnd.tracked),
                    ],
                    [
                        "持证人员（人）", String(totalStart.certified), String(totalEnd.certified),
                        difference(totalStart.certified, totalEnd.certified),
                    ],
                    [
                        "持证比例", totalStart.percentage, totalEnd.percentage,
                        "\(change(totalStart, totalEnd)) 个百分点",
                    ],
                    [
                        "社会组织从业人员（人）", String(practitionersStart), String(practitionersEnd),
                        difference(practitionersStart, practitionersEnd),
                    ],
                    [
                        "社会工作岗位（个）", String(postsBefore), String(postsBefore + posts.count),
                        difference(postsBefore, postsBefore + posts.count),
                    ],
                ],
                numeric: [1, 2, 3], names: [0]),
            "levels": LevelTable.table(columns: [
                ("期初", levelsStart, totalStart.tracked), ("期末", levelsEnd, totalEnd.tracked),
            ]),
            "ratioChart": Charts.groupedBarChart(
                ratioBars, seriesNames: ["期初（\(fromText)）", "期末（\(toText)）"], title: barsTitle),
            "topThirtyOnly": enterprises.count > 30,
            "departments": Templates.table(
                headers: [
                    "部门", "期初在册", "期初持证", "期初比例", "期末在册", "期末持证", "期末比例",
                    "变化（百分点）",
                ],
                rows: departments.map { line in
                    [
                        line.department.chineseName, String(line.start.tracked), String(line.start.certified),
                        line.start.percentage, String(line.end.tracked), String(line.end.certified),
                        line.end.percentage, change(line.start, line.end),
                    ]
                },
                numeric: [1, 2, 3, 4, 5, 6, 7], names: [0]),
            "training": Templates.table(
                headers: ["培训方式", "场次", "报名人次", "参训人数", "人·学时"],
                rows: EventKind.allCases.map { kind in
                    let line = trainingByKind[kind]
                    return [
                        kind.chineseName, String(line?.events ?? 0), String(line?.enrolled ?? 0),
                        String(line?.participants ?? 0), ReportText.hours(line?.personHours ?? "0"),
                    ]
                } + [
                    [
                        "合计", String(training.map(\.events).reduce(0, +)),
                        String(training.map(\.enrolled).reduce(0, +)),
                        String(training.map(\.participants).reduce(0, +)),
                        ReportText.hours(PilotReport.sum(training.map(\.personHours))),
                    ]
                ],
                numeric: [1, 2, 3, 4], names: [0]),
            "postsDeveloped": posts.count, "postsFilled": postsFilled, "postsBefore": postsBefore,
            "organizationsFounded": organizationsFounded,
            "practitionersStart": practitionersStart, "practitionersEnd": practitionersEnd,
            "services": Templates.table(
                headers: ["服务类别", "次数", "服务人次", "志愿者人数", "服务时长（小时）"],
                rows: ServiceKind.allCases.map { kind in
                    let line = servicesByKind[kind]
                    return [
                        kind.chineseName, String(line?.count ?? 0), String(line?.beneficiaries ?? 0),
                        String(line?.volunteers ?? 0), ReportText.hours(line?.hours ?? "0"),
                    ]
                } + [
                    [
                        "合计", String(services.map(\.count).reduce(0, +)),
                        String(services.map(\.beneficiaries).reduce(0, +)),
                        String(services.map(\.volunteers).reduce(0, +)),
                        ReportText.hours(PilotReport.sum(services.map(\.hours))),
                    ]
                ],
                numeric: [1, 2, 3, 4], names: [0]),
            "funding": Templates.table(
                headers: ["资金来源", "笔数", "金额（元）"],
                rows: FundingSource.allCases.map { source in
                    [
                        source.chineseName, String(fundingBySource[source]?.count ?? 0),
                        ReportText.money(fundingBySource[source]?.amount ?? "0"),
                    ]
                } + [["合计", String(funding.map(\.count).reduce(0, +)), ReportText.money(fundingTotal)]],
                numeric: [1, 2], names: [0]),
        ]
        let levelTotals = funnel.filter { $0.department == nil }
        if !levelTotals.isEmpty {
            context["funnel"] =
                [
                    "chart": Charts.stackedBarChart(
                        levelTotals.map { line in
                            (
                                line.level.chineseName,
                                [
                                    min(line.certified, line.passed), line.passed - min(line.passed, line.certified),
                                    line.sat - line.passed, line.registered - line.sat,
                                ]
                            )
                        },
                        segmentNames: ["已取证", "通过待取证", "未通过", "缺考"],
                        title: "考试报名、参考、通过与取证（人）"),
                    "table": Templates.table(
                        headers: ["级别", "部门", "报名", "参考", "通过", "取证"],
                        rows: funnel.map { line in
                            [
                                line.level.chineseName, line.department?.chineseName ?? "合计",
                                String(line.registered), String(line.sat), String(line.passed),
                                String(line.certified),
                            ]
                        },
                        numeric: [2, 3, 4, 5], names: [0, 1]),
                ] as [String: Any]
        }
        if !posts.isEmpty {
            context["posts"] = Templates.table(
                headers: ["设立日期", "企业", "部门", "岗位名称", "在岗人员"],
                rows: posts.map {
                    [
                        ReportText.date($0.createdOn), $0.enterprise, $0.department.chineseName, $0.title,
                        $0.filledByName ?? "（空缺）",
                    ]
                },
                names: [0, 1, 2, 4])
        }
        if !organizations.isEmpty {
            context["organizations"] = Templates.table(
                headers: ["机构名称", "统一社会信用代码", "行政区划代码", "成立日期", "报告期内服务"],
                rows: organizations.map {
                    [
                        $0.name, $0.uscc, $0.regionCode, $0.foundedOn.map(ReportText.date) ?? "—",
                        String($0.servicesInPeriod),
                    ]
                },
                numeric: [4], names: [0, 1, 3])
        }
        if !enterprises.isEmpty {
            context["enterprises"] = Templates.table(
                headers: [
                    "企业名称", "期初在册", "期初持证", "期初比例", "期末在册", "期末持证", "期末比例",
                    "变化（百分点）",
                ],
                rows: enterprises.map { line in
                    [
                        line.name, String(line.start.tracked), String(line.start.certified),
                        line.start.percentage, String(line.end.tracked), String(line.end.certified),
                        line.end.percentage, change(line.start, line.end),
                    ]
                },
                numeric: [1, 2, 3, 4, 5, 6, 7], names: [0])
        }
        return ReportPage.render(
            title: "\(scope.applicantName)企业社会工作试点工作报告", header: header, issuer: scope.issuer,
            period: ("报告期", period), running: "\(scope.applicantName) · 报告期 \(period)",
            template: "pilot-report", context: context,
            notes: ReportPage.notes(
                asOf: "期初为\(fromText)，期末为\(toText)",
                extra: [
                    "报告期：默认为试点年度，自申报单位入选试点之日（未入选时为项目确认截止日次日）起，按项目规定的试点月数计算。",
                    "涉及企业：试点地区为辖区内全部企业；试点企业为其本身；社会工作服务机构为其服务过或受资助服务的企业。",
                    "培训：报告期内开始且未取消的培训活动中，涉及企业人员的报名与出勤；人·学时为出勤人员获认定学时之和。",
                    "考试：报告期内举行的职业水平考试；“通过”指当年考试年度内通过该级别全部科目，“取证”指其后取得该级别或更高级别证书。",
                    "资金以元为单位，精确到分。",
                ]))
    }
}
