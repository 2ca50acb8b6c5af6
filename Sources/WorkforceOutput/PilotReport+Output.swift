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
    var regionLabel: String {
        let city = cityName.map { $0.hasPrefix(provinceName) ? String($0.dropFirst(provinceName.count)) : $0 } ?? ""
        return "\(provinceName)\(city)（\(regionCode)）"
    }
}

extension PilotScope.Kind {
    var chineseName: String {
        switch self {
        case .region: "试点地区"
        case .enterprise: "试点企业"
        case .serviceOrg: "社会工作服务机构"
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
    public func csvRows(includeIDNumbers: Bool = false) -> (headers: [String], rows: [[String]]) {
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
        return (["section", "item", "measure", "value"], rows)
    }

    /// The report as a bureau reads it; never shows ID numbers.
    public var html: String {
        func value(_ counts: RatioCounts) -> Double? { counts.ratio.flatMap(Double.init) }
        func change(_ start: RatioCounts, _ end: RatioCounts) -> String { percentagePoints(ratioChange(start, end)) }
        func difference(_ start: Int, _ end: Int) -> String {
            end - start > 0 ? "+\(end - start)" : String(end - start)
        }
        let period = "\(scope.from.iso) 至 \(scope.to.iso)"
        let ratioBars: [(label: String, before: Double?, after: Double?)]
        let barsTitle: String
        if enterprises.count > 1 {
            barsTitle = "各企业持证比例 期初与期末"
            ratioBars = enterprises.prefix(30).map { ($0.name, value($0.start), value($0.end)) }
        } else {
            barsTitle = "各部门持证比例 期初与期末"
            ratioBars = departments.map { ($0.department.chineseName, value($0.start), value($0.end)) }
        }
        let trainingByKind = Dictionary(uniqueKeysWithValues: training.map { ($0.kind, $0) })
        let servicesByKind = Dictionary(uniqueKeysWithValues: services.map { ($0.kind, $0) })
        let fundingBySource = Dictionary(uniqueKeysWithValues: funding.map { ($0.source, $0) })
        var context: [String: Any] = [
            "applicant": Templates.fields([
                ("申报主体 applicant", "\(scope.applicantName)（\(scope.kind.chineseName)）"),
                ("代码 code", scope.applicantCode),
                ("所在地区 region", scope.regionLabel),
                (
                    "试点项目 program",
                    [scope.programName, scope.programDocument].compactMap { $0 }.joined(separator: " ")
                ),
                ("申报编号 application", "\(scope.applicationID)，\(scope.submittedOn.iso) 申报"),
                ("当前状态 status", "\(scope.status.chineseName) \(scope.status.rawValue)"),
                ("入选试点 in pilot since", scope.inPilotOn?.iso ?? "—"),
                ("报告期 period", period),
                ("涉及企业 enterprises", "\(enterprises.count) 家"),
            ]),
            "measures": Templates.table(
                headers: ["指标 measure", "期初 \(scope.from.iso)", "期末 \(scope.to.iso)", "变化 change"],
                rows: [
                    [
                        "在册人员 tracked staff", String(totalStart.tracked), String(totalEnd.tracked),
                        difference(totalStart.tracked, totalEnd.tracked),
                    ],
                    [
                        "持证人员 certified", String(totalStart.certified), String(totalEnd.certified),
                        difference(totalStart.certified, totalEnd.certified),
                    ],
                    [
                        "持证比例 certified ratio", totalStart.percentage, totalEnd.percentage,
                        "\(change(totalStart, totalEnd)) 个百分点 (pp)",
                    ],
                    [
                        "社会组织从业人员 practitioners", String(practitionersStart), String(practitionersEnd),
                        difference(practitionersStart, practitionersEnd),
                    ],
                    [
                        "社会工作岗位 posts", String(postsBefore), String(postsBefore + posts.count),
                        difference(postsBefore, postsBefore + posts.count),
                    ],
                ],
                numeric: [1, 2, 3]),
            "ratioChart": Charts.pairedBarChart(
                ratioBars, title: barsTitle, beforeLabel: "期初 \(scope.from.iso)",
                afterLabel: "期末 \(scope.to.iso)"),
            "topThirtyOnly": enterprises.count > 30,
            "departments": Templates.table(
                headers: [
                    "部门 department", "期初在册", "期初持证", "期初比例", "期末在册", "期末持证",
                    "期末比例", "变化 (pp)",
                ],
                rows: departments.map { line in
                    [
                        line.department.chineseName, String(line.start.tracked), String(line.start.certified),
                        line.start.percentage, String(line.end.tracked), String(line.end.certified),
                        line.end.percentage,
                        change(line.start, line.end),
                    ]
                },
                numeric: [1, 2, 3, 4, 5, 6, 7]),
            "training": Templates.table(
                headers: [
                    "培训方式 kind", "场次 events", "报名人次 enrolled", "参训人数 participants",
                    "人·学时 person-hours",
                ],
                rows: EventKind.allCases.map { kind in
                    let line = trainingByKind[kind]
                    return [
                        kind.chineseName, String(line?.events ?? 0), String(line?.enrolled ?? 0),
                        String(line?.participants ?? 0), line?.personHours ?? "0.00",
                    ]
                } + [
                    [
                        "合计 total", String(training.map(\.events).reduce(0, +)),
                        String(training.map(\.enrolled).reduce(0, +)),
                        String(training.map(\.participants).reduce(0, +)), PilotReport.sum(training.map(\.personHours)),
                    ]
                ],
                numeric: [1, 2, 3, 4]),
            "postsDeveloped": posts.count, "postsFilled": postsFilled, "postsBefore": postsBefore,
            "organizationsFounded": organizationsFounded,
            "practitionersStart": practitionersStart, "practitionersEnd": practitionersEnd,
            "services": Templates.table(
                headers: [
                    "服务类别 kind", "次数 count", "服务人次 beneficiaries", "志愿者 volunteers",
                    "服务时长 hours",
                ],
                rows: ServiceKind.allCases.map { kind in
                    let line = servicesByKind[kind]
                    return [
                        kind.chineseName, String(line?.count ?? 0), String(line?.beneficiaries ?? 0),
                        String(line?.volunteers ?? 0), line?.hours ?? "0.00",
                    ]
                } + [
                    [
                        "合计 total", String(services.map(\.count).reduce(0, +)),
                        String(services.map(\.beneficiaries).reduce(0, +)),
                        String(services.map(\.volunteers).reduce(0, +)),
                        PilotReport.sum(services.map(\.hours)),
                    ]
                ],
                numeric: [1, 2, 3, 4]),
            "funding": Templates.table(
                headers: ["资金来源 source", "笔数 entries", "金额（元）amount"],
                rows: FundingSource.allCases.map { source in
                    [
                        source.chineseName, String(fundingBySource[source]?.count ?? 0),
                        fundingBySource[source]?.amount ?? "0.00",
                    ]
                } + [["合计 total", String(funding.map(\.count).reduce(0, +)), fundingTotal]],
                numeric: [1, 2]),
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
                        segmentNames: [
                            "已取证 certified", "通过待取证 passed", "未通过 sat", "缺考 absent",
                        ],
                        title: "考试报名、参考、通过与取证"),
                    "table": Templates.table(
                        headers: [
                            "级别 level", "部门 department", "报名 registered", "参考 sat", "通过 passed",
                            "取证 certified",
                        ],
                        rows: funnel.map { line in
                            [
                                line.level.chineseName, line.department?.chineseName ?? "合计 all",
                                String(line.registered),
                                String(line.sat), String(line.passed), String(line.certified),
                            ]
                        },
                        numeric: [2, 3, 4, 5]),
                ] as [String: Any]
        }
        if !posts.isEmpty {
            context["posts"] = Templates.table(
                headers: [
                    "设立日期 created", "企业 enterprise", "部门 department", "岗位 title",
                    "在岗人员 filled by",
                ],
                rows: posts.map {
                    [
                        $0.createdOn.iso, $0.enterprise, $0.department.chineseName, $0.title,
                        $0.filledByName ?? "（空缺 vacant）",
                    ]
                })
        }
        if !organizations.isEmpty {
            context["organizations"] = Templates.table(
                headers: [
                    "机构 organization", "统一社会信用代码 USCC", "地区 region", "成立日期 founded",
                    "报告期内服务 services",
                ],
                rows: organizations.map {
                    [$0.name, $0.uscc, $0.regionCode, $0.foundedOn?.iso ?? "—", String($0.servicesInPeriod)]
                },
                numeric: [4])
        }
        if !enterprises.isEmpty {
            context["enterprises"] = Templates.table(
                headers: [
                    "企业 enterprise", "地区 region", "期初在册", "期初持证", "期初比例",
                    "期末在册", "期末持证", "期末比例", "变化 (pp)",
                ],
                rows: enterprises.map { line in
                    [
                        line.name, line.regionCode, String(line.start.tracked), String(line.start.certified),
                        line.start.percentage, String(line.end.tracked), String(line.end.certified),
                        line.end.percentage,
                        change(line.start, line.end),
                    ]
                },
                numeric: [2, 3, 4, 5, 6, 7, 8])
        }
        return Templates.page(
            title: "\(scope.applicantName)企业社会工作试点工作报告",
            subtitle: "\(scope.regionLabel) · \(scope.programName) · 报告期 \(period) · pilot report",
            running: "\(scope.regionLabel) · 报告期 \(period)",
            template: "pilot-report", context: context)
    }
}
