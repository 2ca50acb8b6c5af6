import Crypto
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Testing

@testable import WorkforceWeb

/// openapi.yaml is the API: the generated code and the served document are made from it, and the
/// server has exactly its operations.
@Suite struct APIContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let generated = root.appendingPathComponent("Sources/WorkforceWeb/API/Generated")

    @Test func theGeneratedCodeIsStampedWithTheYAMLItWasMadeFrom() throws {
        let yaml = try Data(contentsOf: APIContractTests.root.appendingPathComponent("openapi.yaml"))
        let digest = SHA256.hash(data: yaml).map { String(format: "%02x", $0) }.joined()
        let files = try FileManager.default.contentsOfDirectory(atPath: APIContractTests.generated.path)
            .filter { $0.hasSuffix(".swift") }
        #expect(files.contains("Server.swift") && files.contains("OpenAPIDocument.swift"))
        for file in files {
            let text = try String(contentsOf: APIContractTests.generated.appendingPathComponent(file), encoding: .utf8)
            let stamp = text.prefix { $0 != "\n" }
            #expect(
                stamp.hasPrefix("// openapi.yaml sha256: \(digest) "),
                "\(file) was not generated from this openapi.yaml: run scripts/generate-api")
        }
    }

    /// Records what the generated code registers.
    final class RecordingTransport: ServerTransport, @unchecked Sendable {
        var routes: Set<String> = []

        func register(
            _ handler:
                @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                    HTTPResponse, HTTPBody?
                ),
            method: HTTPRequest.Method, path: String
        ) throws {
            routes.insert("\(method.rawValue) \(path)")
        }
    }

    @Test func theServerHasExactlyTheDocumentedOperations() throws {
        let transport = RecordingTransport()
        try APIHandlers().registerHandlers(on: transport, serverURL: URL(string: "/")!)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where methods.contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(transport.routes == documented)
        #expect(documented.count >= 9)
    }

    @Test func everyDocumentedErrorIsAProblemDetailsDocument() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let responses = try #require(components["responses"] as? [String: [String: Any]])
        for (name, response) in responses {
            let content = try #require(response["content"] as? [String: Any], "\(name)")
            #expect(Array(content.keys) == ["application/problem+json"], "\(name)")
        }
        let kinds = Set(ProblemKind.allCases.map(\.type))
        #expect(kinds.count == ProblemKind.allCases.count)
        // docs/api.md lists every problem type the API answers with.
        let docs = try String(
            contentsOf: APIContractTests.root.appendingPathComponent("docs/api.md"), encoding: .utf8)
        for kind in ProblemKind.allCases {
            #expect(docs.contains("`\(kind.rawValue)`"), "\(kind) is not in docs/api.md")
        }
    }

    @Test func aCursorIsOpaqueAndRefusedWhenNotOurs() throws {
        let page = try PageRequest(limit: 10, cursor: PageRequest.cursor(offset: 30))
        #expect(page.offset == 30)
        #expect(PageRequest.offset(decoding: "bm9wZQ") == nil)
        #expect(throws: APIProblem.self) { try PageRequest(limit: 10, cursor: "bm9wZQ") }
        #expect(throws: APIProblem.self) { try PageRequest(limit: 501, cursor: nil) }
        #expect(throws: APIProblem.self) { try PageRequest(limit: 0, cursor: nil) }
    }

    @Test func anUploadKeepsOnlyTheLastPartOfTheClientsFileName() {
        #expect(Upload.safeName("../../etc/passwd") == "passwd")
        #expect(Upload.safeName("C:\\Users\\张\\花名册.csv") == "花名册.csv")
        #expect(Upload.safeName("..") == "upload.csv")
        #expect(Upload.safeName(nil) == "upload.csv")
        #expect(Upload.safeName("a\u{1B}[2Jb.csv") == "a[2Jb.csv")
    }
}
