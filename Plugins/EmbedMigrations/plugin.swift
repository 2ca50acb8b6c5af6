import Foundation
import PackagePlugin

/// Embeds the package's top-level sql/ folder into the target as generated Swift source.
///
/// SwiftPM runs this plugin only when it re-plans the build (Package.swift changed, or a target's
/// own source files were added or removed) and keeps the command it returned until then; sql/
/// belongs to no target, so adding a file there does not re-plan. The command therefore lists the
/// folder itself as an input besides its files: adding a file changes the folder, which reruns
/// EmbedSQL, and EmbedSQL lists sql/ itself, so a new migration is embedded by the next build.
/// Edits to the files listed here are tracked as usual. What still needs a re-plan
/// (`touch Package.swift`): removing or renaming a file (reported as a missing input), and edits to
/// a file added since the last re-plan.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let sqlDirectory = context.package.directoryURL.appending(path: "sql")
        let files = try FileManager.default.contentsOfDirectory(atPath: sqlDirectory.path())
            .filter { $0.hasSuffix(".sql") }
            .sorted()
            .map { sqlDirectory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations+files.swift")
        return [
            .buildCommand(
                displayName: "Embedding the migrations of sql/",
                executable: try context.tool(named: "EmbedSQL").url,
                arguments: [sqlDirectory.path(), output.path()],
                inputFiles: [sqlDirectory] + files,
                outputFiles: [output]
            )
        ]
    }
}
