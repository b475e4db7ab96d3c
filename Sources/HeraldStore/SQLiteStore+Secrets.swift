import Foundation
import GRDB
import HeraldCore

/// Start-up checks of the sealed endpoint columns: the main key must open what is stored, and plaintext left by a
/// version before encryption is sealed once.
extension SQLiteStore {
    /// Opens one sealed endpoint row, so a wrong main key stops the start instead of failing every delivery later.
    static func checkMainKey(_ pool: DatabasePool, _ columns: SecretColumns) throws {
        let row = try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, secrets FROM endpoint WHERE secrets LIKE 'enc:%' LIMIT 1")
        }
        guard let row else { return }
        _ = try columns.openSecrets(row["secrets"], endpointID: row["id"])
    }

    /// Seals every endpoint column still holding plaintext JSON, in one transaction with `secure_delete` on (so the
    /// plaintext does not linger in free space of the pages), then truncates the write-ahead log that held them.
    static func sealPlaintextEndpointColumns(_ pool: DatabasePool, _ columns: SecretColumns) throws {
        let sealed = try pool.writeWithoutTransaction { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, secrets, headers FROM endpoint WHERE secrets NOT LIKE 'enc:%' OR headers NOT LIKE 'enc:%'"
            )
            guard !rows.isEmpty else { return 0 }
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            try db.inTransaction {
                for row in rows {
                    let id: String = row["id"]
                    var secrets: String = row["secrets"]
                    var headers: String = row["headers"]
                    if !SecretColumns.isSealed(secrets) {
                        secrets = try columns.sealLegacy(secrets, column: .secrets, endpointID: id)
                    }
                    if !SecretColumns.isSealed(headers) {
                        headers = try columns.sealLegacy(headers, column: .headers, endpointID: id)
                    }
                    try db.execute(
                        sql: "UPDATE endpoint SET secrets = ?, headers = ? WHERE id = ?",
                        arguments: [secrets, headers, id]
                    )
                }
                return .commit
            }
            return rows.count
        }
        guard sealed > 0 else { return }
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
