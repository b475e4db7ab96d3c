import Foundation
import Testing

/// A condition that did not come true in time.
struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` every `interval` until it holds; throws ``TimedOut`` when `timeout` passes first.
func eventually(
    _ what: String,
    timeout: Duration = .seconds(5),
    interval: Duration = .milliseconds(20),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return }
        if ContinuousClock.now >= deadline {
            throw TimedOut(description: "Timed out after \(timeout) waiting until \(what) (\(sourceLocation))")
        }
        try await Task.sleep(for: interval)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
