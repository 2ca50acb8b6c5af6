/// How the reports name a region: the province, the prefecture-level city and the county of a
/// code, as far as the region table names them ("广东省深圳市" for 440305 while only provinces and
/// cities are loaded). Every report names regions through this one function, so that a fuller
/// table of names changes every report at once.
public enum RegionNames {
    /// "广东省深圳市南山区" style: the province, then the city and the county without the
    /// province's name repeated and without the placeholder names 市辖区 and 县. Inside a
    /// province's own report (`withinProvince`) the province's name is left out: "深圳市".
    public static func full(_ code: String, names: [String: String], withinProvince: Bool = false) -> String {
        let province = names[String(code.prefix(2)) + "0000"] ?? ""
        var parts = [province]
        if !code.hasSuffix("0000") { parts.append(names[String(code.prefix(4)) + "00"] ?? "") }
        if !code.hasSuffix("00") { parts.append(names[code] ?? "") }
        var name = withinProvince && parts.count > 1 ? "" : province
        for part in parts.dropFirst() {
            let own = part.hasPrefix(province) ? String(part.dropFirst(province.count)) : part
            if own != "市辖区" && own != "县" { name += own }
        }
        return name
    }

    /// "广东省深圳市（440305）".
    public static func labelled(_ code: String, names: [String: String]) -> String {
        "\(full(code, names: names))（\(code)）"
    }
}
