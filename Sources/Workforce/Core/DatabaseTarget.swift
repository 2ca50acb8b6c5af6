public import Foundation

/// Which database esw talks to, in the order DESIGN.md gives: `--database-url`, else
/// `DATABASE_URL`, else libpq's own PG* variables, else the project's dev cluster when it runs
/// (scripts/dev-db), else libpq's defaults.
public enum DatabaseTarget {
    /// libpq's environment variables; when any is set, libpq decides.
    static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"]

    /// The conninfo to pass to libpq verbatim; nil means "let libpq decide".
    public static func conninfo(
        explicit: String?, environment: [String: String], searchFrom directories: [URL]
    ) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return url }
        if libpqVariables.contains(where: { environment[$0] != nil }) { return nil }
        for directory in directories {
            if let url = devClusterURL(above: directory) { return url }
        }
        return nil
    }

    /// The URL of a running dev cluster in `directory` or a folder above it.
    static func devClusterURL(above directory: URL) -> String? {
        var folder = directory.standardizedFileURL
        while true {
            let pgdata = folder.appendingPathComponent(".pgdata")
            let urlFile = pgdata.appendingPathComponent("url")
            if FileManager.default.fileExists(atPath: pgdata.appendingPathComponent("cluster/postmaster.pid").path),
                let text = try? String(contentsOf: urlFile, encoding: .utf8)
            {
                let url = text.trimmingSpaces
                if !url.isEmpty { return url }
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }
}
