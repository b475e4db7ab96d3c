import Foundation
import HeraldCore
import Testing

@testable import HeraldAPI

/// The hand-written message JSON and timestamps must say what the reflective encoder said (which writes members
/// in no fixed order), with members in declaration order.
@Suite struct HandWrittenJSONTests {
    /// What `MessageOut` was before it was written by hand: the reference output.
    private struct ReferenceMessageOut: Encodable {
        var id: String
        var eventType: String
        var eventId: String?
        var channels: [String]?
        var tags: [String]?
        var timestamp: Date
    }

    private static func reference(_ message: Message, withContent: Bool) throws -> [UInt8] {
        let out = ReferenceMessageOut(
            id: message.id, eventType: message.eventType, eventId: message.eventID, channels: message.channels,
            tags: message.tags, timestamp: message.createdAt)
        return try JSONCoding.encode(out, rawMembers: [("payload", MessageOut.payloadBytes(message, withContent))])
    }

    @Test func messageJSONMatchesTheEncoderForEveryShapeOfMessage() throws {
        let awkward = "q\"u\\o/te é 🎉 \u{01}\u{08}\u{09}\u{0A}\u{0C}\u{0D}\u{1F}\u{7F}\u{2028}"
        let messages = [
            Message(
                id: "msg_1", applicationID: "app_1", eventType: "user.created", payload: Array(#"{"a": 1}"#.utf8),
                payloadExpiresAt: Date(), createdAt: Date(timeIntervalSince1970: 1_700_000_000.123)),
            Message(
                id: "msg_2", applicationID: "app_1", eventType: "a.b", eventID: awkward, channels: [], tags: [awkward, ""],
                payload: nil, payloadExpiresAt: Date(), createdAt: Date(timeIntervalSince1970: 0)),
            Message(
                id: "msg_3", applicationID: "app_1", eventType: "x", eventID: "evt", channels: ["eu", "us/east"], tags: nil,
                payload: Array("{}".utf8), payloadExpiresAt: Date(), createdAt: Date(timeIntervalSince1970: -86_400.5)),
        ]
        for message in messages {
            for withContent in [true, false] {
                let written = MessageOut.encode(message, withContent: withContent)
                let expected = try Self.reference(message, withContent: withContent)
                let parsed = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary)
                #expect(parsed == (try JSONSerialization.jsonObject(with: Data(expected)) as? NSDictionary))
                // Strings travel unchanged, escapes included.
                #expect(parsed["eventId"] as? String == message.eventID)
                #expect(parsed["tags"] as? [String] == message.tags)
                let keys = ["id", "eventType", "eventId", "channels", "tags", "timestamp", "payload"]
                let offsets = keys.compactMap { String(decoding: written, as: UTF8.self).range(of: "\"\($0)\":")?.lowerBound }
                #expect(offsets == offsets.sorted())
            }
        }
    }

    @Test func timestampsMatchISO8601WithTheMillisecondsRoundedDown() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        var instants: [Double] = [0, 0.999, 59.001, 86_399.999, 951_782_400, 4_102_444_800, -0.5, -1, -11_676_096_000]
        let range: ClosedRange<Int64> = -2_000_000_000_000...7_000_000_000_000  // 1906 to 2191, in milliseconds
        instants += (0..<500).map { _ in Double(Int64.random(in: range, using: &generator)) / 1000 }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            let milliseconds = date.millisecondsSince1970
            let (whole, fraction) = ((Double(milliseconds) / 1000).rounded(.down), (milliseconds % 1000 + 1000) % 1000)
            let digits = String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
            let expected = formatter.string(from: Date(timeIntervalSince1970: whole)).dropLast() + "." + digits + "Z"
            #expect(Timestamp.format(date) == expected, "\(seconds)")
        }
    }
}
