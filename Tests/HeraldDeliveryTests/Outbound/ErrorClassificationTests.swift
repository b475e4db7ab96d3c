import Glibc
import HeraldCore
import NIOCore
import NIOSSL
import Testing

@testable import HeraldDelivery

/// What the audit log records for each way an exchange can fail: by the error's type and errno, never its text.
@Suite struct ErrorClassificationTests {
    @Test func socketErrorsAreClassifiedByErrno() {
        #expect(Dispatcher.classify(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .connectRefused)
        #expect(Dispatcher.classify(IOError(errnoCode: ETIMEDOUT, reason: "connect")) == .timeout)
        #expect(Dispatcher.classify(IOError(errnoCode: ECONNRESET, reason: "read")) == .connectionReset)
        #expect(Dispatcher.classify(IOError(errnoCode: EPIPE, reason: "write")) == .connectionReset)
        // Unreachable is not refused: recorded as other, with the error's own description.
        #expect(Dispatcher.classify(IOError(errnoCode: EHOSTUNREACH, reason: "connect")) == .other)
    }

    @Test func channelClientAndTLSErrorsHaveTheirKinds() {
        #expect(Dispatcher.classify(ChannelError.connectTimeout(.seconds(1))) == .timeout)
        #expect(Dispatcher.classify(ChannelError.eof) == .connectionReset)
        #expect(Dispatcher.classify(OutboundError.timeout) == .timeout)
        #expect(Dispatcher.classify(OutboundError.connectionClosed) == .connectionReset)
        #expect(Dispatcher.classify(OutboundError.invalidResponse) == .invalidResponse)
        #expect(Dispatcher.classify(OutboundError.certificateNamesAnotherHost) == .tlsFailure)
        #expect(Dispatcher.classify(NIOSSLError.uncleanShutdown) == .tlsFailure)
    }

    @Test func anythingElseIsOtherWhateverItsTextSays() {
        struct Odd: Error, CustomStringConvertible {
            var description: String { "ECONNREFUSED timeout certificate" }
        }
        #expect(Dispatcher.classify(Odd()) == .other)
    }
}
