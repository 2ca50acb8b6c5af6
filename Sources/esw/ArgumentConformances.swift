// Domain types read straight from the command line. Their conformances are public, as every
// conformance of a public type is, hence the public imports.
public import ArgumentParser
public import CalendarDates
public import Workforce

extension CalendarDate: ExpressibleByArgument {
    /// Accepts the same forms as spreadsheets: 2013-06-01, 2013/6/1, 2013年6月1日.
    public init?(argument: String) {
        self.init(spreadsheetValue: argument)
    }
}

extension Department: ExpressibleByArgument {
    /// Accepts English keys (union) or Chinese names (工会).
    public init?(argument: String) {
        self.init(spreadsheetValue: argument)
    }
}

extension TrendStep: ExpressibleByArgument {}

extension EventKind: ExpressibleByArgument {
    /// Accepts English keys (expert_lecture) or Chinese names (专家讲座).
    public init?(argument: String) { self.init(text: argument) }
}

extension LocalDateTime: ExpressibleByArgument {
    /// Accepts 2013-06-01, 2013-06-01T09:00 or "2013-06-01 09:00".
    public init?(argument: String) { self.init(text: argument) }
}
extension AccessRole: ExpressibleByArgument {}
