/// A wall-clock date and time with no time zone, to the minute: when a training starts, as the
/// coordinator writes it. PostgreSQL's `timestamp` (without time zone) maps to it.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let date: CalendarDate
    /// Minutes since midnight, 0...1439.
    public let minuteOfDay: Int

    public init(date: CalendarDate, hour: Int = 0, minute: Int = 0) {
        self.date = date
        self.minuteOfDay = hour * 60 + minute
    }

    public var hour: Int { minuteOfDay / 60 }
    public var minute: Int { minuteOfDay % 60 }

    /// Parses a date in any form ``CalendarDate/init(text:)`` reads, alone or followed by `T` or a
    /// space and the time: `2013-06-01`, `2013-06-01T09:30`, `2013/6/1 09:30`, `2013年6月1日 9:30`
    /// (seconds are ignored).
    public init?(text: some StringProtocol) {
        let value = String(text)
        let separator = value.firstIndex { $0 == "T" || $0 == " " }
        guard let date = CalendarDate(text: separator.map { value[..<$0] } ?? Substring(value)) else { return nil }
        guard let separator else {
            self.init(date: date)
            return
        }
        let clock = value[value.index(after: separator)...].split(separator: ":")
        guard clock.count >= 2, let hour = Int(clock[0]), let minute = Int(clock[1].prefix(2)),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        self.init(date: date, hour: hour, minute: minute)
    }

    /// Minutes since 1970-01-01 00:00.
    public var minutesSinceEpoch: Int { date.daysSinceEpoch * 1440 + minuteOfDay }

    public func adding(minutes: Int) -> LocalDateTime {
        let total = minutesSinceEpoch + minutes
        let days = total >= 0 ? total / 1440 : (total - 1439) / 1440
        let rest = total - days * 1440
        return LocalDateTime(date: CalendarDate(daysSinceEpoch: days), hour: rest / 60, minute: rest % 60)
    }

    public var description: String {
        let hh = hour < 10 ? "0\(hour)" : "\(hour)"
        let mm = minute < 10 ? "0\(minute)" : "\(minute)"
        return "\(date.iso) \(hh):\(mm)"
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.minutesSinceEpoch < rhs.minutesSinceEpoch
    }
}
