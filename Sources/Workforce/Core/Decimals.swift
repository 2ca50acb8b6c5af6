public import Foundation

/// The change of a ratio between two counts, in the ratio's units (nil when either is unknown).
public func ratioChange(_ start: RatioCounts, _ end: RatioCounts) -> Decimal? {
    guard let before = start.ratio.flatMap({ Decimal(string: $0) }),
        let after = end.ratio.flatMap({ Decimal(string: $0) })
    else { return nil }
    return after - before
}

/// A decimal rounded to two places, written with both ("78.00", "-5.60"): exact, no floating point.
public func twoPlaces(_ value: Decimal) -> String {
    var value = value
    var rounded = Decimal()
    NSDecimalRound(&rounded, &value, 2, .plain)
    let parts = NSDecimalNumber(decimal: rounded).stringValue.split(separator: ".", omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    return "\(parts[0]).\(fraction.padding(toLength: 2, withPad: "0", startingAt: 0))"
}
