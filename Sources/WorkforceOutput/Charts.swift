import CalendarDates
import Foundation
import Workforce

/// Inline SVG charts for the report pages (no script, no network), and the HTML escaping of
/// their text. Pages themselves are Mustache templates (Templates).
///
/// Every chart is drawn in a 680-unit-wide view box and scaled to the full width of the page
/// (180 mm on A4). Axes have round ticks (0, 10 %, 20 % … or 0, 5, 10 … people) with light
/// gridlines; labels sit left of the plot, under it, or right of a bar's end inside a reserved
/// margin, so none overlaps an axis or another label. Series colours differ in lightness as well
/// as hue, so that they stay apart in grey print; legends are in Chinese.
enum Charts {
    static let width = 680
    static let fontSize = 11
    /// Dark to light: the order of series in every chart.
    static let palette = ["#1f4e79", "#6fa8dc", "#e69138", "#d9d9d9"]
    static let gridColor = "#e3e3e3"

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

    /// The width of a text in view-box units: a CJK character is one em, others about 0.6 em.
    static func textWidth(_ text: String, size: Int = fontSize) -> Int {
        let ems = text.unicodeScalars.reduce(0.0) { sum, scalar in sum + (scalar.value > 0x2E80 ? 1.0 : 0.6) }
        return Int((ems * Double(size)).rounded(.up))
    }

    /// A round scale from 0 covering `maximum`: its step and its top, with at most `ticks` steps.
    /// Ratios (`fraction`) step by 2, 5, 10, 20 or 25 % and stop at 100 %; counts step by 1, 2, 5, 10 ….
    static func scale(maximum: Double, fraction: Bool, ticks: Int = 5) -> (step: Double, top: Double) {
        let candidates: [Double] =
            fraction
            ? [0.02, 0.05, 0.1, 0.2, 0.25]
            : [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000]
        let top = max(maximum, fraction ? 0.0001 : 1)
        for step in candidates where (top / step).rounded(.up) <= Double(ticks) {
            return (step, min(fraction ? 1 : .infinity, (top / step).rounded(.up) * step))
        }
        let step = candidates.last!
        return (step, (top / step).rounded(.up) * step)
    }

    static func tickLabel(_ value: Double, fraction: Bool) -> String {
        fraction ? "\(Int((value * 100).rounded()))%" : String(Int(value.rounded()))
    }

    /// Vertical gridlines and round tick labels under a horizontal plot from `x` to `x + plotWidth`.
    static func horizontalAxis(
        x: Int, top: Int, bottom: Int, plotWidth: Int, scale: (step: Double, top: Double),
        fraction: Bool
    ) -> String {
        var svg = ""
        var value = 0.0
        while value <= scale.top + scale.step / 1000 {
            let tickX = x + Int((value / scale.top * Double(plotWidth)).rounded())
            svg += line(tickX, top, tickX, bottom, color: value == 0 ? "#888" : gridColor)
            svg += text(tickLabel(value, fraction: fraction), x: tickX, y: bottom + fontSize + 3, anchor: "middle")
            value += scale.step
        }
        return svg
    }

    /// A legend row at the top: a swatch and a name per series.
    static func legend(_ names: [String], x: Int, y: Int) -> String {
        var svg = ""
        var legendX = x
        for (index, name) in names.enumerated() {
            svg += rect(legendX, y, 12, 12, fill: palette[index % palette.count])
            svg += text(name, x: legendX + 16, y: y + 10)
            legendX += 16 + textWidth(name) + 18
        }
        return svg
    }

    /// Horizontal bars in groups, one group per label, one bar per series; values are ratios
    /// between 0 and 1 (nil: nobody tracked, drawn as "—").
    static func groupedBarChart(
        _ groups: [(label: String, values: [Double?])], seriesNames: [String], title: String
    ) -> String {
        let series = max(1, seriesNames.count)
        let barHeight = 15
        let rowHeight = series * barHeight + 10
        let labelWidth = min(230, (groups.map { textWidth($0.label) }.max() ?? 0) + 10)
        let valueMargin = 52
        let plotWidth = width - labelWidth - valueMargin
        let legendHeight = seriesNames.count > 1 ? 22 : 4
        let plotBottom = legendHeight + max(1, groups.count) * rowHeight
        let height = plotBottom + fontSize + 8
        let scale = scale(maximum: groups.flatMap { $0.values.compactMap { $0 } }.max() ?? 0, fraction: true)
        var svg = svgStart(height: height, title: title)
        if seriesNames.count > 1 { svg += legend(seriesNames, x: labelWidth, y: 2) }
        svg += horizontalAxis(
            x: labelWidth, top: legendHeight, bottom: plotBottom, plotWidth: plotWidth, scale: scale, fraction: true)
        for (index, group) in groups.enumerated() {
            let y = legendHeight + index * rowHeight + 4
            svg += text(group.label, x: labelWidth - 6, y: y + (series * barHeight) / 2 + 4, anchor: "end")
            for (offset, value) in group.values.enumerated() {
                let barY = y + offset * barHeight
                let barWidth = Int(((value ?? 0) / scale.top * Double(plotWidth)).rounded())
                if barWidth > 0 {
                    svg += rect(labelWidth, barY, barWidth, barHeight - 3, fill: palette[offset % palette.count])
                }
                let label = value.map { ReportText.percentage($0) } ?? "—"
                svg += text(label, x: labelWidth + barWidth + 4, y: barY + barHeight - 5, size: fontSize - 1)
            }
        }
        return svg + "</svg>"
    }

