import Foundation
import HeraldCore
import Hummingbird

/// Typed access to a request's query parameters; a bad value is a 422 naming the parameter.
struct Query {
    private let parameters: Parameters

    /// Refuses a NUL character in any parameter: no stored text holds one (PostgreSQL cannot), so it could only fail.
    init(_ request: Request) throws {
        self.parameters = request.uri.queryParameters
        for (name, value) in parameters where value.contains("\u{0}") {
            throw ValidationError(["query", String(name)], "Must not contain the NUL character")
        }
    }

    func string(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let text = string(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw ValidationError(["query", name], "Expected true or false")
        }
    }

    func integer(_ name: String) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw ValidationError(["query", name], "Expected an integer") }
        return value
    }

    func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw ValidationError(["query", name], "Expected an ISO 8601 date-time")
        }
        return date
    }

    /// A comma-separated (or repeated) list.
    func list(_ name: String) -> [String]? {
        let values = parameters.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }
        return values.isEmpty ? nil : values
    }

    /// `limit`, `iterator` and `order` as a page request.
    func page(defaultOrder: PageRequest.Order) throws -> PageRequest {
        let limit = try limit()
        var order = defaultOrder
        if let text = string("order") {
            guard let parsed = PageRequest.Order(rawValue: text) else {
                throw ValidationError(["query", "order"], "Expected ascending or descending")
            }
            order = parsed
        }
        return PageRequest(limit: limit, iterator: string("iterator"), order: order)
    }

    /// `limit`: 1 to ``PageRequest/maximumLimit``, ``PageRequest/defaultLimit`` when absent.
    func limit() throws -> Int {
        let limit = try integer("limit") ?? PageRequest.defaultLimit
        guard (1...PageRequest.maximumLimit).contains(limit) else {
            throw ValidationError(["query", "limit"], "Must be between 1 and \(PageRequest.maximumLimit)")
        }
        return limit
    }

    /// One of the names of `T`'s cases.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type = T.self) throws -> T?
    where T.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(["query", name], "Expected one of \(names)")
        }
        return value
    }

    func status(_ name: String) throws -> DeliveryStatus? {
        guard let value = try integer(name) else { return nil }
        guard let status = DeliveryStatus(rawValue: value) else {
            throw ValidationError(["query", name], "Expected a message status from 0 to 4")
        }
        return status
    }
}

extension Request {
    /// A path parameter the route declares.
    func pathParameter(_ name: String, _ context: HeraldRequestContext) throws -> String {
        guard let value = context.parameters.get(name), !value.isEmpty else {
            throw APIError.notFound("Missing \(name)")
        }
        return value
    }
}
