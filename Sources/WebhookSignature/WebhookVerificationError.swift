/// Why ``WebhookVerifier`` rejected a webhook.
///
/// Each ``description`` is a sentence fit for a log line or an API error message; none carries a secret or payload.
public struct WebhookVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Sendable, Hashable {
        case missingHeader
        case invalidTimestamp
        case timestampOutOfTolerance
        case noMatchingSignature
    }

    private let reason: Reason

    private init(_ reason: Reason) {
        self.reason = reason
    }

    /// The message id, timestamp or signature header is absent or empty.
    public static let missingHeader = WebhookVerificationError(.missingHeader)
    /// The timestamp header is not an integer number of seconds since 1970.
    public static let invalidTimestamp = WebhookVerificationError(.invalidTimestamp)
    /// The timestamp is further from now, into the past or the future, than the verifier's tolerance.
    public static let timestampOutOfTolerance = WebhookVerificationError(.timestampOutOfTolerance)
    /// No signature in the header verifies against any of the verifier's secrets.
    public static let noMatchingSignature = WebhookVerificationError(.noMatchingSignature)

    public var description: String {
        switch reason {
        case .missingHeader:
            "The webhook id, timestamp or signature header is missing."
        case .invalidTimestamp:
            "The webhook timestamp is not an integer number of seconds."
        case .timestampOutOfTolerance:
            "The webhook timestamp is too far from the current time."
        case .noMatchingSignature:
            "No webhook signature matches any of the expected secrets."
        }
    }
}
