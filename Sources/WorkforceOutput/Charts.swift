import CalendarDates
import Workforce

/// Inline SVG charts for the report pages (no script, no network), and the HTML escaping of
/// their text. Pages themselves are Mustache templates (Templates).
enum Charts {
    static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    /// A horizontal bar chart of values between 0 and 1 (ratios), labelled.
    static func barChart(_ bars: [(label: String, value: Double?)], title: String) -> String {
        let rowHeight = 16, labelWidth = 150, chartWidth = 440
        let height = max(1, bars.count) * rowHeight + 24
        var svg = svgStart(width: labelWidth + chartWidth + 60, height: height, title: title)
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 4
            let width = Int((bar.value ?? 0) * Double(chartWidth))
            svg +=
                """
                <text x=\"\(labelWidth - 4)\" y=\"\(y + 11)\" font-size=\"10\" \
                text-anchor=\"end\">\(escape(bar.label))</text>
                """
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(width)\" height=\"\(rowHeight - 4)\" fill=\"#a4262c\"/>"
            let text = bar.value.map { percentage($0) } ?? "—"
            svg += "<text x=\"\(labelWidth + width + 4)\" y=\"\(y + 11)\" font-size=\"10\">\(text)</text>"
        }
        svg += percentAxis(x: labelWidth, y: bars.count * rowHeight + 8, width: chartWidth)
        return svg + "</svg>"
    }

    /// A line chart of ratios over time.
    static func lineChart(_ points: [(label: String, value: Double?)], title: String) -> String {
        let width = 600, height = 200, left = 40, bottom = 30, top = 10
        let plotWidth = width - left - 40, plotHeight = height - bottom - top
        let known = points.compactMap(\.value)
        let maximum = max(0.05, (known.max() ?? 0) * 1.15)
        var svg = svgStart(width: width, height: height, title: title)
        svg +=
            """
            <line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" \
            stroke=\"#888\"/>
            """
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>"
        svg +=
            "<text x=\"\(left - 4)\" y=\"\(top + 8)\" font-size=\"9\" text-anchor=\"end\">\(percentage(maximum))</text>"
        svg += "<text x=\"\(left - 4)\" y=\"\(top + plotHeight)\" font-size=\"9\" text-anchor=\"end\">0%</text>"
        let step = points.count > 1 ? Double(plotWidth) / Double(points.count - 1) : 0
        var path: [String] = []
        for (index, point) in points.enumerated() {
            let x = Double(left) + step * Double(index)
            if let value = point.value {
                let y = Double(top) + Double(plotHeight) * (1 - value / maximum)
                path.append("\(Int(x)),\(Int(y))")
                svg += "<circle cx=\"\(Int(x))\" cy=\"\(Int(y))\" r=\"3\" fill=\"#a4262c\"/>"
                svg +=
                    """
                    <text x=\"\(Int(x))\" y=\"\(Int(y) - 6)\" font-size=\"8\" \
                    text-anchor=\"middle\">\(percentage(value))</text>
                    """
            }
            svg +=
                """
                <text x=\"\(Int(x))\" y=\"\(top + plotHeight + 14)\" font-size=\"8\" \
                text-anchor=\"middle\">\(escape(point.label))</text>
                """
        }
        if path.count > 1 {
            svg +=
                """
                <polyline points=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"#a4262c\" \
                stroke-width=\"2\"/>
                """
        }
        return svg + "</svg>"
    }

    /// Two bars per label, before and after, for values between 0 and 1 (ratios).
    static func pairedBarChart(
        _ bars: [(label: String, before: Double?, after: Double?)], title: String,
        beforeLabel: String, afterLabel: String
    ) -> String {
        let rowHeight = 26, labelWidth = 170, chartWidth = 420, legendHeight = 18
        let height = legendHeight + max(1, bars.count) * rowHeight + 22
        let colors = ("#d9a3a6", "#a4262c")
        var svg = svgStart(width: labelWidth + chartWidth + 60, height: height, title: title)
        svg += "<rect x=\"\(labelWidth)\" y=\"2\" width=\"10\" height=\"10\" fill=\"\(colors.0)\"/>"
        svg += "<text x=\"\(labelWidth + 14)\" y=\"11\" font-size=\"9\">\(escape(beforeLabel))</text>"
        svg += "<rect x=\"\(labelWidth + 170)\" y=\"2\" width=\"10\" height=\"10\" fill=\"\(colors.1)\"/>"
        svg += "<text x=\"\(labelWidth + 184)\" y=\"11\" font-size=\"9\">\(escape(afterLabel))</text>"
        for (index, bar) in bars.enumerated() {
            let y = legendHeight + index * rowHeight + 2
            svg +=
                """
                <text x=\"\(labelWidth - 4)\" y=\"\(y + 15)\" font-size=\"10\" \
                text-anchor=\"end\">\(escape(bar.label))</text>
                """
            for (offset, value, color) in [(0, bar.before, colors.0), (11, bar.after, colors.1)] {
                let width = Int((value ?? 0) * Double(chartWidth))
                svg +=
                    "<rect x=\"\(labelWidth)\" y=\"\(y + offset)\" width=\"\(width)\" height=\"10\" fill=\"\(color)\"/>"
                svg +=
                    """
                    <text x=\"\(labelWidth + width + 4)\" y=\"\(y + offset + 9)\" \
                    font-size=\"8\">\(value.map { percentage($0) } ?? "—")</text>
                    """
            }
        }
        svg += percentAxis(x: labelWidth, y: legendHeight + bars.count * rowHeight + 6, width: chartWidth)
        return svg + "</svg>"
    }

    /// One horizontal bar per row, split into segments that add up to the row's total (counts);
    /// every bar shares one scale, so rows compare by length.
    static func stackedBarChart(_ rows: [(label: String, segments: [Int])], segmentNames: [String], title: String)
        -> String
    {
        let rowHeight = 22, labelWidth = 150, chartWidth = 420, legendHeight = 18
        let palette = ["#a4262c", "#d1646a", "#e8a8ab", "#f1d6d7", "#cccccc"]
        let largest = max(1, rows.map { $0.segments.reduce(0, +) }.max() ?? 1)
        let height = legendHeight + max(1, rows.count) * rowHeight + 8
        var svg = svgStart(width: labelWidth + chartWidth + 60, height: height, title: title)
        var legendX = labelWidth
        for (index, name) in segmentNames.enumerated() {
            svg +=
                """
                <rect x=\"\(legendX)\" y=\"2\" width=\"10\" height=\"10\" fill=\"\(palette[index % palette.count])\" \
                stroke=\"#999\" stroke-width=\"0.5\"/>
                """
            svg += "<text x=\"\(legendX + 14)\" y=\"11\" font-size=\"9\">\(escape(name))</text>"
            legendX += 14 + name.count * 9 + 16
        }
        for (index, row) in rows.enumerated() {
            let y = legendHeight + index * rowHeight + 2
            svg +=
                """
                <text x=\"\(labelWidth - 4)\" y=\"\(y + 13)\" font-size=\"10\" \
                text-anchor=\"end\">\(escape(row.label))</text>
                """
            var x = labelWidth
            for (segmentIndex, value) in row.segments.enumerated() where value > 0 {
                let width = max(1, value * chartWidth / largest)
                svg +=
                    """
                    <rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"16\" \
                    fill=\"\(palette[segmentIndex % palette.count])\" stroke=\"#fff\" stroke-width=\"0.5\"/>
                    """
                if width >= 18 {
                    let color = segmentIndex < 2 ? "#fff" : "#222"
                    svg +=
                        """
                        <text x=\"\(x + width / 2)\" y=\"\(y + 12)\" font-size=\"9\" text-anchor=\"middle\" \
                        fill=\"\(color)\">\(value)</text>
                        """
                }
                x += width
            }
            svg += "<text x=\"\(x + 4)\" y=\"\(y + 12)\" font-size=\"9\">\(row.segments.reduce(0, +))</text>"
        }
        return svg + "</svg>"
    }

    static func svgStart(width: Int, height: Int, title: String) -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
    }

    /// A horizontal axis from 0% to 100% under bars of ratios.
    static func percentAxis(x: Int, y: Int, width: Int) -> String {
        "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + width)\" y2=\"\(y)\" stroke=\"#888\"/>"
            + "<text x=\"\(x)\" y=\"\(y + 12)\" font-size=\"9\">0%</text>"
            + "<text x=\"\(x + width)\" y=\"\(y + 12)\" font-size=\"9\" text-anchor=\"end\">100%</text>"
    }

    static func percentage(_ value: Double) -> String {
        let tenths = Int((value * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
