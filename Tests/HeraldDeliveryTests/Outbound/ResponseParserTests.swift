import NIOCore
import Testing

@testable import HeraldDelivery

/// The response reader, fed whole responses and the same bytes one at a time (a response may arrive in any
/// pieces): framing, keep-alive, the body bound, and the answers it refuses.
@Suite struct ResponseParserTests {
    struct Outcome: Equatable {
        var progress: ResponseParser.Progress
        var status: Int
        var body: String
        var retryAfter: String?
        var leftover: Int
    }

    /// Parses `text` in one piece and byte by byte; both must agree (unless bytes follow the response). Nil when
    /// the parser refuses the response.
    static func parse(_ text: String, limit: Int = 1024, closed: Bool = false) throws -> Outcome? {
        let whole = try parse(pieces: [Array(text.utf8)], limit: limit, closed: closed)
        if whole == nil || whole?.leftover == 0 {
            var bytewise = try parse(pieces: text.utf8.map { [$0] }, limit: limit, closed: closed)
            // Bytes the parser never read (a body cut at the bound) count as left over only when they came later.
            bytewise?.leftover = 0
            #expect(whole == bytewise, "one piece and byte by byte disagree on \(text.debugDescription)")
        }
        return whole
    }

    private static func parse(pieces: [[UInt8]], limit: Int, closed: Bool) throws -> Outcome? {
        var parser = ResponseParser(limit: limit)
        var progress = ResponseParser.Progress.more
        var leftover = 0
        do {
            for piece in pieces {
                var buffer = ByteBuffer(bytes: piece)
                if case .complete = progress {
                    leftover += piece.count
                    continue
                }
                progress = try parser.parse(&buffer)
                leftover += buffer.readableBytes
            }
        } catch {
            return nil
        }
        if closed, progress == .more, parser.completedByClose() { progress = .complete(reusable: false) }
        let response = parser.response
        return Outcome(
            progress: progress, status: response.status, body: String(decoding: response.body, as: UTF8.self),
            retryAfter: response.retryAfter, leftover: leftover)
    }

    @Test func aContentLengthBodyCompletesAndKeepsTheConnection() throws {
        let outcome = try #require(try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello"))
        #expect(outcome == Outcome(progress: .complete(reusable: true), status: 200, body: "hello", leftover: 0))
    }

    @Test func aResponseWithoutBodyOrReasonCompletesAtTheEndOfItsHead() throws {
        #expect(try Self.parse("HTTP/1.1 204\r\n\r\n")?.progress == .complete(reusable: true))
        #expect(try Self.parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n")?.progress == .complete(reusable: true))
        #expect(try Self.parse("HTTP/1.1 200 OK\ncontent-length: 0\n\n")?.progress == .complete(reusable: true))
    }

    @Test func aChunkedBodyIsJoinedAndItsExtensionsAndTrailersSkipped() throws {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
        let outcome = try #require(try Self.parse(text))
        #expect(outcome.progress == .complete(reusable: true))
        #expect(outcome.body == "hello 0123456789")
    }

    @Test func aBodyWithoutFramingRunsToTheClose() throws {
        let open = try #require(try Self.parse("HTTP/1.1 500 Oops\r\n\r\npartial"))
        #expect(open.progress == .more)
        let closed = try #require(try Self.parse("HTTP/1.1 500 Oops\r\n\r\nall of it", closed: true))
        #expect(closed.progress == .complete(reusable: false))
        #expect(closed.body == "all of it")
        // A transfer coding Herald cannot frame also runs to the close.
        let gzip = try #require(try Self.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", closed: true))
        #expect(gzip.progress == .complete(reusable: false))
    }

    @Test func theConnectionStaysOpenOnlyWhenTheVersionAndHeadersSaySo() throws {
        #expect(try Self.parse("HTTP/1.1 204 No\r\nConnection: close\r\n\r\n")?.progress == .complete(reusable: false))
        #expect(try Self.parse("HTTP/1.1 204 No\r\nConnection: Upgrade, CLOSE\r\n\r\n")?.progress == .complete(reusable: false))
        #expect(try Self.parse("HTTP/1.0 204 No\r\n\r\n")?.progress == .complete(reusable: false))
        #expect(try Self.parse("HTTP/1.0 204 No\r\nConnection: keep-alive\r\n\r\n")?.progress == .complete(reusable: true))
        // Both framings: Transfer-Encoding wins, and the connection is not trusted for another response.
        let both = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        let outcome = try #require(try Self.parse(both))
        #expect(outcome.progress == .complete(reusable: false))
        #expect(outcome.body == "ok")
    }

