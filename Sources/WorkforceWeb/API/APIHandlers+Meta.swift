import Foundation

extension APIHandlers {
    /// openapi.yaml as JSON (scripts/generate-api embeds it), decoded once; APIContractTests
    /// checks that it decodes.
    private static let document = try? JSONDecoder().decode(
        Operations.GetOpenAPIDocument.Output.Ok.Body.JsonPayload.self, from: Data(OpenAPIDocument.json.utf8))

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws
        -> Operations.GetOpenAPIDocument.Output
    {
        guard let document = APIHandlers.document else {
            throw APIProblem(kind: .serverError, detail: "the embedded API document does not decode")
        }
        return .ok(.init(body: .json(document)))
    }
}
