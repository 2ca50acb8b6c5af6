public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why the tests refuse a database: it is, or may be, on another machine.
///
/// The tests create and drop schemas; pointed at a shared server by a stray DATABASE_URL they
/// would do so there. The message names the host, never the whole conninfo (it may hold a password).
public struct NonLocalDatabase: Error, CustomStringConvertible {
    public let host: String
    public let reason: String

    public var description: String {
        "refusing to run the database tests against '\(host)': \(reason); the tests only use a local "
            + "server (a Unix socket, localhost, 127.0.0.0/8 or ::1), as scripts/test starts"
    }
}

extension TestDatabase {
    /// Throws unless every host `conninfo` may connect to is local: a Unix socket path, `localhost`,
    /// an address in 127.0.0.0/8, or `::1`.
    ///
    /// Reads URIs (`postgresql://user@host:port,host2/db?host=/socket`) and keyword/value strings
    /// (`host=... hostaddr=...`). Where the conninfo names no host, libpq takes PGHOST and
    /// PGHOSTADDR from `environment`, else the default Unix socket; a `service` without an explicit
    /// host is refused, because the service file may name any server.
    public static func requireLocal(
        _ conninfo: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        var parameters = try ConninfoHosts.parameters(of: conninfo)
        for key in ["host", "hostaddr"] where parameters[key] == nil {
            if let value = environment["PG" + key.uppercased()], !value.isEmpty { parameters[key] = value }
        }
        if parameters["host"] == nil, parameters["hostaddr"] == nil,
            let service = parameters["service"] ?? environment["PGSERVICE"], !service.isEmpty
        {
            throw NonLocalDatabase(host: "service \(service)", reason: "a service may name any host; give host= too")
        }
        for key in ["host", "hostaddr"] {
            for host in (parameters[key] ?? "").split(separator: ",", omittingEmptySubsequences: false) {
                let host = String(host).trimmingCharacters(in: .whitespaces)
                if !ConninfoHosts.isLocal(host) {
                    throw NonLocalDatabase(host: host, reason: "it is not this machine")
                }
            }
        }
    }
}

/// The host parameters of a libpq conninfo, read as libpq reads them.
enum ConninfoHosts {
    static func parameters(of conninfo: String) throws -> [String: String] {
        let trimmed = conninfo.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") {
            return uriParameters(trimmed)
        }
        return try keywordParameters(trimmed)
    }

    /// `scheme://[user[:password]@][host][:port][,...][/dbname][?param=value&...]`; query
    /// parameters override the authority, as in libpq.
    static func uriParameters(_ uri: String) -> [String: String] {
        let rest = uri[uri.range(of: "://")!.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var parameters: [String: String] = [:]
        let hosts = authority.split(separator: ",", omittingEmptySubsequences: false).map { part -> String in
            let host: Substring
            if part.hasPrefix("["), let close = part.firstIndex(of: "]") {
                host = part[part.index(after: part.startIndex)..<close]
            } else {
                host = part.prefix { $0 != ":" }
            }
            return String(host).removingPercentEncoding ?? String(host)
        }
        if hosts.contains(where: { !$0.isEmpty }) { parameters["host"] = hosts.joined(separator: ",") }
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? String(parts[1]) : ""
                parameters[key] = value.removingPercentEncoding ?? value
            }
        }
        return parameters
    }

    /// `key = value` pairs separated by spaces; a value may be single-quoted with `\'` and `\\`.
    static func keywordParameters(_ text: String) throws -> [String: String] {
        var parameters: [String: String] = [:]
        var characters = Array(text)[...]
        func skipSpaces() { while characters.first?.isWhitespace == true { characters.removeFirst() } }
        while true {
            skipSpaces()
            guard !characters.isEmpty else { return parameters }
            let key = String(characters.prefix { $0 != "=" && !$0.isWhitespace })
            characters.removeFirst(key.count)
            skipSpaces()
            guard characters.first == "=" else {
                throw NonLocalDatabase(host: "?", reason: "the conninfo cannot be read (missing '=' after \(key))")
            }
            characters.removeFirst()
            skipSpaces()
            var value = ""
            if characters.first == "'" {
                characters.removeFirst()
                while let character = characters.popFirst(), character != "'" {
                    value.append(character == "\\" ? (characters.popFirst() ?? character) : character)
                }
            } else {
                while let character = characters.first, !character.isWhitespace {
                    characters.removeFirst()
                    value.append(character == "\\" ? (characters.popFirst() ?? character) : character)
                }
            }
            parameters[key] = value
        }
    }

    /// A Unix socket directory (an absolute path, or `@` for Linux's abstract namespace), the
    /// empty host (libpq's default socket), `localhost`, 127.0.0.0/8 or ::1.
    static func isLocal(_ host: String) -> Bool {
        if host.isEmpty || host.hasPrefix("/") || host.hasPrefix("@") { return true }
        if host.lowercased() == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) { return octets[0] == "127" }
        var address = in6_addr()
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard inet_pton(AF_INET6, bare, &address) == 1 else { return false }
        return withUnsafeBytes(of: &address) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
    }
}
