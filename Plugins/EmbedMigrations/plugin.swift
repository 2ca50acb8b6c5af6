import Foundation
import PackagePlugin

/// Embeds the package's top-level sql/ folder into the target as generated Swift source.
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
                displayName: "Embedding \(files.count) migrations from sql/",
                executable: try context.tool(named: "EmbedSQL").url,
                arguments: [sqlDirectory.path(), output.path()],
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
