import Foundation

/// Reads the `Retry-After` header of a 429 or 503 response (RFC 9110 §10.2.3).
///
/// A small parser rather than `DateFormatter`, so the result never depends on the process's locale or time zone.
public enum RetryAfter {
    /// The seconds to wait from `now`, or `nil` when the value is neither delta-seconds nor an HTTP-date.
    ///
    /// Accepts delta-seconds (`120`) and the three HTTP-date forms: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). A date in the past gives 0;
    /// every result is capped at `maximum`.
    public static func delay(fromHeader value: String, now: Date, maximum: TimeInterval) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let seconds: TimeInterval
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Huge values read as huge doubles and are capped below, as RFC 9110 asks of overflowing delays.
            guard let delta = Double(trimmed) else { return nil }
            seconds = delta
        } else if let date = HTTPDate.parse(trimmed, now: now) {
            seconds = date.timeIntervalSince(now)
        } else {
            return nil
        }
        return Swift.max(0, Swift.min(seconds, maximum))
    }
}
