/// Known-good signatures, each computed outside this module.
enum Vectors {
    /// The example published with the Standard Webhooks specification (and the Svix libraries' tests).
    enum Published {
        static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        static let messageID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
        static let timestamp: Int64 = 1_614_265_330
        static let payload = Array(#"{"test": 2432232314}"#.utf8)
        static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    }

    /// Computed with CPython 3.11's standard library:
    ///
    ///     import base64, hashlib, hmac
    ///     key = bytes(range(1, 33))
    ///     body = '{"type":"invoice.paid","data":{"amount":4200,"currency":"EUR","note":"café"}}'
    ///     content = b"msg_2Lh9KRb0pzN4LePd3XcVaq.1700000000." + body.encode()
    ///     print("whsec_" + base64.b64encode(key).decode())
    ///     print("v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode())
    enum PythonHMAC {
        static let secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
        static let unpaddedSecret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"
        static let messageID = "msg_2Lh9KRb0pzN4LePd3XcVaq"
        static let timestamp: Int64 = 1_700_000_000
        static let payload = Array(
            #"{"type":"invoice.paid","data":{"amount":4200,"currency":"EUR","note":"café"}}"#.utf8)
        static let signature = "v1,TXek9pY621e+uXHRpuveBxwLjwYkV1fE8Z9nbWQoXRo="
    }

    /// Computed with the Python `cryptography` package (48.0.0); Ed25519 signatures are deterministic:
    ///
    ///     import base64
    ///     from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    ///     from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    ///     seed = bytes(range(100, 132))
    ///     key = Ed25519PrivateKey.from_private_bytes(seed)
    ///     public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ///     print("whsk_" + base64.b64encode(seed).decode())
    ///     print("whpk_" + base64.b64encode(public).decode())
    ///     print("whsk_" + base64.b64encode(seed + public).decode())
    ///     content = b"msg_2Lh9KRb0pzN4LePd3XcVaq.1700000000." + b'{"type":"invoice.paid"}'
    ///     print("v1a," + base64.b64encode(key.sign(content)).decode())
    enum PythonEd25519 {
        static let signingKey = "whsk_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="
        static let publicKey = "whpk_C7w0aldmfDgBIL2cf9flHSxf3+o3zS9b9AWyxr9vLXg="
        static let signingKeyWithPublicKey =
            "whsk_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoMLvDRqV2Z8OAEgvZx/1+UdLF/f6jfNL1v0BbLGv28teA=="
        static let messageID = "msg_2Lh9KRb0pzN4LePd3XcVaq"
        static let timestamp: Int64 = 1_700_000_000
        static let payload = Array(#"{"type":"invoice.paid"}"#.utf8)
        static let signature =
            "v1a,N3zesOZE7X6pC33aVpoBL03/7Y9FptWCA3FFQvL1caYZKpm3C31O5yzJURuXbRX/oGGdnoO6OoCQysDTjUKnAg=="
    }
}
