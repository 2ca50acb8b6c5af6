import CalendarDates
import Foundation
import PostgresClient

public enum ServiceKind: String, Vocabulary {
    case emotionalCounseling = "emotional_counseling"
    case psychologicalComfort = "psychological_comfort"
    case productionAdaptation = "production_adaptation"
    case skillImprovement = "skill_improvement"
    case familySupport = "family_support"
    case behaviorCorrection = "behavior_correction"
    case supportNetwork = "support_network"
    case laborRelations = "labor_relations"
    case enterpriseCulture = "enterprise_culture"

    public var chineseName: String {
        switch self {
        case .emotionalCounseling: "情绪疏导"
        case .psychologicalComfort: "精神抚慰"
        case .productionAdaptation: "生产适应"
        case .skillImprovement: "技能提升"
        case .familySupport: "家庭帮扶"
        case .behaviorCorrection: "行为矫治"
        case .supportNetwork: "社会支持网络建设"
        case .laborRelations: "劳资关系调节"
        case .enterpriseCulture: "企业文化建设"
        }
    }
}

public enum FundingSource: String, Vocabulary {
    case governmentPurchase = "government_purchase"
    case enterprise, other

    public var chineseName: String {
        switch self {
        case .governmentPurchase: "政府购买服务"
        case .enterprise: "企业投入"
        case .other: "其他来源"
        }
    }

    public static let aliases: [String: FundingSource] = [
        "政府购买": .governmentPurchase, "政府购买社会工作服务": .governmentPurchase, "企业资金": .enterprise, "其他": .other,
    ]
}

/// Who provided a service, as written: a resident ID number (a person) or a USCC (a service
/// organization), normalized.
enum ServiceProvider {
    case person(idNumber: String)
    case organization(uscc: String)
    case invalid

    static let invalidReason = "is neither a valid resident ID number nor a valid USCC"

    init(_ text: String, today: CalendarDate) {
        if case .valid(let id) = Codes.checkIDNumber(text, today: today) {
            self = .person(idNumber: id)
        } else if case .valid(let code) = Codes.checkUSCC(text) {
            self = .organization(uscc: code)
        } else {
            self = .invalid
        }
    }
}
