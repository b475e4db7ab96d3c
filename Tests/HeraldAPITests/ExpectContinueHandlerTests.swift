import HTTPTypes
import HeraldAPI
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

/// `Expect: 100-continue` through the handler on NIO's embedded channel; the served binary is checked over a socket
/// in Tests/Interop/test_http_protocol.py.
@Suite struct ExpectContinueHandlerTests {
    static let limit = 1_000

    func connection() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ExpectContinueHandler(maximumBodyBytes: Self.limit))
        return channel
    }

    func head(expect: String?, length: Int?) -> HTTPRequestPart {
        var fields = HTTPFields()
        if let expect { fields[.expect] = expect }
        if let length { fields[.contentLength] = String(length) }
        return .head(
            HTTPRequest(method: .post, scheme: "http", authority: "herald", path: "/api/v1/app/a/msg", headerFields: fields))
    }

    /// The statuses of the response heads written so far.
    func writtenStatuses(_ channel: EmbeddedChannel) throws -> [Int] {
        var statuses: [Int] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            if case .head(let response) = part { statuses.append(response.status.code) }
        }
        return statuses
    }

    @Test(arguments: [1, limit])
    func aDeclaredBodyWithinTheLimitIsInvitedAtOnce(length: Int) throws {
        let channel = try connection()
        try channel.writeInbound(head(expect: "100-Continue", length: length))
        #expect(try writtenStatuses(channel) == [100])
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil, "the request must still reach the server")
    }

    @Test func aBodyOfUndeclaredLengthIsInvited() throws {
        let channel = try connection()
        try channel.writeInbound(head(expect: "100-continue", length: nil))
        #expect(try writtenStatuses(channel) == [100])
    }

    @Test func noExpectationAnotherOneOrABodyOverTheLimitGetsNoInterimResponse() throws {
        let channel = try connection()
        for (expect, length) in [(nil, 10), ("100-continue", Self.limit + 1), ("something-else", 10)] {
            try channel.writeInbound(head(expect: expect, length: length))
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .accepted)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        #expect(try writtenStatuses(channel) == [202, 202, 202])
    }

    @Test func aPipelinedRequestIsInvitedOnlyAfterTheResponsesBeforeIt() throws {
        let channel = try connection()
        try channel.writeInbound(head(expect: nil, length: 10))
        try channel.writeInbound(head(expect: "100-continue", length: 10))
        try channel.writeInbound(head(expect: "100-continue", length: 10))
        #expect(try writtenStatuses(channel) == [])
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .accepted)))
        #expect(try writtenStatuses(channel) == [202], "no interim response before the final one ends")
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try writtenStatuses(channel) == [100])
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .accepted)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try writtenStatuses(channel) == [202, 100])
    }
}
