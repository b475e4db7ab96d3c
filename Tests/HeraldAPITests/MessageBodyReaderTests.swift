import Foundation
import HeraldCore
import Testing

@testable import HeraldAPI

/// Message bodies are read without `JSONDecoder` when they have the common shape; the result, or the error, must
/// be exactly what the decoder gives.
@Suite struct MessageBodyReaderTests {
    static let bodies: [String] = [
        #"{"eventType":"user.created","payload":{"x":[1,{"y":"z]}"}],"s":"a\"b"}}"#,
        #"{"eventType":"a.b","payload":{},"eventId":"evt_1","channels":["eu","us"],"tags":[],"payloadRetentionPeriod":30}"#,
        #" { "payload" : { } , "eventType" : "a" , "eventId" : null , "channels" : null , "tags" : null } "#,
        #"{"eventType":"a","payload":{},"payloadRetentionHours":null,"payloadRetentionPeriod":null}"#,
        #"{"x":1.5e3,"y":[{"a":"]"}],"z":"}","eventType":"a","payload":{"k":"v"},"w":true,"v":null,"u":-0}"#,
        #"{"eventType":"caf\u00e9","payload":{}}"#,
        #"{"eventType":"café","payload":{},"tags":["naïve","\ud83c\udf89"]}"#,
        #"{"eventType":"a","payload":{},"payloadRetentionPeriod":1.0}"#,
        #"{"eventType":"a","payload":{},"payloadRetentionPeriod":1e1}"#,
        #"{"eventType":"a","payload":{},"payloadRetentionPeriod":99999999999999999999}"#,
        #"{"eventType":"a","payload":{},"payloadRetentionHours":-3}"#,
        #"{"eventType":"a","eventType":"b","payload":{}}"#,
        #"{"payload":{}}"#,
        #"{"eventType":"a"}"#,
        #"{"eventType":"a","payload":[]}"#,
        #"{"eventType":"a","payload":null}"#,
        #"{"eventType":7,"payload":{}}"#,
        #"{"eventType":null,"payload":{}}"#,
        #"{"eventType":"a","payload":{},"channels":["eu",1]}"#,
        #"{"eventType":"a","payload":{},"channels":"eu"}"#,
        #"{"eventType":"a","payload":{},"eventId":5}"#,
        #"{"eventType":"a","payload":{},"tags":[null]}"#,
        #"{}"#,
        #"[]"#,
        #""text""#,
    ]

    private static func outcome(_ read: () throws -> NewMessage) -> String {
        do {
            return "ok \(try read())"
        } catch {
            return "error \(error)"
        }
    }

    @Test(arguments: bodies) func theReaderAndTheDecoderAgree(_ body: String) {
        let bytes = Array(body.utf8)
        let direct = Self.outcome { try MessageIn.decode(bytes).newMessage(body: bytes) }
        let decoded = Self.outcome { try JSONCoding.decode(MessageIn.self, from: bytes).newMessage(body: bytes) }
        #expect(direct == decoded)
    }

    @Test func theCommonShapeIsReadWithoutTheDecoder() throws {
        let body = Array(Self.bodies[1].utf8)
        let fields = try #require(CommonShapeReader.read(body))
        #expect(fields.eventType == "a.b")
        #expect(fields.payload.map { Array(body[$0]) } == Array("{}".utf8))
        #expect(fields.channels == ["eu", "us"])
        #expect(fields.payloadRetentionPeriod == 30)
        // Escapes, numbers that are not plain integers, repeated members: left to the decoder.
        for index in [5, 7, 8, 9, 11] { #expect(CommonShapeReader.read(Array(Self.bodies[index].utf8)) == nil) }
    }

    @Test func textThatIsNotUTF8IsNotJSON() {
        let valid = Array(#"{"s":"é€𝄞"}"#.utf8)
        #expect(StrictJSON.scan(valid).error == nil)
        let broken: [[UInt8]] = [
            [0xFF], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xE2, 0x82], [0x80],
        ]
        for bytes in broken {
            let body = Array(#"{"payload":{"s":""#.utf8) + bytes + Array(#""}}"#.utf8)
            #expect(StrictJSON.scan(body).error != nil, "\(bytes)")
        }
    }

    /// Strings are scanned in runs of plain text: what ends a run (quote, escape, control character, non-ASCII byte,
    /// the end of the body) must be checked wherever it falls, first byte or last.
    @Test func whatEndsARunOfPlainTextIsCheckedWhereverItFalls() {
        let run = String(repeating: "abcdefgh", count: 40)
        for text in ["", run, "\\\"" + run, run + "\\n", run + "é" + run, "\\u0041" + run + "\\/"] {
            let body = Array("{\"eventType\":\"a\",\"payload\":{\"s\":\"\(text)\"}}".utf8)
            #expect(StrictJSON.scan(body).error == nil, "\(text)")
            let fields = CommonShapeReader.read(body)
            #expect(fields?.payload.map { Array(body[$0]) } == Array("{\"s\":\"\(text)\"}".utf8), "\(text)")
        }
        for text in [run + "\t", "\t" + run, run + "\\x", run + "\\u12", run + "\u{7F}\u{01}"] {
            let body = Array("{\"eventType\":\"a\",\"payload\":{\"s\":\"\(text)\"}}".utf8)
            #expect(StrictJSON.scan(body).error != nil, "\(text)")
        }
        for unterminated in ["{\"s\":\"" + run, "{\"s\":\"" + run + "\\", "{\"" + run] {
            #expect(StrictJSON.scan(Array(unterminated.utf8)).error != nil, "\(unterminated)")
        }
        // A name that escapes is left to the decoder; one that ends the body is no common shape.
        #expect(CommonShapeReader.read(Array("{\"eventType\":\"a\\u0041\",\"payload\":{}}".utf8)) == nil)
        #expect(CommonShapeReader.read(Array("{\"eventType\":\"\(run)".utf8)) == nil)
    }
}