    /// A line chart of ratios over time, one point per label, with round ticks on its left.
    static func lineChart(_ points: [(label: String, value: Double?)], title: String) -> String {
        let left = 48, top = 20, plotHeight = 170, right = 30
        let plotWidth = width - left - right
        let height = top + plotHeight + 2 * fontSize + 16
        let scale = scale(maximum: points.compactMap(\.value).max() ?? 0, fraction: true)
        var svg = svgStart(height: height, title: title)
        var value = 0.0
        while value <= scale.top + scale.step / 1000 {
            let y = top + plotHeight - Int((value / scale.top * Double(plotHeight)).rounded())
            svg += line(left, y, left + plotWidth, y, color: value == 0 ? "#888" : gridColor)
            svg += text(tickLabel(value, fraction: true), x: left - 6, y: y + 4, anchor: "end")
            value += scale.step
        }
        let step = points.count > 1 ? Double(plotWidth - 40) / Double(points.count - 1) : 0
        var path: [String] = []
        var marks = ""
        for (index, point) in points.enumerated() {
            let x = left + 20 + Int((step * Double(index)).rounded())
            // A label of two parts (年 / 季度) goes on two lines under the axis.
            let parts = point.label.split(separator: "年", maxSplits: 1).map(String.init)
            let lines = parts.count == 2 ? [parts[0] + "年", parts[1]] : [point.label]
            for (lineIndex, part) in lines.enumerated() {
                svg += text(
                    part, x: x, y: top + plotHeight + fontSize + 4 + lineIndex * (fontSize + 4), size: fontSize - 1,
                    anchor: "middle")
            }
            guard let value = point.value else { continue }
            let y = top + plotHeight - Int((value / scale.top * Double(plotHeight)).rounded())
            path.append("\(x),\(y)")
            marks += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"3.5\" fill=\"\(palette[0])\"/>"
            marks += text(
                ReportText.percentage(value), x: x, y: y - 8, size: fontSize - 1, anchor: "middle", halo: true)
        }
        if path.count > 1 {
            svg +=
                "<polyline points=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"\(palette[0])\" "
                + "stroke-width=\"2\"/>"
        }
        return svg + marks + "</svg>"
    }

    /// One horizontal bar per row, split into segments that add up to the row's total (counts of
    /// people); every bar shares one round scale, so rows compare by length.
    static func stackedBarChart(_ rows: [(label: String, segments: [Int])], segmentNames: [String], title: String)
        -> String
    {
        let rowHeight = 24, legendHeight = 22, valueMargin = 40
        let labelWidth = min(230, (rows.map { textWidth($0.label) }.max() ?? 0) + 10)
        let plotWidth = width - labelWidth - valueMargin
        let largest = rows.map { $0.segments.reduce(0, +) }.max() ?? 0
        let scale = scale(maximum: Double(largest), fraction: false)
        let plotBottom = legendHeight + max(1, rows.count) * rowHeight
        var svg = svgStart(height: plotBottom + fontSize + 8, title: title)
        svg += legend(segmentNames, x: labelWidth, y: 2)
        svg += horizontalAxis(
            x: labelWidth, top: legendHeight, bottom: plotBottom, plotWidth: plotWidth, scale: scale, fraction: false)
        for (index, row) in rows.enumerated() {
            let y = legendHeight + index * rowHeight + 4
            svg += text(row.label, x: labelWidth - 6, y: y + 12, anchor: "end")
            var x = Double(labelWidth)
            for (segmentIndex, value) in row.segments.enumerated() where value > 0 {
                let segmentWidth = Double(value) / scale.top * Double(plotWidth)
                svg += rect(
                    Int(x.rounded()), y, max(1, Int(segmentWidth.rounded())), 16,
                    fill: palette[segmentIndex % palette.count], stroke: "#fff")
                if segmentWidth >= Double(textWidth(String(value))) + 6 {
                    svg += text(
                        String(value), x: Int((x + segmentWidth / 2).rounded()), y: y + 12, size: fontSize - 1,
                        anchor: "middle", fill: segmentIndex < 1 ? "#fff" : "#222")
                }
                x += segmentWidth
            }
            svg += text(String(row.segments.reduce(0, +)), x: Int(x.rounded()) + 4, y: y + 12, size: fontSize - 1)
        }
        return svg + "</svg>"
    }

    static func svgStart(height: Int, title: String) -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"100%\" role=\"img\" aria-label=\"\(escape(title))\" font-family=\"Noto Sans CJK SC, "
            + "Source Han Sans SC, Microsoft YaHei, sans-serif\"><title>\(escape(title))</title>"
    }

    static func text(
        _ content: String, x: Int, y: Int, size: Int = fontSize, anchor: String = "start", fill: String = "#222",
        halo: Bool = false
    ) -> String {
        let haloAttributes = halo ? " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"" : ""
        return "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
            + "\(haloAttributes)>\(escape(content))</text>"
    }

    static func line(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int, color: String) -> String {
        "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(color)\" stroke-width=\"1\"/>"
    }

    static func rect(_ x: Int, _ y: Int, _ width: Int, _ height: Int, fill: String, stroke: String? = nil) -> String {
        "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"\(fill)\""
            + (stroke.map { " stroke=\"\($0)\" stroke-width=\"0.5\"" } ?? "") + "/>"
    }
}
