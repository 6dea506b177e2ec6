import Engine
import Testing

/// Which `EngineError` a call is expected to throw.
enum ExpectedFailure {
    case invalidArgument
    case jobFailed
}

/// Expects `body` to throw one `EngineError` of kind `kind` whose message contains every one of `words`.
func expectEngineError<R>(_ kind: ExpectedFailure, mentioning words: [String],
                          sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R) {
    do {
        _ = try body()
        Issue.record("expected \(kind) mentioning \(words), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as EngineError {
        let message: String
        switch (kind, error) {
        case (.invalidArgument, .invalidArgument(let m)): message = m
        case (.jobFailed, .jobFailed(let m)): message = m
        default:
            Issue.record("expected \(kind), got \(error)", sourceLocation: sourceLocation)
            return
        }
        for w in words { #expect(message.contains(w), "\(message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected an EngineError, got \(error)", sourceLocation: sourceLocation)
    }
}
