import Foundation

/// Expands an input path as Hadoop's FileInputFormat does for Spark's `textFile`: paths
/// separated by commas (a comma inside `{…}` belongs to the pattern), each a file, a directory
/// (its visible files) or a glob pattern (`*`, `?`, `[…]`, `{a,b}`); files whose names start
/// with `_` or `.` are skipped, in directories and among a pattern's matches.
enum InputPaths {
    /// The input files of `spec`, in order: each path's files sorted by name.
    /// - Throws: `EngineError.inputNotFound` for a path that does not exist or a pattern that
    ///   matches no file; `.io` for a directory that cannot be listed.
    static func files(_ spec: String) throws(EngineError) -> [String] {
        let paths = split(spec)
        guard !paths.isEmpty else { throw .invalidArgument("an input path is empty: give a file, directory or glob pattern") }
        var out: [String] = []
        for p in paths {
            var matches: [String]
            if isPattern(p) {
                matches = glob(p).filter { !isHidden($0) }
                guard !matches.isEmpty else { throw .inputNotFound("\(p) (input pattern matches 0 files)") }
            } else {
                guard FileManager.default.fileExists(atPath: p) else { throw .inputNotFound(p) }
                matches = [p]
            }
            for m in matches {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: m, isDirectory: &isDir) else { throw .inputNotFound(m) }
                if isDir.boolValue {
                    guard let names = try? FileManager.default.contentsOfDirectory(atPath: m) else {
                        throw .io(path: m, reason: "cannot list the directory (check its permissions)")
                    }
                    for n in names.sorted() where !n.hasPrefix("_") && !n.hasPrefix(".") {
                        let full = (m as NSString).appendingPathComponent(n)
                        var sub: ObjCBool = false
                        if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { out.append(full) }
                    }
                } else {
                    out.append(m)
                }
            }
        }
        return out
    }

    /// `spec` cut at commas outside braces, as Hadoop's `FileInputFormat.getPathStrings`.
    static func split(_ spec: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in spec {
            switch c {
            case "{": depth += 1; current.append(c)
            case "}": depth = max(0, depth - 1); current.append(c)
            case "," where depth == 0:
                parts.append(current)
                current = ""
            default: current.append(c)
            }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func isPattern(_ path: String) -> Bool { path.contains { "*?[{".contains($0) } }

    private static func isHidden(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name.hasPrefix("_") || name.hasPrefix(".")
    }

    /// The paths matching `pattern`, sorted (none when nothing matches).
    private static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        #if canImport(Glibc)
        guard Glibc.glob(pattern, GLOB_BRACE, nil, &g) == 0 else { return [] }
        #else
        guard Darwin.glob(pattern, GLOB_BRACE, nil, &g) == 0 else { return [] }
        #endif
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }
}
