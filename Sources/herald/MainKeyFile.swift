import Foundation
import HeraldCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// `<data-dir>/main.key`: the main key of an embedded install when `HERALD_MAIN_KEY` is not set, as base64 text.
///
/// Created on first start with 32 random bytes and mode 0600: written to a private temporary file, then hard-linked
/// into place, which fails if the file exists, so two processes starting at once never make two keys and never
/// read a half-written one. A key file readable by group or others, or with bad content, is refused.
struct MainKeyFile: Sendable {
    /// The file's name in the data directory (backups copy it by this name).
    static let name = "main.key"

    let path: String

    init(dataDirectory: String) {
        path = (dataDirectory as NSString).appendingPathComponent(Self.name)
    }

    /// The key in the file, made first if there is none; `created` tells whether this call made it.
    func loadOrCreate() throws -> (cipher: SecretCipher, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try load(), false) }
        let created = try create(base64Key: SecretCipher.makeBase64Key())
        return (try load(), created)
    }

    /// The key in the existing file, refusing loose permissions and anything but base64 of 32 bytes.
    func load() throws -> SecretCipher {
        var status = stat()
        guard stat(path, &status) == 0 else { throw CommandFailure("cannot read \(path): \(Self.lastError())") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw CommandFailure("\(path) is not a regular file") }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw CommandFailure(
                "\(path) is readable by group or others (mode \(String(permissions, radix: 8))); run chmod 600 on it")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try SecretCipher(base64Key: text)
        } catch {
            throw CommandFailure("\(path) does not hold a valid main key: \(error)")
        }
    }

    /// Removes the file (only after this process made it and found it useless).
    func remove() {
        unlink(path)
    }

    /// Writes `base64Key` to a private temporary file and links it into place; false when another process won.
    private func create(base64Key: String) throws -> Bool {
        let temporary = path + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CommandFailure("cannot create \(temporary): \(Self.lastError())") }
        defer { unlink(temporary) }
        let bytes = Array((base64Key + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            throw CommandFailure("cannot write \(temporary): \(Self.lastError())")
        }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw CommandFailure("cannot create \(path): \(Self.lastError())")
        }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return true
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
