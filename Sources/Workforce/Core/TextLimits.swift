import Foundation

/// Free text the tracker stores: how long each kind may be and which characters it may hold.
///
/// One table for every importer and every single-record command; the database enforces the same
/// lengths as CHECK constraints, so the CLI's answer and the database's never differ. Lengths are
/// counted in Unicode scalars (what PostgreSQL's `char_length` counts) after NFC normalization and
/// trimming, which is also the form that is stored.
///
/// ```swift
/// TextLimits.check(" 阿依古丽·买买提 ", as: .personName)   // .valid(normalized: "阿依古丽·买买提")
/// TextLimits.check("张\u{202E}伟", as: .personName)       // .invalid(reason: "holds … (U+202E) …")
/// ```
public enum TextLimits {
    /// What a piece of text is.
    public enum Kind: Sendable, CaseIterable {
        case personName, enterpriseName, organizationName, programName, regionName
        case eventTitle, eventLocation, postTitle, programDocument
        case certificateNumber, contractNumber
        case applicationPlan, transitionNote
        /// Why a record was corrected (kept with the person's name history and in the audit trail).
        case correctionReason
        /// Any other cell of a spreadsheet, whatever its column.
        case cell

        /// The most characters it may hold.
        public var maximumLength: Int {
            switch self {
            case .personName, .regionName, .certificateNumber, .contractNumber: 100
            case .enterpriseName, .organizationName, .programName, .eventTitle, .eventLocation, .postTitle,
                .programDocument:
                200
            case .applicationPlan: 20_000
            case .transitionNote: 2_000
            case .correctionReason: 500
            case .cell: 1_000
            }
        }

        /// Names and numbers are one line of visible characters; plans, notes, locations and
        /// documents may hold line breaks and tabs.
        var isName: Bool {
            switch self {
            case .personName, .enterpriseName, .organizationName, .programName, .regionName, .eventTitle, .postTitle,
                .certificateNumber, .contractNumber:
                true
            case .eventLocation, .programDocument, .applicationPlan, .transitionNote, .correctionReason, .cell: false
            }
        }
    }

    /// `text` NFC-normalized and trimmed, or why it cannot be stored: it is empty, too long, or
    /// holds a character that text of this kind never holds.
    ///
    /// Names refuse control characters (C0, DEL, C1), bidirectional marks, embeddings, overrides
    /// and isolates, zero-width characters and line or paragraph separators. Other text refuses
    /// control characters but tab and line breaks, and bidirectional controls. The middle dots of
    /// minority names (·, •, ・, ‧) are accepted as typed. The reason never quotes the text.
    public static func check(_ text: String, as kind: Kind) -> CodeCheck {
        let normalized = nfc(text).trimmingSpaces
        guard !normalized.isEmpty else { return .invalid(reason: "is empty") }
        for (offset, scalar) in normalized.unicodeScalars.enumerated() where refuses(scalar, kind) {
            let code = "U+" + String(format: "%04X", scalar.value)
            return .invalid(
                reason: isControl(scalar)
                    ? "holds a control character (\(code)) at character \(offset + 1); remove it"
                    : "holds an invisible or direction-changing character (\(code)) at character \(offset + 1), "
                        + "which no \(kind.isName ? "name" : "text") holds; retype it")
        }
        let length = normalized.unicodeScalars.count
        guard length <= kind.maximumLength else {
            return .invalid(reason: "is \(length) characters long; at most \(kind.maximumLength) are allowed")
        }
        return .valid(normalized: normalized)
    }

    /// Why a spreadsheet cell, whatever its column, cannot be read: a control character (tab and
    /// line breaks are allowed) or more than `Kind.cell.maximumLength` characters; nil when it can.
    static func cellProblem(_ cell: String) -> String? {
        // Most cells are short and plain: answer those from the bytes.
        if cell.utf8.count <= Kind.cell.maximumLength,
            !cell.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 })
        {
            return nil
        }
        for (offset, scalar) in cell.unicodeScalars.enumerated()
        where isControl(scalar) && !isLayout(scalar) {
            let code = "U+" + String(format: "%04X", scalar.value)
            return "holds a control character (\(code)) at character \(offset + 1); remove it"
        }
        let length = nfc(cell).trimmingSpaces.unicodeScalars.count
        guard length <= Kind.cell.maximumLength else {
            return "is \(length) characters long; at most \(Kind.cell.maximumLength) are read from a cell"
        }
        return nil
    }

    /// `text` in Unicode normalization form C. Foundation is not asked when no character can
    /// change (ASCII, Latin-1, CJK punctuation, the unified ideographs, full-width forms: most
    /// names), which saves about 0.8 s per million names.
    static func nfc(_ text: String) -> String {
        let stable = text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0..<0x300, 0x3000...0x3029, 0x4E00...0x9FFF, 0xFF00...0xFFEF: true
            default: false
            }
        }
        return stable ? text : text.precomposedStringWithCanonicalMapping
    }

    static func refuses(_ scalar: Unicode.Scalar, _ kind: Kind) -> Bool {
        if isControl(scalar) { return kind.isName || !isLayout(scalar) }
        switch scalar.value {
        // Bidirectional marks, embeddings, overrides and isolates.
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        // Zero-width space, joiners, word joiner, byte-order mark; line and paragraph separators.
        case 0x200B...0x200D, 0x2060, 0xFEFF, 0x2028, 0x2029: return kind.isName
        default: return false
        }
    }

    /// C0 controls, DEL and C1 controls.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Tab and line breaks, which a multi-line cell or text holds.
    private static func isLayout(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r"
    }
}

extension TextLimits {
    /// `text` checked as `kind`, for a single-record command: its stored form, or a domain error
    /// naming `field` that does not quote the text.
    static func valid(_ text: String, as kind: Kind, field: Field) throws -> String {
        switch check(text, as: kind) {
        case .valid(let normalized): return normalized
        case .invalid(let reason): throw WorkforceError.invalid(field: field, value: "", reason: Reason(reason))
        }
    }

    /// Optional text: nil when absent or blank, else as ``valid(_:as:field:)``.
    static func valid(_ text: String?, as kind: Kind, field: Field) throws -> String? {
        guard let text, !text.trimmingSpaces.isEmpty else { return nil }
        return try valid(text, as: kind, field: field) as String
    }
}