    @Test func interimAnswersAreSkipped() throws {
        let text =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nRetry-After: 9\r\nContent-Length: 2\r\n\r\nno"
        let outcome = try #require(try Self.parse(text))
        #expect(outcome == Outcome(progress: .complete(reusable: true), status: 429, body: "no", retryAfter: "7", leftover: 0))
    }

    @Test func aBodyOverTheBoundEndsTheExchangeAndTheConnection() throws {
        let fixed = try #require(try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", limit: 4))
        #expect(fixed.progress == .complete(reusable: false))
        #expect(fixed.body == "0123")
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"
        let outcome = try #require(try Self.parse(chunked, limit: 4))
        #expect(outcome.progress == .complete(reusable: false))
        #expect(outcome.body == "abcd")
        // Exactly the bound is a whole body.
        #expect(
            try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n0123", limit: 4)?.progress == .complete(reusable: true))
    }

    @Test func bytesAfterTheResponseMakeTheConnectionUnusable() throws {
        let outcome = try #require(try Self.parse("HTTP/1.1 204 No\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(outcome.progress == .complete(reusable: false))
        #expect(outcome.leftover > 0)
    }

    @Test func brokenResponsesAreRefused() throws {
        let refused = [
            "HTTP/2 200 OK\r\n\r\n",
            "ICY 200 OK\r\n\r\n",
            "HTTP/1.1 20 OK\r\n\r\n",
            "HTTP/1.1 2000 OK\r\n\r\n",
            "HTTP/1.1 099 Low\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n",
        ]
        for text in refused {
            #expect(try Self.parse(text) == nil, "\(text.debugDescription)")
        }
        // Repeats that agree are one length.
        #expect(try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok")?.body == "ok")
    }

    @Test func aHeadOverItsBoundIsRefused() throws {
        let filler = String(repeating: "x", count: 1000)
        let many = (0..<70).map { "X-\($0): \(filler)\r\n" }.joined()
        var parser = ResponseParser(limit: 16)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n" + many + "\r\n")
        #expect(throws: OutboundError.self) { try parser.parse(&buffer) }
        // One endless line is refused before its end arrives.
        var endless = ResponseParser(limit: 16)
        var line = ByteBuffer(string: "HTTP/1.1 200 OK\r\nX: " + String(repeating: "y", count: 70_000))
        #expect(throws: OutboundError.self) { try endless.parse(&line) }
        #expect(endless.started)
    }
}

/// Endpoints are untrusted: mangled responses, cut into random pieces, never trap the parser, and the pieces never
/// change what it reads.
@Suite struct ResponseParserFuzzTests {
    /// SplitMix64: the same cases on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Reading: Equatable {
        var refused: Bool
        var complete: Bool
        var status = 0
        var body: [UInt8] = []
        var retryAfter: String?
    }

    static let seeds = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: t\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Slow\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.0 500 Oops\r\nConnection: keep-alive\r\n\r\nuntil the close",
    ].map { Array($0.utf8) }

    static func read(_ pieces: [[UInt8]], limit: Int) -> Reading {
        var parser = ResponseParser(limit: limit)
        do {
            for piece in pieces {
                var buffer = ByteBuffer(bytes: piece)
                if case .complete = try parser.parse(&buffer) {
                    return Reading(
                        refused: false, complete: true, status: parser.response.status, body: parser.response.body,
                        retryAfter: parser.response.retryAfter)
                }
            }
        } catch {
            return Reading(refused: true, complete: false)
        }
        return Reading(
            refused: false, complete: false, status: parser.response.status, body: parser.response.body,
            retryAfter: parser.response.retryAfter)
    }

    @Test func mangledResponsesReadTheSameInAnyPieces() {
        var random = Seeded(state: 2026)
        let alphabet = Array("\r\n:; \t0123456789aAfFzZ-,".utf8) + [0, 0xFF]
        var (refused, complete, incomplete) = (0, 0, 0)
        for round in 0..<3000 {
            var bytes = Self.seeds[round % Self.seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[at] = alphabet.randomElement(using: &random)!
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...6, using: &random)))
                default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 12)], at: at)
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "H")] }
            }
            var pieces: [[UInt8]] = []
            var rest = bytes[...]
            while !rest.isEmpty {
                let size = Int.random(in: 1...max(1, rest.count), using: &random)
                pieces.append(Array(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            let limit = Int.random(in: 0...8, using: &random)
            let whole = Self.read([bytes], limit: limit)
            let cut = Self.read(pieces, limit: limit)
            #expect(whole == cut, "round \(round): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if whole != cut { return }
            if whole.refused { refused += 1 } else if whole.complete { complete += 1 } else { incomplete += 1 }
        }
        // The mangling reaches every outcome, so the comparison above means something.
        #expect(refused > 200 && complete > 200 && incomplete > 100, "\(refused) \(complete) \(incomplete)")
    }
}
